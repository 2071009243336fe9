// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <inttypes.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include "msg_decode.h"

#ifndef MSG_COPY
#define MSG_COPY	040000
#endif

/* After the common 40: 6+10+6+5+6+4+6+9 and separators: 99. */
#define MSG_TEXT_FMT "%-6s %10s %6s %5s %6s %-4s %6s %9s"

void msg_print_header(struct ipcs_output *o)
{
	ipcs_w_printf(&o->w, "%-15s %7s %-15s " MSG_TEXT_FMT "\n", "TIME",
		      "PID", "COMM", "OP", "MSQID", "MTYPE", "WANT", "SIZE",
		      "FLG", "RET", "LAT(us)");
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

static void print_text(struct ipcs_output *o, const void *data,
		       size_t rec_size)
{
	const struct ipcscope_msg_event *e = data;
	char msqid[16], mtype[24], want[24], size[24], flags[8], ret[24];
	char lat[32];

	(void)rec_size;
	snprintf(msqid, sizeof(msqid), "%d", e->msqid);
	if (e->mtype_valid)
		snprintf(mtype, sizeof(mtype), "%lld", (long long)e->mtype);
	else
		snprintf(mtype, sizeof(mtype), "-");
	if (is_rcv(e))
		snprintf(want, sizeof(want), "%lld", (long long)e->msgtyp);
	else
		snprintf(want, sizeof(want), "-");
	snprintf(size, sizeof(size), "%" PRId64, (int64_t)e->size);
	flag_letters(e->msgflg, flags, sizeof(flags));
	ipcs_w_printf(&o->w, MSG_TEXT_FMT, is_rcv(e) ? "msgrcv" : "msgsnd",
		      msqid, mtype, want, size, flags,
		      ipcs_ret_text(e->ret, ret, sizeof(ret)),
		      ipcs_lat_text(e->duration_ns, lat, sizeof(lat)));
}

static void print_json(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_msg_event *e = data;
	struct ipcs_writer *w = &o->w;
	char flags[96];

	(void)size;
	msg_flag_names(e->msgflg, flags, sizeof(flags));
	ipcs_jw_s64(w, "msqid", e->msqid);
	if (is_rcv(e))
		ipcs_jw_s64(w, "msgtyp", e->msgtyp);
	if (e->mtype_valid)
		ipcs_jw_s64(w, "mtype", e->mtype);
	else
		ipcs_jw_null(w, "mtype");
	/* msgsnd queues all msgsz bytes or fails; msgrcv returns a count.
	 * The kernel reads msgsz as a long ((long)msgsz < 0 is EINVAL in
	 * ipc/msg.c): print what it saw, not 2^64 - 1 for -1. */
	ipcs_jw_s64(w, "requested", (int64_t)e->size);
	ipcs_jw_s64(w, "bytes", e->ret < 0 ? 0 :
		    is_rcv(e) ? e->ret : (int64_t)e->size);
	ipcs_jw_u64(w, "msgflg", e->msgflg);
	ipcs_jw_str(w, "flags", flags);
	ipcs_jw_errno(w, e->ret);
	ipcs_jw_u64(w, "duration_ns", e->duration_ns);
	if (is_rcv(e) && e->sender_known) {
		ipcs_jw_u64(w, "sender_pid", e->sender_pid);
		ipcs_jw_u64(w, "sender_tid", e->sender_tid);
		ipcs_jw_string(w, "sender_comm", e->sender_comm,
			       sizeof(e->sender_comm));
		ipcs_jw_s64(w, "sent_ts_ns", ipcs_wall_ns(o, e->sent_ts_ns));
		ipcs_jw_u64(w, "queued_ns", e->queued_ns);
	} else if (is_rcv(e)) {
		/* queued before tracing began, a failed receive, or a
		 * MSG_COPY copy */
		ipcs_jw_null(w, "sender_pid");
		ipcs_jw_null(w, "sender_tid");
		ipcs_jw_null(w, "sender_comm");
		ipcs_jw_null(w, "sent_ts_ns");
		ipcs_jw_null(w, "queued_ns");
	}
	/* the tracepoint tier's queue model could not order the calls
	 * (tools/msgpair.c): the sender above is its best guess */
	if (is_rcv(e))
		ipcs_jw_bool(w, "sender_approx", e->sender_approx);
	ipcs_jw_str(w, "tier", ipcs_hook_name(e->tier));
}

/* --peers: a receive names its sender where the tier can pair them (or
 * the collector's queue model has); a send that slept on a full queue was
 * woken by the receive that made room. */
static void msgrcv_edges(const void *data,
			const struct ipcs_edge_sink *sink)
{
	const struct ipcscope_msg_event *e = data;

	if (e->ret < 0 || !e->sender_known)
		return;
	ipcs_edge_received(&e->hdr, e->sender_pid, e->sender_comm, "msg",
			   (__u32)e->msqid, e->ret, sink);
	ipcs_edge_blocked(&e->hdr, "msg", (__u32)e->msqid,
			  e->duration_ns, true, sink);
}

static void msgsnd_edges(const void *data,
			const struct ipcs_edge_sink *sink)
{
	const struct ipcscope_msg_event *e = data;

	ipcs_edge_blocked(&e->hdr, "msg", (__u32)e->msqid,
			  e->duration_ns, false, sink);
}

const struct ipcs_event_type msg_event_types[] = {
	{ IPCSCOPE_EV_MSGSND, "msgsnd", "msqid",
	  sizeof(struct ipcscope_msg_event), print_json, print_text,
	  msgsnd_edges },
	{ IPCSCOPE_EV_MSGRCV, "msgrcv", "msqid",
	  sizeof(struct ipcscope_msg_event), print_json, print_text,
	  msgrcv_edges },
	{ 0 }
};
