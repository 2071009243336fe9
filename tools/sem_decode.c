// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include "sem_decode.h"

/* After the common 40: 6+10+15+7+7+9 and separators: 99. */
#define SEM_TEXT_FMT "%-6s %10s %-15s %7s %7s %9s"

void sem_print_header(struct ipcs_output *o)
{
	ipcs_w_printf(&o->w, "%-15s %7s %-15s " SEM_TEXT_FMT "\n", "TIME",
		      "PID", "COMM", "OP", "SEMID", "OPS", "TIMEOUT", "RET",
		      "LAT(us)");
}

/*
 * "0-1 1+1u": semaphore number, signed op, then n for IPC_NOWAIT and u for
 * SEM_UNDO.  Operations that do not fit the column (or were not copied)
 * are counted at the end: "0-1 1-1 +6".
 */
static void format_ops(const struct ipcscope_semop_event *e, char *buf,
		       size_t len)
{
	unsigned int i, shown = e->ops_copied;
	size_t off = 0;

	buf[0] = '\0';
	if (shown > IPCSCOPE_SEM_MAX_OPS)
		shown = IPCSCOPE_SEM_MAX_OPS;
	for (i = 0; i < shown; i++) {
		const struct ipcscope_sembuf *op = &e->ops[i];
		unsigned int rest = e->nsops - i - 1;
		char one[32], more[16] = "";

		snprintf(one, sizeof(one), "%s%u%+d%s%s", off ? " " : "",
			 op->num, op->op, op->flg & IPC_NOWAIT ? "n" : "",
			 op->flg & SEM_UNDO ? "u" : "");
		if (rest)
			snprintf(more, sizeof(more), " +%u", rest);
		if (off + strlen(one) + strlen(more) >= len)
			break;
		off += snprintf(buf + off, len - off, "%s", one);
	}
	if (i < e->nsops)
		snprintf(buf + off, len - off, "%s+%u", off ? " " : "",
			 e->nsops - i);
}

static void format_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns >= 1000000000ULL)
		snprintf(buf, len, "%.3gs", ns / 1e9);
	else if (ns >= 1000000)
		snprintf(buf, len, "%.3gms", ns / 1e6);
	else
		snprintf(buf, len, "%.3gus", ns / 1e3);
}

static void print_text(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_semop_event *e = data;
	char semid[16], ops[16], timeout[24], ret[24], lat[32];

	(void)size;
	snprintf(semid, sizeof(semid), "%d", e->semid);
	format_ops(e, ops, sizeof(ops));
	if (e->has_timeout && e->timeout_ns < 0)
		snprintf(timeout, sizeof(timeout), "invalid");
	else if (e->has_timeout)
		format_duration(e->timeout_ns, timeout, sizeof(timeout));
	else
		snprintf(timeout, sizeof(timeout), "-");
	ipcs_w_printf(&o->w, SEM_TEXT_FMT, "semop", semid, ops, timeout,
		      ipcs_ret_text(e->ret, ret, sizeof(ret)),
		      ipcs_lat_text(e->duration_ns, lat, sizeof(lat)));
}

static void print_json(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_semop_event *e = data;
	struct ipcs_writer *w = &o->w;
	unsigned int i, n = e->ops_copied;

	(void)size;
	if (n > IPCSCOPE_SEM_MAX_OPS)
		n = IPCSCOPE_SEM_MAX_OPS;
	ipcs_jw_s64(w, "semid", e->semid);
	ipcs_jw_u64(w, "nsops", e->nsops);
	ipcs_jw_begin_array(w, "ops");
	for (i = 0; i < n; i++) {
		ipcs_jw_begin_object(w, NULL);
		ipcs_jw_u64(w, "num", e->ops[i].num);
		ipcs_jw_s64(w, "op", e->ops[i].op);
		ipcs_jw_s64(w, "flg", e->ops[i].flg);
		ipcs_jw_end_object(w);
	}
	ipcs_jw_end_array(w);
	ipcs_jw_bool(w, "ops_truncated", n < e->nsops);
	if (e->has_timeout)
		ipcs_jw_s64(w, "timeout_ns", e->timeout_ns);
	else
		ipcs_jw_null(w, "timeout_ns");
	ipcs_jw_errno(w, e->ret);
	ipcs_jw_u64(w, "duration_ns", e->duration_ns);
	ipcs_jw_str(w, "tier", ipcs_hook_name(e->tier));
}

/* --peers: a semop that slept was woken by a V: one op from the V's task
 * to it, and the time it waited. */
static void semop_edges(const void *data,
			const struct ipcs_edge_sink *sink)
{
	const struct ipcscope_wake_event *wake = sink->wake;
	const struct ipcscope_semop_event *e = data;

	if (!wake || wake->from_irq || wake->waker_pid == e->hdr.pid)
		return;
	ipcs_edge_received(&e->hdr, wake->waker_pid, wake->waker_comm, "sem",
			   (__u32)e->semid, 0, sink);
	ipcs_edge_blocked(&e->hdr, "sem", (__u32)e->semid,
			  e->duration_ns, true, sink);
}

const struct ipcs_event_type sem_event_types[] = {
	{ IPCSCOPE_EV_SEMOP, "semop", "semid",
	  sizeof(struct ipcscope_semop_event), print_json, print_text,
	  semop_edges },
	{ 0 }
};
