/* SPDX-License-Identifier: GPL-2.0 */
/* What every verb's command line and libbpf setup share. */
#ifndef IPCSCOPE_CLI_H
#define IPCSCOPE_CLI_H

#include <argp.h>
#include <stdbool.h>

/*
 * Call at ARGP_KEY_INIT: getopt already names a bad option on stderr, so
 * argp's "Try --help" line is dropped and every usage error is one line.
 */
void ipcs_argp_one_line_errors(struct argp_state *state);

/* libbpf's warnings with -v, nothing otherwise (a tier that fails to load
 * is reported once, by us, not by libbpf's log). */
void ipcs_libbpf_logging(bool verbose);

#endif /* IPCSCOPE_CLI_H */
