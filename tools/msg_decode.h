/* SPDX-License-Identifier: GPL-2.0 */
/* Decoder for SysV message queue events (msgsnd, msgrcv). */
#ifndef IPCSCOPE_MSG_DECODE_H
#define IPCSCOPE_MSG_DECODE_H

#include "ipcscope.h"
#include "output.h"

void msg_print_header(const struct ipcs_output *o);

/* Print one event; -1 when it is malformed (short or another type). */
int msg_print_event(const struct ipcs_output *o, const void *data,
		    size_t size);

/* "IPC_NOWAIT|MSG_EXCEPT" ("" for none; unknown bits in hex). */
void msg_flag_names(unsigned int flags, char *buf, size_t len);

#endif /* IPCSCOPE_MSG_DECODE_H */
