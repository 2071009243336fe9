// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope: see inter-process communication on a live Linux system.
 *
 * Verbs, bpftool style: `ipcscope trace ...`, `ipcscope features`.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "pipes.h"
#include "probe_features.h"
#include "trace.h"

#ifndef IPCSCOPE_VERSION
#define IPCSCOPE_VERSION "0.1"
#endif

const char *argp_program_version = "ipcscope " IPCSCOPE_VERSION;
const char *argp_program_bug_address = NULL;

static const char usage[] =
"Usage: ipcscope VERB [OPTIONS]\n"
"\n"
"Verbs:\n"
"  trace      stream pipe reads and writes as they happen\n"
"  pipes      every open pipe and FIFO: ring, holders, waiters\n"
"  features   which probe tiers this kernel offers, and why\n"
"  version    print the version\n"
"\n"
"`ipcscope VERB --help` describes each verb.  See ipcscope(8).\n";

static int report(const struct ipcs_error *err)
{
	if (err->msg[0])
		fprintf(stderr, "ipcscope: %s\n", err->msg);
	return err->status ? err->status : IPCS_EXIT_FAIL;
}

static int cmd_trace(int argc, char **argv)
{
	struct ipcs_error err = {};
	struct trace_opts opts;

	argv[0] = "ipcscope trace";
	if (trace_parse_args(argc, argv, &opts, &err) ||
	    trace_run(&opts, &err))
		return report(&err);
	return 0;
}

static int cmd_features(int argc, char **argv)
{
	struct ipcs_error err = {};
	struct features_opts opts;

	argv[0] = "ipcscope features";
	if (features_parse_args(argc, argv, &opts, &err) ||
	    features_run(&opts, &err))
		return report(&err);
	return 0;
}

static int cmd_pipes(int argc, char **argv)
{
	struct ipcs_error err = {};
	struct pipes_opts opts;

	argv[0] = "ipcscope pipes";
	if (pipes_parse_args(argc, argv, &opts, &err) ||
	    pipes_run(&opts, &err))
		return report(&err);
	return 0;
}

int main(int argc, char **argv)
{
	argp_err_exit_status = IPCS_EXIT_USAGE;

	if (argc < 2) {
		fputs(usage, stderr);
		return IPCS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "trace"))
		return cmd_trace(argc - 1, argv + 1);
	if (!strcmp(argv[1], "pipes"))
		return cmd_pipes(argc - 1, argv + 1);
	if (!strcmp(argv[1], "features"))
		return cmd_features(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version") ||
	    !strcmp(argv[1], "-V")) {
		printf("%s (event ABI %d)\n", argp_program_version,
		       IPCSCOPE_ABI_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	fprintf(stderr, "ipcscope: unknown verb '%s' (try: trace, pipes, features, version)\n",
		argv[1]);
	return IPCS_EXIT_USAGE;
}
