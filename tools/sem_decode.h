/* SPDX-License-Identifier: GPL-2.0 */
/* Decoder for SysV semaphore events (semop, semtimedop). */
#ifndef IPCSCOPE_SEM_DECODE_H
#define IPCSCOPE_SEM_DECODE_H

#include "ipcscope.h"
#include "output.h"

void sem_print_header(const struct ipcs_output *o);

/* Print one event; -1 when it is malformed (short or another type). */
int sem_print_event(const struct ipcs_output *o, const void *data,
		    size_t size);

#endif /* IPCSCOPE_SEM_DECODE_H */
