/* SPDX-License-Identifier: GPL-2.0 */
/* Printing the in-kernel aggregates of `ipcscope trace --summary`. */
#ifndef IPCSCOPE_SUMMARY_VERB_H
#define IPCSCOPE_SUMMARY_VERB_H

#include <stdint.h>
#include "ipcscope.h"
#include "ipcscope_summary.h"
#include "output.h"

struct summary_row {
	struct ipcscope_summary_key key;
	struct ipcscope_summary_val val;
};

/* Event name ("pipe_write") and object key ("ino") of an event type. */
const char *summary_event_name(unsigned int type);
const char *summary_object_name(unsigned int type);

/* Print rows (sorted in place) for an interval of @interval_ns ending at
 * @wall_ns. */
void summary_print(const struct ipcs_output *o, struct summary_row *rows,
		   int n, int64_t wall_ns, uint64_t interval_ns);

/* Read (and with @clear, empty) the summary map; rows are malloc'ed. */
int summary_collect(int map_fd, bool clear, struct summary_row **rows);

#endif /* IPCSCOPE_SUMMARY_VERB_H */
