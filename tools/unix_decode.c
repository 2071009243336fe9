// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include "unix_decode.h"

const char *unix_sock_name(unsigned int type)
{
	switch (type) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_SEQPACKET:
		return "seqpacket";
	}
	return "unknown";
}

void unix_path_text(const char *path, size_t len, char *buf, size_t size)
{
	size_t i, n = 0;

	if (!size)
		return;
	if (len > IPCSCOPE_UNIX_PATH_MAX)
		len = IPCSCOPE_UNIX_PATH_MAX;
	if (len && path[0] == '\0') {
		for (i = 0; i < len && n + 1 < size; i++)
			buf[n++] = path[i] ? path[i] : '@';
	} else {
		for (i = 0; i < len && path[i] && n + 1 < size; i++)
			buf[n++] = path[i];
	}
	buf[n] = '\0';
}

int unix_path_parse(const char *arg, char *out, size_t size,
		    unsigned int *len)
{
	size_t n = strlen(arg);

	memset(out, 0, size);
	if (!n || (arg[0] == '@' && n == 1))
		return -1;
	if (arg[0] == '@') {
		if (n > size)
			return -1;
		memcpy(out + 1, arg + 1, n - 1);	/* out[0] stays NUL */
		*len = n;
		return 0;
	}
	if (n + 1 > size)
		return -1;
	memcpy(out, arg, n);
	*len = n + 1;			/* the kernel keeps the NUL */
	return 0;
}

/* After the common 40: 4+5+8+8+7+9+7 and separators: 94, then the path. */
#define UNIX_TEXT_FMT "%-4s %-5s %8s %8s %7s %9s %7s"

void unix_print_header(struct ipcs_output *o)
{
	ipcs_w_printf(&o->w, "%-15s %7s %-15s " UNIX_TEXT_FMT " %s\n", "TIME",
		      "PID", "COMM", "OP", "SOCK", "INODE", "PEER", "RET",
		      "LAT(us)", "PEERPID", "PATH");
}

static bool is_recv(const struct ipcscope_unix_event *e)
{
	return e->hdr.type == IPCSCOPE_EV_UNIX_RECV;
}

static const char *short_sock(unsigned int type)
{
	switch (type) {
	case SOCK_STREAM:
		return "strm";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_SEQPACKET:
		return "seqp";
	}
	return "?";
}

static void print_text(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_unix_event *e = data;
	char ino[24], peer[24], ret[24], lat[32], ppid[16];
	char path[IPCSCOPE_UNIX_PATH_MAX + 1], safe[IPCSCOPE_UNIX_PATH_MAX + 1];

	(void)size;
	snprintf(ino, sizeof(ino), "%" PRIu64, (uint64_t)e->ino);
	if (e->flags & IPCSCOPE_UNIX_PEER_INO)
		snprintf(peer, sizeof(peer), "%" PRIu64, (uint64_t)e->peer_ino);
	else
		snprintf(peer, sizeof(peer), "-");
	if (e->flags & IPCSCOPE_UNIX_PEER_PID)
		snprintf(ppid, sizeof(ppid), "%u", e->peer_pid);
	else
		snprintf(ppid, sizeof(ppid), "-");
	ipcs_w_printf(&o->w, UNIX_TEXT_FMT, is_recv(e) ? "recv" : "send",
		      short_sock(e->sock), ino, peer,
		      ipcs_ret_text(e->ret, ret, sizeof(ret)),
		      ipcs_lat_text(e->duration_ns, lat, sizeof(lat)), ppid);
	if (e->path_len) {
		unix_path_text(e->path, e->path_len, path, sizeof(path));
		ipcs_text_sanitize(safe, sizeof(safe), path, sizeof(path));
		ipcs_w_printf(&o->w, " %s", safe);
	}
}

static void print_json(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_unix_event *e = data;
	struct ipcs_writer *w = &o->w;
	char path[IPCSCOPE_UNIX_PATH_MAX + 1];

	(void)size;
	ipcs_jw_str(w, "sock", unix_sock_name(e->sock));
	ipcs_jw_u64(w, "ino", e->ino);
	if (e->flags & IPCSCOPE_UNIX_PEER_INO)
		ipcs_jw_u64(w, "peer_ino", e->peer_ino);
	else
		ipcs_jw_null(w, "peer_ino");
	if (e->flags & IPCSCOPE_UNIX_PEER_PID) {
		ipcs_jw_u64(w, "peer_pid", e->peer_pid);
		/* where it came from: events-unix.rst */
		ipcs_jw_str(w, "peer_from",
			    e->flags & IPCSCOPE_UNIX_PEER_SKB ? "message" :
			    e->flags & IPCSCOPE_UNIX_PEER_SENDER ?
			    "last_sender" : "connection");
	} else {
		ipcs_jw_null(w, "peer_pid");
	}
	if (e->flags & IPCSCOPE_UNIX_PEER_COMM)
		ipcs_jw_string(w, "peer_comm", e->peer_comm,
			       sizeof(e->peer_comm));
	else
		ipcs_jw_null(w, "peer_comm");
	if (e->path_len) {
		unix_path_text(e->path, e->path_len, path, sizeof(path));
		ipcs_jw_string(w, "path", path, sizeof(path));
		ipcs_jw_str(w, "path_of", e->path_peer ? "peer" : "self");
	} else {
		ipcs_jw_null(w, "path");
	}
	if (e->fd >= 0)
		ipcs_jw_s64(w, "fd", e->fd);
	ipcs_jw_u64(w, "requested", e->requested);
	ipcs_jw_s64(w, "bytes", e->ret < 0 ? 0 : e->ret);
	ipcs_jw_errno(w, e->ret);
	ipcs_jw_u64(w, "duration_ns", e->duration_ns);
	ipcs_jw_u64(w, "fds", e->fds);
	if (e->flags & IPCSCOPE_UNIX_CREDS) {
		ipcs_jw_begin_object(w, "creds");
		ipcs_jw_s64(w, "pid", e->creds_pid);
		ipcs_jw_u64(w, "uid", e->creds_uid);
		ipcs_jw_u64(w, "gid", e->creds_gid);
		ipcs_jw_end_object(w);
	} else {
		ipcs_jw_null(w, "creds");
	}
	if (e->flags & IPCSCOPE_UNIX_QUEUED) {
		ipcs_jw_u64(w, "queued", e->queued);
		if (e->flags & IPCSCOPE_UNIX_QUEUED_PARTIAL)
			ipcs_jw_bool(w, "queued_partial", true);
	} else {
		ipcs_jw_null(w, "queued");
	}
	ipcs_jw_str(w, "tier", ipcs_hook_name(e->tier));
}

/* --peers: a receive whose peer's pid is known (the socket's peer
 * credentials) is an edge from that peer. */
static void recv_edges(const void *data,
			const struct ipcs_edge_sink *sink)
{
	const struct ipcscope_unix_event *e = data;

	if (e->ret <= 0 || !(e->flags & IPCSCOPE_UNIX_PEER_PID) ||
	    !e->peer_pid)
		return;
	ipcs_edge_received(&e->hdr, e->peer_pid,
			   e->flags & IPCSCOPE_UNIX_PEER_COMM ?
			   e->peer_comm : NULL, "unix", e->ino, e->ret, sink);
	ipcs_edge_blocked(&e->hdr, "unix", e->ino, e->duration_ns, true, sink);
}

const struct ipcs_event_type unix_event_types[] = {
	{ IPCSCOPE_EV_UNIX_SEND, "unix_send", "ino",
	  sizeof(struct ipcscope_unix_event), print_json, print_text,
	  NULL },
	{ IPCSCOPE_EV_UNIX_RECV, "unix_recv", "ino",
	  sizeof(struct ipcscope_unix_event), print_json, print_text,
	  recv_edges },
	{ 0 }
};
