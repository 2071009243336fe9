// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
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

/* Columns: 15+7+15+5+8+4+7+7+9+11 and separators: 97, then a FIFO's path. */
#define PIPE_TEXT_FMT "%-15s %7s %-15s %-5s %8s %-4s %7s %7s %9s %11s"

void pipe_print_header(const struct ipcs_output *o)
{
	fprintf(o->out, PIPE_TEXT_FMT " %s\n", "TIME", "PID", "COMM", "OP",
		"INODE", "KIND", "REQ", "RET", "LAT(us)", "BUF/CAP", "PATH");
}

static void print_text(const struct ipcs_output *o,
		       const struct ipcscope_pipe_event *e, const char *path)
{
	char clock[32], comm[IPCSCOPE_COMM_LEN], ret[24], fill[32];
	char pid[16], ino[24], req[24], lat[32];
	char safe_path[4096];

	ipcs_format_clock(ipcs_wall_ns(o, e->hdr.ts_ns), clock, sizeof(clock));
	ipcs_text_sanitize(comm, sizeof(comm), e->hdr.comm, sizeof(e->hdr.comm));
	if (e->ret < 0)
		ipcs_errno_name((int)-e->ret, ret, sizeof(ret));
	else
		snprintf(ret, sizeof(ret), "%lld", (long long)e->ret);
	snprintf(fill, sizeof(fill), "%u%s/%u", e->buffered,
		 e->buffered_partial ? "+" : "", e->capacity);
	safe_path[0] = '\0';
	if (path)
		ipcs_text_sanitize(safe_path, sizeof(safe_path), path,
				   sizeof(safe_path));
	snprintf(pid, sizeof(pid), "%u", e->hdr.pid);
	snprintf(ino, sizeof(ino), "%" PRIu64, (uint64_t)e->ino);
	snprintf(req, sizeof(req), "%" PRIu64, (uint64_t)e->requested);
	snprintf(lat, sizeof(lat), "%.1f", e->duration_ns / 1000.0);
	fprintf(o->out, PIPE_TEXT_FMT "%s%s\n", clock, pid, comm,
		e->hdr.type == IPCSCOPE_EV_PIPE_READ ? "read" : "write",
		ino, pipe_kind_name(e->kind), req, ret, lat, fill,
		safe_path[0] ? " " : "", safe_path);
}

static void print_json(const struct ipcs_output *o,
		       const struct ipcscope_pipe_event *e, const char *path)
{
	FILE *out = o->out;

	fprintf(out, "{\"type\":\"%s\",\"ts_ns\":%" PRId64
		",\"pid\":%u,\"tid\":%u,\"comm\":",
		e->hdr.type == IPCSCOPE_EV_PIPE_READ ? "pipe_read" : "pipe_write",
		ipcs_wall_ns(o, e->hdr.ts_ns), e->hdr.pid, e->hdr.tid);
	ipcs_json_string(out, e->hdr.comm, sizeof(e->hdr.comm));
	fprintf(out, ",\"ino\":%" PRIu64 ",\"dev\":\"%u:%u\",\"pipe\":\"%s\"",
		(uint64_t)e->ino, e->dev >> 20, e->dev & 0xfffff,
		pipe_kind_name(e->kind));
	if (path) {
		fputs(",\"path\":", out);
		ipcs_json_string(out, path, 4096);
	}
	if (e->fd >= 0)
		fprintf(out, ",\"fd\":%d", e->fd);
	fprintf(out, ",\"requested\":%" PRIu64 ",\"bytes\":%lld"
		",\"errno\":%lld,\"duration_ns\":%" PRIu64
		",\"buffered\":%u,\"capacity\":%u,\"slots_used\":%u"
		",\"slots\":%u,\"buffered_partial\":%s,\"tier\":\"%s\"}\n",
		(uint64_t)e->requested, e->ret < 0 ? 0LL : (long long)e->ret,
		e->ret < 0 ? -(long long)e->ret : 0LL, (uint64_t)e->duration_ns,
		e->buffered, e->capacity, e->slots_used, e->slots,
		e->buffered_partial ? "true" : "false", ipcs_tier_name(e->tier));
}

int pipe_print_event(const struct ipcs_output *o, const void *data,
		     size_t size, const char *path)
{
	const struct ipcscope_pipe_event *e = data;

	if (size < sizeof(*e) || (e->hdr.type != IPCSCOPE_EV_PIPE_READ &&
				  e->hdr.type != IPCSCOPE_EV_PIPE_WRITE))
		return -1;
	if (o->format == IPCS_FMT_JSON)
		print_json(o, e, path);
	else
		print_text(o, e, path);
	return 0;
}
