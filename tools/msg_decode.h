/* SPDX-License-Identifier: GPL-2.0 */
/* Decoder for SysV message queue events (msgsnd, msgrcv). */
#ifndef IPCSCOPE_MSG_DECODE_H
#define IPCSCOPE_MSG_DECODE_H

#include "ipcscope.h"
#include "family.h"
#include "output.h"

void msg_print_header(struct ipcs_output *o);

/* msgsnd, msgrcv. */
extern const struct ipcs_event_type msg_event_types[];

/* "IPC_NOWAIT|MSG_EXCEPT" ("" for none; unknown bits in hex). */
void msg_flag_names(unsigned int flags, char *buf, size_t len);

#endif /* IPCSCOPE_MSG_DECODE_H */
