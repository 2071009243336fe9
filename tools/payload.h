/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --payload N: the bytes of struct ipcscope_payload records, joined to the
 * events they belong to and printed as their "data" keys.
 *
 * A payload record follows its event in the ring (include/ipcscope.h),
 * perhaps after records of other CPUs.  An event of a type that carries
 * bytes (struct ipcs_family.payload_types) is therefore held back, a copy,
 * until its payload arrives (same tid and ts_ns), and printed then with it.
 * It is printed without (JSON "data": null, "data_unavailable": "lost")
 * when its payload cannot come any more: another record of the same task
 * arrives first, it waited PAYLOAD_HOLD_S, the table of held events is
 * full, or the run ends.
 */
#ifndef IPCSCOPE_PAYLOAD_H
#define IPCSCOPE_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include "output.h"

#define PAYLOAD_HELD_MAX	64	/* events waiting for their bytes */
#define PAYLOAD_HOLD_S		1.0	/* at most this long */

/* Print event @ev (@size bytes) with payload @pl (@plsize bytes; NULL:
 * none came).  0, or what the caller's record callback returns to stop. */
typedef int (*payload_print_fn)(void *ctx, const void *ev, size_t size,
				const struct ipcscope_payload *pl,
				size_t plsize);

struct payload_held {
	void *ev;			/* a copy; NULL: a free slot */
	size_t size;
	__u32 tid;
	__u64 ts_ns;
	double since;			/* when it was held (monotonic s) */
};

struct payload_join {
	struct payload_held held[PAYLOAD_HELD_MAX];
	unsigned int nheld;
	payload_print_fn print;
	void *ctx;
};

void payload_join_init(struct payload_join *j, payload_print_fn print,
		       void *ctx);
/* One ring buffer record, at monotonic time @now (seconds). */
int payload_join_record(struct payload_join *j, const void *data,
			size_t size, double now);
/* Print the events held since before @before (monotonic s); all: +inf. */
int payload_join_flush(struct payload_join *j, double before);
/* Free what is still held, without printing it. */
void payload_join_free(struct payload_join *j);

/*
 * The keys of @pl, after an event's own.  JSON: "data" (the bytes in
 * lower-case hex, two digits a byte) and "data_truncated"; or "data": null
 * and "data_unavailable" ("lost", "kernel" or "busy").  Text: " |...|",
 * the first PAYLOAD_TEXT_BYTES bytes with bytes outside printable ASCII as
 * '.', and '+' after it when more moved; nothing when there are no bytes.
 */
#define PAYLOAD_TEXT_BYTES	32
void payload_write_json(struct ipcs_writer *w,
			const struct ipcscope_payload *pl, size_t plsize);
void payload_write_text(struct ipcs_writer *w,
			const struct ipcscope_payload *pl, size_t plsize);

#endif /* IPCSCOPE_PAYLOAD_H */
