/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ipcscope pipes`: the state of every open pipe and FIFO, from the kernel
 * module's debugfs files or from a BPF iterator.  Both sources fill the
 * same records; what a source cannot see stays absent (have_waiters).
 */
#ifndef IPCSCOPE_PIPES_VERB_H
#define IPCSCOPE_PIPES_VERB_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"
#include "output.h"

#define PIPES_DEBUGFS_FILE "/sys/kernel/debug/ipcscope/pipes"

struct pipe_holder {
	uint32_t pid;
	uint32_t fd;
	char mode[4];		/* "r", "w", "rw" */
	char comm[64];
};

struct pipe_waiter {
	uint32_t tid;
	char how[16];		/* read, write, wait, poll, epoll, other */
};

struct pipe_state {
	uint64_t id;		/* grouping key of the source */
	uint64_t ino;
	uint32_t dev_major, dev_minor;
	bool fifo;
	uint32_t capacity;	/* bytes: max_usage pages */
	uint32_t slots;		/* max_usage */
	uint32_t ring_size;
	uint32_t head, tail;
	uint64_t buffered;
	bool buffered_partial;
	uint32_t readers, writers, files, r_counter, w_counter;
	bool have_waiters;	/* the source saw the wait queues (debugfs) */
	bool busy;		/* debugfs: read without pipe->mutex */
	struct pipe_waiter *rd_wait, *wr_wait;
	int n_rd_wait, n_wr_wait;
	struct pipe_holder *holders;
	int nholders;
};

struct pipe_list {
	struct pipe_state *v;
	int n;
	const char *source;	/* "debugfs" or "bpf" */
};

enum pipes_source {
	PIPES_SRC_AUTO,
	PIPES_SRC_DEBUGFS,
	PIPES_SRC_BPF,
};

struct pipes_opts {
	enum ipcs_format format;
	enum pipes_source source;
	uint32_t pid;		/* 0: any */
	uint64_t ino;		/* 0: any */
	const char *btf_path;
	bool verbose;
};

int pipes_parse_args(int argc, char **argv, struct pipes_opts *opts,
		     struct ipcs_error *err);
int pipes_run(const struct pipes_opts *opts, struct ipcs_error *err);

/* Sources. */
int pipes_from_debugfs(struct pipe_list *list, const char *path,
		       struct ipcs_error *err);
int pipes_from_bpf(struct pipe_list *list, const struct pipes_opts *opts,
		   struct ipcs_error *err);

/* Parse one record line of the debugfs "pipes" file (v1 or v2). */
int pipes_parse_debugfs_line(const char *line, struct pipe_state *p);

/* The pipe of @list with this id, added when new. */
struct pipe_state *pipe_list_get(struct pipe_list *list, uint64_t id);
int pipe_add_holder(struct pipe_state *p, const struct pipe_holder *h);
void pipe_list_free(struct pipe_list *list);

void pipes_print(struct ipcs_output *o, const struct pipe_list *list,
		 const struct pipes_opts *opts);

#endif /* IPCSCOPE_PIPES_VERB_H */
