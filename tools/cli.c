// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "cli.h"

void ipcs_argp_one_line_errors(struct argp_state *state)
{
	static FILE *devnull;

	if (!devnull)
		devnull = fopen("/dev/null", "we");
	if (devnull)
		state->err_stream = devnull;
}

static int print_warnings(enum libbpf_print_level level, const char *fmt,
			  va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

static int print_nothing(enum libbpf_print_level level, const char *fmt,
			 va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

void ipcs_libbpf_logging(bool verbose)
{
	libbpf_set_print(verbose ? print_warnings : print_nothing);
}

int ipcs_argp_parse(const struct argp *argp, int argc, char **argv,
		    void *input, struct ipcs_error *err)
{
	if (!argp_parse(argp, argc, argv, 0, NULL, input))
		return 0;
	if (!err->msg[0])
		ipcs_fail(err, IPCS_EXIT_USAGE, "invalid arguments");
	return -1;
}

int ipcs_parse_format(const char *arg, enum ipcs_format *out)
{
	if (!strcmp(arg, "json"))
		*out = IPCS_FMT_JSON;
	else if (!strcmp(arg, "text"))
		*out = IPCS_FMT_TEXT;
	else
		return -1;
	return 0;
}

int ipcs_parse_positive(const char *arg, unsigned long long max,
			unsigned long long *out)
{
	char *end;

	if (!*arg || *arg == '-' || *arg == '+')
		return -1;
	errno = 0;
	*out = strtoull(arg, &end, 10);
	return errno || *end || !*out || *out > max ? -1 : 0;
}

error_t ipcs_state_option(int key, char *arg, struct argp_state *state,
			  const struct ipcs_state_args *a)
{
	unsigned long long v;

	switch (key) {
	case ARGP_KEY_INIT:
		ipcs_argp_one_line_errors(state);
		return 0;
	case 'f':
		if (!a->format)
			break;
		if (ipcs_parse_format(arg, a->format)) {
			ipcs_fail(a->err, IPCS_EXIT_USAGE,
				  "unknown format: want text or json (got '%.64s')",
				  arg);
			return EINVAL;
		}
		return 0;
	case 'p':
		if (!a->pid)
			break;
		if (ipcs_parse_positive(arg, INT_MAX, &v)) {
			ipcs_fail(a->err, IPCS_EXIT_USAGE,
				  "invalid PID: want a positive number (got '%.64s')",
				  arg);
			return EINVAL;
		}
		if (kill((pid_t)v, 0) && errno == ESRCH) {
			ipcs_fail(a->err, IPCS_EXIT_USAGE,
				  "no process with PID %llu", v);
			return EINVAL;
		}
		*a->pid = v;
		return 0;
	case IPCS_OPT_INO:
		if (!a->ino)
			break;
		if (ipcs_parse_positive(arg, ULLONG_MAX, &v)) {
			ipcs_fail(a->err, IPCS_EXIT_USAGE,
				  "invalid inode: want a positive number (got '%.64s')",
				  arg);
			return EINVAL;
		}
		*a->ino = v;
		return 0;
	case IPCS_OPT_BTF:
		if (!a->btf_path)
			break;
		*a->btf_path = arg;
		return 0;
	case 'v':
		if (!a->verbose)
			break;
		*a->verbose = true;
		return 0;
	case ARGP_KEY_ARG:
		ipcs_fail(a->err, IPCS_EXIT_USAGE, "unexpected argument '%s'",
			  arg);
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}
