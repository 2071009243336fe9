/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bytes the payload workload moves (tests/workload/payload-workload.c)
 * and the payload test expects (tests/integration/payload.c).
 */
#ifndef IPCSCOPE_PAYLOAD_DATA_H
#define IPCSCOPE_PAYLOAD_DATA_H

#include <stddef.h>

/* --payload N of the test: a call that moves more is truncated */
#define PAYLOAD_N	256
#define PAYLOAD_BIG	1000	/* a write larger than N */
#define PAYLOAD_DGRAM	300	/* datagrams, received in part */

/* UTF-8 text: 2-, 3- and 4-byte sequences */
#define PAYLOAD_UTF8	"h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac " \
			"\xf0\x9f\x90\xa7\n"

/* Every byte value once, in order. */
static inline void payload_all256(unsigned char *buf)
{
	int i;

	for (i = 0; i < 256; i++)
		buf[i] = i;
}

/* PAYLOAD_BIG bytes that differ from a shifted copy of themselves. */
static inline void payload_big(unsigned char *buf)
{
	int i;

	for (i = 0; i < PAYLOAD_BIG; i++)
		buf[i] = (i * 7 + 3) & 0xff;
}

#endif /* IPCSCOPE_PAYLOAD_DATA_H */
