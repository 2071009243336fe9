// SPDX-License-Identifier: GPL-2.0
/*
 * A FIFO's "path" comes from the kernel, at the time of the event: every
 * process here has closed its FIFO, exited, and the FIFO is unlinked (and
 * its mounts gone) before the collector reads a single event, because the
 * collector is stopped (SIGSTOP) for the whole workload.  A path looked up
 * afterwards in /proc/PID/fd could not be found.
 *
 * Then the limits of the walk, exactly as the man page states them: 16
 * components, 255 bytes, ".../" followed by the last whole components that
 * fit, a last component that does not fit alone cut to its first 251
 * bytes; and mounts crossed on the way (tmpfs under the temp dir, in a
 * private mount namespace).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "ipcscope.h"

#define WRITES		5
#define WRITE_SIZE	1000		/* <= PIPE_BUF: each write atomic */
#define PROBE_BYTES	10
#define MAX_CASES	8

/* One FIFO opened O_RDWR by one child: one write, one read. */
struct fifo_case {
	const char *what;
	char path[PATH_MAX];		/* where the FIFO is made */
	char want[PATH_MAX];		/* the "path" the events must carry */
	bool truncated;
	long long ino;
	pid_t pid;
	int status;			/* the child's exit code */
};

static char base[] = "/tmp/ipcscope-fpath-XXXXXX";
static struct fifo_case cases[MAX_CASES];
static int ncases;
static sigset_t usr1;

/* A child that waits for SIGUSR1, then runs @fn(@path) and exits with its
 * result: created before the tracer starts, so its pid can be filtered. */
static pid_t spawn(int (*fn)(const char *), const char *path)
{
	pid_t pid = fork();
	int sig;

	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		sigwait(&usr1, &sig);
		_exit(fn(path));
	}
	return pid;
}

static int write_fifo(const char *path)
{
	char buf[WRITE_SIZE];
	int fd = open(path, O_WRONLY), i;

	if (fd < 0)
		return 100;
	memset(buf, 'p', sizeof(buf));
	for (i = 0; i < WRITES; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			return 101;
	close(fd);
	return 0;
}

/* Reads WRITE_SIZE at a time until EOF; exits with the reads made. */
static int read_fifo(const char *path)
{
	char buf[WRITE_SIZE];
	int fd = open(path, O_RDONLY), reads = 0;
	ssize_t n;

	if (fd < 0)
		return 100;
	do {
		n = read(fd, buf, sizeof(buf));
		reads++;
	} while (n > 0);
	close(fd);
	return n < 0 ? 101 : reads;
}

static int rdwr_fifo(const char *path)
{
	char buf[PROBE_BYTES] = "0123456789";
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return 100;
	if (write(fd, buf, sizeof(buf)) != sizeof(buf) ||
	    read(fd, buf, sizeof(buf)) != sizeof(buf))
		return 101;
	close(fd);
	return 0;
}

static int wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Remove @path, then its directories up to base (those left empty). */
static void remove_up(const char *path)
{
	char buf[PATH_MAX], *slash;

	unlink(path);
	snprintf(buf, sizeof(buf), "%s", path);
	while ((slash = strrchr(buf, '/')) && slash > buf + strlen(base)) {
		*slash = '\0';
		if (rmdir(buf) && errno != ENOTEMPTY && errno != ENOENT)
			tap_diag("rmdir %s: %s", buf, strerror(errno));
	}
}

static void make_fifo(const char *path, long long *ino)
{
	struct stat st;

	if (mkfifo(path, 0600) || stat(path, &st))
		tap_bail("mkfifo %s: %s", path, strerror(errno));
	*ino = st.st_ino;
}

/* mkdir -p of @path's directory, below base. */
static void make_dirs(const char *path)
{
	char buf[PATH_MAX], *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	for (slash = buf + strlen(base) + 1; (slash = strchr(slash, '/'));
	     *slash++ = '/') {
		*slash = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			tap_bail("mkdir %s: %s", buf, strerror(errno));
	}
}

static struct fifo_case *add_case(const char *what, const char *path,
				  const char *want, bool truncated)
{
	struct fifo_case *c = &cases[ncases++];

	c->what = what;
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(c->want, sizeof(c->want), "%s", want ? want : path);
	c->truncated = truncated;
	make_dirs(c->path);
	make_fifo(c->path, &c->ino);
	c->pid = spawn(rdwr_fifo, c->path);
	return c;
}

/* base + "/dNN" for NN in [from, to], then "/fifo", starting from @head. */
static void deep_path(char *buf, size_t len, const char *head, int from,
		      int to)
{
	int n = snprintf(buf, len, "%s", head), i;

	for (i = from; i <= to; i++)
		n += snprintf(buf + n, len - n, "/d%02d", i);
	snprintf(buf + n, len - n, "/fifo");
}

/* The limits: 16 components and 255 bytes, at and just past each one. */
static void add_limit_cases(void)
{
	const char *name = base + strlen("/tmp/");	/* ipcscope-fpath-XXXXXX */
	char path[PATH_MAX], want[PATH_MAX], head[PATH_MAX], x[256];
	int blen = strlen(base), l;

	/* /tmp, base: 2 components; 13 dirs and the FIFO make 16 */
	deep_path(path, sizeof(path), base, 1, 13);
	add_case("16 components: whole", path, NULL, false);

	/* 17: the first one, "tmp", goes */
	deep_path(path, sizeof(path), base, 1, 14);
	snprintf(head, sizeof(head), ".../%s", name);
	deep_path(want, sizeof(want), head, 1, 14);
	add_case("17 components: the last 16", path, want, true);

	/* 23: the last 16 are d06..d20 and the FIFO */
	deep_path(path, sizeof(path), base, 1, 20);
	deep_path(want, sizeof(want), "...", 6, 20);
	add_case("23 components: the last 16", path, want, true);

	/* base/XXX/fifo of exactly 255 bytes, then 256 */
	l = 255 - blen - 1 - strlen("/fifo");
	memset(x, 'x', l);
	x[l] = '\0';
	snprintf(path, sizeof(path), "%s/%s/fifo", base, x);
	add_case("255 bytes: whole", path, NULL, false);

	x[l] = 'x';
	x[l + 1] = '\0';
	snprintf(path, sizeof(path), "%s/%s/fifo", base, x);
	/* ".../" name "/" x "/fifo" is 3 + 256 - strlen("/tmp") = 255 */
	snprintf(want, sizeof(want), ".../%s/%s/fifo", name, x);
	add_case("256 bytes: \"tmp\" goes", path, want, true);

	/* a 254-byte FIFO name: alone it does not fit after ".../" */
	memset(x, 'y', 254);
	x[254] = '\0';
	snprintf(path, sizeof(path), "%s/%s", base, x);
	x[251] = '\0';
	snprintf(want, sizeof(want), ".../%s", x);
	add_case("a 254-byte name: its first 251 bytes", path, want, true);
}

/*
 * base/mnt (tmpfs) /sub/inner (tmpfs) /fifo: two mounts crossed.  In a
 * mount namespace of our own, so nothing leaks into the machine's.
 */
static int add_mount_case(char *why, size_t len)
{
	char mnt[64], inner[64], path[128];

	snprintf(mnt, sizeof(mnt), "%s/mnt", base);
	snprintf(inner, sizeof(inner), "%s/mnt/sub/inner", base);
	snprintf(path, sizeof(path), "%s/fifo", inner);
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		snprintf(why, len, "no private mount namespace: %s",
			 strerror(errno));
		return -1;
	}
	if (mkdir(mnt, 0700) || mount("tmpfs", mnt, "tmpfs", 0, "size=64k")) {
		snprintf(why, len, "cannot mount a tmpfs on %s: %s", mnt,
			 strerror(errno));
		return -1;
	}
	make_dirs(path);
	if (mount("tmpfs", inner, "tmpfs", 0, "size=64k")) {
		snprintf(why, len, "cannot mount a tmpfs on %s: %s", inner,
			 strerror(errno));
		umount2(mnt, MNT_DETACH);
		return -1;
	}
	add_case("across two tmpfs mounts", path, NULL, false);
	return 0;
}

/* Each event of @pid of @type: its path, path_truncated and inode. */
static void check_events(const struct events *evs, const char *type,
			 pid_t pid, const char *want, bool truncated,
			 long long ino, int count, const char *what)
{
	int i, n = 0, bad_path = 0, bad_trunc = 0, bad_ino = 0;
	long long gap = events_sum(evs, "missed", 0, 0, "count") +
			events_sum(evs, "lost", 0, 0, "count");

	for (i = 0; i < evs->n; i++) {
		const struct fj_object *e = &evs->ev[i];
		const char *t = fj_str(e, "type"), *p = fj_str(e, "path");

		if (fj_int(e, "pid") != pid || !t || strcmp(t, type))
			continue;
		n++;
		/* a preempting pipe program found the path scratch busy:
		 * said as path_unreadable, never a wrong path */
		if (preemption_todo() && fj_has(e, "path_unreadable"))
			continue;
		if (!p || strcmp(p, want)) {
			bad_path++;
			tap_diag("  %s path: %s", type, p ? p : "(none)");
		}
		bad_trunc += truncated ? !fj_true(e, "path_truncated") :
					 fj_has(e, "path_truncated");
		bad_ino += fj_int(e, "ino") != ino;
	}
	/* a run the kernel skipped (a preempted program, 7.x) is an event
	 * missing, but reported */
	tap_is_int(n, count, "%s: %d %s", what, count, type);
	tap_ok_strict(n + gap >= count, "%s: %d %s, or the gap reported", what,
	       count, type);
	tap_is_int(bad_path, 0, "%s: each %s has the path", what, type);
	tap_is_int(bad_trunc, 0, "%s: each %s %s", what, type,
		   truncated ? "says \"path_truncated\":true" :
			       "has no path_truncated");
	tap_is_int(bad_ino, 0, "%s: each %s is on inode %lld", what, type, ino);
}

int main(void)
{
	char fifo[PATH_MAX], path[PATH_MAX], why[512] = "";
	char pid_arg[2 + MAX_CASES][16];
	const char *args[4 + 2 * (2 + MAX_CASES) + 1];
	int i, nargs = 0, writer_status, reads, mounted;
	pid_t writer, reader;
	struct tracer t;
	long long ino;
	int status;

	require_root();
	/* the FIFO of the issue: 2 + 2 x 4; each case: 1 + 2 x 4; tier: 1 */
	/* + 16: the gap check of each of the 16 check_events() */
	tap_plan(2 + 8 + 9 * 7 + 1 + 16);
	if (!mkdtemp(base))
		tap_bail("mkdtemp: %s", strerror(errno));
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	/* The FIFO of the issue: written, closed, exited, unlinked. */
	snprintf(fifo, sizeof(fifo), "%s/app.fifo", base);
	make_fifo(fifo, &ino);
	writer = spawn(write_fifo, fifo);
	reader = spawn(read_fifo, fifo);
	add_limit_cases();
	mounted = add_mount_case(why, sizeof(why)) == 0;

	args[nargs++] = "-t";
	args[nargs++] = "pipe";
	snprintf(pid_arg[0], sizeof(pid_arg[0]), "%d", writer);
	snprintf(pid_arg[1], sizeof(pid_arg[1]), "%d", reader);
	for (i = 0; i < ncases; i++)
		snprintf(pid_arg[2 + i], sizeof(pid_arg[2 + i]), "%d",
			 cases[i].pid);
	for (i = 0; i < 2 + ncases; i++) {
		args[nargs++] = "-p";
		args[nargs++] = pid_arg[i];
	}
	args[nargs] = NULL;
	tracer_start(&t, args);

	/* Nothing is read from the ring buffer until every process is gone. */
	if (kill(t.pid, SIGSTOP) ||
	    waitpid(t.pid, &status, WUNTRACED) != t.pid || !WIFSTOPPED(status))
		tap_bail("cannot stop the collector");
	kill(reader, SIGUSR1);
	kill(writer, SIGUSR1);
	writer_status = wait_exit(writer);
	reads = wait_exit(reader);
	for (i = 0; i < ncases; i++) {
		kill(cases[i].pid, SIGUSR1);
		cases[i].status = wait_exit(cases[i].pid);
	}
	unlink(fifo);
	for (i = 0; i < ncases; i++)
		unlink(cases[i].path);
	if (mounted) {
		snprintf(path, sizeof(path), "%s/mnt/sub/inner", base);
		umount2(path, MNT_DETACH);
		snprintf(path, sizeof(path), "%s/mnt", base);
		umount2(path, MNT_DETACH);
		rmdir(path);
	}
	for (i = 0; i < ncases; i++)
		remove_up(cases[i].path);
	rmdir(base);
	/* Only now may the collector read: every path is gone. */
	kill(t.pid, SIGCONT);
	tracer_stop(&t);

	tap_is_int(writer_status, 0, "the writer wrote %d x %d bytes and exited",
		   WRITES, WRITE_SIZE);
	tap_is_int(reads, WRITES + 1, "the reader read %d x %d bytes, then EOF",
		   WRITES, WRITE_SIZE);
	check_events(&t.events, "pipe_write", writer, fifo, false, ino, WRITES,
		     "closed, exited, unlinked");
	check_events(&t.events, "pipe_read", reader, fifo, false, ino, reads,
		     "closed, exited, unlinked");
	for (i = 0; i < ncases; i++) {
		struct fifo_case *c = &cases[i];

		tap_is_int(c->status, 0, "%s: the child wrote and read %d bytes",
			   c->what, PROBE_BYTES);
		check_events(&t.events, "pipe_write", c->pid, c->want,
			     c->truncated, c->ino, 1, c->what);
		check_events(&t.events, "pipe_read", c->pid, c->want,
			     c->truncated, c->ino, 1, c->what);
	}
	if (!mounted)
		tap_skip(1 + 4 + 4, "%s", why);
	tap_is_int(events_wrong_tier(&t.events), 0,
		   "every event came through the %s tier", probe_tier());
	if (access(base, F_OK) == 0)
		tap_diag("%s was not removed", base);
	tracer_free(&t);
	return tap_done();
}
