/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPCSCOPE_PROBE_FEATURES_H
#define IPCSCOPE_PROBE_FEATURES_H

#include "error.h"
#include "output.h"
#include "probe.h"

struct features_opts {
	enum ipcs_format format;
	const char *btf_path;
	bool verbose;
	bool events;		/* --events: list the registry, nothing else */
};

int features_parse_args(int argc, char **argv, struct features_opts *opts,
			struct ipcs_error *err);
int features_run(const struct features_opts *opts, struct ipcs_error *err);

#endif /* IPCSCOPE_PROBE_FEATURES_H */
