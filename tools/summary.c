// SPDX-License-Identifier: GPL-2.0
/*
 * --summary output: one row per (event, process, IPC object) with counts,
 * bytes, errors and durations; JSON rows carry the log2 histogram.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "summary.h"

static const struct {
	const char *event;
	const char *object;
} type_names[] = {
	[IPCSCOPE_EV_PIPE_READ]		= { "pipe_read", "ino" },
	[IPCSCOPE_EV_PIPE_WRITE]	= { "pipe_write", "ino" },
	[IPCSCOPE_EV_SEMOP]		= { "semop", "semid" },
	[IPCSCOPE_EV_MSGSND]		= { "msgsnd", "msqid" },
	[IPCSCOPE_EV_MSGRCV]		= { "msgrcv", "msqid" },
	[IPCSCOPE_EV_SIGNAL_GENERATE]	= { "signal_generate", "sig" },
	[IPCSCOPE_EV_SIGNAL_DELIVER]	= { "signal_deliver", "sig" },
};

#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

const char *summary_event_name(unsigned int type)
{
	return type < NTYPES && type_names[type].event ?
	       type_names[type].event : "unknown";
}

const char *summary_object_name(unsigned int type)
{
	return type < NTYPES && type_names[type].object ?
	       type_names[type].object : "object";
}

static int by_key(const void *a, const void *b)
{
	const struct summary_row *x = a, *y = b;

	if (x->key.type != y->key.type)
		return x->key.type < y->key.type ? -1 : 1;
	if (x->key.pid != y->key.pid)
		return x->key.pid < y->key.pid ? -1 : 1;
	return x->key.object < y->key.object ? -1 :
	       x->key.object > y->key.object;
}

int summary_collect(int map_fd, bool clear, struct summary_row **rows)
{
	struct ipcscope_summary_key key, next, *prev = NULL;
	struct summary_row *v = NULL, *grown;
	int n = 0;

	while (!bpf_map_get_next_key(map_fd, prev, &next)) {
		grown = realloc(v, (n + 1) * sizeof(*v));
		if (!grown) {
			free(v);
			return -1;
		}
		v = grown;
		v[n].key = next;
		if (!bpf_map_lookup_elem(map_fd, &next, &v[n].val))
			n++;
		key = next;
		prev = &key;
	}
	/* Delete what was read; an operation that lands between the read
	 * and the delete is lost to this interval, a window of microseconds
	 * that the JSON's per-interval counts document. */
	if (clear) {
		int i;

		for (i = 0; i < n; i++)
			bpf_map_delete_elem(map_fd, &v[i].key);
	}
	*rows = v;
	return n;
}

static void print_json_row(FILE *out, const struct summary_row *r,
			   int64_t wall_ns, uint64_t interval_ns)
{
	int i, last = -1;

	fprintf(out, "{\"type\":\"summary\",\"ts_ns\":%" PRId64
		",\"interval_ns\":%" PRIu64 ",\"event\":\"%s\",\"pid\":%u"
		",\"comm\":", wall_ns, interval_ns,
		summary_event_name(r->key.type), r->key.pid);
	ipcs_json_string(out, r->val.comm, sizeof(r->val.comm));
	fprintf(out, ",\"%s\":%" PRIu64 ",\"count\":%llu,\"bytes\":%llu"
		",\"errors\":%llu,\"duration_ns_total\":%llu"
		",\"duration_ns_max\":%llu,\"duration_hist_log2\":[",
		summary_object_name(r->key.type), (uint64_t)r->key.object,
		(unsigned long long)r->val.count,
		(unsigned long long)r->val.bytes,
		(unsigned long long)r->val.errors,
		(unsigned long long)r->val.total_ns,
		(unsigned long long)r->val.max_ns);
	/* trailing empty slots are left out: slot i is [2^i, 2^(i+1)) ns */
	for (i = 0; i < IPCSCOPE_HIST_SLOTS; i++)
		if (r->val.hist[i])
			last = i;
	for (i = 0; i <= last; i++)
		fprintf(out, "%s%llu", i ? "," : "",
			(unsigned long long)r->val.hist[i]);
	fputs("]}\n", out);
}

void summary_print(const struct ipcs_output *o, struct summary_row *rows,
		   int n, int64_t wall_ns, uint64_t interval_ns)
{
	char clock[32], comm[16], obj[32];
	int i;

	qsort(rows, n, sizeof(*rows), by_key);
	if (o->format == IPCS_FMT_JSON) {
		for (i = 0; i < n; i++)
			print_json_row(o->out, &rows[i], wall_ns, interval_ns);
		return;
	}
	ipcs_format_clock(wall_ns, clock, sizeof(clock));
	fprintf(o->out, "%s summary of %.3f s, %d rows\n", clock,
		interval_ns / 1e9, n);
	fprintf(o->out, "%-15s %7s %-15s %-16s %9s %11s %6s %10s %10s\n",
		"EVENT", "PID", "COMM", "OBJECT", "COUNT", "BYTES", "ERRORS",
		"AVG(us)", "MAX(us)");
	for (i = 0; i < n; i++) {
		const struct summary_row *r = &rows[i];

		ipcs_text_sanitize(comm, sizeof(comm), r->val.comm,
				   sizeof(r->val.comm));
		snprintf(obj, sizeof(obj), "%s %" PRIu64,
			 summary_object_name(r->key.type),
			 (uint64_t)r->key.object);
		fprintf(o->out, "%-15s %7u %-15s %-16s %9llu %11llu %6llu %10.1f %10.1f\n",
			summary_event_name(r->key.type), r->key.pid, comm, obj,
			(unsigned long long)r->val.count,
			(unsigned long long)r->val.bytes,
			(unsigned long long)r->val.errors,
			r->val.count ? r->val.total_ns / 1e3 / r->val.count : 0,
			r->val.max_ns / 1e3);
	}
}
