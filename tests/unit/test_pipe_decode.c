// SPDX-License-Identifier: GPL-2.0
/* The pipe decoder: every documented JSON key, errors, text columns. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "pipe_decode.h"
#include "tap.h"

/* A FIFO write whose record carries the kernel-resolved path. */
static struct ipcscope_pipe_path_event sample(void)
{
	struct ipcscope_pipe_path_event p = {
		.ev = {
		.hdr = { .ts_ns = 5000000000ULL, .type = IPCSCOPE_EV_PIPE_WRITE,
			 .size = sizeof(p), .pid = 42, .tid = 43,
			 .comm = "we\"ird\tname" },
		.ino = 123456, .requested = 8192, .ret = 4096,
		.duration_ns = 1500, .dev = (8 << 20) | 3, .fd = 5,
		.buffered = 4096, .capacity = 65536, .slots_used = 1,
		.slots = 16, .kind = IPCSCOPE_PIPE_FIFO,
		.tier = IPCSCOPE_HOOK_KPROBE,
		.path_status = IPCSCOPE_PATH_FULL,
		},
		.path = "/run/my fifo",
	};
	return p;
}

static char *render(const void *e, enum ipcs_format fmt, size_t size,
		    int *rc)
{
	struct ipcs_output o;
	char *buf;

	ipcs_output_init(&o, -1, fmt);
	o.mono_to_real_ns = 1000;
	*rc = ipcs_event_write(&o, e, size);
	buf = strdup(ipcs_w_cstr(&o.w));
	ipcs_output_free(&o);
	return buf;
}

int main(void)
{
	struct ipcscope_pipe_path_event pe = sample();
	struct ipcscope_pipe_event e = pe.ev;
	struct fj_object obj;
	char *line;
	int rc;

	tap_plan(45);
	line = render(&pe, IPCS_FMT_JSON, sizeof(pe), &rc);
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
	tap_ok(!strcmp(fj_str(&obj, "path"), "/run/my fifo"),
	       "path from the kernel");
	tap_key_absent(&obj, "path_truncated",
		       "a whole path: no path_truncated");
	tap_key_absent(&obj, "path_unreadable",
		       "a whole path: no path_unreadable");
	tap_is_int(fj_int(&obj, "fd"), 5, "fd");
	tap_is_int(fj_int(&obj, "requested"), 8192, "requested");
	tap_is_int(fj_int(&obj, "bytes"), 4096, "bytes");
	tap_is_int(fj_int(&obj, "errno"), 0, "errno 0 on success");
	tap_ok(!fj_has(&obj, "restart"), "no restart key on success");
	tap_is_int(fj_int(&obj, "duration_ns"), 1500, "duration_ns");
	tap_is_int(fj_int(&obj, "buffered"), 4096, "buffered");
	tap_is_int(fj_int(&obj, "capacity"), 65536, "capacity");
	tap_ok(!strcmp(fj_str(&obj, "tier"), "kprobe"), "tier");
	fj_free(&obj);
	free(line);

	line = render(&pe, IPCS_FMT_TEXT, sizeof(pe), &rc);
	tap_ok(strstr(line, " /run/my fifo\n") != NULL,
	       "text: the path is the last column: %s", line);
	free(line);

	pe.ev.path_status = IPCSCOPE_PATH_TRUNCATED;
	line = render(&pe, IPCS_FMT_JSON, sizeof(pe), &rc);
	fj_parse(line, &obj);
	tap_ok(fj_has(&obj, "path"), "a truncated path: path");
	tap_ok(fj_has(&obj, "path_truncated"),
	       "a truncated path: path_truncated");
	fj_free(&obj);
	free(line);

	pe.ev.path_status = IPCSCOPE_PATH_UNREADABLE;
	pe.ev.tier = IPCSCOPE_HOOK_TP_BTF;
	line = render(&pe, IPCS_FMT_JSON, sizeof(pe), &rc);
	fj_parse(line, &obj);
	tap_key_null(&obj, "path", "an unreadable path: path null");
	tap_ok(fj_has(&obj, "path_unreadable"),
	       "an unreadable path: path_unreadable");
	tap_ok(!strcmp(fj_str(&obj, "tier"), "tp_btf"), "tier tp_btf");
	fj_free(&obj);
	free(line);

	/* a FIFO record without the path (an older BPF object) */
	e.hdr.size = sizeof(e);
	line = render(&e, IPCS_FMT_JSON, sizeof(e), &rc);
	fj_parse(line, &obj);
	tap_is_int(rc, 0, "a short FIFO record decodes");
	tap_key_absent(&obj, "path", "a short FIFO record: no path");
	fj_free(&obj);
	free(line);

	e.ret = -EAGAIN;
	e.fd = -1;
	e.kind = IPCSCOPE_PIPE_ANON;
	e.path_status = IPCSCOPE_PATH_NONE;
	line = render(&e, IPCS_FMT_JSON, sizeof(e), &rc);
	fj_parse(line, &obj);
	tap_key_int(&obj, "bytes", 0, "a failed call: bytes 0");
	tap_key_int(&obj, "errno", EAGAIN, "a failed call: errno EAGAIN");
	tap_key_absent(&obj, "path", "no path for anon pipes");
	tap_key_absent(&obj, "fd", "no fd when the tier has none");
	fj_free(&obj);
	free(line);

	line = render(&e, IPCS_FMT_TEXT, sizeof(e), &rc);
	tap_ok(strstr(line, "EAGAIN") != NULL, "text names the errno: %s",
	       line);
	tap_ok(strlen(line) < 100, "text line under 100 columns (%zu)",
	       strlen(line));
	free(line);

	/* interrupted by a signal: the kernel's -ERESTARTSYS */
	e.ret = -512;
	e.hdr.type = IPCSCOPE_EV_PIPE_READ;
	line = render(&e, IPCS_FMT_JSON, sizeof(e), &rc);
	fj_parse(line, &obj);
	tap_is_int(fj_int(&obj, "errno"), EINTR,
		   "ERESTARTSYS: errno EINTR (4)");
	tap_is_int(fj_int(&obj, "restart"), 512, "ERESTARTSYS: restart 512");
	tap_is_int(fj_int(&obj, "bytes"), 0, "ERESTARTSYS: bytes 0");
	tap_ok(!strcmp(fj_str(&obj, "type"), "pipe_read"), "type pipe_read");
	fj_free(&obj);
	free(line);
	line = render(&e, IPCS_FMT_TEXT, sizeof(e), &rc);
	tap_ok(strstr(line, " EINTR ") != NULL,
	       "text: ERESTARTSYS shows as EINTR: %s", line);
	tap_ok(!strstr(line, "512"), "text: no 512 for ERESTARTSYS");
	free(line);

	line = render(&e, IPCS_FMT_JSON, sizeof(e) - 1, &rc);
	tap_is_int(rc, -1, "a short record is refused");
	free(line);
	e.hdr.size = sizeof(e) - 1;
	line = render(&e, IPCS_FMT_JSON, sizeof(e), &rc);
	tap_is_int(rc, -1, "a record whose hdr.size is short is refused");
	tap_ok(!*line, "and prints nothing");
	free(line);
	return tap_done();
}
