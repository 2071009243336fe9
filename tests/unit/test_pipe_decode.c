// SPDX-License-Identifier: GPL-2.0
/* The pipe decoder: every documented JSON key, errors, text columns. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "flatjson.h"
#include "pipe_decode.h"
#include "tap.h"

static struct ipcscope_pipe_event sample(void)
{
	struct ipcscope_pipe_event e = {
		.hdr = { .ts_ns = 5000000000ULL, .type = IPCSCOPE_EV_PIPE_WRITE,
			 .size = sizeof(e), .pid = 42, .tid = 43,
			 .comm = "we\"ird\tname" },
		.ino = 123456, .requested = 8192, .ret = 4096,
		.duration_ns = 1500, .dev = (8 << 20) | 3, .fd = 5,
		.buffered = 4096, .capacity = 65536, .slots_used = 1,
		.slots = 16, .kind = IPCSCOPE_PIPE_FIFO,
		.tier = IPCSCOPE_TIER_KPROBE,
	};
	return e;
}

static char *render(const struct ipcscope_pipe_event *e, enum ipcs_format fmt,
		    const char *path, size_t size, int *rc)
{
	struct ipcs_output o = { .format = fmt, .mono_to_real_ns = 1000 };
	char *buf = NULL;
	size_t len;

	o.out = open_memstream(&buf, &len);
	*rc = pipe_print_event(&o, e, size, path);
	fclose(o.out);
	return buf;
}

int main(void)
{
	struct ipcscope_pipe_event e = sample();
	struct fj_object obj;
	char *line;
	int rc;

	tap_plan(24);
	line = render(&e, IPCS_FMT_JSON, "/run/my fifo", sizeof(e), &rc);
	tap_is_int(rc, 0, "a pipe event decodes");
	tap_ok(line[strlen(line) - 1] == '\n' && !strchr(line, '\n')[1],
	       "one line");
	if (fj_parse(line, &obj))
		tap_bail("not JSON: %s", line);
	tap_ok(!strcmp(fj_str(&obj, "type"), "pipe_write"), "type");
	tap_is_int(fj_int(&obj, "ts_ns"), 5000001000LL,
		   "ts_ns is the wall clock");
	tap_is_int(fj_int(&obj, "pid"), 42, "pid");
	tap_is_int(fj_int(&obj, "tid"), 43, "tid");
	tap_ok(!strcmp(fj_str(&obj, "comm"), "we\"ird\tname"),
	       "comm with quote and tab survives");
	tap_is_int(fj_int(&obj, "ino"), 123456, "ino");
	tap_ok(!strcmp(fj_str(&obj, "dev"), "8:3"), "dev as major:minor");
	tap_ok(!strcmp(fj_str(&obj, "pipe"), "fifo"), "pipe kind");
	tap_ok(!strcmp(fj_str(&obj, "path"), "/run/my fifo"), "path");
	tap_is_int(fj_int(&obj, "fd"), 5, "fd");
	tap_is_int(fj_int(&obj, "requested"), 8192, "requested");
	tap_is_int(fj_int(&obj, "bytes"), 4096, "bytes");
	tap_is_int(fj_int(&obj, "errno"), 0, "errno 0 on success");
	tap_is_int(fj_int(&obj, "duration_ns"), 1500, "duration_ns");
	tap_is_int(fj_int(&obj, "buffered"), 4096, "buffered");
	tap_is_int(fj_int(&obj, "capacity"), 65536, "capacity");
	tap_ok(!strcmp(fj_str(&obj, "tier"), "kprobe"), "tier");
	fj_free(&obj);
	free(line);

	e.ret = -EAGAIN;
	e.fd = -1;
	e.kind = IPCSCOPE_PIPE_ANON;
	line = render(&e, IPCS_FMT_JSON, NULL, sizeof(e), &rc);
	fj_parse(line, &obj);
	tap_ok(fj_int(&obj, "bytes") == 0 && fj_int(&obj, "errno") == EAGAIN,
	       "a failed call: bytes 0, errno EAGAIN");
	tap_ok(!fj_has(&obj, "path") && !fj_has(&obj, "fd"),
	       "no path for anon pipes, no fd when the tier has none");
	fj_free(&obj);
	free(line);

	line = render(&e, IPCS_FMT_TEXT, NULL, sizeof(e), &rc);
	tap_ok(strstr(line, "EAGAIN") != NULL, "text names the errno: %s",
	       line);
	tap_ok(strlen(line) < 100, "text line under 100 columns (%zu)",
	       strlen(line));
	free(line);

	line = render(&e, IPCS_FMT_JSON, NULL, sizeof(e) - 1, &rc);
	tap_is_int(rc, -1, "a short record is refused");
	free(line);
	return tap_done();
}
