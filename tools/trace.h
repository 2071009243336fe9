/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPCSCOPE_TRACE_H
#define IPCSCOPE_TRACE_H

#include <argp.h>
#include "error.h"
#include "family.h"
#include "output.h"
#include "peers.h"
#include "probe.h"

struct trace_opts {
	struct trace_config cfg;
	enum ipcs_format format;
	double duration_s;		/* 0: until stopped */
	unsigned long long max_events;	/* 0: no limit */
	double interval_s;		/* --summary -i: 0, only at the end */
	unsigned int max_delay_ms;	/* --max-delay: longest wait for an event */
	struct ipcs_graph *graph;	/* `graph`: fold events, print at end */
	bool graph_dot;			/* ... as DOT, not JSON */
};

/* Parse `ipcscope trace` arguments (argv[0] is the verb).  Bad values are
 * returned in err with IPCS_EXIT_USAGE; unknown options make argp print one
 * line and exit with status 2. */
int trace_parse_args(int argc, char **argv, struct trace_opts *opts,
		     struct ipcs_error *err);

int trace_run(const struct trace_opts *opts, struct ipcs_error *err);

/* Common checks before any BPF work: privilege. */
int ipcs_check_privilege(struct ipcs_error *err);

/*
 * The family and filter options (-t, -p, -c, --ino, --sig, --probe, --btf,
 * -v) of every verb that attaches the probes: an argp child.  Its input
 * (state->child_inputs[i], set by the parent at ARGP_KEY_INIT) is a
 * struct ipcs_filter_input that ipcs_filter_init() prepared; once parsed,
 * ipcs_filter_check() settles what depends on several options.
 */
struct ipcs_filter_input {
	struct trace_config *cfg;
	struct ipcs_error *err;
	bool types_given;		/* -t was on the command line */
};

extern const struct argp ipcs_filter_argp;
void ipcs_filter_init(struct ipcs_filter_input *in, struct trace_config *cfg,
		      struct ipcs_error *err);
int ipcs_filter_check(const struct ipcs_filter_input *in);

/* Every family of cfg->families attached, each in its tier, sharing one
 * ring buffer, loss counter and summary map. */
struct ipcs_session {
	struct kernel_info ki;
	struct family_probe probes[8];
	int nprobes;
	struct shared_maps shared;
	struct ipcs_peers peers;	/* --peers: the sched_waking probe */
};

/* Check privilege, open the kernel's BTF, attach every family asked for
 * (--probe's tier, or auto's first that works).  On failure, what was
 * attached stays for ipcs_session_close(). */
int ipcs_session_attach(struct ipcs_session *s,
			const struct trace_config *cfg, struct ipcs_error *err);
/* Give back the parsed BTF, which attaching needed and running does not. */
void ipcs_session_release_btf(struct ipcs_session *s);
void ipcs_session_close(struct ipcs_session *s);

/* "ipcscope: DOING pipe reads and writes with ...; pid ...; TAIL" on
 * stderr: the line scripts wait for. */
void ipcs_print_attached(const char *doing, const struct trace_config *cfg,
			 const struct family_probe *probes, int n,
			 const char *tail);

/* Operations the kernel could not record (ring full, summary map full). */
__u64 ipcs_read_lost(int fd);

#endif /* IPCSCOPE_TRACE_H */
