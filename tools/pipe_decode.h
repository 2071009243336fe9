/* SPDX-License-Identifier: GPL-2.0 */
/* Decoder for pipe and FIFO read/write events. */
#ifndef IPCSCOPE_PIPE_DECODE_H
#define IPCSCOPE_PIPE_DECODE_H

#include "ipcscope.h"
#include "output.h"

/* Text column headings for pipe events. */
void pipe_print_header(const struct ipcs_output *o);

/*
 * Print one event; @path is the FIFO's path when it was resolved, or NULL.
 * Returns -1 when the event is malformed (short or unknown type).
 */
int pipe_print_event(const struct ipcs_output *o, const void *data,
		     size_t size, const char *path);

const char *pipe_kind_name(unsigned int kind);

#endif /* IPCSCOPE_PIPE_DECODE_H */
