/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ipcscope sockets`: every unix domain socket a process holds, from a BPF
 * task_file iterator (bpf/sockets_iter.bpf.c), and who sleeps on it from
 * the kernel module's debugfs file when the module is loaded.
 */
#ifndef IPCSCOPE_SOCKETS_VERB_H
#define IPCSCOPE_SOCKETS_VERB_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"
#include "output.h"

struct sockets_opts {
	enum ipcs_format format;
	uint32_t pid;		/* 0: any */
	uint64_t ino;		/* 0: any */
	const char *btf_path;
	bool verbose;
};

#define SOCKETS_DEBUGFS_FILE "/sys/kernel/debug/ipcscope/sockets"

/* A task asleep on a socket, from the module's sockets file (v1). */
struct sock_sleeper {
	uint64_t ino;
	uint32_t pid, tid;
	char queue[12];		/* sk_wait or peer_wait */
	char how[12];		/* recv, send, accept, connect, wait, ... */
	char syscall[24];	/* its system call, "-" unknown */
	char func[48];		/* the wait entry's wake function */
	char comm[17];
};

struct sock_sleepers {
	struct sock_sleeper *v;
	size_t n, cap;
};

/*
 * Append the sleepers of one record line of the debugfs "sockets" file to
 * @out: 0, or -1 when the line is not a record.
 */
int sockets_parse_debugfs_line(const char *line, struct sock_sleepers *out);

int sockets_parse_args(int argc, char **argv, struct sockets_opts *opts,
		       struct ipcs_error *err);
int sockets_run(const struct sockets_opts *opts, struct ipcs_error *err);

#endif /* IPCSCOPE_SOCKETS_VERB_H */
