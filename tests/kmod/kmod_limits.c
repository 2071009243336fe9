// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope.ko: what the module's bounds and caps leave out, counted exactly.
 *
 * Load 1, queue_limit=1000 max_waiters=1500:
 *   A  a child in one poll() on A's read end repeated 5000 times: 5000
 *      entries on one wait queue.  1000 are listed, truncated=4000.
 *   B  the same with 3000 repeats, after A: what is left of the 1500
 *      waiters cap is listed, the rest counted in lost_waiters; every one
 *      of the 3000 is either listed or in truncated.
 *   W  a watch-queue pipe (O_NOTIFICATION_PIPE), listed, where the kernel
 *      has CONFIG_WATCH_QUEUE (Debian's cloud kernels do not).
 *   a reader in a new pid namespace is refused with EPERM.
 * Load 2, max_pipes=50 max_fds=70 max_bufs=10, with 100 pipes of our own,
 *   one byte in each: exactly 50 pipes, 70 fds and 10 slots listed, and
 *   every pipe fd of the system (counted in /proc) is listed or counted
 *   in lost_pipe_fds or lost_fds; buffers' footer counts the other slots.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "kmod_test.h"

#define NPOLL_A		5000
#define NPOLL_B		3000
#define QUEUE_LIMIT	1000
#define MAX_WAITERS	1500
#define NPIPES		100
#define MAX_PIPES	50
#define MAX_FDS		70
#define MAX_BUFS	10

#ifndef O_NOTIFICATION_PIPE
#define O_NOTIFICATION_PIPE O_EXCL
#endif
#define KT_WATCH_QUEUE_SET_SIZE _IO('W', 0x60)

/* A child in poll() on fd repeated n times; it never returns. */
static pid_t spawn_poller(const char *comm, int fd, int n)
{
	pid_t pid = fork();

	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		struct pollfd *pfd = calloc(n, sizeof(*pfd));
		int i;

		prctl(PR_SET_NAME, comm);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (i = 0; pfd && i < n; i++) {
			pfd[i].fd = fd;
			pfd[i].events = POLLIN;
		}
		poll(pfd, n, -1);
		_exit(1);
	}
	return pid;
}

static long summary_num(const char *text, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\n%s=", key);
	p = text ? strstr(text, k) : NULL;
	return p ? strtol(p + strlen(k), NULL, 10) : -1;
}

/* Items of a list value ("a,b,c" or "-"), each checked against suffix. */
static int count_items(const char *val, const char *suffix, int *bad)
{
	char *copy = strdup(val), *tok, *save = NULL;
	int n = 0;

	if (!copy || !strcmp(val, "-")) {
		free(copy);
		return 0;
	}
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		n++;
		*bad += strcmp(tok, suffix) != 0;
	}
	free(copy);
	return n;
}

/* Wait until a pipe shows at least n entries listed or truncated. */
static char *wait_queued(const struct stat *st, long n)
{
	int i;

	for (i = 0; i < 200; i++) {
		char *text = kt_read("pipes");
		const char *rec = text ? kt_find(text, st, NULL) : NULL;
		char val[1 << 16];
		int bad = 0;

		if (rec && !kt_field(rec, "rd_wait", val, sizeof(val)) &&
		    count_items(val, "", &bad) + kt_num(rec, "truncated") >= n)
			return text;
		free(text);
		usleep(50000);
	}
	return NULL;
}

static void queue_test(void)
{
	struct stat sa, sb, sw;
	char val[1 << 16], want[64];
	int a[2], b[2], w[2] = { -1, -1 }, status, bad;
	long listed_a, listed_b, trunc_a, trunc_b;
	struct rlimit rl = { 8192, 8192 };
	pid_t pa, pb, child;
	const char *rec;
	char *text;

	/* poll()'s nfds is bounded by RLIMIT_NOFILE, even for one fd. */
	if (setrlimit(RLIMIT_NOFILE, &rl))
		tap_bail("setrlimit(RLIMIT_NOFILE, 8192): %s", strerror(errno));
	if (pipe(a) || pipe(b) || fstat(a[0], &sa) || fstat(b[0], &sb))
		tap_bail("pipe: %s", strerror(errno));
	pa = spawn_poller("kt-poll-a", a[0], NPOLL_A);
	text = wait_queued(&sa, NPOLL_A);
	free(text);
	pb = spawn_poller("kt-poll-b", b[0], NPOLL_B);
	text = wait_queued(&sb, NPOLL_B);
	if (!tap_ok(text != NULL, "A and B: pollers' entries show up"))
		goto out;

	rec = kt_find(text, &sa, NULL);
	kt_field(rec, "rd_wait", val, sizeof(val));
	snprintf(want, sizeof(want), "%d/poll", pa);
	bad = 0;
	listed_a = count_items(val, want, &bad);
	trunc_a = kt_num(rec, "truncated");
	tap_is_int(listed_a, QUEUE_LIMIT, "A: queue_limit entries listed");
	tap_is_int(bad, 0, "A: each one %s", want);
	tap_is_int(trunc_a, NPOLL_A - QUEUE_LIMIT,
		   "A: truncated = the %d entries past queue_limit",
		   NPOLL_A - QUEUE_LIMIT);

	rec = kt_find(text, &sb, NULL);
	kt_field(rec, "rd_wait", val, sizeof(val));
	snprintf(want, sizeof(want), "%d/poll", pb);
	bad = 0;
	listed_b = count_items(val, want, &bad);
	trunc_b = kt_num(rec, "truncated");
	tap_ok(listed_b > 0 && listed_b <= MAX_WAITERS - QUEUE_LIMIT,
	       "B: %ld listed, within what the waiters cap left", listed_b);
	tap_is_int(bad, 0, "B: each one %s", want);
	tap_is_int(listed_b + trunc_b, NPOLL_B,
		   "B: listed + truncated = %d", NPOLL_B);
	free(text);

	text = kt_read("summary");
	tap_is_int(summary_num(text, "waiters"), MAX_WAITERS,
		   "summary: waiters = max_waiters");
	tap_is_int(summary_num(text, "lost_queue"),
		   NPOLL_A + NPOLL_B - 2 * QUEUE_LIMIT,
		   "summary: lost_queue = entries past queue_limit");
	tap_is_int(summary_num(text, "lost_waiters"), QUEUE_LIMIT - listed_b,
		   "summary: lost_waiters = B's entries the cap dropped");
	tap_is_int(summary_num(text, "lost_queue_uncounted"), 0,
		   "summary: every queue counted to its end");
	tap_is_int(summary_num(text, "poll_proven"), 1,
		   "summary: pollwake proven");
	tap_ok(summary_num(text, "how_poll") >= QUEUE_LIMIT,
	       "summary: how_poll %ld >= %d", summary_num(text, "how_poll"),
	       QUEUE_LIMIT);
	free(text);

	/* A watch-queue pipe: its ring is read under the mutex and rd_wait. */
	if (pipe2(w, O_NOTIFICATION_PIPE)) {
		tap_skip(2, "W: no watch-queue pipes here (pipe2: %s)",
			 strerror(errno));
	} else {
		tap_ok(ioctl(w[0], KT_WATCH_QUEUE_SET_SIZE, 4) == 0 &&
		       !fstat(w[0], &sw), "W: watch queue of 4 notes");
		text = kt_read("pipes");
		rec = text ? kt_find(text, &sw, NULL) : NULL;
		/* watch_queue_set_size(): 4 notes take one page of 32
		 * (128 bytes each), the ring is sized to the notes */
		if (!tap_ok(rec && kt_num(rec, "ring_size") == 32 &&
			    kt_num(rec, "used") == 0 &&
			    kt_num(rec, "busy") == 0,
			    "W: listed, ring_size=32 (one page of notes) used=0 busy=0"))
			tap_diag("  record: %.300s", rec ? rec : "(none)");
		free(text);
		close(w[0]);
		close(w[1]);
	}

	/* A reader in another pid namespace is refused. */
	child = fork();
	if (child == 0) {
		pid_t g;

		if (unshare(CLONE_NEWPID))
			_exit(100);
		g = fork();
		if (g == 0) {
			int fd = open(KT_DIR "/summary", O_RDONLY);

			_exit(fd >= 0 ? 0 : errno);
		}
		if (g < 0 || waitpid(g, &status, 0) != g || !WIFEXITED(status))
			_exit(101);
		_exit(WEXITSTATUS(status));
	}
	if (child < 0 || waitpid(child, &status, 0) != child ||
	    !WIFEXITED(status))
		tap_bail("pid namespace child failed");
	if (WEXITSTATUS(status) == 100)
		tap_skip(1, "unshare(CLONE_NEWPID) refused here");
	else
		tap_is_int(WEXITSTATUS(status), EPERM,
			   "open from a new pid namespace: EPERM");
out:
	kill(pa, SIGKILL);
	kill(pb, SIGKILL);
	waitpid(pa, NULL, 0);
	waitpid(pb, NULL, 0);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

/* Pipe fds of every process, as /proc shows them (not O_PATH ones). */
static long proc_pipe_fds(void)
{
	DIR *proc = opendir("/proc"), *fds;
	struct dirent *p, *f;
	char path[600], info[600], line[128];
	struct stat st;
	long n = 0;

	while (proc && (p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		while (fds && (f = readdir(fds))) {
			FILE *fi;
			int opath = 0;

			if (f->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fd/%s",
				 p->d_name, f->d_name);
			if (stat(path, &st) || !S_ISFIFO(st.st_mode))
				continue;
			snprintf(info, sizeof(info), "/proc/%s/fdinfo/%s",
				 p->d_name, f->d_name);
			fi = fopen(info, "r");
			while (fi && fgets(line, sizeof(line), fi))
				if (!strncmp(line, "flags:", 6))
					opath = strtol(line + 6, NULL, 8) &
						O_PATH;
			if (fi)
				fclose(fi);
			n += !opath;
		}
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
	return n;
}

static int count_lines(const char *text, const char *prefix)
{
	const char *p;
	int n = 0;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

static void caps_test(void)
{
	int fds[NPIPES][2], i;
	long total, used;
	const char *p;
	char *text;

	for (i = 0; i < NPIPES; i++)
		if (pipe(fds[i]) || write(fds[i][1], "x", 1) != 1)
			tap_bail("pipe: %s", strerror(errno));
	total = proc_pipe_fds();
	tap_ok(total >= 2 * NPIPES, "/proc: %ld pipe fds", total);

	text = kt_read("summary");
	tap_is_int(summary_num(text, "pipes"), MAX_PIPES,
		   "summary: pipes = max_pipes");
	tap_is_int(summary_num(text, "lost_bufs"), 0,
		   "summary: lost_bufs 0 (no pipe busy)");
	tap_is_int(summary_num(text, "pipe_fds"), MAX_FDS,
		   "summary: pipe_fds = max_fds");
	tap_is_int(summary_num(text, "pipe_fds") +
		   summary_num(text, "lost_fds") +
		   summary_num(text, "lost_pipe_fds"), total,
		   "summary: pipe_fds + lost_fds + lost_pipe_fds = /proc's");
	tap_ok(summary_num(text, "lost_pipe_fds") > 0 &&
	       summary_num(text, "lost_fds") > 0,
	       "summary: both caps dropped some");
	free(text);

	text = kt_read("fds");
	tap_is_int(count_lines(text, "pid="), MAX_FDS, "fds: max_fds records");
	free(text);

	text = kt_read("pipes");
	used = 0;
	tap_is_int(count_lines(text, "ino="), MAX_PIPES,
		   "pipes: max_pipes records");
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "ino=", 4))
			used += kt_num(p, "used");
	free(text);
	text = kt_read("buffers");
	tap_is_int(count_lines(text, "ino="), MAX_BUFS,
		   "buffers: max_bufs records");
	tap_is_int(summary_num(text, "# lost_bufs"), used - MAX_BUFS,
		   "buffers: footer lost_bufs = used slots (%ld) - max_bufs",
		   used);
	free(text);
	for (i = 0; i < NPIPES; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
}

static void unload(void)
{
	tap_ok(kt_unload() == 0, "rmmod ipcscope%s%s", errno ? ": " : "",
	       errno ? strerror(errno) : "");
}

int main(void)
{
	char params[160];

	snprintf(params, sizeof(params), "queue_limit=%d max_waiters=%d",
		 QUEUE_LIMIT, MAX_WAITERS);
	kt_load_params_or_skip(params);
	queue_test();
	errno = 0;
	unload();

	snprintf(params, sizeof(params),
		 "max_pipes=%d max_fds=%d max_bufs=%d", MAX_PIPES, MAX_FDS,
		 MAX_BUFS);
	kt_load_params_or_skip(params);
	caps_test();
	errno = 0;
	unload();
	return tap_done();
}
