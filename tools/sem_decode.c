// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include "sem_decode.h"
#include "restart.h"

/* Columns: 15+7+15+6+10+15+7+7+9 and separators: 99. */
#define SEM_TEXT_FMT "%-15s %7s %-15s %-6s %10s %-15s %7s %7s %9s\n"

void sem_print_header(const struct ipcs_output *o)
{
	fprintf(o->out, SEM_TEXT_FMT, "TIME", "PID", "COMM", "OP", "SEMID",
		"OPS", "TIMEOUT", "RET", "LAT(us)");
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

static void print_text(const struct ipcs_output *o,
		       const struct ipcscope_semop_event *e)
{
	char clock[32], comm[IPCSCOPE_COMM_LEN], pid[16], semid[16];
	char ops[16], timeout[24], ret[24], lat[32];
	int restart;

	ipcs_format_clock(ipcs_wall_ns(o, e->hdr.ts_ns), clock, sizeof(clock));
	ipcs_text_sanitize(comm, sizeof(comm), e->hdr.comm, sizeof(e->hdr.comm));
	snprintf(pid, sizeof(pid), "%u", e->hdr.pid);
	snprintf(semid, sizeof(semid), "%d", e->semid);
	format_ops(e, ops, sizeof(ops));
	if (e->has_timeout && e->timeout_ns < 0)
		snprintf(timeout, sizeof(timeout), "invalid");
	else if (e->has_timeout)
		format_duration(e->timeout_ns, timeout, sizeof(timeout));
	else
		snprintf(timeout, sizeof(timeout), "-");
	if (e->ret < 0)
		ipcs_errno_name(ipcs_user_errno(e->ret, &restart), ret,
				sizeof(ret));
	else
		snprintf(ret, sizeof(ret), "%lld", (long long)e->ret);
	/* tenths of a microsecond while they fit the column */
	snprintf(lat, sizeof(lat), e->duration_ns < 1000000000ULL ? "%.1f" :
		 "%.0f", e->duration_ns / 1000.0);
	fprintf(o->out, SEM_TEXT_FMT, clock, pid, comm, "semop", semid, ops,
		timeout, ret, lat);
}

static void print_json(const struct ipcs_output *o,
		       const struct ipcscope_semop_event *e)
{
	FILE *out = o->out;
	unsigned int i, n = e->ops_copied;
	int restart;

	if (n > IPCSCOPE_SEM_MAX_OPS)
		n = IPCSCOPE_SEM_MAX_OPS;
	fprintf(out, "{\"type\":\"semop\",\"ts_ns\":%" PRId64
		",\"pid\":%u,\"tid\":%u,\"comm\":",
		ipcs_wall_ns(o, e->hdr.ts_ns), e->hdr.pid, e->hdr.tid);
	ipcs_json_string(out, e->hdr.comm, sizeof(e->hdr.comm));
	fprintf(out, ",\"semid\":%d,\"nsops\":%u,\"ops\":[", e->semid,
		e->nsops);
	for (i = 0; i < n; i++)
		fprintf(out, "%s{\"num\":%u,\"op\":%d,\"flg\":%d}",
			i ? "," : "", e->ops[i].num, e->ops[i].op,
			e->ops[i].flg);
	fprintf(out, "],\"ops_truncated\":%s",
		n < e->nsops ? "true" : "false");
	if (e->has_timeout)
		fprintf(out, ",\"timeout_ns\":%lld",
			(long long)e->timeout_ns);
	else
		fputs(",\"timeout_ns\":null", out);
	fprintf(out, ",\"errno\":%d", ipcs_user_errno(e->ret, &restart));
	if (restart)
		fprintf(out, ",\"restart\":%d", restart);
	fprintf(out, ",\"duration_ns\":%" PRIu64 ",\"tier\":\"%s\"}\n",
		(uint64_t)e->duration_ns, ipcs_tier_name(e->tier));
}

int sem_print_event(const struct ipcs_output *o, const void *data,
		    size_t size)
{
	const struct ipcscope_semop_event *e = data;

	if (size < sizeof(*e) || e->hdr.type != IPCSCOPE_EV_SEMOP)
		return -1;
	if (o->format == IPCS_FMT_JSON)
		print_json(o, e);
	else
		print_text(o, e);
	return 0;
}
