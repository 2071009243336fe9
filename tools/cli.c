// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
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
