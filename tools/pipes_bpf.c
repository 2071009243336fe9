// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF view of every open pipe: run bpf/pipes_iter.bpf.c once and group
 * its per-descriptor records by pipe.  Works without the kernel module;
 * the wait queues are not seen (see the BPF program).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "ipcscope.h"
#include "ipcscope_pipes.h"
#include "pipes.h"
#include "probe.h"
#include "trace.h"
#include "pipes_iter.skel.h"

static int add_record(struct pipe_list *list,
		      const struct ipcscope_pipe_holder *r)
{
	struct pipe_holder h = { .pid = r->pid, .fd = r->fd };
	struct pipe_state *p = pipe_list_get(list, r->pipe_id);

	if (!p)
		return -1;
	/* the first holder seen fills the pipe's state */
	if (!p->nholders) {
		p->ino = r->ino;
		p->dev_major = r->dev >> 20;
		p->dev_minor = r->dev & 0xfffff;
		p->fifo = r->kind == IPCSCOPE_PIPE_FIFO;
		p->slots = r->max_usage;
		p->capacity = r->max_usage * 4096;
		p->ring_size = r->ring_size;
		p->head = r->head;
		p->tail = r->tail;
		p->buffered = r->buffered;
		p->buffered_partial = r->buffered_partial;
		p->readers = r->readers;
		p->writers = r->writers;
		p->files = r->files;
		p->r_counter = r->r_counter;
		p->w_counter = r->w_counter;
	}
	snprintf(h.mode, sizeof(h.mode), "%s%s", r->f_mode & 1 ? "r" : "",
		 r->f_mode & 2 ? "w" : "");
	snprintf(h.comm, sizeof(h.comm), "%.*s", (int)sizeof(r->comm),
		 r->comm);
	return pipe_add_holder(p, &h);
}

int pipes_from_bpf(struct pipe_list *list, const struct pipes_opts *opts,
		   struct ipcs_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts,
		    .btf_custom_path = opts->btf_path);
	struct ipcscope_pipe_holder rec;
	struct pipes_iter_bpf *skel;
	struct kernel_info ki = {};
	struct bpf_link *link = NULL;
	size_t have = 0;
	int iter_fd = -1, ret = -1;
	ssize_t n;

	list->source = "bpf";
	ipcs_libbpf_logging(opts->verbose);
	if (ipcs_check_privilege(err) ||
	    kernel_info_open(&ki, opts->btf_path, err))
		return -1;
	kernel_info_close(&ki);
	skel = pipes_iter_bpf__open_opts(&oopts);
	if (!skel)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "bpf: opening the pipe iterator failed: %s",
				 strerror(errno));
	ret = pipes_iter_bpf__load(skel);
	if (ret) {
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "bpf: loading the pipe iterator failed: %s",
			  ipcs_strerr(ret));
		ret = -1;
		goto out;
	}
	ret = -1;
	link = bpf_program__attach_iter(skel->progs.dump_pipe_holders, NULL);
	if (!link) {
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "bpf: attaching the task_file iterator failed: %s",
			  strerror(errno));
		goto out;
	}
	iter_fd = bpf_iter_create(bpf_link__fd(link));
	if (iter_fd < 0) {
		ipcs_fail(err, IPCS_EXIT_FAIL,
			  "bpf: creating the iterator failed: %s",
			  strerror(errno));
		goto out;
	}
	/* records never straddle reads but a short read is still handled */
	while ((n = read(iter_fd, (char *)&rec + have, sizeof(rec) - have)) > 0) {
		have += n;
		if (have < sizeof(rec))
			continue;
		have = 0;
		if (add_record(list, &rec)) {
			ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
			goto out;
		}
	}
	if (n < 0) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "bpf: reading the iterator: %s",
			  strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (iter_fd >= 0)
		close(iter_fd);
	bpf_link__destroy(link);
	pipes_iter_bpf__destroy(skel);
	return ret;
}
