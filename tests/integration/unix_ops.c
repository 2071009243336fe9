// SPDX-License-Identifier: GPL-2.0
/*
 * Unix domain sockets, with numbers known in advance: a stream
 * socketpair's exact bytes both ways and its receive chunking, ino and
 * peer_ino cross-matched with fstat(2) on both ends (traced together with
 * the pipe family, which shares read/write: pipe counts stay exact); a
 * datagram server's per-message senders; an abstract seqpacket pair's
 * message boundaries; SCM_RIGHTS with 3 descriptors and SCM_CREDENTIALS;
 * a receive blocked for a known time.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include "harness.h"

#define SLEEP_MS 300

/* Matching unix events whose key @key is not @want (integers). */
static int not_int(const struct events *evs, const char *type, long long pid,
		   long long ino, const char *key, long long want)
{
	return events_not_int(evs, type, pid, ino, key, want);
}

static void stream(const struct tracer *tr, const struct workload *wl)
{
	long long pid, a, b, sent, i, n, bad_chunk = 0, left;
	const struct workload w = *wl;
	const struct tracer t = *tr;
	const struct fj_object *e;

	pid = fact_int(&w, "pid");
	a = fact_int(&w, "ino_a");
	b = fact_int(&w, "ino_b");
	sent = fact_int(&w, "sent");
	tap_is_int(w.status, 0, "stream: workload ran to the end");
	tap_is_int(t.events.bad_lines, 0, "every line is a JSON object");
	tap_is_int(events_count(&t.events, "unix_send", pid, a), 5,
		   "stream: 5 unix_send events on end a (send)");
	tap_is_int(events_sum(&t.events, "unix_send", pid, a, "bytes"), sent,
		   "stream: their bytes add up to %lld", sent);
	tap_is_int(not_int(&t.events, "unix_send", pid, a, "peer_ino", b), 0,
		   "stream: end a's sends name end b (fstat) as peer_ino");
	tap_is_int(events_not_str(&t.events, "unix_send", pid, a, "sock",
				  "stream"), 0, "stream: sock is stream");
	n = events_count(&t.events, "unix_recv", pid, b);
	tap_is_int(n, fact_int(&w, "recvs"),
		   "stream: as many unix_recv events on end b as recv()s");
	tap_is_int(events_sum(&t.events, "unix_recv", pid, b, "bytes"), sent,
		   "stream: end b received every byte");
	/* all was queued first: each recv takes min(1000, what is left) */
	for (i = 0, left = sent; i < n; i++) {
		long long want = left < 1000 ? left : 1000;

		e = events_nth(&t.events, "unix_recv", pid, b, i);
		bad_chunk += fj_int(e, "bytes") != want ||
			     fj_int(e, "requested") != 1000 ||
			     fj_int(e, "queued") != left - want;
		left -= want;
	}
	tap_is_int(bad_chunk, 0,
		   "stream: each recv got its 1000-byte chunk; queued is what is left");
	tap_is_int(not_int(&t.events, "unix_recv", pid, b, "peer_ino", a), 0,
		   "stream: end b's receives name end a as peer_ino");
	tap_is_int(not_int(&t.events, "unix_recv", pid, b, "peer_pid", pid), 0,
		   "stream: peer_pid is the socketpair's creator");
	/* the way back: write(2) and read(2), shared with the pipe family */
	tap_is_int(events_count(&t.events, "unix_send", pid, b), 3,
		   "stream: 3 write()s on end b are unix_send events");
	tap_is_int(events_sum(&t.events, "unix_send", pid, b, "bytes"),
		   fact_int(&w, "back"), "stream: their bytes");
	tap_is_int(events_count(&t.events, "unix_recv", pid, a), 1,
		   "stream: one read() on end a");
	e = events_nth(&t.events, "unix_recv", pid, a, 0);
	tap_key_int(e, "bytes", fact_int(&w, "back"),
		    "stream: it read all that was written back");
	tap_key_null(e, "path", "stream: a socketpair has no path");
	tap_is_int(events_count(&t.events, "pipe_write", pid,
				fact_int(&w, "pipe_ino")), 3,
		   "stream: the 3 pipe writes are still pipe_write events");
	tap_is_int(events_count(&t.events, "pipe_write", pid, a) +
		   events_count(&t.events, "pipe_read", pid, a) +
		   events_count(&t.events, "pipe_write", pid, b) +
		   events_count(&t.events, "pipe_read", pid, b), 0,
		   "stream: no pipe events on the sockets");
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "every event's \"tier\" is a hook of --probe %s",
		   probe_tier());
}

static void dgram(const struct tracer *tr, const struct workload *wl,
		  const char *path)
{
	int i, recvs = 0, bad_sender = 0, sends = 0, bad_path = 0;
	const struct workload w = *wl;
	const struct tracer t = *tr;
	long long srv, c1, c2, pid;

	pid = fact_int(&w, "pid");
	srv = fact_int(&w, "server_ino");
	c1 = fact_int(&w, "client1");
	c2 = fact_int(&w, "client2");

	tap_is_int(w.status, 0, "dgram: workload ran to the end");
	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];
		long long bytes = fj_int(e, "bytes");

		if (event_is(e, "unix_recv") && fj_int(e, "ino") == srv) {
			/* client 1 sent 10..12 bytes, client 2 20..22 */
			long long want = bytes / 10 == 1 ? c1 : c2;

			recvs++;
			if (fj_int(e, "peer_pid") != want) {
				bad_sender++;
				tap_diag("  %lld bytes from peer_pid %lld, sent by %lld",
					 bytes, fj_int(e, "peer_pid"), want);
			}
		}
		if (event_is(e, "unix_send") &&
		    (fj_int(e, "pid") == c1 || fj_int(e, "pid") == c2)) {
			sends++;
			bad_path += !fj_is_str(e, "path") ||
				    strcmp(fj_str(e, "path"), path);
		}
	}
	tap_is_int(recvs, 6, "dgram: 6 unix_recv events on the server");
	tap_is_int(bad_sender, 0,
		   "dgram: each datagram's peer_pid is the client that sent it");
	tap_is_int(sends, 6, "dgram: 6 unix_send events from the clients");
	tap_is_int(bad_path, 0, "dgram: every send names the server's path");
	tap_is_int(events_not_str(&t.events, "unix_recv", pid, srv, "path",
				  path), 0,
		   "dgram: every receive names the server's path");
	tap_is_int(events_not_str(&t.events, "unix_recv", pid, srv, "sock",
				  "dgram"), 0, "dgram: sock is dgram");
}

static void seqpacket(const struct tracer *tr, const struct workload *wl)
{
	static const long long sizes[] = { 5, 50, 500, 3 };
	const struct workload w = *wl;
	const struct tracer t = *tr;
	long long pid, cli, srv;
	const char *name;
	int i, bad = 0;

	pid = fact_int(&w, "pid");
	cli = fact_int(&w, "client_ino");
	srv = fact_int(&w, "server_ino");
	name = fj_str(fact_line(&w, "pid", pid), "name");

	tap_is_int(w.status, 0, "seqpacket: workload ran to the end");
	tap_is_int(events_count(&t.events, "unix_send", pid, cli), 4,
		   "seqpacket: 4 sends, each counted once");
	tap_is_int(events_count(&t.events, "unix_recv", pid, srv), 4,
		   "seqpacket: 4 receives, each counted once");
	for (i = 0; i < 4; i++) {
		const struct fj_object *e = events_nth(&t.events, "unix_recv",
						       pid, srv, i);

		bad += !e || fj_int(e, "bytes") != sizes[i];
	}
	tap_is_int(bad, 0, "seqpacket: received 5, 50, 500, then 3 of 40: boundaries kept");
	tap_is_int(events_not_str(&t.events, "unix_send", pid, cli, "path",
				  name), 0,
		   "seqpacket: the client's sends name the abstract %s", name);
	tap_is_int(events_not_str(&t.events, "unix_recv", pid, srv, "path",
				  name), 0,
		   "seqpacket: the server's receives name it too");
	tap_is_int(events_not_str(&t.events, "unix_recv", pid, srv, "sock",
				  "seqpacket"), 0, "seqpacket: sock is seqpacket");
	tap_is_int(not_int(&t.events, "unix_send", pid, cli, "peer_ino", srv),
		   0, "seqpacket: the client's peer is the accepted socket");
}

static void rights(const struct tracer *tr, const struct workload *wl)
{
	const struct workload w = *wl;
	const struct tracer t = *tr;
	const struct fj_object *e;
	struct fj_object creds;
	long long pid, a, b;

	pid = fact_int(&w, "pid");
	a = fact_int(&w, "ino_a");
	b = fact_int(&w, "ino_b");

	tap_is_int(w.status, 0, "rights: workload ran to the end");
	tap_is_int(events_count(&t.events, "unix_send", pid, a), 2,
		   "rights: 2 sendmsg events");
	e = events_nth(&t.events, "unix_send", pid, a, 0);
	tap_key_int(e, "fds", 3, "rights: SCM_RIGHTS sent 3 descriptors");
	tap_key_null(e, "creds", "rights: no SCM_CREDENTIALS with them");
	e = events_nth(&t.events, "unix_recv", pid, b, 0);
	tap_key_int(e, "fds", 3, "rights: and 3 were received");
	e = events_nth(&t.events, "unix_send", pid, a, 1);
	tap_key_int(e, "fds", 0, "rights: the second sendmsg passes none");
	creds = fj_child(e, "creds");
	if (tap_ok(creds.json != NULL, "rights: the second sendmsg has creds")) {
		tap_key_int(&creds, "pid", pid, "rights: creds.pid");
		tap_key_int(&creds, "uid", fact_int(&w, "uid"), "rights: creds.uid");
		tap_key_int(&creds, "gid", fact_int(&w, "gid"), "rights: creds.gid");
	} else {
		tap_skip(3, "no creds object");
	}
}

static void block(const struct tracer *tr, const struct workload *wl)
{
	const struct workload w = *wl;
	const struct tracer t = *tr;
	const struct fj_object *e;
	long long child;

	child = fact_int(&w, "child");

	tap_is_int(w.status, 0, "block: workload ran to the end");
	tap_is_int(events_count(&t.events, "unix_recv", child, 0), 1,
		   "block: one unix_recv from the sleeping child");
	e = events_nth(&t.events, "unix_recv", child, 0, 0);
	tap_key_int(e, "bytes", 8, "block: it received 8 bytes");
	tap_key_range(e, "duration_ns", SLEEP_MS * 1000000LL, LLONG_MAX,
		      "block: duration_ns >= the %d ms before the send",
		      SLEEP_MS);
	tap_key_range(e, "duration_ns", 0, (SLEEP_MS + 30000) * 1000000LL - 1,
		      "block: and not absurdly longer");
}

/* The exact counts above, summed, are never short by more than the
 * runs the trace says were skipped or lost. */
static void counted_or_gap(const struct tracer *t, const struct workload *w)
{
	const struct events *e = &t->events;
	long long s = fact_int(&w[0], "pid"), d = fact_int(&w[1], "pid");
	long long q = fact_int(&w[2], "pid"), r = fact_int(&w[3], "pid");
	long long want, got, a = fact_int(&w[0], "ino_a");
	long long b = fact_int(&w[0], "ino_b");

	want = 5 + fact_int(&w[0], "recvs") + 3 + 1 + 6 + 6 + 4 + 4 + 2 + 1;
	got = events_count(e, "unix_send", s, a) +
	      events_count(e, "unix_recv", s, b) +
	      events_count(e, "unix_send", s, b) +
	      events_count(e, "unix_recv", s, a) +
	      events_count(e, "unix_recv", d, fact_int(&w[1], "server_ino")) +
	      events_count(e, "unix_send", fact_int(&w[1], "client1"), 0) +
	      events_count(e, "unix_send", fact_int(&w[1], "client2"), 0) +
	      events_count(e, "unix_send", q, fact_int(&w[2], "client_ino")) +
	      events_count(e, "unix_recv", q, fact_int(&w[2], "server_ino")) +
	      events_count(e, "unix_send", r, fact_int(&w[3], "ino_a")) +
	      events_count(e, "unix_recv", fact_int(&w[4], "child"), 0);
	tap_ok_strict(got + events_gap(e) >= want,
	       "%lld of the %lld operations counted, the rest reported as skipped or lost",
	       got, want);
}

/*
 * The five workloads run one after the other under one tracer (-c
 * unix-workload: their children too), each checked by its own pids and
 * inodes: attaching is what costs in the slow cells.
 */
static void traced_together(void)
{
	enum { STREAM, DGRAM, SEQPACKET, RIGHTS, BLOCK, N };
	char path[64], ms[16];
	const char *const argv[N][4] = {
		{ "unix-workload", "stream", NULL },
		{ "unix-workload", "dgram", path, NULL },
		{ "unix-workload", "seqpacket", NULL },
		{ "unix-workload", "rights", NULL },
		{ "unix-workload", "block", ms, NULL },
	};
	struct workload w[N];
	struct tracer t;
	int i;

	snprintf(path, sizeof(path), "/tmp/ipcscope-dgram-%d.sock", getpid());
	snprintf(ms, sizeof(ms), "%d", SLEEP_MS);
	tracer_start(&t, (const char *[]){ "-t", "pipe,unix", "-c",
					  "unix-workload", NULL });
	for (i = 0; i < N; i++) {
		workload_start(&w[i], argv[i]);
		workload_finish(&w[i]);
	}
	tracer_stop(&t);
	/* a run the kernel skipped (a preempted program, 7.x) is an event
	 * missing, but reported: then the harness makes failed exact checks
	 * TODO (tap_gap_todo), and the counts plus that gap must still reach
	 * what the workloads did */
	stream(&t, &w[STREAM]);
	dgram(&t, &w[DGRAM], path);
	seqpacket(&t, &w[SEQPACKET]);
	rights(&t, &w[RIGHTS]);
	block(&t, &w[BLOCK]);
	counted_or_gap(&t, w);
	tracer_free(&t);
	for (i = 0; i < N; i++)
		workload_free(&w[i]);
}

/* The summary row of (@ev, @pid, ino @ino), or NULL. */
static const struct fj_object *summary_row(const struct events *evs,
					   const char *ev, long long pid,
					   long long ino)
{
	int i;

	for (i = 0; i < evs->n; i++) {
		const struct fj_object *e = &evs->ev[i];

		if (event_is(e, "summary") && fj_is_str(e, "event") &&
		    !strcmp(fj_str(e, "event"), ev) &&
		    fj_int(e, "pid") == pid && fj_int(e, "ino") == ino)
			return e;
	}
	return NULL;
}

/* --summary per socket: the stream workload's exact counts and bytes. */
static void summary(void)
{
	const char *argv[] = { "unix-workload", "stream", NULL };
	const struct fj_object *r;
	long long pid, a, b;
	struct workload w;
	struct tracer t;
	char p[24];

	workload_start(&w, argv);
	pid = fact_int(&w, "pid");
	a = fact_int(&w, "ino_a");
	b = fact_int(&w, "ino_b");
	snprintf(p, sizeof(p), "%lld", pid);
	tracer_start(&t, (const char *[]){ "-t", "unix", "--summary", "-p", p,
					  NULL });
	workload_finish(&w);
	tracer_stop(&t);

	r = summary_row(&t.events, "unix_send", pid, a);
	tap_key_int(r, "count", 5, "summary: 5 sends on end a");
	tap_key_int(r, "bytes", fact_int(&w, "sent"), "summary: their bytes");
	r = summary_row(&t.events, "unix_recv", pid, b);
	tap_key_int(r, "count", fact_int(&w, "recvs"),
		    "summary: as many receives on end b as recv()s");
	tap_key_int(r, "bytes", fact_int(&w, "received"),
		    "summary: their bytes");
	r = summary_row(&t.events, "unix_send", pid, b);
	tap_key_int(r, "count", 3, "summary: 3 writes back on end b");
	tracer_free(&t);
	workload_free(&w);
}

/* --path and --ino keep one conversation: the server's path, and the
 * seqpacket client's inode (its sends, and the server's receives, whose
 * peer it is). */
static void filters(void)
{
	char path[64], ino[24];
	const char *dargv[] = { "unix-workload", "dgram", path, NULL };
	const char *sargv[] = { "unix-workload", "seqpacket", NULL };
	long long srv, cli, pid;
	struct workload w;
	struct tracer t;
	int i, other = 0;

	snprintf(path, sizeof(path), "/tmp/ipcscope-filter-%d.sock", getpid());
	workload_start(&w, dargv);
	srv = fact_int(&w, "server_ino");
	tracer_start(&t, (const char *[]){ "--path", path, "-c",
					  "unix-workload", NULL });
	workload_finish(&w);
	tracer_stop(&t);
	tap_is_int(events_count(&t.events, "unix_recv", 0, srv), 6,
		   "--path: the server's 6 receives");
	tap_is_int(events_count(&t.events, "unix_send", 0, 0), 6,
		   "--path: the clients' 6 sends to it");
	tracer_free(&t);
	workload_free(&w);

	workload_start(&w, sargv);
	pid = fact_int(&w, "pid");
	cli = fact_int(&w, "client_ino");
	srv = fact_int(&w, "server_ino");
	snprintf(ino, sizeof(ino), "%lld", cli);
	tracer_start(&t, (const char *[]){ "-t", "unix", "--ino", ino, "-c",
					  "unix-workload", NULL });
	workload_finish(&w);
	tracer_stop(&t);
	for (i = 0; i < t.events.n; i++)
		other += fj_int(&t.events.ev[i], "ino") != cli &&
			 fj_int(&t.events.ev[i], "peer_ino") != cli;
	tap_is_int(events_count(&t.events, "unix_send", pid, cli) +
		   events_count(&t.events, "unix_recv", pid, srv), 8,
		   "--ino: the client's 4 sends and the server's 4 receives");
	tap_is_int(other, 0, "--ino: nothing that is not that socket or its peer");
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	require_root();
	tap_plan(59);
	traced_together();
	summary();
	filters();
	return tap_done();
}
