/* SPDX-License-Identifier: GPL-2.0 */
/* Decoder for signal events, signal names and the --sig list. */
#ifndef IPCSCOPE_SIGNAL_DECODE_H
#define IPCSCOPE_SIGNAL_DECODE_H

#include <stdint.h>
#include "ipcscope.h"
#include "error.h"
#include "family.h"
#include "output.h"

void signal_print_header(struct ipcs_output *o);

/* signal_generate, signal_deliver. */
extern const struct ipcs_event_type signal_event_types[];

/*
 * "SIGUSR1", "SIGRTMIN+3" (as libc and kill -l number them: SIGRTMIN is
 * libc's, 34 with glibc), "SIG32" for the two below it, "SIG99" for
 * numbers out of range.
 */
const char *signal_name(int sig, char *buf, size_t len);

/* "SI_QUEUE", "CLD_EXITED", ..., or the number. */
const char *signal_code_name(int sig, int code, char *buf, size_t len);

const char *signal_result_name(int result);
const char *signal_action_name(int action);

/*
 * Parse a --sig list: comma-separated names (USR1, SIGUSR1, any case),
 * numbers 1-64, SIGRTMIN, SIGRTMIN+N, SIGRTMAX, SIGRTMAX-N.  Sets bit
 * sig-1 of *mask for each.  Errors are usage errors (status 2).
 */
int signal_parse_list(const char *list, __u64 *mask,
		      struct ipcs_error *err);

#endif /* IPCSCOPE_SIGNAL_DECODE_H */
