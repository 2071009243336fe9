// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope.ko under load.
 *
 *  1. Scale: 20000 pipes held open; each is listed exactly once, and one
 *     open file reads the same with 97-byte reads as after lseek(0) with
 *     64 KiB reads (the seq_file cursor over a large snapshot).  Likewise
 *     4000 unix sockets (2000 socketpairs) in the sockets file.
 *  2. Churn, IPCSCOPE_STRESS_SECONDS (default 60) long: on each CPU two
 *     processes create pipes and FIFOs, fill them, resize them, block
 *     children in read, write, poll and splice on them and close them, and
 *     create unix sockets with children blocked in recv(), send(),
 *     accept() and connect() on them and close them, while two readers
 *     parse every debugfs file in a loop, and a slow reader keeps the
 *     pipes file open and reads it a line at a time.  Halfway, the 20000
 *     pipes and the 4000 sockets are closed all at once.
 *  3. rmmod is refused while a file is open, then succeeds.
 *     With IPCSCOPE_KMOD_UNLOAD_RACE=1, then for 10 s two readers open and
 *     read the files in a loop while the module is unloaded and loaded
 *     again and again: an open fails with ENOENT or ENXIO, or succeeds and
 *     holds the module.  Off by default: an open() that lands between
 *     try_release_module_ref() dropping the last reference and
 *     try_stop_module() marking the module GOING makes debugfs'
 *     full_proxy_open() WARN "debugfs file owner did not clean up at exit"
 *     (6.1 and 6.12) -- a kernel race any module's debugfs file has, which
 *     this loop hits now and then.
 *  4. The kernel log shows no BUG, WARNING, Oops, "sleeping function called
 *     from invalid context", hung task (the detector's timeout is cut to
 *     10 s for the run), lockdep or RCU stall report.
 *
 * The module does not depend on the collector's probe tier, so this runs
 * once per kernel: in the fentry cell, or when IPCSCOPE_KMOD_STRESS=1.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "kmod_test.h"

#define NPIPES		20000
#define NSOCKS		2000	/* socketpairs */
#define NCHURN		4
#define NREAD		2
#define MAXKIDS		(NCHURN + NREAD + 1)

static double deadline;
static int results[2];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % 2, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void report(const char *what, int idx, long iters, long errs)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%s %d %ld %ld\n", what, idx,
			 iters, errs);

	if (write(results[1], line, n) != n)
		_exit(3);
}

/* A child that blocks on fd in the given way until killed. */
static pid_t blocker(int fd, int how)
{
	pid_t pid = fork();
	char c = 'x';

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (how == 0) {
		if (write(fd, &c, 1) < 0)
			_exit(1);
	} else if (how == 1) {
		if (read(fd, &c, 1) < 0)
			_exit(1);
	} else if (how == 3) {
		int sv[2];

		/* Sleeps in the socket with the pipe's mutex held. */
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
		    splice(sv[0], NULL, fd, NULL, 4096, 0) < 0)
			_exit(1);
	} else {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		poll(&p, 1, -1);
	}
	_exit(0);
}

/* One failed step of the churn's own workload (not of the module): said
 * on stderr, the first few of each worker, and counted apart. */
static int churn_fail(const char *what)
{
	static int said;

	if (said++ < 5)
		fprintf(stderr, "kmod_stress: churn %d: %s: %s\n", getpid(),
			what, strerror(errno));
	return 1;
}

/*
 * Unix sockets with a child asleep on them, then everything closed: in
 * recv() on a stream or datagram pair, in send() out of buffer, in
 * accept() on a listener, in connect() to a full backlog.
 */
static long sock_churn(unsigned int *seed, int idx)
{
	static char buf[65536];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int sv[2] = { -1, -1 }, l = -1, c = -1, op = rand_r(seed) % 4;
	long errs = 0;
	pid_t kid;

	if (op < 3 && socketpair(AF_UNIX, op == 1 ? SOCK_DGRAM : SOCK_STREAM,
				 0, sv))
		return churn_fail("socketpair");
	if (op == 3) {
		static unsigned long nth;

		/* a new name each time: a reader's snapshot may still pin
		 * the last listener's file, and its name with it */
		snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1,
			 "kt-stress-%d-%d-%lu", getpid(), idx, nth++);
		l = socket(AF_UNIX, SOCK_STREAM, 0);
		c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (l < 0 || c < 0)
			errs += churn_fail("socket");
		else if (bind(l, (struct sockaddr *)&a, sizeof(a)))
			errs += churn_fail("bind");
		else if (listen(l, 0))
			errs += churn_fail("listen");
		else if (connect(c, (struct sockaddr *)&a, sizeof(a)))
			errs += churn_fail("connect");
	}
	kid = fork();
	if (kid == 0) {
		char ch;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (op < 2) {
			if (recv(sv[0], &ch, 1, 0) < 0)
				_exit(1);
		} else if (op == 2) {
			while (write(sv[0], buf, sizeof(buf)) > 0)
				;
		} else if (rand_r(seed) % 2) {
			accept(l, NULL, NULL);	/* one queued: returns */
			accept(l, NULL, NULL);
		} else {
			int fd = socket(AF_UNIX, SOCK_STREAM, 0);

			connect(fd, (struct sockaddr *)&a, sizeof(a));
		}
		_exit(0);
	}
	sleep_us(rand_r(seed) % 3000);
	if (sv[0] >= 0) {
		close(sv[0]);
		close(sv[1]);
	}
	if (l >= 0)
		close(l);
	if (c >= 0)
		close(c);
	if (kid > 0) {
		kill(kid, SIGKILL);
		waitpid(kid, NULL, 0);
	}
	return errs + (kid < 0 ? churn_fail("fork") : 0);
}

static void churn(int idx)
{
	static char buf[65536];
	char fifo[64];
	long iters = 0, errs = 0;
	unsigned int seed = idx * 7919 + getpid();

	pin(idx);
	snprintf(fifo, sizeof(fifo), "/tmp/kt-stress-%d-%d", getppid(), idx);
	unlink(fifo);
	if (mkfifo(fifo, 0600))
		errs += churn_fail("mkfifo");
	while (now() < deadline) {
		int p[2], r, w, op = rand_r(&seed) % 8;
		pid_t kid = 0;

		if (op >= 6) {
			errs += sock_churn(&seed, idx);
			iters++;
			continue;
		}
		if (pipe(p)) {
			errs += churn_fail("pipe");
			continue;
		}
		switch (op) {
		case 0:	/* full, a writer blocked, then everything closed */
			fcntl(p[1], F_SETFL, O_NONBLOCK);
			while (write(p[1], buf, sizeof(buf)) > 0)
				;
			fcntl(p[1], F_SETFL, 0);
			kid = blocker(p[1], 0);
			sleep_us(rand_r(&seed) % 3000);
			break;
		case 1:	/* a reader blocked, woken by a write */
			kid = blocker(p[0], 1);
			sleep_us(rand_r(&seed) % 3000);
			if (write(p[1], "y", 1) != 1)
				errs += churn_fail("write to a blocked reader");
			break;
		case 2:	/* resized, partly filled */
			fcntl(p[1], F_SETPIPE_SZ, 4096 << (rand_r(&seed) % 9));
			fcntl(p[1], F_SETFL, O_NONBLOCK);
			if (write(p[1], buf, rand_r(&seed) % sizeof(buf)) < 0 &&
			    errno != EAGAIN)
				errs += churn_fail("write to a resized pipe");
			break;
		case 3:	/* a poller, woken by the hang-up */
			kid = blocker(p[0], 2);
			sleep_us(rand_r(&seed) % 3000);
			break;
		case 5:	/* a splice() asleep holding the pipe's mutex */
			kid = blocker(p[1], 3);
			sleep_us(rand_r(&seed) % 3000);
			break;
		case 4:	/* a FIFO opened both ways, written, closed */
			r = open(fifo, O_RDONLY | O_NONBLOCK);
			w = open(fifo, O_WRONLY | O_NONBLOCK);
			if (r < 0 || w < 0 || write(w, buf, 100) != 100)
				errs += churn_fail("FIFO open or write");
			if (r >= 0)
				close(r);
			if (w >= 0)
				close(w);
			break;
		}
		close(p[0]);
		close(p[1]);
		if (kid > 0) {
			kill(kid, SIGKILL);
			waitpid(kid, NULL, 0);
		}
		iters++;
	}
	unlink(fifo);
	report("churn", idx, iters, errs);
	_exit(0);
}

static const char *const files[] = {
	"pipes", "waiters", "fds", "buffers", "summary", "sockets",
};
#define NFILES (sizeof(files) / sizeof(files[0]))

/* Every line of a file well formed; returns the number of bad lines. */
static long check_text(const char *name, const char *text)
{
	char header[64];
	const char *p, *nl;
	long bad = 0;

	snprintf(header, sizeof(header), "# ipcscope-%s v%d\n", name,
		 strcmp(name, "pipes") ? 1 : 2);
	if (strncmp(text, header, strlen(header)))
		return 1;
	for (p = text + strlen(header); *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			return bad + 1;
		if (*p == '#')	/* comments: buffers' and sockets' footers */
			continue;
		if (!strcmp(name, "sockets"))
			bad += strncmp(p, "ino=", 4) ||
			       !memmem(p, nl - p, " sk_wait=", 9) ||
			       !memmem(p, nl - p, " peer_wait=", 11) ||
			       !memmem(p, nl - p, " truncated=", 11) ||
			       memmem(p, nl - p, " holders=-", 10);
		else if (!strcmp(name, "pipes"))
			bad += strncmp(p, "ino=", 4) ||
			       !memmem(p, nl - p, " wr_wait=", 9) ||
			       !memmem(p, nl - p, " holders=", 9) ||
			       memmem(p, nl - p, " holders=-", 10);
		else if (!strcmp(name, "summary"))
			bad += !memchr(p, '=', nl - p);
		else if (!strcmp(name, "buffers"))
			bad += strncmp(p, "ino=", 4) ||
			       !memmem(p, nl - p, " ops=", 5);
		else
			bad += strncmp(p, "pid=", 4) != 0;
	}
	return bad;
}

/* Tasks seen asleep on a socket for one of the four reasons. */
static long sock_sleepers(const char *text)
{
	static const char *const how[] = {
		"/recv/", "/send/", "/accept/", "/connect/",
	};
	long n = 0;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		const char *p = text;

		while ((p = strstr(p, how[i]))) {
			n++;
			p++;
		}
	}
	return n;
}

static void reader(int idx)
{
	long iters = 0, errs = 0, sleepers = 0;
	static char text[1 << 24];
	unsigned int seed = idx;

	pin(idx);
	while (now() < deadline) {
		/* each reader starts elsewhere in the list: on a slow
		 * (debug) kernel one pass over 20000 pipes can take the
		 * whole run, and the sockets file must be read by someone */
		const char *name = files[(iters + NFILES - 1 - idx) % NFILES];
		size_t len = 0, chunk = 1 + rand_r(&seed) % 8192;
		char path[128];
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), KT_DIR "/%s", name);
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			errs++;
			continue;
		}
		while (len + chunk < sizeof(text) &&
		       (n = read(fd, text + len, chunk)) > 0)
			len += n;
		close(fd);
		text[len] = '\0';
		if (check_text(name, text))
			errs++;
		if (!strcmp(name, "sockets"))
			sleepers += sock_sleepers(text);
		iters++;
	}
	report("sleepers", idx, sleepers, 0);
	report("reader", idx, iters, errs);
	_exit(0);
}

/* Keeps one pipes file open, reading a line at a time, slowly. */
static void slow_reader(void)
{
	long iters = 0, errs = 0;

	while (now() < deadline) {
		FILE *f = fopen(KT_DIR "/pipes", "r");
		char line[1 << 16];

		if (!f) {
			errs++;
			continue;
		}
		setvbuf(f, NULL, _IOFBF, 512);
		while (now() < deadline && fgets(line, sizeof(line), f)) {
			if (line[0] != '#' && strncmp(line, "ino=", 4))
				errs++;
			sleep_us(1000);
		}
		fclose(f);
		iters++;
	}
	report("slow", 0, iters, errs);
	_exit(0);
}

static int cmp_ino(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;

	return x < y ? -1 : x > y;
}

static char *read_chunks(int fd, size_t chunk, size_t *lenp)
{
	size_t len = 0, cap = 1 << 20;
	char *buf = malloc(cap + 1);
	ssize_t n;

	while (buf) {
		if (len + chunk > cap) {
			buf = realloc(buf, cap * 2 + 1);
			cap *= 2;
			continue;
		}
		n = read(fd, buf + len, chunk);
		if (n <= 0)
			break;
		len += n;
	}
	if (buf)
		buf[len] = '\0';
	*lenp = len;
	return buf;
}

static void scale(int (*p)[2])
{
	static ino_t inos[NPIPES];
	static unsigned char seen[NPIPES];
	char *text, *again, dev[32], want[64], *l, *nl;
	size_t len = 0, len2 = 0;
	long found = 0, dup = 0, wrong = 0;
	struct stat st;
	double t0;
	int i, fd;

	for (i = 0; i < NPIPES; i++) {
		if (pipe(p[i]))
			tap_bail("pipe %d: %s", i, strerror(errno));
		fstat(p[i][0], &st);
		inos[i] = st.st_ino;
	}
	kt_dev(st.st_dev, dev, sizeof(dev));
	qsort(inos, NPIPES, sizeof(inos[0]), cmp_ino);
	/* Only this process holds them: children come later. */
	snprintf(want, sizeof(want), " holders=%d/", getpid());

	t0 = now();
	fd = open(KT_DIR "/pipes", O_RDONLY);
	text = fd < 0 ? NULL : read_chunks(fd, 97, &len);
	tap_diag("open + read of pipes with %d pipes held: %.2f s, %zu bytes",
		 NPIPES, now() - t0, len);
	tap_ok(text && lseek(fd, 0, SEEK_SET) == 0,
	       "pipes read with 97-byte reads, then lseek(0)");
	again = text ? read_chunks(fd, 65536, &len2) : NULL;
	tap_ok(again && len == len2 && !strcmp(text, again),
	       "the same snapshot reads the same with 64 KiB reads (%zu bytes)",
	       len);
	if (fd >= 0)
		close(fd);

	for (l = text; l && *l; l = nl + 1) {
		unsigned long ino;
		char d[48], *end;
		ino_t *hit;

		nl = strchr(l, '\n');
		if (!nl)
			break;
		/* Not sscanf(): glibc's strlen()s the whole rest each call. */
		if (strncmp(l, "ino=", 4))
			continue;
		ino = strtoul(l + 4, &end, 10);
		snprintf(d, sizeof(d), " dev=%s ", dev);
		if (strncmp(end, d, strlen(d)))
			continue;
		hit = bsearch(&(ino_t){ ino }, inos, NPIPES, sizeof(inos[0]),
			      cmp_ino);
		if (!hit)
			continue;
		found++;
		dup += seen[hit - inos]++ > 0;
		wrong += !memmem(l, nl - l, want, strlen(want));
	}
	tap_is_int(found, NPIPES, "every one of %d pipes listed", NPIPES);
	tap_is_int(dup, 0, "no pipe listed twice");
	tap_is_int(wrong, 0, "each listed with this process as holder");
	free(text);
	free(again);
}

/* NSOCKS socketpairs, each end listed once in sockets, held by us. */
static void scale_socks(int (*sp)[2])
{
	static ino_t inos[2 * NSOCKS];
	static unsigned char seen[2 * NSOCKS];
	char *text, dev[32], want[64], *l, *nl;
	long found = 0, dup = 0, wrong = 0;
	struct stat st;
	size_t len = 0;
	double t0;
	int i, fd;

	for (i = 0; i < NSOCKS; i++) {
		if (socketpair(AF_UNIX, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0,
			       sp[i]))
			tap_bail("socketpair %d: %s", i, strerror(errno));
		fstat(sp[i][0], &st);
		inos[2 * i] = st.st_ino;
		fstat(sp[i][1], &st);
		inos[2 * i + 1] = st.st_ino;
	}
	kt_dev(st.st_dev, dev, sizeof(dev));
	qsort(inos, 2 * NSOCKS, sizeof(inos[0]), cmp_ino);
	snprintf(want, sizeof(want), " holders=%d/", getpid());

	t0 = now();
	fd = open(KT_DIR "/sockets", O_RDONLY);
	text = fd < 0 ? NULL : read_chunks(fd, 97, &len);
	if (fd >= 0)
		close(fd);
	tap_diag("open + read of sockets with %d sockets held: %.2f s, %zu bytes",
		 2 * NSOCKS, now() - t0, len);
	for (l = text; l && *l; l = nl + 1) {
		unsigned long ino;
		char d[48], *end;
		ino_t *hit;

		nl = strchr(l, '\n');
		if (!nl)
			break;
		if (strncmp(l, "ino=", 4))
			continue;
		ino = strtoul(l + 4, &end, 10);
		snprintf(d, sizeof(d), " dev=%s ", dev);
		if (strncmp(end, d, strlen(d)))
			continue;
		hit = bsearch(&(ino_t){ ino }, inos, 2 * NSOCKS,
			      sizeof(inos[0]), cmp_ino);
		if (!hit)
			continue;
		found++;
		dup += seen[hit - inos]++ > 0;
		wrong += !memmem(l, nl - l, want, strlen(want));
	}
	tap_is_int(found, 2 * NSOCKS, "every one of %d sockets listed",
		   2 * NSOCKS);
	tap_is_int(dup, 0, "no socket listed twice");
	tap_is_int(wrong, 0, "each socket listed with this process as holder");
	free(text);
}

/*
 * Make the hung-task detector report a task stuck in D state for 10 s
 * (the kernels' default is 120 s, longer than this test).  Returns the old
 * value, to be put back, or -1.
 */
static int hung_task_timeout(int secs)
{
	const char *path = "/proc/sys/kernel/hung_task_timeout_secs";
	char buf[32] = "";
	int fd = open(path, O_RDWR), old = -1;

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) > 0)
		old = atoi(buf);
	snprintf(buf, sizeof(buf), "%d\n", secs);
	if (pwrite(fd, buf, strlen(buf), 0) < 0)
		old = -1;
	close(fd);
	return old;
}

/* Readers that accept a file that is not there (the module is out). */
static void racing_reader(int idx)
{
	long iters = 0, errs = 0;
	static char text[1 << 22];
	unsigned int seed = idx + 1;

	pin(idx);
	while (now() < deadline) {
		char path[128];
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), KT_DIR "/%s", files[iters % 5]);
		iters++;
		fd = open(path, O_RDONLY);
		/*
		 * ENOENT: the file is gone; ENXIO: debugfs' proxy open found
		 * the module going away (full_proxy_open()).
		 */
		if (fd < 0) {
			errs += errno != ENOENT && errno != ENXIO;
			continue;
		}
		while ((n = read(fd, text, sizeof(text))) > 0)
			;
		errs += n < 0;
		close(fd);
		/* Leave rmmod a window now and then. */
		sleep_us(rand_r(&seed) % 2000);
	}
	report("race", idx, iters, errs);
	_exit(0);
}

static void unload_race(void)
{
	long unloads = 0, busy = 0, other = 0, iters = 0, errs = 0;
	pid_t kids[2];
	char line[128];
	int i, status;
	FILE *res;

	if (pipe(results))
		tap_bail("pipe: %s", strerror(errno));
	if (kt_load())
		tap_bail("insmod: %s", strerror(errno));
	deadline = now() + 10;
	for (i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			close(results[0]);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			racing_reader(i);
		}
	}
	close(results[1]);
	while (now() < deadline) {
		if (kt_unload() == 0) {
			unloads++;
			if (kt_load())
				other++;
		} else if (errno == EBUSY || errno == EAGAIN) {
			busy++;
		} else {
			other++;
		}
		sleep_us(500);
	}
	res = fdopen(results[0], "r");
	while (res && fgets(line, sizeof(line), res)) {
		long it, er;

		if (sscanf(line, "race %*d %ld %ld", &it, &er) == 2) {
			iters += it;
			errs += er;
		}
	}
	if (res)
		fclose(res);
	for (i = 0; i < 2; i++) {
		waitpid(kids[i], &status, 0);
		errs += !WIFEXITED(status) || WEXITSTATUS(status);
	}
	tap_diag("unload race: %ld unloads, %ld refused as busy, %ld opens",
		 unloads, busy, iters);
	tap_ok(unloads > 0 && other == 0,
	       "rmmod/insmod under readers: %ld unloads, no failure", unloads);
	tap_is_int(errs, 0, "readers saw only ENOENT/ENXIO while it was out");
	if (kt_unload())
		tap_diag("final rmmod: %s", strerror(errno));
}

/*
 * Lines of the kernel log that mean a kernel bug.  With known_race, the
 * debugfs WARN described at the top of this file (its whole splat, from
 * "cut here" to "end trace") is counted apart, not as a problem.
 */
static int dmesg_problems(int known_race)
{
	static const char *const bad[] = {
		"BUG:", "kernel BUG at", "WARNING:", "Oops",
		"general protection fault", "Kernel panic", "Call Trace",
		"sleeping function called from invalid context",
		"blocked for more than", "hung task",
		"possible circular locking", "possible recursive locking",
		"detected stall", "UBSAN:",
	};
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	int n, problems = 0, known = 0, skipping = 0;
	char *buf, *line, *next;
	size_t i;

	if (size <= 0)
		size = 1 << 20;
	buf = calloc(1, size + 1);
	n = buf ? klogctl(3, buf, size) : -1;	/* SYSLOG_ACTION_READ_ALL */
	if (n < 0) {
		tap_diag("cannot read the kernel log: %s", strerror(errno));
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (known_race && strstr(line, "cut here") && next &&
		    strstr(next, "debugfs file owner did not clean up at exit")) {
			skipping = 1;
			known++;
		}
		if (skipping) {
			if (strstr(line, "end trace"))
				skipping = 0;
			continue;
		}
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (strstr(line, bad[i])) {
				tap_diag("dmesg: %s", line);
				problems++;
				break;
			}
		}
	}
	if (known)
		tap_diag("dmesg: %d debugfs WARN(s) from the rmmod/open race, not counted",
			 known);
	free(buf);
	return problems;
}

int main(void)
{
	const char *probe = getenv("IPCSCOPE_PROBE");
	const char *force = getenv("IPCSCOPE_KMOD_STRESS");
	const char *secs = getenv("IPCSCOPE_STRESS_SECONDS");
	const char *race;
	static int p[NPIPES][2], sp[NSOCKS][2];
	struct rlimit rl = { (NPIPES + NSOCKS) * 2 + 256,
			     (NPIPES + NSOCKS) * 2 + 256 };
	pid_t kids[MAXKIDS];
	long churn_iters = 0, churn_errs = 0, read_iters = 0, slow_iters = 0;
	long errs = 0;
	long sleepers = 0;
	int seconds = secs ? atoi(secs) : 60;
	int standing[2];
	pid_t standing_pid;
	int i, n = 0, fd, ok, e, hung;
	char line[128];
	double t0;
	FILE *res;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (force && !strcmp(force, "0"))
		tap_skip_all("IPCSCOPE_KMOD_STRESS=0");
	if (probe && strcmp(probe, "fentry") && !(force && *force))
		tap_skip_all("the module stress runs once per kernel, in the fentry cell (IPCSCOPE_KMOD_STRESS=1 forces it)");
	kt_load_or_skip();
	if (setrlimit(RLIMIT_NOFILE, &rl))
		tap_bail("setrlimit(RLIMIT_NOFILE, %ld): %s",
			 (long)rl.rlim_cur, strerror(errno));

	t0 = now();
	hung = hung_task_timeout(10);
	if (hung < 0)
		tap_diag("cannot shorten the hung task timeout");
	scale(p);
	scale_socks(sp);
	tap_diag("scale phase: %.1f s", now() - t0);

	if (pipe(results))
		tap_bail("pipe: %s", strerror(errno));
	/* One task asleep in recv through the whole churn: every sockets
	 * snapshot has a sleeper, however the churn's own sleepers fall (on
	 * a debug kernel a reader takes seconds per pass) */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, standing))
		tap_bail("socketpair: %s", strerror(errno));
	standing_pid = fork();
	if (standing_pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (standing_pid == 0) {
		char c;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* not a writer of the results: the parent reads to EOF */
		close(results[0]);
		close(results[1]);
		close(standing[0]);
		recv(standing[1], &c, 1, 0);
		_exit(0);
	}
	close(standing[1]);
	tap_diag("churning for %d s on 2 CPUs", seconds);
	deadline = now() + seconds;
	for (i = 0; i < NCHURN + NREAD + 1; i++) {
		pid_t pid = fork();

		if (pid < 0)
			tap_bail("fork: %s", strerror(errno));
		if (pid == 0) {
			int j;

			/* Let the parent's close really close them. */
			for (j = 0; j < NPIPES; j++) {
				close(p[j][0]);
				close(p[j][1]);
			}
			for (j = 0; j < NSOCKS; j++) {
				close(sp[j][0]);
				close(sp[j][1]);
			}
			close(results[0]);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (i < NCHURN)
				churn(i);
			else if (i < NCHURN + NREAD)
				reader(i - NCHURN);
			else
				slow_reader();
		}
		kids[n++] = pid;
	}
	close(results[1]);

	/* Halfway: close the 20000 pipes at once, under the readers. */
	sleep_us(seconds * 500000L);
	for (i = 0; i < NPIPES; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	for (i = 0; i < NSOCKS; i++) {
		close(sp[i][0]);
		close(sp[i][1]);
	}

	res = fdopen(results[0], "r");
	while (res && fgets(line, sizeof(line), res)) {
		char what[16];
		long it, er;
		int idx;

		if (sscanf(line, "%15s %d %ld %ld", what, &idx, &it, &er) != 4)
			continue;
		tap_diag("%s %d: %ld iterations, %ld errors", what, idx, it,
			 er);
		if (!strcmp(what, "churn")) {
			churn_iters += it;
			churn_errs += er;
			continue;
		}
		else if (!strcmp(what, "reader"))
			read_iters += it;
		else if (!strcmp(what, "sleepers"))
			sleepers += it;
		else
			slow_iters += it;
		errs += er;
	}
	kill(standing_pid, SIGKILL);
	waitpid(standing_pid, NULL, 0);
	close(standing[0]);
	for (i = 0; i < n; i++) {
		int status = 0;

		waitpid(kids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			errs++;
	}
	tap_diag("churn phase: %.1f s", now() - deadline + seconds);
	/* the workload's own steps failing (a bind, a fork) is not the
	 * module's doing: said on stderr, and bounded, not zero */
	tap_ok(churn_iters > 0 && churn_errs * 1000 <= churn_iters,
	       "churners: %ld pipe and socket lifetimes, %ld of their own steps failed (at most 1 in 1000)",
	       churn_iters, churn_errs);
	tap_ok(read_iters > 0, "readers: %ld files read and parsed",
	       read_iters);
	tap_ok(slow_iters > 0, "slow reader: %ld passes", slow_iters);
	tap_ok(sleepers > 0,
	       "readers saw %ld tasks asleep in recv/send/accept/connect",
	       sleepers);
	tap_is_int(errs, 0,
		   "no malformed output, no failed open or read, every worker exited 0");

	fd = open(KT_DIR "/waiters", O_RDONLY);
	ok = kt_unload();
	e = errno;
	tap_ok(fd >= 0 && ok && (e == EBUSY || e == EAGAIN),
	       "rmmod refused while waiters is open");
	if (fd >= 0)
		close(fd);
	ok = kt_unload();
	e = errno;
	tap_ok(ok == 0, "rmmod after the load%s%s", ok ? ": " : "",
	       ok ? strerror(e) : "");
	race = getenv("IPCSCOPE_KMOD_UNLOAD_RACE");
	if (race && !strcmp(race, "1"))
		unload_race();	/* the cell's own dmesg check still sees it */
	else
		tap_skip(2, "rmmod racing opens: IPCSCOPE_KMOD_UNLOAD_RACE=1 (it can trip a debugfs WARN in the kernel)");
	if (hung >= 0)
		hung_task_timeout(hung);
	tap_is_int(dmesg_problems(race && !strcmp(race, "1")), 0,
		   "kernel log clean");
	return tap_done();
}
