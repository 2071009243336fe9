/* SPDX-License-Identifier: GPL-2.0 */
/* Loading and attaching the pipe programs (bpf/pipe.bpf.c) in one tier. */
#ifndef IPCSCOPE_PIPE_PROBE_H
#define IPCSCOPE_PIPE_PROBE_H

#include "probe.h"

struct pipe_bpf;

struct pipe_probe {
	struct pipe_bpf *skel;
	struct link_set links;
	enum ipcscope_tier tier;
	char desc[256];		/* what is attached, for the user */
};

/* Load and attach the pipe programs of @tier; fills err on failure. */
int pipe_probe_attach(struct pipe_probe *p, const struct kernel_info *ki,
		      const struct trace_config *cfg, enum ipcscope_tier tier,
		      struct ipcs_error *err);
void pipe_probe_destroy(struct pipe_probe *p);

int pipe_probe_ringbuf_fd(const struct pipe_probe *p);
int pipe_probe_lost_fd(const struct pipe_probe *p);

#endif /* IPCSCOPE_PIPE_PROBE_H */
