/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPCSCOPE_TRACE_H
#define IPCSCOPE_TRACE_H

#include "error.h"
#include "output.h"
#include "probe.h"

struct trace_opts {
	struct trace_config cfg;
	enum ipcs_format format;
	double duration_s;		/* 0: until stopped */
	unsigned long long max_events;	/* 0: no limit */
	double interval_s;		/* --summary -i: 0, only at the end */
};

/* Parse `ipcscope trace` arguments (argv[0] is the verb).  Bad values are
 * returned in err with IPCS_EXIT_USAGE; unknown options make argp print one
 * line and exit with status 2. */
int trace_parse_args(int argc, char **argv, struct trace_opts *opts,
		     struct ipcs_error *err);

int trace_run(const struct trace_opts *opts, struct ipcs_error *err);

/* Common checks before any BPF work: privilege. */
int ipcs_check_privilege(struct ipcs_error *err);

#endif /* IPCSCOPE_TRACE_H */
