/* SPDX-License-Identifier: GPL-2.0 */
/* Decoder for unix domain socket events (unix_send, unix_recv). */
#ifndef IPCSCOPE_UNIX_DECODE_H
#define IPCSCOPE_UNIX_DECODE_H

#include "ipcscope.h"
#include "family.h"
#include "output.h"

void unix_print_header(struct ipcs_output *o);

/* unix_send, unix_recv. */
extern const struct ipcs_event_type unix_event_types[];

/* "stream", "dgram", "seqpacket" or "unknown". */
const char *unix_sock_name(unsigned int type);

/*
 * The printable name of sun_path bytes @path (@len of them): a path name
 * up to its NUL, an abstract name as "@name" with its NULs shown as '@'
 * (as ss(8) does).  "" when @len is 0.
 */
void unix_path_text(const char *path, size_t len, char *buf, size_t size);

/*
 * Parse --path: "@name" is an abstract name, anything else a path name.
 * Fills @out (sun_path bytes, a path name with its NUL, as the kernel
 * keeps them) and *@len; -1 when it is empty or too long.
 */
int unix_path_parse(const char *arg, char *out, size_t size,
		    unsigned int *len);

#endif /* IPCSCOPE_UNIX_DECODE_H */
