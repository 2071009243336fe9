// SPDX-License-Identifier: GPL-2.0
/*
 * --summary output: one row per (event, process, IPC object) with counts,
 * bytes, errors and durations; JSON rows carry the log2 histogram.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "family.h"
#include "summary.h"

const char *summary_event_name(unsigned int type)
{
	const struct ipcs_event_type *t = ipcs_event_type_find(type);

	return t ? t->name : "unknown";
}

const char *summary_object_name(unsigned int type)
{
	const struct ipcs_event_type *t = ipcs_event_type_find(type);

	return t ? t->object : "object";
}

static int by_key(const void *a, const void *b)
{
	const struct summary_row *x = a, *y = b;

	if (x->key.type != y->key.type)
		return x->key.type < y->key.type ? -1 : 1;
	if (x->key.pid != y->key.pid)
		return x->key.pid < y->key.pid ? -1 : 1;
	if (x->key.object != y->key.object)
		return x->key.object < y->key.object ? -1 : 1;
	return x->key.cgroup < y->key.cgroup ? -1 :
	       x->key.cgroup > y->key.cgroup;
}

/* Per-CPU values come ncpus in a row, each rounded up to 8 bytes. */
#define PERCPU_STRIDE ((sizeof(struct ipcscope_summary_val) + 7) & ~(size_t)7)

void summary_merge_cpus(struct ipcscope_summary_val *out, const void *percpu,
			int ncpus, size_t stride)
{
	int cpu, i;

	memset(out, 0, sizeof(*out));
	for (cpu = 0; cpu < ncpus; cpu++) {
		const struct ipcscope_summary_val *v =
			(const void *)((const char *)percpu + cpu * stride);

		if (!v->count)
			continue;	/* this CPU never ran the operation */
		out->count += v->count;
		out->bytes += v->bytes;
		out->errors += v->errors;
		out->total_ns += v->total_ns;
		if (v->max_ns > out->max_ns)
			out->max_ns = v->max_ns;
		if (!out->comm[0])
			memcpy(out->comm, v->comm, sizeof(out->comm));
		for (i = 0; i < IPCSCOPE_HIST_SLOTS; i++)
			out->hist[i] += v->hist[i];
	}
}

int summary_collect(int map_fd, struct summary_row **rows)
{
	struct ipcscope_summary_key key, next, *prev = NULL;
	int ncpus = libbpf_num_possible_cpus();
	struct summary_row *v = NULL, *grown;
	int n = 0, cap = 0;
	void *percpu;

	*rows = NULL;
	if (ncpus <= 0) {
		errno = -ncpus;
		return -1;
	}
	percpu = malloc(ncpus * PERCPU_STRIDE);
	if (!percpu)
		return -1;
	while (!bpf_map_get_next_key(map_fd, prev, &next)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(v, cap * sizeof(*v));
			if (!grown) {
				free(v);
				free(percpu);
				return -1;
			}
			v = grown;
		}
		/* merged entry by entry: all CPUs' copies of every entry at
		 * once would be entries x CPUs x 312 bytes */
		if (!bpf_map_lookup_elem(map_fd, &next, percpu)) {
			v[n].key = next;
			summary_merge_cpus(&v[n].val, percpu, ncpus,
					   PERCPU_STRIDE);
			n++;
		}
		key = next;
		prev = &key;
	}
	free(percpu);
	if (n)
		qsort(v, n, sizeof(*v), by_key);
	*rows = v;
	return n;
}

/* The highest non-empty slot of @h, or -1. */
static int top_slot(const __u64 *h)
{
	int i;

	for (i = IPCSCOPE_HIST_SLOTS - 1; i >= 0; i--)
		if (h[i])
			return i;
	return -1;
}

static void val_sub(struct ipcscope_summary_val *d,
		    const struct ipcscope_summary_val *cur,
		    const struct ipcscope_summary_val *was)
{
	int i, top;

	*d = *cur;
	if (!was)
		return;		/* new since the last reading: all of it */
	d->count -= was->count;
	d->bytes -= was->bytes;
	d->errors -= was->errors;
	d->total_ns -= was->total_ns;
	for (i = 0; i < IPCSCOPE_HIST_SLOTS; i++)
		d->hist[i] -= was->hist[i];
	/* The maximum is kept since the start, not per interval.  One that
	 * grew was reached in this interval; otherwise the interval's lies in
	 * its highest histogram slot, whose lower edge is what we can say. */
	if (cur->max_ns > was->max_ns)
		return;
	top = top_slot(d->hist);
	d->max_ns = top < 0 ? 0 : 1ULL << top;
	if (d->max_ns > cur->max_ns)
		d->max_ns = cur->max_ns;
}

int summary_delta(const struct summary_row *cur, int ncur,
		  const struct summary_row *prev, int nprev,
		  struct summary_row **out)
{
	struct summary_row *d = malloc((ncur ? ncur : 1) * sizeof(*d));
	int i, j = 0, n = 0;

	*out = d;
	if (!d)
		return -1;
	for (i = 0; i < ncur; i++) {
		const struct ipcscope_summary_val *was = NULL;

		while (j < nprev && by_key(&prev[j], &cur[i]) < 0)
			j++;
		if (j < nprev && !by_key(&prev[j], &cur[i]))
			was = &prev[j].val;
		if (was && cur[i].val.count == was->count)
			continue;	/* nothing new in this interval */
		d[n].key = cur[i].key;
		val_sub(&d[n].val, &cur[i].val, was);
		n++;
	}
	return n;
}

static void print_json_row(struct ipcs_writer *w, const struct summary_row *r,
			   int64_t wall_ns, uint64_t interval_ns)
{
	int i, last = -1;

	ipcs_jw_begin_object(w, NULL);
	ipcs_jw_str(w, "type", "summary");
	ipcs_jw_s64(w, "ts_ns", wall_ns);
	ipcs_jw_u64(w, "interval_ns", interval_ns);
	ipcs_jw_str(w, "event", summary_event_name(r->key.type));
	ipcs_jw_u64(w, "pid", r->key.pid);
	ipcs_jw_string(w, "comm", r->val.comm, sizeof(r->val.comm));
	ipcs_jw_u64(w, summary_object_name(r->key.type), r->key.object);
	ipcs_jw_u64(w, "count", r->val.count);
	ipcs_jw_u64(w, "bytes", r->val.bytes);
	ipcs_jw_u64(w, "errors", r->val.errors);
	ipcs_jw_u64(w, "duration_ns_total", r->val.total_ns);
	ipcs_jw_u64(w, "duration_ns_max", r->val.max_ns);
	/* trailing empty slots are left out: slot i is [2^i, 2^(i+1)) ns */
	for (i = 0; i < IPCSCOPE_HIST_SLOTS; i++)
		if (r->val.hist[i])
			last = i;
	ipcs_jw_begin_array(w, "duration_hist_log2");
	for (i = 0; i <= last; i++)
		ipcs_jw_u64(w, NULL, r->val.hist[i]);
	ipcs_jw_end_array(w);
	ipcs_jw_end_object(w);
}

void summary_print(struct ipcs_output *o, struct summary_row *rows,
		   int n, int64_t wall_ns, uint64_t interval_ns)
{
	char clock[32], comm[16], obj[32];
	int i;

	qsort(rows, n, sizeof(*rows), by_key);
	if (o->format == IPCS_FMT_JSON) {
		for (i = 0; i < n; i++)
			print_json_row(&o->w, &rows[i], wall_ns, interval_ns);
		return;
	}
	ipcs_format_clock(wall_ns, clock, sizeof(clock));
	ipcs_w_printf(&o->w, "%s summary of %.3f s, %d rows\n", clock,
		      interval_ns / 1e9, n);
	ipcs_w_printf(&o->w, "%-15s %7s %-15s %-16s %9s %11s %6s %10s %10s\n",
		      "EVENT", "PID", "COMM", "OBJECT", "COUNT", "BYTES",
		      "ERRORS", "AVG(us)", "MAX(us)");
	for (i = 0; i < n; i++) {
		const struct summary_row *r = &rows[i];

		ipcs_text_sanitize(comm, sizeof(comm), r->val.comm,
				   sizeof(r->val.comm));
		snprintf(obj, sizeof(obj), "%s %" PRIu64,
			 summary_object_name(r->key.type),
			 (uint64_t)r->key.object);
		ipcs_w_printf(&o->w, "%-15s %7u %-15s %-16s %9llu %11llu %6llu %10.1f %10.1f\n",
			      summary_event_name(r->key.type), r->key.pid,
			      comm, obj, (unsigned long long)r->val.count,
			      (unsigned long long)r->val.bytes,
			      (unsigned long long)r->val.errors,
			      r->val.count ? r->val.total_ns / 1e3 /
			      r->val.count : 0, r->val.max_ns / 1e3);
	}
}
