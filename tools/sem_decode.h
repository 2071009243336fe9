/* SPDX-License-Identifier: GPL-2.0 */
/* Decoder for SysV semaphore events (semop, semtimedop). */
#ifndef IPCSCOPE_SEM_DECODE_H
#define IPCSCOPE_SEM_DECODE_H

#include "ipcscope.h"
#include "family.h"
#include "output.h"

void sem_print_header(struct ipcs_output *o);

/* semop (semtimedop too). */
extern const struct ipcs_event_type sem_event_types[];

#endif /* IPCSCOPE_SEM_DECODE_H */
