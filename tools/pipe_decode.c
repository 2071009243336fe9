// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>
#include "pipe_decode.h"

const char *pipe_kind_name(unsigned int kind)
{
	switch (kind) {
	case IPCSCOPE_PIPE_ANON:
		return "anon";
	case IPCSCOPE_PIPE_FIFO:
		return "fifo";
	}
	return "unknown";
}

/* After the common 40: 5+8+4+7+7+9+11 and separators: 97, then a FIFO's
 * path. */
#define PIPE_TEXT_FMT "%-5s %8s %-4s %7s %7s %9s %11s"

void pipe_print_header(struct ipcs_output *o)
{
	ipcs_w_printf(&o->w, "%-15s %7s %-15s " PIPE_TEXT_FMT " %s\n", "TIME",
		      "PID", "COMM", "OP", "INODE", "KIND", "REQ", "RET",
		      "LAT(us)", "BUF/CAP", "PATH");
}

/* The FIFO's path of a record that carries one, or NULL. */
static const char *event_path(const struct ipcscope_pipe_event *e,
			      size_t size)
{
	const struct ipcscope_pipe_path_event *pe = (const void *)e;

	if (size < sizeof(*pe))
		return NULL;
	if (e->path_status != IPCSCOPE_PATH_FULL &&
	    e->path_status != IPCSCOPE_PATH_TRUNCATED)
		return NULL;
	return pe->path;
}

static void print_text(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_pipe_event *e = data;
	const char *path = event_path(e, size);
	char ret[24], fill[32], ino[24], req[24], lat[32];
	char safe_path[IPCSCOPE_PATH_MAX];

	ipcs_ret_text(e->ret, ret, sizeof(ret));
	snprintf(fill, sizeof(fill), "%u%s/%u", e->buffered,
		 e->buffered_partial ? "+" : "", e->capacity);
	snprintf(ino, sizeof(ino), "%" PRIu64, (uint64_t)e->ino);
	snprintf(req, sizeof(req), "%" PRIu64, (uint64_t)e->requested);
	ipcs_lat_text(e->duration_ns, lat, sizeof(lat));
	ipcs_w_printf(&o->w, PIPE_TEXT_FMT,
		      e->hdr.type == IPCSCOPE_EV_PIPE_READ ? "read" : "write",
		      ino, pipe_kind_name(e->kind), req, ret, lat, fill);
	if (path) {
		ipcs_text_sanitize(safe_path, sizeof(safe_path), path,
				   IPCSCOPE_PATH_MAX);
		/* a truncated path already starts with ".../" */
		ipcs_w_printf(&o->w, " %s", safe_path);
	}
}

static void print_json(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_pipe_event *e = data;
	struct ipcs_writer *w = &o->w;
	const char *path = event_path(e, size);

	ipcs_jw_u64(w, "ino", e->ino);
	ipcs_jw_dev(w, "dev", e->dev >> 20, e->dev & 0xfffff);
	ipcs_jw_str(w, "pipe", pipe_kind_name(e->kind));
	if (path) {
		ipcs_jw_string(w, "path", path, IPCSCOPE_PATH_MAX);
		if (e->path_status == IPCSCOPE_PATH_TRUNCATED)
			ipcs_jw_bool(w, "path_truncated", true);
	} else if (e->path_status == IPCSCOPE_PATH_UNREADABLE) {
		ipcs_jw_null(w, "path");
		ipcs_jw_bool(w, "path_unreadable", true);
	}
	if (e->fd >= 0)
		ipcs_jw_s64(w, "fd", e->fd);
	ipcs_jw_u64(w, "requested", e->requested);
	ipcs_jw_s64(w, "bytes", e->ret < 0 ? 0 : e->ret);
	ipcs_jw_errno(w, e->ret);
	ipcs_jw_u64(w, "duration_ns", e->duration_ns);
	ipcs_jw_u64(w, "buffered", e->buffered);
	ipcs_jw_u64(w, "capacity", e->capacity);
	ipcs_jw_u64(w, "slots_used", e->slots_used);
	ipcs_jw_u64(w, "slots", e->slots);
	ipcs_jw_bool(w, "buffered_partial", e->buffered_partial);
	ipcs_jw_str(w, "tier", ipcs_hook_name(e->tier));
}

/*
 * --peers: a read's bytes come from the writers its `from` names (a read
 * with no note at all: bytes of no known sender), and a read that slept
 * was woken by its writer; a write that slept on a full pipe, by the
 * reader that made room.
 */
static void read_edges(const void *data,
			const struct ipcs_edge_sink *sink)
{
	const struct ipcscope_from_event *from = sink->from;
	const struct ipcscope_pipe_event *e = data;
	unsigned int i;

	for (i = 0; from && i < from->nfrom && i < IPCSCOPE_FROM_MAX; i++)
		ipcs_edge_received(&e->hdr, from->from[i].pid,
				   from->from[i].comm, "pipe", e->ino,
				   from->from[i].bytes, sink);
	if (!from && e->ret > 0)
		ipcs_edge_received(&e->hdr, 0, NULL, "pipe", e->ino, e->ret,
				   sink);
	ipcs_edge_blocked(&e->hdr, "pipe", e->ino, e->duration_ns, true, sink);
}

static void write_edges(const void *data,
			const struct ipcs_edge_sink *sink)
{
	const struct ipcscope_pipe_event *e = data;

	ipcs_edge_blocked(&e->hdr, "pipe", e->ino, e->duration_ns,
			  false, sink);
}

const struct ipcs_event_type pipe_event_types[] = {
	{ IPCSCOPE_EV_PIPE_READ, "pipe_read", "ino",
	  sizeof(struct ipcscope_pipe_event), print_json, print_text,
	  read_edges },
	{ IPCSCOPE_EV_PIPE_WRITE, "pipe_write", "ino",
	  sizeof(struct ipcscope_pipe_event), print_json, print_text,
	  write_edges },
	{ 0 }
};
