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
#ifndef IPCS_NO_EXPORTER
#include "exporter.h"
#endif
#include "pipes.h"
#include "sockets.h"
#include "shm_state.h"
#include "top.h"
#include "sysv_state.h"
#include "probe_features.h"
#include "trace.h"
#include "graph.h"

#ifndef IPCSCOPE_VERSION
#define IPCSCOPE_VERSION "0.1"
#endif

const char *argp_program_version = "ipcscope " IPCSCOPE_VERSION;
const char *argp_program_bug_address = NULL;

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

#ifndef IPCS_NO_EXPORTER
static int cmd_exporter(int argc, char **argv)
{
	struct ipcs_error err = {};
	struct exporter_opts opts;

	argv[0] = "ipcscope exporter";
	if (exporter_parse_args(argc, argv, &opts, &err) ||
	    exporter_run(&opts, &err))
		return report(&err);
	return 0;
}
#else
/* The static collector of the test VMs links no libmicrohttpd (Debian's
 * does not link statically: gnutls). */
static int cmd_exporter(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "ipcscope: exporter: not built into this static collector (libmicrohttpd does not link statically); use the dynamically linked ipcscope\n");
	return IPCS_EXIT_FAIL;
}
#endif

static int cmd_sockets(int argc, char **argv)
{
	struct ipcs_error err = {};
	struct sockets_opts opts;

	argv[0] = "ipcscope sockets";
	if (sockets_parse_args(argc, argv, &opts, &err) ||
	    sockets_run(&opts, &err))
		return report(&err);
	return 0;
}

static int cmd_shm(int argc, char **argv)
{
	struct ipcs_error err = {};
	struct shm_opts opts;

	argv[0] = "ipcscope shm";
	if (shm_parse_args(argc, argv, &opts, &err) || shm_run(&opts, &err))
		return report(&err);
	return 0;
}

static int cmd_top(int argc, char **argv)
{
	struct ipcs_error err = {};
	struct top_opts opts;

	argv[0] = "ipcscope top";
	if (top_parse_args(argc, argv, &opts, &err) || top_run(&opts, &err))
		return report(&err);
	return 0;
}

static int cmd_sysv(int argc, char **argv)
{
	struct ipcs_error err = {};
	struct sysv_opts opts;

	argv[0] = "ipcscope sysv";
	if (sysv_parse_args(argc, argv, &opts, &err) || sysv_run(&opts, &err))
		return report(&err);
	return 0;
}

static int cmd_graph(int argc, char **argv)
{
	struct ipcs_error err = {};
	struct trace_opts opts;
	int ret = 0;

	argv[0] = "ipcscope graph";
	if (graph_parse_args(argc, argv, &opts, &err) ||
	    trace_run(&opts, &err))
		ret = report(&err);
	graph_free(opts.graph);
	return ret;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("%s (event ABI %d)\n", argp_program_version,
	       IPCSCOPE_ABI_VERSION);
	return 0;
}

static int cmd_help(int argc, char **argv);

/* The verbs, bpftool style: a name, its handler, one line of help. */
static const struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} verbs[] = {
	{ "trace", cmd_trace,
	  "stream IPC events of every family as they happen" },
	{ "top", cmd_top,
	  "live table of who does how much IPC on which object" },
	{ "graph", cmd_graph,
	  "trace a while, then print who talks to whom (JSON or DOT)" },
	{ "pipes", cmd_pipes,
	  "every open pipe and FIFO: ring, holders, waiters" },
	{ "exporter", cmd_exporter,
	  "serve the in-kernel summary as Prometheus metrics" },
	{ "sockets", cmd_sockets,
	  "every held unix socket: state, peer, holders, queue" },
	{ "shm", cmd_shm,
	  "every shared memory segment and the processes that map it" },
	{ "sysv", cmd_sysv,
	  "every SysV semaphore set and message queue, and who sleeps on it" },
	{ "features", cmd_features,
	  "which probe tiers and hooks this kernel offers, and why" },
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, NULL },
	{ "--help", cmd_help, NULL },
	{ "-h", cmd_help, NULL },
	{ "--version", cmd_version, NULL },
	{ "-V", cmd_version, NULL },
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static void usage(FILE *out)
{
	unsigned int i;

	fputs("Usage: ipcscope VERB [OPTIONS]\n\nVerbs:\n", out);
	for (i = 0; i < NVERBS; i++)
		if (verbs[i].help)
			fprintf(out, "  %-10s %s\n", verbs[i].name,
				verbs[i].help);
	fputs("\n`ipcscope VERB --help` describes each verb.  See ipcscope(8).\n",
	      out);
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int i;

	argp_err_exit_status = IPCS_EXIT_USAGE;

	if (argc < 2) {
		usage(stderr);
		return IPCS_EXIT_USAGE;
	}
	for (i = 0; i < NVERBS; i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "ipcscope: unknown verb '%s' (try:", argv[1]);
	for (i = 0; i < NVERBS; i++)
		if (verbs[i].help)
			fprintf(stderr, "%s %s", i ? "," : "", verbs[i].name);
	fputs(")\n", stderr);
	return IPCS_EXIT_USAGE;
}
