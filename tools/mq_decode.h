/* SPDX-License-Identifier: GPL-2.0 */
/* Decoder for POSIX message queue events (mq_send, mq_receive, mq_notify). */
#ifndef IPCSCOPE_MQ_DECODE_H
#define IPCSCOPE_MQ_DECODE_H

#include "ipcscope.h"
#include "family.h"
#include "output.h"

void mq_print_header(struct ipcs_output *o);

/* mq_send, mq_receive, mq_notify. */
extern const struct ipcs_event_type mq_event_types[];

/* "SIGEV_SIGNAL", "SIGEV_NONE", "SIGEV_THREAD", or NULL for others. */
const char *mq_sigev_name(int notify);

#endif /* IPCSCOPE_MQ_DECODE_H */
