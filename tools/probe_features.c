// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope features: which probe tiers work on this kernel and why not,
 * found the way `trace` finds them, by loading and attaching each one.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "cli.h"
#include "probe_features.h"
#include "family.h"
#include "trace.h"

static const struct argp_option features_options[] = {
	{ "format", 'f', "FMT", 0, "Output format: text (default) or json", 0 },
	{ "btf", 0x100, "FILE", 0,
	  "Kernel BTF to use instead of /sys/kernel/btf/vmlinux", 0 },
	{ "verbose", 'v', NULL, 0, "libbpf warnings", 0 },
	{ 0 }
};

struct fparse {
	struct features_opts *opts;
	struct ipcs_error *err;
};

static error_t features_parser(int key, char *arg, struct argp_state *state)
{
	struct fparse *fp = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		ipcs_argp_one_line_errors(state);
		return 0;
	case 'f':
		if (!strcmp(arg, "json"))
			fp->opts->format = IPCS_FMT_JSON;
		else if (!strcmp(arg, "text"))
			fp->opts->format = IPCS_FMT_TEXT;
		else {
			ipcs_fail(fp->err, IPCS_EXIT_USAGE,
				  "unknown format '%s': want text or json", arg);
			return EINVAL;
		}
		return 0;
	case 0x100:
		fp->opts->btf_path = arg;
		return 0;
	case 'v':
		fp->opts->verbose = true;
		return 0;
	case ARGP_KEY_ARG:
		ipcs_fail(fp->err, IPCS_EXIT_USAGE, "unexpected argument '%s'",
			  arg);
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}

int features_parse_args(int argc, char **argv, struct features_opts *opts,
			struct ipcs_error *err)
{
	static const struct argp argp = {
		.options = features_options,
		.parser = features_parser,
		.doc = "Report which probe tiers this kernel offers, by loading "
		       "and attaching each, and why a tier is unavailable.",
	};
	struct fparse fp = { .opts = opts, .err = err };

	memset(opts, 0, sizeof(*opts));
	if (argp_parse(&argp, argc, argv, 0, NULL, &fp)) {
		if (!err->msg[0])
			ipcs_fail(err, IPCS_EXIT_USAGE, "invalid arguments");
		return -1;
	}
	return 0;
}

static const char *pipe_layout(const struct kernel_info *ki)
{
	const struct btf_type *t;
	const struct btf_member *m;
	int id, i;

	id = btf__find_by_name_kind(ki->btf, "pipe_inode_info",
				    BTF_KIND_STRUCT);
	if (id <= 0)
		return "unknown";
	t = btf__type_by_id(ki->btf, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(ki->btf, m->name_off);

		if (name && !strcmp(name, "head"))
			return "head/tail";
		/* head_tail lives in an anonymous union */
		if (name && !*name)
			return "head_tail";
	}
	return "unknown";
}

/* Try every tier of one family; report each, and the tier auto picks. */
static void report_family(const struct ipcs_family *family,
			  const struct kernel_info *ki,
			  const struct trace_config *cfg, bool json)
{
	static const enum ipcscope_tier tiers[] = {
		IPCSCOPE_TIER_FENTRY, IPCSCOPE_TIER_KPROBE,
		IPCSCOPE_TIER_TRACEPOINT,
	};
	const char *best = NULL;
	unsigned int i;

	if (json)
		printf("\"%s\":{", family->name);
	for (i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++) {
		const char *tname = ipcs_tier_name(tiers[i]);
		struct ipcs_error err = {};
		struct family_probe probe;
		bool ok = !family_probe_attach(&probe, family, ki, cfg,
					       tiers[i], NULL, &err);
		const char *what = ok ? probe.desc : err.msg;
		size_t tlen = strlen(tname);

		/* the reason starts with the tier's name: said already */
		if (!ok && !strncmp(what, tname, tlen) && what[tlen] == ':')
			what += tlen + 2;
		if (ok && !best)
			best = tname;
		if (json) {
			printf("\"%s\":{\"available\":%s,\"%s\":", tname,
			       ok ? "true" : "false", ok ? "probes" : "reason");
			ipcs_json_string(stdout, what, 1024);
			printf("},");
		} else {
			printf("%-7s %-11s %s: %s\n", family->name, tname,
			       ok ? "yes" : "no", what);
		}
		if (ok)
			family_probe_destroy(&probe);
	}
	if (json)
		printf("\"auto\":\"%s\"}", best ? best : "none");
	else
		printf("%-7s %-11s %s\n", family->name, "auto",
		       best ? best : "none");
}

int features_run(const struct features_opts *opts, struct ipcs_error *err)
{
	struct trace_config cfg = { .btf_path = opts->btf_path,
				    .verbose = opts->verbose };
	struct kernel_info ki = {};
	struct utsname uts;
	bool json = opts->format == IPCS_FMT_JSON;
	unsigned int f;

	ipcs_libbpf_logging(opts->verbose);
	if (ipcs_check_privilege(err) ||
	    kernel_info_open(&ki, opts->btf_path, err))
		return -1;
	uname(&uts);
	if (json) {
		printf("{\"kernel\":");
		ipcs_json_string(stdout, uts.release, sizeof(uts.release));
		printf(",\"btf\":");
		ipcs_json_string(stdout, ki.btf_path, 4096);
		printf(",\"pipe_layout\":\"%s\",\"families\":{",
		       pipe_layout(&ki));
	} else {
		printf("kernel  %s\nbtf     %s\npipes   %s layout\n",
		       uts.release, ki.btf_path, pipe_layout(&ki));
	}
	for (f = 0; f < ipcs_nfamilies; f++) {
		if (json && f)
			printf(",");
		report_family(ipcs_families[f], &ki, &cfg, json);
	}
	if (json)
		printf("}}\n");
	kernel_info_close(&ki);
	return 0;
}
