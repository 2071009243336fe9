/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ipcscope sockets`: every unix domain socket a process holds, from a BPF
 * task_file iterator (bpf/sockets_iter.bpf.c).
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

int sockets_parse_args(int argc, char **argv, struct sockets_opts *opts,
		       struct ipcs_error *err);
int sockets_run(const struct sockets_opts *opts, struct ipcs_error *err);

#endif /* IPCSCOPE_SOCKETS_VERB_H */
