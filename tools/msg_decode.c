// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <inttypes.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include "msg_decode.h"
#include "restart.h"

#ifndef MSG_COPY
#define MSG_COPY	040000
#endif

/* Columns: 15+7+15+6+10+6+5+6+4+6+9 and separators: 99. */
#define MSG_TEXT_FMT "%-15s %7s %-15s %-6s %10s %6s %5s %6s %-4s %6s %9s\n"

void msg_print_header(const struct ipcs_output *o)
{
	fprintf(o->out, MSG_TEXT_FMT, "TIME", "PID", "COMM", "OP", "MSQID",
		"MTYPE", "WANT", "SIZE", "FLG", "RET", "LAT(us)");
}

static const struct {
	unsigned int bit;
	const char *name;
	char letter;		/* text column */
} msg_flags[] = {
	{ IPC_NOWAIT, "IPC_NOWAIT", 'n' },
	{ MSG_NOERROR, "MSG_NOERROR", 'e' },
	{ MSG_EXCEPT, "MSG_EXCEPT", 'x' },
	{ MSG_COPY, "MSG_COPY", 'c' },
};

#define NFLAGS (sizeof(msg_flags) / sizeof(msg_flags[0]))

void msg_flag_names(unsigned int flags, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < NFLAGS && off < len; i++) {
		if (!(flags & msg_flags[i].bit))
			continue;
		off += snprintf(buf + off, len - off, "%s%s", off ? "|" : "",
				msg_flags[i].name);
		flags &= ~msg_flags[i].bit;
	}
	if (flags && off < len)
		snprintf(buf + off, len - off, "%s0x%x", off ? "|" : "", flags);
}

/* One letter a flag (n, e, x, c), "-" for none, "?" for unknown bits. */
static void flag_letters(unsigned int flags, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < NFLAGS && off + 1 < len; i++) {
		if (flags & msg_flags[i].bit)
			buf[off++] = msg_flags[i].letter;
		flags &= ~msg_flags[i].bit;
	}
	if (flags && off + 1 < len)
		buf[off++] = '?';
	if (!off)
		buf[off++] = '-';
	buf[off] = '\0';
}

static bool is_rcv(const struct ipcscope_msg_event *e)
{
	return e->hdr.type == IPCSCOPE_EV_MSGRCV;
}

static void print_text(const struct ipcs_output *o,
		       const struct ipcscope_msg_event *e)
{
	char clock[32], comm[IPCSCOPE_COMM_LEN], pid[16], msqid[16];
	char mtype[24], want[24], size[24], flags[8], ret[24], lat[32];
	int restart;

	ipcs_format_clock(ipcs_wall_ns(o, e->hdr.ts_ns), clock, sizeof(clock));
	ipcs_text_sanitize(comm, sizeof(comm), e->hdr.comm, sizeof(e->hdr.comm));
	snprintf(pid, sizeof(pid), "%u", e->hdr.pid);
	snprintf(msqid, sizeof(msqid), "%d", e->msqid);
	if (e->mtype_valid)
		snprintf(mtype, sizeof(mtype), "%lld", (long long)e->mtype);
	else
		snprintf(mtype, sizeof(mtype), "-");
	if (is_rcv(e))
		snprintf(want, sizeof(want), "%lld", (long long)e->msgtyp);
	else
		snprintf(want, sizeof(want), "-");
	snprintf(size, sizeof(size), "%" PRIu64, (uint64_t)e->size);
	flag_letters(e->msgflg, flags, sizeof(flags));
	if (e->ret < 0)
		ipcs_errno_name(ipcs_user_errno(e->ret, &restart), ret,
				sizeof(ret));
	else
		snprintf(ret, sizeof(ret), "%lld", (long long)e->ret);
	snprintf(lat, sizeof(lat), e->duration_ns < 1000000000ULL ? "%.1f" :
		 "%.0f", e->duration_ns / 1000.0);
	fprintf(o->out, MSG_TEXT_FMT, clock, pid, comm,
		is_rcv(e) ? "msgrcv" : "msgsnd", msqid, mtype, want, size,
		flags, ret, lat);
}

static void print_json(const struct ipcs_output *o,
		       const struct ipcscope_msg_event *e)
{
	FILE *out = o->out;
	char flags[96];
	int restart;

	fprintf(out, "{\"type\":\"%s\",\"ts_ns\":%" PRId64
		",\"pid\":%u,\"tid\":%u,\"comm\":",
		is_rcv(e) ? "msgrcv" : "msgsnd",
		ipcs_wall_ns(o, e->hdr.ts_ns), e->hdr.pid, e->hdr.tid);
	ipcs_json_string(out, e->hdr.comm, sizeof(e->hdr.comm));
	msg_flag_names(e->msgflg, flags, sizeof(flags));
	fprintf(out, ",\"msqid\":%d", e->msqid);
	if (is_rcv(e))
		fprintf(out, ",\"msgtyp\":%lld", (long long)e->msgtyp);
	if (e->mtype_valid)
		fprintf(out, ",\"mtype\":%lld", (long long)e->mtype);
	else
		fputs(",\"mtype\":null", out);
	/* msgsnd queues all msgsz bytes or fails; msgrcv returns a count */
	fprintf(out, ",\"requested\":%" PRIu64 ",\"bytes\":%lld",
		(uint64_t)e->size, e->ret < 0 ? 0LL :
		is_rcv(e) ? (long long)e->ret : (long long)e->size);
	fprintf(out, ",\"msgflg\":%u,\"flags\":\"%s\",\"errno\":%d",
		e->msgflg, flags, ipcs_user_errno(e->ret, &restart));
	if (restart)
		fprintf(out, ",\"restart\":%d", restart);
	fprintf(out, ",\"duration_ns\":%" PRIu64 ",\"tier\":\"%s\"}\n",
		(uint64_t)e->duration_ns, ipcs_tier_name(e->tier));
}

int msg_print_event(const struct ipcs_output *o, const void *data,
		    size_t size)
{
	const struct ipcscope_msg_event *e = data;

	if (size < sizeof(*e) || (e->hdr.type != IPCSCOPE_EV_MSGSND &&
				  e->hdr.type != IPCSCOPE_EV_MSGRCV))
		return -1;
	if (o->format == IPCS_FMT_JSON)
		print_json(o, e);
	else
		print_text(o, e);
	return 0;
}
