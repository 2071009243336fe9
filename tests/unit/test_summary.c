// SPDX-License-Identifier: GPL-2.0
/*
 * --summary in user space: the per-CPU copies of an entry summed into one
 * row, and -i's intervals as differences of two readings of counters that
 * only grow.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "summary.h"
#include "tap.h"

#define NCPUS 3
/* what the kernel hands over: each CPU's value rounded up to 8 bytes */
#define STRIDE ((sizeof(struct ipcscope_summary_val) + 7) & ~(size_t)7)

static struct ipcscope_summary_val *cpu_val(void *buf, int cpu)
{
	return (void *)((char *)buf + cpu * STRIDE);
}

static void test_merge(void)
{
	void *buf = calloc(NCPUS, STRIDE);
	struct ipcscope_summary_val *a = cpu_val(buf, 0), *b = cpu_val(buf, 1);
	struct ipcscope_summary_val *c = cpu_val(buf, 2), m;

	/* CPU 0 never ran it (its comm is left over garbage on purpose),
	 * CPUs 1 and 2 did */
	strcpy(a->comm, "stale");
	b->count = 3; b->bytes = 300; b->errors = 1; b->total_ns = 3000;
	b->max_ns = 1500; b->hist[10] = 2; b->hist[9] = 1;
	strcpy(b->comm, "writer");
	c->count = 2; c->bytes = 20; c->total_ns = 9000; c->max_ns = 8000;
	c->hist[12] = 1; c->hist[10] = 1;
	strcpy(c->comm, "other");

	summary_merge_cpus(&m, buf, NCPUS, STRIDE);
	tap_is_int(m.count, 5, "merge: counts summed");
	tap_is_int(m.bytes, 320, "merge: bytes summed");
	tap_is_int(m.errors, 1, "merge: errors summed");
	tap_is_int(m.total_ns, 12000, "merge: durations summed");
	tap_is_int(m.max_ns, 8000, "merge: the maximum of the CPUs' maxima");
	tap_is_int(m.hist[9], 1, "merge: histogram slot 9 summed");
	tap_is_int(m.hist[10], 3, "merge: histogram slot 10 summed");
	tap_is_int(m.hist[12], 1, "merge: histogram slot 12 summed");
	tap_is_int(m.hist[11], 0, "merge: histogram slot 11 empty");
	tap_ok(!strcmp(m.comm, "writer"),
	       "merge: comm of the first CPU that ran it (%s)", m.comm);
	free(buf);
}

static struct summary_row mkrow(__u32 type, __u32 pid, __u64 object,
				__u64 count, __u64 max_ns, int slot)
{
	struct summary_row r;

	memset(&r, 0, sizeof(r));
	r.key.type = type;
	r.key.pid = pid;
	r.key.object = object;
	r.val.count = count;
	r.val.bytes = 10 * count;
	r.val.total_ns = 100 * count;
	r.val.max_ns = max_ns;
	r.val.hist[slot] = count;
	strcpy(r.val.comm, "w");
	return r;
}

/* Row @i of the @n in @d, or a zeroed row (no expected value is zero)
 * when there are fewer: a missing row fails its assertions. */
static const struct summary_row *row(const struct summary_row *d, int n,
				     int i)
{
	static const struct summary_row none;

	return i < n ? &d[i] : &none;
}

static void test_delta(void)
{
	struct summary_row prev[3], cur[4], *d = NULL;
	int n;

	/* sorted by (type, pid, object), as summary_collect returns them */
	prev[0] = mkrow(1, 10, 5, 4, 900, 9);
	prev[1] = mkrow(1, 20, 5, 7, 700, 9);
	prev[2] = mkrow(2, 10, 5, 1, 50, 5);
	cur[0] = mkrow(1, 10, 5, 9, 900, 9);	/* +5, max not raised */
	cur[0].val.hist[8] = 1;		/* one of them in [256, 512) */
	cur[0].val.hist[9] = 8;
	cur[1] = mkrow(1, 20, 5, 7, 700, 9);	/* nothing new */
	cur[2] = mkrow(1, 30, 5, 2, 4000, 11);	/* new row */
	cur[3] = mkrow(2, 10, 5, 3, 5000, 12);	/* +2, max raised */
	cur[3].val.hist[5] = 1;		/* the one counted before */
	cur[3].val.hist[12] = 2;

	n = summary_delta(cur, 4, prev, 3, &d);
	tap_is_int(n, 3, "delta: a row with no new operation is left out");
	tap_is_int(row(d, n, 0)->key.pid, 10, "delta: first row, pid 10");
	tap_is_int(row(d, n, 0)->key.type, 1, "delta: first row, type 1");
	tap_is_int(row(d, n, 0)->val.count, 5,
		   "delta: the count of the interval only");
	tap_is_int(row(d, n, 0)->val.bytes, 50,
		   "delta: the bytes of the interval only");
	tap_is_int(row(d, n, 0)->val.total_ns, 500,
		   "delta: the durations of the interval only");
	tap_is_int(row(d, n, 0)->val.hist[9], 4,
		   "delta: histogram slot 9 of the interval only");
	tap_is_int(row(d, n, 0)->val.hist[8], 1,
		   "delta: histogram slot 8 of the interval only");
	tap_is_int(row(d, n, 0)->val.max_ns, 512,
		   "delta: a maximum not raised is the lower edge of the interval's top slot");
	tap_is_int(row(d, n, 1)->key.pid, 30,
		   "delta: a row absent before: pid 30");
	tap_is_int(row(d, n, 1)->val.count, 2,
		   "delta: a row absent before counts from zero");
	tap_is_int(row(d, n, 1)->val.max_ns, 4000,
		   "delta: a row absent before keeps its maximum");
	tap_is_int(row(d, n, 2)->key.type, 2, "delta: third row, type 2");
	tap_is_int(row(d, n, 2)->val.count, 2, "delta: third row, count 2");
	tap_is_int(row(d, n, 2)->val.max_ns, 5000,
		   "delta: a maximum raised in the interval is exact");
	free(d);

	n = summary_delta(cur, 4, NULL, 0, &d);
	tap_is_int(n, 4, "delta against no reading: every row");
	tap_is_int(row(d, n, 0)->val.count, 9,
		   "delta against no reading: the first row's total");
	tap_is_int(row(d, n, 3)->val.count, 3,
		   "delta against no reading: the last row's total");
	free(d);
	n = summary_delta(NULL, 0, prev, 3, &d);
	tap_is_int(n, 0, "delta of an empty reading: no rows");
	free(d);
}

int main(void)
{
	tap_plan(29);
	test_merge();
	test_delta();
	return tap_done();
}
