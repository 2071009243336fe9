// SPDX-License-Identifier: GPL-2.0
/*
 * --payload N: each pipe, FIFO, unix socket and message queue event
 * carries the first N bytes its call really moved, hex in "data", with
 * "data_truncated" when the call moved more.  Known bytes
 * (tests/lib/payload_data.h) through a pipe, a FIFO, a stream and a
 * datagram socketpair, a SysV and a POSIX message queue, one tracer for
 * all: every byte value, UTF-8 text, a write larger than N, short reads
 * (the data is what the call returned, not what it asked for), vectored
 * calls (iovecs joined), errors (no bytes), a datagram received with
 * MSG_TRUNC (its length returned, only the buffer's bytes landed), and a
 * SysV message received cut by MSG_NOERROR (only what landed, returned).
 * msgsnd and mq_send return 0: their data is the message they queued.
 * A message a child outside -p sent: its receive has the data and (on
 * the tracepoint tier through the queue model, which takes the child's
 * send without a payload) the child as sender.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "harness.h"
#include "payload_data.h"

static const char utf8[] = PAYLOAD_UTF8;
#define UTF8_LEN (sizeof(utf8) - 1)

static unsigned char all256[256], big[PAYLOAD_BIG];

static const char *hex(const void *data, size_t len)
{
	static char buf[2 * 4096 + 1];
	const unsigned char *b = data;
	size_t i;

	for (i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
	buf[2 * len] = '\0';
	return buf;
}

/*
 * The @n-th @type event of @pid on @ino moved @bytes and carries @want
 * (@len bytes); data_truncated is @trunc.  4 assertions.
 */
static void check(const struct events *evs, const char *type, long long pid,
		  long long ino, int n, long long bytes, const void *want,
		  size_t len, bool trunc, const char *what)
{
	const struct fj_object *e = events_nth(evs, type, pid, ino, n);

	if (!tap_ok(e != NULL, "%s: the %s event is there", what, type)) {
		tap_skip(3, "no event");
		return;
	}
	tap_key_int(e, "bytes", bytes, "%s: %s moved %lld bytes", what, type,
		    bytes);
	tap_is_str(fj_str(e, "data"), hex(want, len),
		   "%s: data is the %zu bytes it moved%s", what, len,
		   trunc ? ", up to N" : "");
	tap_ok(trunc ? fj_true(e, "data_truncated") :
		       fj_false(e, "data_truncated"),
	       "%s: data_truncated is %s", what, trunc ? "true" : "false");
}

int main(void)
{
	char path[64], n[16], p[24];
	const char *argv[] = { "payload-workload", path, NULL };
	long long pid, pipe_ino, fifo, sa, sb, da, db, mq, child;
	const struct fj_object *e;
	struct cmd_result r;
	struct workload w;
	struct tracer t;
	int i, no_data = 0, events = 0, mq_events = 0, mq_no_data = 0;

	require_root();
	tap_plan(171);
	/* N is required, and at most 4096: usage errors, before any probe */
	run_cmd((const char *[]){ ipcscope_bin(), "trace", "--payload", NULL },
		&r, 10);
	tap_cmd_error(&r, 2, "--payload", "--payload without N");
	run_cmd((const char *[]){ ipcscope_bin(), "trace", "--payload", "5000",
				 NULL }, &r, 10);
	tap_cmd_error(&r, 2, "from 1 to 4096", "--payload 5000");

	payload_all256(all256);
	payload_big(big);
	snprintf(path, sizeof(path), "/tmp/ipcscope-payload-%d.fifo",
		 getpid());
	snprintf(n, sizeof(n), "%d", PAYLOAD_N);
	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	pipe_ino = fact_int(&w, "pipe");
	fifo = fact_int(&w, "fifo");
	sa = fact_int(&w, "stream_a");
	sb = fact_int(&w, "stream_b");
	da = fact_int(&w, "dgram_a");
	db = fact_int(&w, "dgram_b");
	mq = fact_int(&w, "mq");
	snprintf(p, sizeof(p), "%lld", pid);
	tracer_start(&t, (const char *[]){ "-t", "pipe,unix,msg,mq",
					  "--payload", n, "-p", p, NULL });
	workload_finish(&w);
	tracer_stop(&t);
	tap_is_int(w.status, 0, "workload ran to the end");
	tap_is_int(t.events.bad_lines, 0, "every line is a JSON object");

	/* pipe */
	check(&t.events, "pipe_write", pid, pipe_ino, 0, 256, all256, 256,
	      false, "pipe: 256 byte values");
	check(&t.events, "pipe_read", pid, pipe_ino, 0, 256, all256, 256,
	      false, "pipe: read(4096) of them");
	e = events_nth(&t.events, "pipe_read", pid, pipe_ino, 0);
	tap_key_int(e, "requested", 4096, "pipe: that read asked for 4096");
	check(&t.events, "pipe_write", pid, pipe_ino, 1, PAYLOAD_BIG, big,
	      PAYLOAD_N, true, "pipe: write larger than N");
	check(&t.events, "pipe_read", pid, pipe_ino, 1, PAYLOAD_BIG, big,
	      PAYLOAD_N, true, "pipe: read larger than N");
	check(&t.events, "pipe_write", pid, pipe_ino, 2, UTF8_LEN, utf8,
	      UTF8_LEN, false, "pipe: UTF-8 writev of 3 iovecs");
	check(&t.events, "pipe_read", pid, pipe_ino, 2, UTF8_LEN, utf8,
	      UTF8_LEN, false, "pipe: readv into 4 + 200");
	check(&t.events, "pipe_read", pid, pipe_ino, 3, 0, "", 0, false,
	      "pipe: EAGAIN");
	e = events_nth(&t.events, "pipe_read", pid, pipe_ino, 3);
	tap_key_int(e, "errno", EAGAIN, "pipe: that read failed, EAGAIN");

	/* FIFO: its events are the larger path variant */
	check(&t.events, "pipe_write", pid, fifo, 0, UTF8_LEN, utf8, UTF8_LEN,
	      false, "fifo: UTF-8 write");
	check(&t.events, "pipe_read", pid, fifo, 0, UTF8_LEN, utf8, UTF8_LEN,
	      false, "fifo: read(100)");
	/* the path's own value is pipe_fifo_path's test: here, that the
	 * larger path event still decodes with a payload after it */
	e = events_nth(&t.events, "pipe_read", pid, fifo, 0);
	tap_ok(fj_is_str(e, "path") &&
	       strstr(fj_str(e, "path"), strrchr(path, '/')) != NULL,
	       "fifo: the event keeps its path");

	/* unix stream */
	check(&t.events, "unix_send", pid, sa, 0, 256, all256, 256, false,
	      "stream: send of 256 byte values");
	check(&t.events, "unix_recv", pid, sb, 0, 256, all256, 256, false,
	      "stream: recv(4096) of them");
	check(&t.events, "unix_send", pid, sa, 1, UTF8_LEN, utf8, UTF8_LEN,
	      false, "stream: UTF-8 sendmsg of 3 iovecs");
	check(&t.events, "unix_recv", pid, sb, 1, UTF8_LEN, utf8, UTF8_LEN,
	      false, "stream: recvmsg into 3 + 200");
	check(&t.events, "unix_send", pid, sa, 2, PAYLOAD_BIG, big, PAYLOAD_N,
	      true, "stream: write larger than N");
	check(&t.events, "unix_recv", pid, sb, 2, PAYLOAD_BIG, big, PAYLOAD_N,
	      true, "stream: read larger than N");

	/* unix datagram */
	check(&t.events, "unix_send", pid, da, 0, PAYLOAD_DGRAM, big,
	      PAYLOAD_N, true, "dgram: send of 300");
	check(&t.events, "unix_recv", pid, db, 0, 100, big, 100, false,
	      "dgram: recv(100) of it");
	check(&t.events, "unix_recv", pid, db, 1, PAYLOAD_DGRAM, big, 10, true,
	      "dgram: recv(10, MSG_TRUNC): the 10 bytes that landed");

	/* SysV message queue: the text after mtype, both ways */
	check(&t.events, "msgsnd", pid, 0, 0, 256, all256, 256, false,
	      "msg: msgsnd of 256 byte values");
	check(&t.events, "msgrcv", pid, 0, 0, 256, all256, 256, false,
	      "msg: msgrcv(4096) of them");
	check(&t.events, "msgsnd", pid, 0, 1, UTF8_LEN, utf8, UTF8_LEN, false,
	      "msg: msgsnd of the UTF-8 text");
	check(&t.events, "msgrcv", pid, 0, 1, UTF8_LEN, utf8, UTF8_LEN, false,
	      "msg: msgrcv(100) of it");
	check(&t.events, "msgsnd", pid, 0, 2, PAYLOAD_BIG, big, PAYLOAD_N,
	      true, "msg: msgsnd larger than N");
	check(&t.events, "msgrcv", pid, 0, 2, PAYLOAD_BIG, big, PAYLOAD_N,
	      true, "msg: msgrcv larger than N");
	check(&t.events, "msgrcv", pid, 0, 3, 10, big, 10, false,
	      "msg: msgrcv(10, MSG_NOERROR) of 300: the 10 it returned");
	check(&t.events, "msgrcv", pid, 0, 4, 0, "", 0, false,
	      "msg: ENOMSG");
	check(&t.events, "msgsnd", pid, 0, 4, 0, "", 0, false,
	      "msg: msgsnd of 1 MiB, EINVAL");
	e = events_nth(&t.events, "msgsnd", pid, 0, 4);
	tap_key_int(e, "errno", EINVAL, "msg: that msgsnd failed, EINVAL");
	child = fact_int(&w, "msg_child");
	check(&t.events, "msgrcv", pid, 0, 5, UTF8_LEN, utf8, UTF8_LEN, false,
	      "msg: msgrcv of the text a child outside -p sent");
	e = events_nth(&t.events, "msgrcv", pid, 0, 5);
	tap_key_int(e, "sender_pid", child, "msg: its sender, the child");
	tap_is_int(events_count(&t.events, "msgsnd", child, 0), 0,
		   "msg: the child's msgsnd not printed (-p)");

	/* POSIX message queue */
	check(&t.events, "mq_send", pid, mq, 0, 256, all256, 256, false,
	      "mq: mq_send of 256 byte values");
	check(&t.events, "mq_receive", pid, mq, 0, 256, all256, 256, false,
	      "mq: mq_receive(1024) of them");
	e = events_nth(&t.events, "mq_receive", pid, mq, 0);
	tap_key_int(e, "requested", 1024, "mq: that receive asked for 1024");
	check(&t.events, "mq_send", pid, mq, 1, UTF8_LEN, utf8, UTF8_LEN,
	      false, "mq: mq_send of the UTF-8 text");
	check(&t.events, "mq_receive", pid, mq, 1, UTF8_LEN, utf8, UTF8_LEN,
	      false, "mq: mq_receive of it");
	check(&t.events, "mq_send", pid, mq, 2, PAYLOAD_BIG, big, PAYLOAD_N,
	      true, "mq: mq_send larger than N");
	check(&t.events, "mq_receive", pid, mq, 2, PAYLOAD_BIG, big,
	      PAYLOAD_N, true, "mq: mq_receive larger than N");
	check(&t.events, "mq_receive", pid, mq, 3, 0, "", 0, false,
	      "mq: EAGAIN");
	check(&t.events, "mq_send", pid, mq, 3, 0, "", 0, false,
	      "mq: mq_send of 1025, EMSGSIZE");
	e = events_nth(&t.events, "mq_send", pid, mq, 3);
	tap_key_int(e, "errno", EMSGSIZE, "mq: that send failed, EMSGSIZE");
	child = fact_int(&w, "mq_child");
	check(&t.events, "mq_receive", pid, mq, 4, UTF8_LEN, utf8, UTF8_LEN,
	      false, "mq: mq_receive of the text a child outside -p sent");
	e = events_nth(&t.events, "mq_receive", pid, mq, 4);
	tap_key_int(e, "sender_pid", child, "mq: its sender, the child");
	tap_is_int(events_count(&t.events, "mq_send", child, 0), 0,
		   "mq: the child's mq_send not printed (-p)");

	for (i = 0; i < t.events.n; i++) {
		e = &t.events.ev[i];
		if (fj_int(e, "pid") != pid)
			continue;
		if (event_is(e, "msgsnd") || event_is(e, "msgrcv") ||
		    event_is(e, "mq_send") || event_is(e, "mq_receive")) {
			mq_events++;
			mq_no_data += !fj_is_str(e, "data");
			continue;
		}
		if (!event_is(e, "pipe_read") && !event_is(e, "pipe_write") &&
		    !event_is(e, "unix_send") && !event_is(e, "unix_recv"))
			continue;
		events++;
		no_data += !fj_is_str(e, "data");
	}
	tap_is_int(events, 7 + 2 + 6 + 4, "19 pipe and unix events");
	tap_is_int(no_data, 0, "every one has its data");
	tap_is_int(mq_events, 11 + 9, "20 msg and mq events");
	tap_is_int(mq_no_data, 0, "every one has its data");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "every event's \"tier\" is a hook of --probe %s",
		   probe_tier());
	tracer_free(&t);
	workload_free(&w);
	return tap_done();
}
