// SPDX-License-Identifier: GPL-2.0
/*
 * `ipcscope sockets`: unix sockets held in known states (a listener with
 * one accepted and one waiting connection, a datagram socketpair with two
 * datagrams queued), every field checked, and checked against the
 * kernel's own /proc/net/unix (type, state, path).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"

#define MAX_HOLDERS 8

struct record {
	struct fj_object obj;
	struct fj_object holders[MAX_HOLDERS], peer_holders[MAX_HOLDERS];
	int nholders, npeer;
	bool ok;
};

/* `ipcscope sockets -f json --ino INO`: exactly one record. */
static void get_record(long long ino, struct record *r)
{
	char inobuf[24];
	const char *argv[] = { ipcscope_bin(), "sockets", "-f", "json",
			       "--ino", inobuf, NULL };
	struct cmd_result res;
	char *nl;

	memset(r, 0, sizeof(*r));
	snprintf(inobuf, sizeof(inobuf), "%lld", ino);
	run_cmd(argv, &res, 120);
	nl = strchr(res.out, '\n');
	r->ok = res.status == 0 && nl && !nl[1] && !fj_parse(res.out, &r->obj);
	if (!r->ok) {
		tap_diag("sockets --ino %lld: status %d, out '%.300s', err '%.300s'",
			 ino, res.status, res.out, res.err);
		return;
	}
	r->nholders = fj_array(&r->obj, "holders", r->holders, MAX_HOLDERS);
	r->npeer = fj_array(&r->obj, "peer_holders", r->peer_holders,
			    MAX_HOLDERS);
}

static void free_record(struct record *r)
{
	int i;

	for (i = 0; i < r->nholders; i++)
		fj_free(&r->holders[i]);
	for (i = 0; i < r->npeer; i++)
		fj_free(&r->peer_holders[i]);
	if (r->ok)
		fj_free(&r->obj);
}

/* Exactly one holder, (pid, fd)? */
static bool one_holder(const struct fj_object *h, int n, long long pid,
		       long long fd)
{
	return n == 1 && fj_int(&h[0], "pid") == pid &&
	       fj_int(&h[0], "fd") == fd &&
	       !strcmp(fj_str(&h[0], "comm"), "unix-workload");
}

/* The /proc/net/unix line of @ino: its Type, St, Flags and Path. */
static bool proc_net_unix(long long ino, unsigned int *type,
			  unsigned int *st, unsigned long *flags, char *path,
			  size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/net/unix", "re");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long in;
		char p[256] = "";

		if (sscanf(line, "%*s %*s %*s %lx %x %x %llu %255s", flags,
			   type, st, &in, p) < 4 || (long long)in != ino)
			continue;
		snprintf(path, len, "%s", p);
		found = true;
	}
	fclose(f);
	return found;
}

static void check_proc(long long ino, const struct record *r,
		       const char *what)
{
	unsigned int type = 0, st = 0;
	unsigned long flags = 0;
	char path[256];
	const char *want_sock, *state = fj_str(&r->obj, "state");

	if (!tap_ok(proc_net_unix(ino, &type, &st, &flags, path,
				  sizeof(path)),
		    "%s: /proc/net/unix has inode %lld", what, ino)) {
		tap_skip(3, "not in /proc/net/unix");
		return;
	}
	want_sock = type == 1 ? "stream" : type == 2 ? "dgram" :
		    type == 5 ? "seqpacket" : "?";
	tap_key_str(&r->obj, "sock", want_sock, "%s: type as /proc/net/unix",
		    what);
	/* St 3 is SS_CONNECTED; a listener has __SO_ACCEPTCON (1 << 16) */
	tap_ok(state && !strcmp(state, flags & 0x10000 ? "listening" :
				st == 3 ? "connected" : "unconnected"),
	       "%s: state '%s' as /proc/net/unix (St %02x, flags %lx)", what,
	       state ? state : "(none)", st, flags);
	if (path[0])
		tap_key_str(&r->obj, "path", path, "%s: path as /proc/net/unix",
			    what);
	else
		tap_key_null(&r->obj, "path", "%s: no path, as /proc/net/unix",
			     what);
}

/*
 * `ss -xapn`, the tool people use today, agrees: its line for @ino has the
 * type (Netid), state, queues, peer inode and holder that ipcscope gives.
 * @recvq/@sendq < 0: not compared (a datagram socket's Recv-Q in ss is its
 * first datagram's size, which ipcscope does not report).
 */
static void check_ss(const struct cmd_result *ss, long long ino,
		     const char *netid, const char *state, long long recvq,
		     long long sendq, long long peer, long long pid,
		     long long fd, const char *what)
{
	char want_local[32], proc[96], line[512];
	const char *p = ss->out;
	bool found = false;

	snprintf(want_local, sizeof(want_local), "%lld", ino);
	snprintf(proc, sizeof(proc), "pid=%lld,fd=%lld)", pid, fd);
	while (*p && !found) {
		char f[9][128] = { { 0 } };
		size_t len = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		/* Netid State Recv-Q Send-Q Local Ino Peer PeerIno Process */
		if (sscanf(line, "%127s %127s %127s %127s %127s %127s %127s %127s %127s",
			   f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7],
			   f[8]) < 8 || strcmp(f[5], want_local))
			continue;
		found = true;
		tap_is_str(f[0], netid, "%s: ss -xp Netid", what);
		tap_is_str(f[1], state, "%s: ss -xp State", what);
		if (recvq >= 0)
			tap_is_int(atoll(f[2]), recvq, "%s: ss -xp Recv-Q", what);
		if (sendq >= 0)
			tap_is_int(atoll(f[3]), sendq, "%s: ss -xp Send-Q", what);
		tap_is_int(atoll(f[7]), peer, "%s: ss -xp peer inode", what);
		tap_ok(strstr(f[8], "\"unix-workload\"") && strstr(f[8], proc),
		       "%s: ss -xp process '%s' is unix-workload %s", what,
		       f[8], proc);
	}
	if (!found) {
		tap_ok(0, "%s: ss -xp has a line for inode %lld", what, ino);
		tap_skip(3 + (recvq >= 0) + (sendq >= 0), "no ss line");
	}
}

/*
 * Without the kernel's unix_diag (a module the VMs do not load), ss falls
 * back to /proc/net/unix: no queues, no peers.  A listener's Send-Q (its
 * listen() backlog, 4 here) tells which ss this is.
 */
static bool ss_has_unix_diag(const struct cmd_result *ss, long long listener)
{
	char want[40];
	const char *line = ss->out;

	snprintf(want, sizeof(want), " %lld ", listener);
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		char netid[16], state[16];
		long long recvq, sendq;

		if (sscanf(line, "%15s %15s %lld %lld", netid, state, &recvq,
			   &sendq) == 4 && !strcmp(state, "LISTEN") &&
		    strstr(line, want) && (!nl || strstr(line, want) < nl))
			return sendq != 0;
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

int main(void)
{
	char path[64];
	const char *argv[] = { "unix-workload", "hold", path, NULL };
	long long pid;
	struct record r;
	struct workload w;

	require_root();
	tap_plan(46);
	snprintf(path, sizeof(path), "/tmp/ipcscope-hold-%d.sock", getpid());
	workload_start(&w, argv);
	pid = fact_int(&w, "pid");

	get_record(fact_int(&w, "listener"), &r);
	tap_ok(r.ok, "listener: one record");
	tap_key_str(&r.obj, "state", "listening", "listener: listening");
	tap_key_str(&r.obj, "path", path, "listener: its path");
	tap_key_int(&r.obj, "backlog", 1, "listener: 1 connection waiting");
	tap_key_int(&r.obj, "max_backlog", 4, "listener: listen(4)");
	tap_ok(one_holder(r.holders, r.nholders, pid,
			  fact_int(&w, "listener_fd")),
	       "listener: held by the workload at its fd");
	check_proc(fact_int(&w, "listener"), &r, "listener");
	free_record(&r);

	get_record(fact_int(&w, "client"), &r);
	tap_key_str(&r.obj, "state", "connected", "client: connected");
	tap_key_int(&r.obj, "peer_ino", fact_int(&w, "accepted"),
		    "client: its peer is the accepted socket");
	tap_ok(one_holder(r.peer_holders, r.npeer, pid,
			  fact_int(&w, "accepted_fd")),
	       "client: the peer's holder is the workload at the accepted fd");
	tap_key_null(&r.obj, "path", "client: unbound");
	free_record(&r);

	get_record(fact_int(&w, "waiting"), &r);
	tap_key_null(&r.obj, "peer_ino",
		     "waiting client: its peer is not accepted yet (no inode)");
	free_record(&r);

	get_record(fact_int(&w, "pair_b"), &r);
	tap_ok(r.ok, "pair end b: one record");
	tap_key_str(&r.obj, "sock", "dgram", "pair end b: dgram");
	tap_key_int(&r.obj, "rq_bytes", 30, "pair end b: 30 bytes queued");
	tap_key_int(&r.obj, "rq_datagrams", 2, "pair end b: in 2 datagrams");
	tap_key_int(&r.obj, "peer_ino", fact_int(&w, "pair_a"),
		    "pair end b: its peer is end a (fstat)");
	tap_ok(one_holder(r.holders, r.nholders, pid,
			  fact_int(&w, "pair_b_fd")),
	       "pair end b: held by the workload at its fd");
	check_proc(fact_int(&w, "pair_b"), &r, "pair end b");
	free_record(&r);

	get_record(fact_int(&w, "accepted"), &r);
	check_proc(fact_int(&w, "accepted"), &r, "accepted");
	free_record(&r);

	if (access("/usr/bin/ss", X_OK) && access("/bin/ss", X_OK) &&
	    access("/sbin/ss", X_OK) && access("/usr/sbin/ss", X_OK)) {
		tap_skip(16, "no ss (iproute2) here");
	} else {
		struct cmd_result ss;

		run_cmd((const char *[]){ "ss", "-xapn", NULL }, &ss, 60);
		if (!ss_has_unix_diag(&ss, fact_int(&w, "listener"))) {
			tap_skip(16, "ss reads /proc/net/unix here (no unix_diag in this kernel): no queues or peers to compare");
			goto ss_done;
		}
		/* a listener: Recv-Q the connections waiting, Send-Q the
		 * backlog asked of listen() */
		check_ss(&ss, fact_int(&w, "listener"), "u_str", "LISTEN", 1,
			 4, 0, pid, fact_int(&w, "listener_fd"), "listener");
		check_ss(&ss, fact_int(&w, "accepted"), "u_str", "ESTAB", 0,
			 0, fact_int(&w, "client"), pid,
			 fact_int(&w, "accepted_fd"), "accepted");
		check_ss(&ss, fact_int(&w, "pair_b"), "u_dgr", "ESTAB", -1,
			 -1, fact_int(&w, "pair_a"), pid,
			 fact_int(&w, "pair_b_fd"), "pair end b");
	}
ss_done:

	workload_finish(&w);
	tap_is_int(w.status, 0, "workload ran to the end");
	workload_free(&w);
	return tap_done();
}
