/* SPDX-License-Identifier: GPL-2.0 */
/* Decoder for pipe and FIFO read/write events. */
#ifndef IPCSCOPE_PIPE_DECODE_H
#define IPCSCOPE_PIPE_DECODE_H

#include "ipcscope.h"
#include "family.h"
#include "output.h"

/* Text column headings for pipe events. */
void pipe_print_header(struct ipcs_output *o);

/* pipe_read, pipe_write: a FIFO's record may be the longer struct
 * ipcscope_pipe_path_event (hdr.size says). */
extern const struct ipcs_event_type pipe_event_types[];

const char *pipe_kind_name(unsigned int kind);

#endif /* IPCSCOPE_PIPE_DECODE_H */
