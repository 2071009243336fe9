// SPDX-License-Identifier: GPL-2.0
/*
 * The unix socket decoder: every documented key, nulls where a tier could
 * not know the value, abstract names as "@name", text lines under 100
 * columns with the widest values, short records refused; --path parsing.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "json.h"
#include "unix_decode.h"
#include "tap.h"

static char *render(const void *e, size_t size, enum ipcs_format fmt,
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

static void json(const struct ipcscope_unix_event *e, struct fj_object *obj)
{
	int rc;
	char *line = render(e, sizeof(*e), IPCS_FMT_JSON, &rc);

	if (rc || fj_parse(line, obj))
		tap_bail("not one JSON object: %s", line);
	free(line);
}

static void base(struct ipcscope_unix_event *e, unsigned int type)
{
	memset(e, 0, sizeof(*e));
	e->hdr.type = type;
	e->hdr.size = sizeof(*e);
	e->hdr.pid = 10;
	e->hdr.tid = 10;
	strcpy(e->hdr.comm, "client");
	e->ino = 1001;
	e->requested = 100;
	e->ret = 64;
	e->duration_ns = 5000;
	e->sock = SOCK_STREAM;
	e->tier = IPCSCOPE_HOOK_TP_BTF;
	e->fd = 3;
}

static void full_record(void)
{
	struct ipcscope_unix_event e;
	struct fj_object o, creds;

	base(&e, IPCSCOPE_EV_UNIX_RECV);
	e.sock = SOCK_DGRAM;
	e.peer_ino = 1002;
	e.peer_pid = 77;
	strcpy(e.peer_comm, "server");
	e.fds = 3;
	e.queued = 12;
	e.creds_pid = 5;
	e.creds_uid = 6;
	e.creds_gid = 7;
	e.flags = IPCSCOPE_UNIX_PEER_INO | IPCSCOPE_UNIX_PEER_PID |
		  IPCSCOPE_UNIX_PEER_COMM | IPCSCOPE_UNIX_PEER_SKB |
		  IPCSCOPE_UNIX_QUEUED | IPCSCOPE_UNIX_CREDS;
	memcpy(e.path, "\0bus\0x", 6);
	e.path_len = 6;
	e.path_peer = 1;
	json(&e, &o);
	tap_key_str(&o, "type", "unix_recv", "type unix_recv");
	tap_key_str(&o, "sock", "dgram", "sock");
	tap_key_int(&o, "ino", 1001, "ino");
	tap_key_int(&o, "peer_ino", 1002, "peer_ino");
	tap_key_int(&o, "peer_pid", 77, "peer_pid");
	tap_key_str(&o, "peer_from", "message", "peer_from: the datagram's");
	tap_key_str(&o, "peer_comm", "server", "peer_comm");
	tap_key_str(&o, "path", "@bus@x", "abstract path, NULs as @");
	tap_key_str(&o, "path_of", "peer", "path_of");
	tap_key_int(&o, "fd", 3, "fd");
	tap_key_int(&o, "requested", 100, "requested");
	tap_key_int(&o, "bytes", 64, "bytes");
	tap_key_int(&o, "errno", 0, "errno");
	tap_key_int(&o, "duration_ns", 5000, "duration_ns");
	tap_key_int(&o, "fds", 3, "fds");
	tap_key_int(&o, "queued", 12, "queued");
	tap_key_str(&o, "tier", "tp_btf", "tier");
	creds = fj_child(&o, "creds");
	tap_key_int(&creds, "pid", 5, "creds.pid");
	tap_key_int(&creds, "uid", 6, "creds.uid");
	tap_key_int(&creds, "gid", 7, "creds.gid");
	fj_free(&o);
}

static void unknowns(void)
{
	struct ipcscope_unix_event e;
	struct fj_object o;

	base(&e, IPCSCOPE_EV_UNIX_SEND);
	e.fd = -1;
	e.ret = -11;
	json(&e, &o);
	tap_key_null(&o, "peer_ino", "peer_ino null when unknown");
	tap_key_null(&o, "peer_pid", "peer_pid null when unknown");
	tap_key_null(&o, "peer_comm", "peer_comm null when unknown");
	tap_key_null(&o, "path", "path null when neither end is bound");
	tap_key_null(&o, "creds", "creds null without SCM_CREDENTIALS");
	tap_key_null(&o, "queued", "queued null when unknown");
	tap_key_absent(&o, "fd", "no fd when the tier cannot tell");
	tap_key_int(&o, "errno", 11, "errno from ret");
	tap_key_int(&o, "bytes", 0, "bytes 0 on error");
	fj_free(&o);
}

static void text(void)
{
	struct ipcscope_unix_event e;
	size_t n;
	int rc;
	char *line;

	base(&e, IPCSCOPE_EV_UNIX_SEND);
	e.ino = e.peer_ino = 99999999;
	e.ret = -512;
	e.duration_ns = 999999999999ULL;
	e.peer_pid = 4194304;
	e.flags = IPCSCOPE_UNIX_PEER_INO | IPCSCOPE_UNIX_PEER_PID;
	line = render(&e, sizeof(e), IPCS_FMT_TEXT, &rc);
	n = strlen(line) - 1;
	tap_is_int(rc, 0, "text line without a path: rendered");
	tap_ok(n < 100, "text line without a path is %zu < 100 columns", n);
	free(line);
	line = render(&e, sizeof(e) - 1, IPCS_FMT_JSON, &rc);
	tap_ok(rc == -1, "a short record is refused");
	free(line);
}

static void path_parse(void)
{
	char out[IPCSCOPE_UNIX_PATH_MAX], txt[IPCSCOPE_UNIX_PATH_MAX + 1];
	unsigned int len = 0;

	tap_is_int(unix_path_parse("/run/x.sock", out, sizeof(out), &len), 0,
		   "a path name parses");
	tap_is_int(len, 12, "a path name keeps its NUL in the length");
	tap_ok(!strcmp(out, "/run/x.sock"), "a path name is copied as is");
	tap_is_int(unix_path_parse("@abc", out, sizeof(out), &len), 0,
		   "@abc parses");
	tap_is_int(len, 4, "@abc: 4 bytes, no NUL after an abstract name");
	tap_ok(out[0] == 0 && !memcmp(out + 1, "abc", 3),
	       "@abc is the abstract name \\0abc");
	unix_path_text(out, len, txt, sizeof(txt));
	tap_ok(!strcmp(txt, "@abc"), "and prints as @abc");
	tap_is_int(unix_path_parse("", out, sizeof(out), &len), -1,
		   "an empty name is refused");
	tap_is_int(unix_path_parse("@", out, sizeof(out), &len), -1,
		   "an empty abstract name is refused");
	memset(txt, 'a', sizeof(txt) - 1);
	txt[sizeof(txt) - 1] = 0;
	tap_ok(unix_path_parse(txt, out, sizeof(out), &len) == -1,
	       "a path name with no room for its NUL is refused");
}

int main(void)
{
	tap_plan(42);
	full_record();
	unknowns();
	text();
	path_parse();
	return tap_done();
}
