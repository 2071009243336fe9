// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope.ko: who sleeps on a unix socket (/sys/kernel/debug/ipcscope/
 * sockets), with children blocked in known places:
 *
 *   R  a stream socketpair, a child blocked in recv() on one end
 *   A  a listening stream socket, a child blocked in accept()
 *   D  a datagram socketpair, a child blocked in recv() on one end
 *   C  a listener with listen(fd, 0) and one connection queued, a child
 *      blocked in connect() (on the listener's peer_wait)
 *   S  a stream socketpair whose reader never reads, a child blocked in
 *      write() on the other end (out of send buffer)
 *   Q  a datagram socket connected to a receiver whose queue is full, a
 *      child blocked in send() (on the receiver's peer_wait)
 *
 * Each socket's record is found by the inode fstat() gives, and its type,
 * state, holders and sleepers (pid, tid, what for, system call) checked;
 * then `ipcscope sockets` must show the same sleepers, text and JSON.
 * Then the limits: with queue_limit=2, five tasks in accept() show as two
 * and truncated=3 (lost_queue=3); with max_socks=1, one record, and every
 * unix socket fd /proc shows is a holder of it or in lost_sock_fds.
 * Needs IPCSCOPE_KMOD (the module for the running kernel) and root.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "kmod_test.h"

#define NCHILD 8

static pid_t children[NCHILD];
static int nchildren;

/* Fork a child named comm that keeps only the fds in keep[], then runs fn. */
static pid_t spawn(const char *comm, const int *keep, int nkeep,
		   void (*fn)(const int *keep))
{
	pid_t pid = fork();

	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd, i;

		prctl(PR_SET_NAME, comm);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (fd = 3; fd < 1024; fd++) {
			for (i = 0; i < nkeep && keep[i] != fd; i++)
				;
			if (i == nkeep)
				close(fd);
		}
		fn(keep);
		_exit(0);
	}
	children[nchildren++] = pid;
	return pid;
}

static void do_recv(const int *keep)
{
	char c;

	if (recv(keep[0], &c, 1, 0) < 0)
		_exit(1);
	pause();
}

static void do_accept(const int *keep)
{
	if (accept(keep[0], NULL, NULL) < 0)
		_exit(1);
	pause();
}

static struct sockaddr_un conn_addr;

static void do_connect(const int *keep)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	(void)keep;
	if (fd < 0 || connect(fd, (struct sockaddr *)&conn_addr,
			      sizeof(conn_addr)) < 0)
		_exit(1);
	pause();
}

static void do_write(const int *keep)
{
	static char buf[65536];

	for (;;)
		if (write(keep[0], buf, sizeof(buf)) < 0)
			_exit(1);
}

static void do_dsend(const int *keep)
{
	char c = 'd';

	for (;;)
		if (send(keep[0], &c, 1, 0) < 0)
			_exit(1);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void sock_stat(int fd, struct stat *st)
{
	if (fstat(fd, st))
		tap_bail("fstat: %s", strerror(errno));
}

/* The record of the socket st in a sockets text, up to its line's end. */
static char *record_of(const char *text, const struct stat *st)
{
	const char *rec = kt_find(text, st, NULL);

	return rec ? strndup(rec, strcspn(rec, "\n")) : NULL;
}

/*
 * Wait (up to 30 s: software-emulated VMs are slow) until the socket's
 * record has the item want in field key.  Returns the record (free it),
 * or the last one read.
 */
static char *wait_item(const struct stat *st, const char *key,
		       const char *want)
{
	char *rec = NULL, val[4096];
	int i;

	for (i = 0; i < 600; i++) {
		char *text = kt_read("sockets");

		free(rec);
		rec = text ? record_of(text, st) : NULL;
		free(text);
		if (rec && !kt_field(rec, key, val, sizeof(val))) {
			char *p = strstr(val, want);

			if (p && (p == val || p[-1] == ',') &&
			    (p[strlen(want)] == ',' || !p[strlen(want)]))
				return rec;
		}
		sleep_ms(50);
	}
	return rec;
}

/*
 * The socket st, with child pid asleep on queue key for how, in system
 * call sys, with wake function fn: check the record field by field.
 */
static void check_sleeper(const char *name, const struct stat *st,
			  const char *type, const char *state,
			  const char *key, pid_t pid, const char *how,
			  const char *sys, const char *fn, const char *comm)
{
	char want[256], val[4096], dev[32];
	char *rec;

	snprintf(want, sizeof(want), "%d/%d/%s/%s/%s/%s", pid, pid, how, sys,
		 fn, comm);
	rec = wait_item(st, key, want);
	tap_ok(rec != NULL, "%s: listed, ino=%lu as fstat() says", name,
	       (unsigned long)st->st_ino);
	if (!rec) {
		tap_skip(5, "%s: no record", name);
		return;
	}
	kt_dev(st->st_dev, dev, sizeof(dev));
	tap_ok(!kt_field(rec, "dev", val, sizeof(val)) && !strcmp(val, dev),
	       "%s: dev=%s", name, dev);
	tap_ok(!kt_field(rec, "type", val, sizeof(val)) && !strcmp(val, type),
	       "%s: type=%s", name, type);
	if (!tap_ok(!kt_field(rec, "state", val, sizeof(val)) &&
		    !strcmp(val, state), "%s: state=%s", name, state))
		tap_diag("  record: %s", rec);
	tap_ok(!kt_field(rec, key, val, sizeof(val)) && !strcmp(val, want),
	       "%s: %s=%s", name, key, want);
	if (strcmp(val, want))
		tap_diag("  record: %s", rec);
	tap_is_int(kt_num(rec, "truncated"), 0, "%s: truncated=0", name);
	free(rec);
}

/* `ipcscope sockets ARGS`: its whole output (free it), or NULL. */
static char *run_ipcscope(const char *args)
{
	const char *bin = getenv("IPCSCOPE");
	char cmd[512], *out = NULL;
	size_t len = 0;
	FILE *f;
	int status;

	if (!bin)
		bin = "ipcscope";
	snprintf(cmd, sizeof(cmd), "%s sockets %s 2>&1", bin, args);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	out = malloc(1 << 20);
	if (out)
		len = fread(out, 1, (1 << 20) - 1, f);
	status = pclose(f);
	if (!out)
		return NULL;
	out[len] = '\0';
	if (status) {
		tap_diag("%s: status %d: %.300s", cmd, status, out);
		free(out);
		return NULL;
	}
	return out;
}

/* ipcscope sockets --ino, JSON and text: the sleeper is there. */
static void check_cli(const char *name, const struct stat *st, pid_t pid,
		      const char *how, const char *queue)
{
	char args[64], want[128], *out;

	snprintf(args, sizeof(args), "-f json --ino %lu",
		 (unsigned long)st->st_ino);
	out = run_ipcscope(args);
	snprintf(want, sizeof(want),
		 "{\"pid\":%d,\"tid\":%d,", pid, pid);
	tap_ok(out && strstr(out, want) && strstr(out, "\"sleepers\":[") &&
	       strstr(out, how) && strstr(out, queue),
	       "ipcscope sockets -f json: %s has %d asleep (%s, %s)", name,
	       pid, how, queue);
	if (out && !(strstr(out, want) && strstr(out, how)))
		tap_diag("  %s", out);
	free(out);

	snprintf(args, sizeof(args), "--ino %lu", (unsigned long)st->st_ino);
	out = run_ipcscope(args);
	snprintf(want, sizeof(want), "[%d]:%s", pid, how);
	tap_ok(out && strstr(out, want),
	       "ipcscope sockets (text): %s shows %s", name, want);
	if (out && !strstr(out, want))
		tap_diag("  %s", out);
	free(out);
}

/* Unix socket fds in every process's fd table, as /proc shows them. */
static long proc_unix_fds(void)
{
	char line[512], path[300], link[64];
	static unsigned long inos[65536];
	long n = 0, ninos = 0, i;
	struct dirent *de, *fe;
	DIR *proc, *fds;
	FILE *f;

	f = fopen("/proc/net/unix", "r");
	while (f && fgets(line, sizeof(line), f) && ninos < 65536) {
		unsigned long ino;

		/* Num RefCount Protocol Flags Type St Inode Path */
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %lu", &ino) == 1)
			inos[ninos++] = ino;
	}
	if (f)
		fclose(f);
	proc = opendir("/proc");
	while (proc && (de = readdir(proc))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		fds = opendir(path);
		while (fds && (fe = readdir(fds))) {
			char fdpath[600];
			ssize_t len;
			unsigned long ino;

			snprintf(fdpath, sizeof(fdpath), "%s/%s", path,
				 fe->d_name);
			len = readlink(fdpath, link, sizeof(link) - 1);
			if (len <= 0)
				continue;
			link[len] = '\0';
			if (sscanf(link, "socket:[%lu]", &ino) != 1)
				continue;
			for (i = 0; i < ninos && inos[i] != ino; i++)
				;
			n += i < ninos;
		}
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
	return n;
}

/* Items in a list value, 0 for "-". */
static long count_items(const char *val)
{
	long n = 1;

	if (!strcmp(val, "-"))
		return 0;
	for (; *val; val++)
		n += *val == ',';
	return n;
}

static void limits(void)
{
	char *text, *rec, val[4096];
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	long holders = 0, recs = 0, lost = -1, want;
	const char *p;
	struct stat st;
	int l, i, ok;

	/* queue_limit=2: five tasks asleep in accept(), two listed. */
	kt_load_params_or_skip("queue_limit=2");
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1,
		 "ks-limit-%d", getpid());
	if (l < 0 || bind(l, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(l, 4))
		tap_bail("listener: %s", strerror(errno));
	sock_stat(l, &st);
	for (i = 0; i < 5; i++)
		spawn("ks-acc5", &l, 1, do_accept);
	rec = NULL;
	for (i = 0; i < 600; i++) {
		text = kt_read("sockets");
		free(rec);
		rec = text ? record_of(text, &st) : NULL;
		ok = rec && kt_num(rec, "truncated") == 3 && text &&
		     strstr(text, "\n# lost_sock_fds=0 lost_fds=0 lost_waiters=0 lost_queue=3 ");
		free(text);
		if (ok)
			break;
		sleep_ms(50);
	}
	ok = rec && !kt_field(rec, "sk_wait", val, sizeof(val)) &&
	     count_items(val) == 2 && strstr(val, "/accept/accept/");
	tap_ok(ok, "queue_limit=2: 2 of 5 tasks in accept() listed");
	tap_is_int(rec ? kt_num(rec, "truncated") : -1, 3,
		   "queue_limit=2: truncated=3");
	tap_ok(i < 600, "queue_limit=2: the footer says lost_queue=3");
	if (!ok || i == 600)
		tap_diag("  %s", rec ? rec : "(none)");
	free(rec);
	for (i = 0; i < nchildren; i++)
		kill(children[i], SIGKILL);
	for (i = 0; i < nchildren; i++)
		waitpid(children[i], NULL, 0);
	nchildren = 0;
	close(l);
	if (kt_unload())
		tap_bail("rmmod: %s", strerror(errno));

	/* max_socks=1: one record; the other fds are counted. */
	kt_load_params_or_skip("max_socks=1");
	text = kt_read("sockets");
	want = proc_unix_fds();
	for (p = text; p && *p; p = strchr(p, '\n') + 1) {
		if (!strncmp(p, "ino=", 4)) {
			recs++;
			if (!kt_field(p, "holders", val, sizeof(val)))
				holders += count_items(val);
		} else if (!strncmp(p, "# lost_sock_fds=", 16)) {
			lost = atol(p + 16);
		}
		if (!strchr(p, '\n'))
			break;
	}
	tap_is_int(recs, 1, "max_socks=1: one record");
	tap_ok(lost > 0 && holders + lost == want,
	       "max_socks=1: its %ld holders + lost_sock_fds=%ld = the %ld unix socket fds of /proc",
	       holders, lost, want);
	free(text);
	if (kt_unload())
		tap_bail("rmmod: %s", strerror(errno));
}

int main(void)
{
	int r[2], d[2], s[2], qs, qr, a, c, c1, keep[1], i, ok, e;
	struct stat sr, sa, sd, sc, ss, sq;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	pid_t rpid, apid, dpid, cpid, spid, qpid, me = getpid();
	char *text, val[4096], want[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	kt_load_or_skip();
	prctl(PR_SET_NAME, "ks-parent");

	/* R: a child asleep in recv() on a stream socketpair. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, r) ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, d) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, s))
		tap_bail("socketpair: %s", strerror(errno));
	keep[0] = r[0];
	rpid = spawn("ks-recv", keep, 1, do_recv);
	sock_stat(r[0], &sr);

	/* A: a child asleep in accept() on a listener (abstract name). */
	a = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1,
		 "ks-accept-%d", me);
	if (a < 0 || bind(a, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(a, 4))
		tap_bail("listener A: %s", strerror(errno));
	keep[0] = a;
	apid = spawn("ks-accept", keep, 1, do_accept);
	sock_stat(a, &sa);

	/* D: a child asleep in recv() on a datagram socketpair. */
	keep[0] = d[0];
	dpid = spawn("ks-drecv", keep, 1, do_recv);
	sock_stat(d[0], &sd);

	/* C: listen(fd, 0) with one connection queued; the next blocks. */
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	conn_addr.sun_family = AF_UNIX;
	snprintf(conn_addr.sun_path + 1, sizeof(conn_addr.sun_path) - 1,
		 "ks-connect-%d", me);
	c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	if (c < 0 || c1 < 0 ||
	    bind(c, (struct sockaddr *)&conn_addr, sizeof(conn_addr)) ||
	    listen(c, 0) ||
	    connect(c1, (struct sockaddr *)&conn_addr, sizeof(conn_addr)))
		tap_bail("listener C: %s", strerror(errno));
	cpid = spawn("ks-connect", NULL, 0, do_connect);
	sock_stat(c, &sc);

	/* S: a writer out of send buffer; nobody reads s[1]. */
	keep[0] = s[0];
	spid = spawn("ks-send", keep, 1, do_write);
	sock_stat(s[0], &ss);

	/*
	 * Q: a datagram sender to a receiver whose queue is full (the
	 * receiver's max_dgram_qlen, 10 by default, reached): it sleeps on
	 * the receiver's peer_wait.  The receiver is bound and the sender
	 * connected to it, so that unix_wait_for_peer() is the wait.
	 */
	qr = socket(AF_UNIX, SOCK_DGRAM, 0);
	snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1,
		 "ks-dgram-%d", me);
	if (qr < 0 || bind(qr, (struct sockaddr *)&addr, sizeof(addr)))
		tap_bail("receiver Q: %s", strerror(errno));
	qs = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (qs < 0 || connect(qs, (struct sockaddr *)&addr, sizeof(addr)))
		tap_bail("sender Q: %s", strerror(errno));
	keep[0] = qs;
	qpid = spawn("ks-dsend", keep, 1, do_dsend);
	sock_stat(qr, &sq);

	check_sleeper("R (recv on a stream socketpair)", &sr, "stream",
		      "connected", "sk_wait", rpid, "recv", "recvfrom",
		      "autoremove_wake_function", "ks-recv");
	check_sleeper("A (accept on a listener)", &sa, "stream", "listening",
		      "sk_wait", apid, "accept", "accept",
		      "receiver_wake_function", "ks-accept");
	check_sleeper("D (recv on a datagram socketpair)", &sd, "dgram",
		      "connected", "sk_wait", dpid, "recv", "recvfrom",
		      "receiver_wake_function", "ks-drecv");
	check_sleeper("C (connect to a full backlog)", &sc, "stream",
		      "listening", "peer_wait", cpid, "connect", "connect",
		      "autoremove_wake_function", "ks-connect");
	check_sleeper("S (write out of send buffer)", &ss, "stream",
		      "connected", "sk_wait", spid, "send", "write",
		      "autoremove_wake_function", "ks-send");
	/*
	 * unix_dgram_connect() sets the state of both ends to
	 * TCP_ESTABLISHED (since 5.15, for sockmap), the receiver's too.
	 */
	check_sleeper("Q (datagram send to a full receiver)", &sq, "dgram",
		      "connected", "peer_wait", qpid, "send", "sendto",
		      "autoremove_wake_function", "ks-dsend");

	/* Holders: the parent's fd and the child's, as /proc says. */
	text = kt_read("sockets");
	if (text) {
		char *rec = record_of(text, &sr);

		snprintf(want, sizeof(want), "%d/%d/ks-parent", me, r[0]);
		ok = rec && !kt_field(rec, "holders", val, sizeof(val)) &&
		     strstr(val, want);
		snprintf(want, sizeof(want), "%d/%d/ks-recv", rpid, r[0]);
		ok = ok && strstr(val, want);
		tap_ok(ok, "R: held by the parent and ks-recv, as fd %d", r[0]);
		if (!ok)
			tap_diag("  %s", rec ? rec : "(none)");
		free(rec);
		rec = record_of(text, &sq);
		ok = rec && !kt_field(rec, "sk_wait", val, sizeof(val)) &&
		     !strcmp(val, "-");
		tap_ok(ok, "Q: nobody asleep on the receiver's own queue");
		free(rec);
		ok = !strncmp(text, "# ipcscope-sockets v1\n", 22);
		tap_ok(ok, "sockets: version line");
		ok = strstr(text, "\n# lost_sock_fds=0 lost_fds=0 lost_waiters=0 lost_queue=0 lost_queue_uncounted=0 lost_fd_tables=0 ") != NULL;
		tap_ok(ok, "sockets: nothing lost");
		if (!ok)
			tap_diag("%s", strstr(text, "\n# lost") ?
				 strstr(text, "\n# lost") : "(no footer)");
	} else {
		tap_ok(0, "sockets: readable (%s)", strerror(errno));
	}
	free(text);

	check_cli("R", &sr, rpid, "recv", "sk_wait");
	check_cli("A", &sa, apid, "accept", "sk_wait");
	check_cli("C", &sc, cpid, "connect", "peer_wait");

	for (i = 0; i < nchildren; i++)
		kill(children[i], SIGKILL);
	for (i = 0; i < nchildren; i++)
		waitpid(children[i], NULL, 0);

	/* Woken and gone: nobody asleep on R any more. */
	text = kt_read("sockets");
	{
		char *rec = text ? record_of(text, &sr) : NULL;

		ok = rec && !kt_field(rec, "sk_wait", val, sizeof(val)) &&
		     !strcmp(val, "-");
		tap_ok(ok, "R: after the child is killed, sk_wait=-");
		free(rec);
	}
	free(text);

	ok = kt_unload();
	e = errno;
	tap_ok(ok == 0, "rmmod ipcscope%s%s", ok ? ": " : "",
	       ok ? strerror(e) : "");
	nchildren = 0;
	limits();
	return tap_done();
}
