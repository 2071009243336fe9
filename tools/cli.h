/* SPDX-License-Identifier: GPL-2.0 */
/* What every verb's command line and libbpf setup share. */
#ifndef IPCSCOPE_CLI_H
#define IPCSCOPE_CLI_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include "error.h"
#include "output.h"

/*
 * Call at ARGP_KEY_INIT: getopt already names a bad option on stderr, so
 * argp's "Try --help" line is dropped and every usage error is one line.
 */
void ipcs_argp_one_line_errors(struct argp_state *state);

/* libbpf's warnings with -v, nothing otherwise (a tier that fails to load
 * is reported once, by us, not by libbpf's log). */
void ipcs_libbpf_logging(bool verbose);

/*
 * argp_parse() with the verbs' error convention: a usage error is one
 * line in @err (the parser's own, or "invalid arguments"), exit 2.
 */
int ipcs_argp_parse(const struct argp *argp, int argc, char **argv,
		    void *input, struct ipcs_error *err);

/* "text" or "json" into @out; -1 for anything else. */
int ipcs_parse_format(const char *arg, enum ipcs_format *out);

/* A decimal number from 1 to @max, nothing else; -1 otherwise. */
int ipcs_parse_positive(const char *arg, unsigned long long max,
			unsigned long long *out);

/*
 * The options the state verbs (pipes, sockets, shm, sysv) share, each
 * verb listing the ones it takes in its argp_option table:
 */
enum {
	IPCS_OPT_BTF = 0x1000,
	IPCS_OPT_INO,
};
#define IPCS_OPTION_FORMAT \
	{ "format", 'f', "FMT", 0, "Output format: text (default) or json", 0 }
#define IPCS_OPTION_BTF \
	{ "btf", IPCS_OPT_BTF, "FILE", 0, \
	  "Kernel BTF to use instead of /sys/kernel/btf/vmlinux", 0 }
#define IPCS_OPTION_VERBOSE \
	{ "verbose", 'v', NULL, 0, "libbpf warnings", 0 }

/* Where the shared options go; a NULL field: the verb has no such option. */
struct ipcs_state_args {
	enum ipcs_format *format;	/* -f */
	uint32_t *pid;			/* -p: a running process */
	uint64_t *ino;			/* --ino */
	const char **btf_path;		/* --btf */
	bool *verbose;			/* -v */
	struct ipcs_error *err;
};

/*
 * The tail of a state verb's argp parser: the shared options, the one-line
 * errors at ARGP_KEY_INIT, and no operands.  ARGP_ERR_UNKNOWN for the rest.
 */
error_t ipcs_state_option(int key, char *arg, struct argp_state *state,
			  const struct ipcs_state_args *a);

#endif /* IPCSCOPE_CLI_H */
