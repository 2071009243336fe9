// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "error.h"

int ipcs_fail(struct ipcs_error *err, int status, const char *fmt, ...)
{
	va_list ap;

	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}
