// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include "mq_decode.h"

/* After the common 40: 10+4+5+6+6+6+9 and separators, then the name. */
#define MQ_TEXT_FMT "%-10s %4s %5s %6s %6s %6s %9s %s"

void mq_print_header(struct ipcs_output *o)
{
	ipcs_w_printf(&o->w, "%-15s %7s %-15s " MQ_TEXT_FMT "\n", "TIME",
		      "PID", "COMM", "OP", "MQD", "PRIO", "SIZE", "QUEUED",
		      "RET", "LAT(us)", "NAME");
}

const char *mq_sigev_name(int notify)
{
	switch (notify) {
	case SIGEV_SIGNAL:
		return "SIGEV_SIGNAL";
	case SIGEV_NONE:
		return "SIGEV_NONE";
	case SIGEV_THREAD:
		return "SIGEV_THREAD";
	}
	return NULL;
}

/* The queue's name, or NULL when the record has none (not a queue, or
 * the dentry could not be read). */
static const char *queue_name(const char *name, unsigned int status)
{
	if (status != IPCSCOPE_PATH_FULL && status != IPCSCOPE_PATH_TRUNCATED)
		return NULL;
	return name;
}

static void jw_name(struct ipcs_writer *w, const char *name,
		    unsigned int status)
{
	const char *s = queue_name(name, status);

	if (!s) {
		ipcs_jw_null(w, "name");
		return;
	}
	ipcs_jw_string(w, "name", s, IPCSCOPE_MQ_NAME_MAX);
	if (status == IPCSCOPE_PATH_TRUNCATED)
		ipcs_jw_bool(w, "name_truncated", true);
}

static void text_name(char *buf, size_t len, const char *name,
		      unsigned int status)
{
	const char *s = queue_name(name, status);

	if (!s)
		snprintf(buf, len, "-");
	else
		ipcs_text_sanitize(buf, len, s, IPCSCOPE_MQ_NAME_MAX);
}

static bool is_receive(const struct ipcscope_mq_event *e)
{
	return e->hdr.type == IPCSCOPE_EV_MQ_RECEIVE;
}

static void print_text(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_mq_event *e = data;
	char mqd[16], prio[16], req[24], queued[24], ret[24], lat[32];
	char name[IPCSCOPE_MQ_NAME_MAX];

	(void)size;
	snprintf(mqd, sizeof(mqd), "%d", e->mqd);
	if (e->prio_valid)
		snprintf(prio, sizeof(prio), "%u", e->prio);
	else
		snprintf(prio, sizeof(prio), "-");
	snprintf(req, sizeof(req), "%" PRIu64, (uint64_t)e->requested);
	if (e->queued >= 0)
		snprintf(queued, sizeof(queued), "%" PRId64,
			 (int64_t)e->queued);
	else
		snprintf(queued, sizeof(queued), "-");
	text_name(name, sizeof(name), e->name, e->name_status);
	ipcs_w_printf(&o->w, MQ_TEXT_FMT,
		      is_receive(e) ? "mq_receive" : "mq_send", mqd, prio, req,
		      queued, ipcs_ret_text(e->ret, ret, sizeof(ret)),
		      ipcs_lat_text(e->duration_ns, lat, sizeof(lat)), name);
}

static void print_json(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_mq_event *e = data;
	struct ipcs_writer *w = &o->w;

	(void)size;
	ipcs_jw_s64(w, "mqd", e->mqd);
	jw_name(w, e->name, e->name_status);
	if (e->ino)
		ipcs_jw_u64(w, "ino", e->ino);
	else
		ipcs_jw_null(w, "ino");
	if (e->prio_valid)
		ipcs_jw_u64(w, "prio", e->prio);
	else
		ipcs_jw_null(w, "prio");
	ipcs_jw_u64(w, "requested", e->requested);
	/* a send queues all msg_len bytes or fails; a receive returns a
	 * count */
	ipcs_jw_s64(w, "bytes", e->ret < 0 ? 0 :
		    is_receive(e) ? e->ret : (int64_t)e->requested);
	ipcs_jw_errno(w, e->ret);
	ipcs_jw_u64(w, "duration_ns", e->duration_ns);
	if (e->queued >= 0)
		ipcs_jw_s64(w, "queued", e->queued);
	else
		ipcs_jw_null(w, "queued");
	if (is_receive(e) && e->sender_known) {
		ipcs_jw_u64(w, "sender_pid", e->sender_pid);
		ipcs_jw_u64(w, "sender_tid", e->sender_tid);
		ipcs_jw_string(w, "sender_comm", e->sender_comm,
			       sizeof(e->sender_comm));
		ipcs_jw_s64(w, "sent_ts_ns", ipcs_wall_ns(o, e->sent_ts_ns));
		ipcs_jw_u64(w, "queued_ns", e->queued_ns);
	} else if (is_receive(e)) {
		/* queued before tracing began, or a failed receive */
		ipcs_jw_null(w, "sender_pid");
		ipcs_jw_null(w, "sender_tid");
		ipcs_jw_null(w, "sender_comm");
		ipcs_jw_null(w, "sent_ts_ns");
		ipcs_jw_null(w, "queued_ns");
	}
	/* the tracepoint tier's queue model could not order the calls
	 * (tools/msgpair.c): the sender above is its best guess */
	if (is_receive(e))
		ipcs_jw_bool(w, "sender_approx", e->sender_approx);
	ipcs_jw_str(w, "tier", ipcs_hook_name(e->tier));
}

static const char *action_name(unsigned int action)
{
	switch (action) {
	case IPCSCOPE_MQ_NOTIFY_REGISTER:
		return "register";
	case IPCSCOPE_MQ_NOTIFY_UNREGISTER:
		return "unregister";
	case IPCSCOPE_MQ_NOTIFY_FIRE:
		return "fire";
	}
	return "unknown";
}

static void print_notify_text(struct ipcs_output *o, const void *data,
			      size_t size)
{
	const struct ipcscope_mq_notify_event *e = data;
	const char *how = mq_sigev_name(e->notify);
	char mqd[16], sig[48], ret[24], name[IPCSCOPE_MQ_NAME_MAX];

	(void)size;
	snprintf(mqd, sizeof(mqd), "%d", e->mqd);
	if (e->action == IPCSCOPE_MQ_NOTIFY_UNREGISTER)
		snprintf(sig, sizeof(sig), "-");
	else if (e->notify == SIGEV_SIGNAL)
		snprintf(sig, sizeof(sig), "sig %d", e->signo);
	else
		snprintf(sig, sizeof(sig), "%s", how ? how + 6 : "?");
	text_name(name, sizeof(name), e->name, e->name_status);
	ipcs_w_printf(&o->w, "%-10s %4s %s owner %u %s %s", "mq_notify", mqd,
		      action_name(e->action), e->owner_pid, sig,
		      ipcs_ret_text(e->ret, ret, sizeof(ret)));
	ipcs_w_printf(&o->w, " %s", name);
}

static void print_notify_json(struct ipcs_output *o, const void *data,
			      size_t size)
{
	const struct ipcscope_mq_notify_event *e = data;
	const char *how = mq_sigev_name(e->notify);
	struct ipcs_writer *w = &o->w;

	(void)size;
	ipcs_jw_str(w, "action", action_name(e->action));
	ipcs_jw_s64(w, "mqd", e->mqd);
	jw_name(w, e->name, e->name_status);
	if (e->ino)
		ipcs_jw_u64(w, "ino", e->ino);
	else
		ipcs_jw_null(w, "ino");
	if (e->action == IPCSCOPE_MQ_NOTIFY_UNREGISTER || !how) {
		ipcs_jw_null(w, "notify");
		ipcs_jw_null(w, "signo");
	} else {
		ipcs_jw_str(w, "notify", how);
		if (e->notify == SIGEV_SIGNAL)
			ipcs_jw_s64(w, "signo", e->signo);
		else
			ipcs_jw_null(w, "signo");
	}
	ipcs_jw_u64(w, "owner_pid", e->owner_pid);
	ipcs_jw_errno(w, e->ret);
	ipcs_jw_str(w, "tier", ipcs_hook_name(e->tier));
}

/* --peers: as msg's (tools/msg_decode.c), by the queue's inode. */
static void receive_edges(const void *data,
			const struct ipcs_edge_sink *sink)
{
	const struct ipcscope_mq_event *e = data;

	if (e->ret < 0 || !e->sender_known)
		return;
	ipcs_edge_received(&e->hdr, e->sender_pid, e->sender_comm, "mq",
			   e->ino, e->ret, sink);
	ipcs_edge_blocked(&e->hdr, "mq", e->ino, e->duration_ns, true, sink);
}

static void send_edges(const void *data,
			const struct ipcs_edge_sink *sink)
{
	const struct ipcscope_mq_event *e = data;

	ipcs_edge_blocked(&e->hdr, "mq", e->ino, e->duration_ns, false, sink);
}

const struct ipcs_event_type mq_event_types[] = {
	{ IPCSCOPE_EV_MQ_SEND, "mq_send", "ino",
	  sizeof(struct ipcscope_mq_event), print_json, print_text,
	  send_edges },
	{ IPCSCOPE_EV_MQ_RECEIVE, "mq_receive", "ino",
	  sizeof(struct ipcscope_mq_event), print_json, print_text,
	  receive_edges },
	{ IPCSCOPE_EV_MQ_NOTIFY, "mq_notify", "ino",
	  sizeof(struct ipcscope_mq_notify_event), print_notify_json,
	  print_notify_text,
	  NULL },
	{ 0 }
};
