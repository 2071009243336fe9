/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Errors are returned, not printed where they happen: the function that
 * knows what went wrong fills a struct ipcs_error, every caller passes it
 * up, and main() reports it once, as one line, with its exit status.
 */
#ifndef IPCSCOPE_ERROR_H
#define IPCSCOPE_ERROR_H

#include <stdarg.h>

enum ipcs_exit {
	IPCS_EXIT_OK	= 0,
	IPCS_EXIT_FAIL	= 1,	/* run-time failure */
	IPCS_EXIT_USAGE	= 2,	/* bad command line */
};

struct ipcs_error {
	int status;		/* enum ipcs_exit */
	char msg[512];
};

/* Record an error and return -1, so callers can `return ipcs_fail(...)`. */
int ipcs_fail(struct ipcs_error *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* IPCSCOPE_ERROR_H */
