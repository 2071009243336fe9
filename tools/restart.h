/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's restart codes (include/linux/errno.h) in a return value.
 * A call interrupted by a signal returns one of these inside the kernel,
 * where fexit, kretprobes and sys_exit see it; the caller then sees EINTR
 * (a handler ran) or nothing at all (the call is restarted and traced
 * again).  Decoders report errno EINTR and the code beside it.
 */
#ifndef IPCSCOPE_RESTART_H
#define IPCSCOPE_RESTART_H

#include <errno.h>

#define IPCS_ERESTARTSYS		512
#define IPCS_ERESTART_RESTARTBLOCK	516

/* @ret (-errno or >= 0) as errno the caller can see; *restart gets the
 * restart code, or 0. */
static inline int ipcs_user_errno(long long ret, int *restart)
{
	*restart = 0;
	if (ret >= 0)
		return 0;
	if (-ret >= IPCS_ERESTARTSYS && -ret <= IPCS_ERESTART_RESTARTBLOCK) {
		*restart = (int)-ret;
		return EINTR;
	}
	return (int)-ret;
}

#endif /* IPCSCOPE_RESTART_H */
