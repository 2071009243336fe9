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

/* Event name ("pipe_write") and object key ("ino") of an event type,
 * from the registry. */
const char *summary_event_name(unsigned int type);
const char *summary_object_name(unsigned int type);

/* Print rows (sorted in place) for an interval of @interval_ns ending at
 * @wall_ns. */
void summary_print(struct ipcs_output *o, struct summary_row *rows,
		   int n, int64_t wall_ns, uint64_t interval_ns);

/*
 * The one reader of the summary map: every entry, its CPUs' copies summed,
 * sorted by key; rows are malloc'ed.  It never changes the map, whose
 * counters only grow: an interval is the difference of two readings
 * (summary_delta).  Returns the number of rows, or -1 with errno.
 */
int summary_collect(int map_fd, struct summary_row **rows);

/* Sum @ncpus per-CPU copies of a value, @stride bytes apart: counts, bytes,
 * errors, durations and histogram slots added, the maximum of the maxima,
 * the command name of the first CPU that has one. */
void summary_merge_cpus(struct ipcscope_summary_val *out, const void *percpu,
			int ncpus, size_t stride);

/*
 * What happened between two readings, both sorted by key: @cur minus
 * @prev, row by row; a row absent from @prev counts from zero, one with no
 * new operation is left out.  The maximum is exact when the interval
 * raised it, else the lower edge of the interval's highest histogram
 * slot.  *out is malloc'ed; returns the number of rows, or -1.
 */
int summary_delta(const struct summary_row *cur, int ncur,
		  const struct summary_row *prev, int nprev,
		  struct summary_row **out);

#endif /* IPCSCOPE_SUMMARY_VERB_H */
