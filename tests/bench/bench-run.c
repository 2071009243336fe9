// SPDX-License-Identifier: GPL-2.0
/*
 * One measured run of the benchmark: a workload, optionally under a tracer.
 *
 *   bench-run --dir DIR [--ready TEXT] [--ready-per-pid] [--tracer-out FILE]
 *             [--stop-signal N] [--timeout S]
 *             -- WORKLOAD [ARGS...] [--tracer TRACER [ARGS...]]
 *
 * 1. Start the workload with a pipe on its fd 3 (tests/bench/bench.h) and
 *    read the pids of its processes from it; the workload now waits.
 * 2. Start the tracer, its arguments expanded:
 *       @-p@        becomes  -p PID1 -p PID2 ...   (the workload's pids)
 *       @PIDS@      within an argument: PID1,PID2
 *       @PIDEXPR@   within an argument: (pid == PID1 || pid == PID2)
 *       @IDLE@      within an argument: the pid of a process that only
 *                   sleeps (for "filtered to a pid that does nothing")
 *    and read its standard error until TEXT was seen (once, or once per
 *    workload pid with --ready-per-pid): the time from fork to then is the
 *    attach time.  Everything the tracer says on stderr goes to
 *    DIR/tracer.err; its stdout to FILE (default DIR/tracer.out).
 * 3. Sample the tracer's CPU time, send SIGUSR1 to start the workload, wait
 *    for it (its result line is DIR/workload.json).
 * 4. Wait until the tracer has drained (CPU time and output size unchanged
 *    for 300 ms), sample its CPU time, VmHWM and the memory of the BPF maps
 *    it holds, then stop it with the stop signal (default SIGINT), reap it
 *    and close its standard input (a pipe from us).
 * 5. Write DIR/meta.json: attach_ns, cpu_ns (tracer CPU from just before
 *    the start signal to the end of draining), ctxsw (its context switches
 *    in that time: how often it was woken), hwm_kb, map_bytes, prog_run_ns
 *    and prog_runs (its BPF programs' run time and runs in that time; 0
 *    unless kernel.bpf_stats_enabled=1) and the same per program in
 *    "progs" ([{id, name, type, run_ns, runs}]), drain_ns, statuses.
 *
 *   bench-run --child-ready
 * prints "bench-ready" on stderr and waits for end of file on stdin: the
 * command for `bpftrace -c`, which starts it once every probe is attached
 * (BEGIN cannot be used: its output to a file is buffered until exit).
 *
 * Exit status 0, or 1 with the reason in meta.json's "error" and on stderr.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIDS 16

static const char *dir;
static char meta_path[4096];
static pid_t workload = -1, tracer = -1, idle = -1;
static int tracer_err_fd = -1, err_log_fd = -1;
static const char *ready_text;
static int ready_needed = 1, ready_seen;
static char linebuf[8192];
static size_t linelen;
static int tracer_status = -1, workload_status = -1;
static struct rusage tracer_ru;
static long clk_tck;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void cleanup(void)
{
	if (workload > 0)
		kill(workload, SIGKILL);
	if (tracer > 0)
		kill(tracer, SIGKILL);
	if (idle > 0)
		kill(idle, SIGKILL);
}

static __attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	FILE *f;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "bench-run: %s\n", msg);
	for (i = 0; msg[i]; i++)	/* keep the JSON string simple */
		if (msg[i] == '"' || msg[i] == '\\' || (unsigned char)msg[i] < 32)
			msg[i] = '\'';
	f = fopen(meta_path, "w");
	if (f) {
		fprintf(f, "{\"error\":\"%s\"}\n", msg);
		fclose(f);
	}
	cleanup();
	exit(1);
}

/* Copy what the tracer wrote to stderr into the log; count ready lines. */
static void scan_line(void)
{
	linebuf[linelen] = '\0';
	if (ready_text && strstr(linebuf, ready_text))
		ready_seen++;
	linelen = 0;
}

static bool pump_stderr(int timeout_ms)
{
	struct pollfd pfd = { .fd = tracer_err_fd, .events = POLLIN };
	char buf[4096];
	ssize_t n, i;

	if (tracer_err_fd < 0) {
		if (timeout_ms > 0)
			usleep(timeout_ms * 1000);
		return false;
	}
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return true;
	n = read(tracer_err_fd, buf, sizeof(buf));
	if (n <= 0) {
		if (linelen)
			scan_line();
		close(tracer_err_fd);
		tracer_err_fd = -1;
		return false;
	}
	if (write(err_log_fd, buf, n) != n)
		fail("cannot write tracer.err");
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || linelen == sizeof(linebuf) - 1)
			scan_line();
		else
			linebuf[linelen++] = buf[i];
	}
	return true;
}

/* utime + stime of a live process, in ns; -1 when it is gone. */
static long long proc_cpu_ns(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		return -1;
	return (long long)((ut + st) * (1000000000ULL / clk_tck));
}

static long proc_status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = atol(line + klen + 1);
			break;
		}
	fclose(f);
	return v;
}

/*
 * Memory of the BPF maps a process holds descriptors of: the sum of
 * "memlock" in /proc/PID/fdinfo over its distinct bpf-map descriptors.
 * (bpftool map show's "pids" needs a bpftool built with its pid iterator;
 * Debian's prints null.)
 */
static long long proc_map_bytes(pid_t pid, int *nmaps)
{
	char path[320], link[64], line[256];
	unsigned int ids[512];
	long long total = 0;
	struct dirent *d;
	DIR *dp;
	int n = 0, i;

	*nmaps = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dp = opendir(path);
	if (!dp)
		return -1;
	while ((d = readdir(dp))) {
		unsigned int id = 0;
		long long memlock = 0;
		ssize_t l;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, d->d_name);
		l = readlink(path, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = '\0';
		if (strcmp(link, "anon_inode:bpf-map"))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "map_id: %u", &id);
			sscanf(line, "memlock: %lld", &memlock);
		}
		fclose(f);
		for (i = 0; i < n && ids[i] != id; i++)
			;
		if (i < n || n == (int)(sizeof(ids) / sizeof(ids[0])))
			continue;
		ids[n++] = id;
		total += memlock;
	}
	closedir(dp);
	*nmaps = n;
	return total;
}

/*
 * Run time and count of each BPF program a process holds (fdinfo's
 * run_time_ns / run_cnt: zero unless kernel.bpf_stats_enabled=1), with its
 * name from the kernel (BPF_OBJ_GET_INFO_BY_FD on a descriptor got by id:
 * fdinfo has no name), so that a run can say which hook cost what.
 */
#define MAX_PROGS 128

struct prog_stat {
	unsigned int id;
	unsigned int type;
	long long run_ns;
	long long runs;
	char name[BPF_OBJ_NAME_LEN];
};

struct prog_sample {
	int n;			/* -1: the process was gone */
	struct prog_stat p[MAX_PROGS];
};

static void prog_name(struct prog_stat *ps)
{
	struct bpf_prog_info info;
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = ps->id;
	fd = syscall(__NR_bpf, BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (unsigned long)&info;
	if (!syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr))) {
		memcpy(ps->name, info.name, sizeof(ps->name));
		ps->name[sizeof(ps->name) - 1] = '\0';
		ps->type = info.type;
	}
	close(fd);
}

static void proc_prog_stats(pid_t pid, struct prog_sample *s)
{
	char path[320], link[64], line[256];
	struct dirent *d;
	DIR *dp;
	int i;

	s->n = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dp = opendir(path);
	if (!dp) {
		s->n = -1;
		return;
	}
	while ((d = readdir(dp))) {
		struct prog_stat ps = { 0 };
		long long v;
		ssize_t l;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, d->d_name);
		l = readlink(path, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = '\0';
		if (strcmp(link, "anon_inode:bpf-prog"))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "prog_id: %u", &ps.id);
			if (sscanf(line, "run_time_ns: %lld", &v) == 1)
				ps.run_ns = v;
			if (sscanf(line, "run_cnt: %lld", &v) == 1)
				ps.runs = v;
		}
		fclose(f);
		/* one program may be held by several descriptors */
		for (i = 0; i < s->n && s->p[i].id != ps.id; i++)
			;
		if (i < s->n || s->n == MAX_PROGS)
			continue;
		snprintf(ps.name, sizeof(ps.name), "id%u", ps.id);
		prog_name(&ps);
		s->p[s->n++] = ps;
	}
	closedir(dp);
}

/* The programs' run time and runs between two samples, as JSON. */
static void print_prog_stats(FILE *f, const struct prog_sample *a,
			     const struct prog_sample *b)
{
	long long ns = 0, runs = 0;
	int i, j, k = 0;

	if (a->n < 0 || b->n < 0) {
		fprintf(f, "\"prog_run_ns\":-1,\"prog_runs\":-1,\"progs\":[]");
		return;
	}
	for (i = 0; i < b->n; i++) {
		for (j = 0; j < a->n && a->p[j].id != b->p[i].id; j++)
			;
		if (j < a->n) {
			ns += b->p[i].run_ns - a->p[j].run_ns;
			runs += b->p[i].runs - a->p[j].runs;
		}
	}
	fprintf(f, "\"prog_run_ns\":%lld,\"prog_runs\":%lld,\"progs\":[", ns, runs);
	for (i = 0; i < b->n; i++) {
		for (j = 0; j < a->n && a->p[j].id != b->p[i].id; j++)
			;
		if (j == a->n)
			continue;
		fprintf(f, "%s{\"id\":%u,\"name\":\"%s\",\"type\":%u,"
			"\"run_ns\":%lld,\"runs\":%lld}", k++ ? "," : "",
			b->p[i].id, b->p[i].name, b->p[i].type,
			b->p[i].run_ns - a->p[j].run_ns,
			b->p[i].runs - a->p[j].runs);
	}
	fprintf(f, "]");
}

static long long file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return -1;
	return st.st_size;
}

static bool reap_tracer(int flags)
{
	int st;

	if (tracer <= 0)
		return true;
	if (wait4(tracer, &st, flags, &tracer_ru) == tracer) {
		tracer_status = st;
		tracer = -1;
		return true;
	}
	return false;
}

/* Replace every `pat` in `s` by `rep` (a new string). */
static char *subst(const char *s, const char *pat, const char *rep)
{
	size_t plen = strlen(pat), rlen = strlen(rep), n = 0;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, pat)); p += plen)
		n++;
	out = malloc(strlen(s) + n * rlen + 1);
	if (!out)
		fail("out of memory");
	for (o = out; (p = strstr(s, pat)); s = p + plen) {
		memcpy(o, s, p - s);
		o += p - s;
		memcpy(o, rep, rlen);
		o += rlen;
	}
	strcpy(o, s);
	return out;
}

static int child_ready(void)
{
	char buf[256];

	fprintf(stderr, "bench-ready\n");
	fflush(stderr);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-run --dir DIR [--ready TEXT] [--ready-per-pid] "
		"[--tracer-out FILE] [--stop-signal N] [--timeout S] "
		"-- WORKLOAD [ARGS...] [--tracer TRACER [ARGS...]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *tracer_out = NULL;
	char path[4096], pidbuf[256], pids_csv[256] = "", pidexpr[1024] = "",
	     idle_s[32];
	char **wl_argv = NULL, **tr_argv = NULL, **targv;
	pid_t pids[MAX_PIDS];
	int npids = 0, stop_sig = SIGINT, i, j, p3[2], perr[2], fd, st;
	bool per_pid = false;
	double timeout_s = 600;
	unsigned long long t_fork, attach_ns = 0, t_go, t_done, t_drained;
	long long cpu0 = -1, cpu1 = -1, cpu_total = -1, last_cpu, last_size, c, s;
	long hwm_kb = -1, rss_kb = -1;
	long long map_bytes = -1, csw0 = -1, csw1 = -1;
	static struct prog_sample progs0 = { .n = -1 }, progs1 = { .n = -1 };
	int nmaps = 0, pin[2];
	size_t got = 0;
	ssize_t n;
	int stable;
	FILE *f;
	char *tok, *save;

	clk_tck = sysconf(_SC_CLK_TCK);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--ready") && i + 1 < argc)
			ready_text = argv[++i];
		else if (!strcmp(argv[i], "--ready-per-pid"))
			per_pid = true;
		else if (!strcmp(argv[i], "--tracer-out") && i + 1 < argc)
			tracer_out = argv[++i];
		else if (!strcmp(argv[i], "--stop-signal") && i + 1 < argc)
			stop_sig = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout_s = atof(argv[++i]);
		else if (!strcmp(argv[i], "--child-ready"))
			return child_ready();
		else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else
			usage();
	}
	if (!dir || i >= argc)
		usage();
	wl_argv = &argv[i];
	for (; i < argc; i++)
		if (!strcmp(argv[i], "--tracer")) {
			argv[i] = NULL;
			tr_argv = &argv[i + 1];
			if (!*tr_argv)
				usage();
			break;
		}
	snprintf(meta_path, sizeof(meta_path), "%s/meta.json", dir);
	signal(SIGPIPE, SIG_IGN);

	/* 1. the workload, which reports its pids and waits */
	if (pipe2(p3, O_CLOEXEC))
		fail("pipe: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/workload.json", dir);
	workload = fork();
	if (workload < 0)
		fail("fork: %s", strerror(errno));
	if (!workload) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(p3[1], 3) < 0)
			_exit(127);
		execvp(wl_argv[0], wl_argv);
		fprintf(stderr, "bench-run: cannot run %s: %s\n", wl_argv[0],
			strerror(errno));
		_exit(127);
	}
	close(p3[1]);
	/* up to the newline: the workload's partners inherit fd 3 */
	while (got < sizeof(pidbuf) - 1 && !memchr(pidbuf, '\n', got) &&
	       (n = read(p3[0], pidbuf + got, sizeof(pidbuf) - 1 - got)) > 0)
		got += n;
	close(p3[0]);
	pidbuf[got] = '\0';
	for (tok = strtok_r(pidbuf, " \n", &save); tok && npids < MAX_PIDS;
	     tok = strtok_r(NULL, " \n", &save))
		pids[npids++] = atoi(tok);
	if (!npids)
		fail("the workload %s reported no pids (did it start?)", wl_argv[0]);
	for (j = 0; j < npids; j++) {
		size_t l = strlen(pids_csv), e = strlen(pidexpr);

		snprintf(pids_csv + l, sizeof(pids_csv) - l, "%s%d", j ? "," : "",
			 (int)pids[j]);
		snprintf(pidexpr + e, sizeof(pidexpr) - e, "%spid == %d",
			 j ? " || " : "(", (int)pids[j]);
	}
	strncat(pidexpr, ")", sizeof(pidexpr) - strlen(pidexpr) - 1);

	/* 2. the tracer, until it says it is attached */
	if (tr_argv) {
		int tn = 0;

		idle = fork();
		if (idle < 0)
			fail("fork: %s", strerror(errno));
		if (!idle) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		snprintf(idle_s, sizeof(idle_s), "%d", (int)idle);
		for (j = 0; tr_argv[j]; j++)
			tn += !strcmp(tr_argv[j], "@-p@") ? 2 * npids : 1;
		targv = calloc(tn + 1, sizeof(*targv));
		if (!targv)
			fail("out of memory");
		for (j = 0, tn = 0; tr_argv[j]; j++) {
			char *a;

			if (!strcmp(tr_argv[j], "@-p@")) {
				for (i = 0; i < npids; i++) {
					targv[tn++] = "-p";
					if (asprintf(&targv[tn++], "%d", (int)pids[i]) < 0)
						fail("out of memory");
				}
				continue;
			}
			a = subst(tr_argv[j], "@PIDS@", pids_csv);
			a = subst(a, "@PIDEXPR@", pidexpr);
			a = subst(a, "@IDLE@", idle_s);
			targv[tn++] = a;
		}
		ready_needed = per_pid ? npids : 1;

		snprintf(path, sizeof(path), "%s/tracer.err", dir);
		err_log_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (err_log_fd < 0)
			fail("%s: %s", path, strerror(errno));
		if (!tracer_out) {
			snprintf(path, sizeof(path), "%s/tracer.out", dir);
			tracer_out = strdup(path);
		}
		if (pipe2(perr, O_CLOEXEC) || pipe2(pin, O_CLOEXEC))
			fail("pipe: %s", strerror(errno));
		t_fork = now_ns();
		tracer = fork();
		if (tracer < 0)
			fail("fork: %s", strerror(errno));
		if (!tracer) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			fd = open(tracer_out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || dup2(fd, 1) < 0 || dup2(perr[1], 2) < 0 ||
			    dup2(pin[0], 0) < 0)
				_exit(127);
			execvp(targv[0], targv);
			fprintf(stderr, "bench-run: cannot run %s: %s\n",
				targv[0], strerror(errno));
			_exit(127);
		}
		close(perr[1]);
		close(pin[0]);
		tracer_err_fd = perr[0];
		while (ready_seen < ready_needed) {
			if (!pump_stderr(1000) || reap_tracer(WNOHANG)) {
				while (pump_stderr(100))
					;
				reap_tracer(0);
				fail("the tracer %s ended before it was attached (status %#x); see %s/tracer.err",
				     targv[0], tracer_status, dir);
			}
			if (now_ns() - t_fork > 120e9)
				fail("the tracer %s did not attach within 120 s", targv[0]);
		}
		attach_ns = now_ns() - t_fork;
		cpu0 = proc_cpu_ns(tracer);
		csw0 = proc_status_kb(tracer, "voluntary_ctxt_switches") +
		       proc_status_kb(tracer, "nonvoluntary_ctxt_switches");
		proc_prog_stats(tracer, &progs0);
	}

	/* 3. the timed run */
	t_go = now_ns();
	if (kill(workload, SIGUSR1))
		fail("kill workload: %s", strerror(errno));
	for (;;) {
		if (waitpid(workload, &st, WNOHANG) == workload) {
			workload_status = st;
			workload = -1;
			break;
		}
		pump_stderr(20);
		if (now_ns() - t_go > timeout_s * 1e9)
			fail("the workload %s took longer than %g s", wl_argv[0], timeout_s);
	}
	t_done = now_ns();

	/* 4. drain, sample, stop */
	if (tr_argv) {
		last_cpu = proc_cpu_ns(tracer);
		last_size = file_size(tracer_out);
		for (stable = 0; stable < 3 && now_ns() - t_done < 30e9;) {
			pump_stderr(100);
			if (reap_tracer(WNOHANG))
				break;
			c = proc_cpu_ns(tracer);
			s = file_size(tracer_out);
			stable = (c == last_cpu && s == last_size) ? stable + 1 : 0;
			last_cpu = c;
			last_size = s;
		}
		t_drained = now_ns();
		if (tracer > 0) {
			cpu1 = proc_cpu_ns(tracer);
			csw1 = proc_status_kb(tracer, "voluntary_ctxt_switches") +
			       proc_status_kb(tracer, "nonvoluntary_ctxt_switches");
			proc_prog_stats(tracer, &progs1);
			hwm_kb = proc_status_kb(tracer, "VmHWM");
			rss_kb = proc_status_kb(tracer, "VmRSS");
			map_bytes = proc_map_bytes(tracer, &nmaps);
			kill(tracer, stop_sig);
		}
		for (i = 0; tracer > 0; i++) {
			pump_stderr(50);
			if (reap_tracer(WNOHANG))
				break;
			if (i == 200) {	/* 10 s */
				fprintf(stderr, "bench-run: tracer ignored signal %d; killing it\n",
					stop_sig);
				kill(tracer, SIGKILL);
			}
		}
		close(pin[1]);	/* ends a `bpftrace -c` child */
		while (pump_stderr(100))
			;
		cpu_total = (tracer_ru.ru_utime.tv_sec + tracer_ru.ru_stime.tv_sec) * 1000000000LL +
			    (tracer_ru.ru_utime.tv_usec + tracer_ru.ru_stime.tv_usec) * 1000LL;
		if (cpu1 < 0 && cpu0 >= 0)	/* it ended by itself (strace) */
			cpu1 = cpu_total;
		if (hwm_kb < 0)
			hwm_kb = tracer_ru.ru_maxrss;
		kill(idle, SIGKILL);
		waitpid(idle, NULL, 0);
		idle = -1;
	} else {
		t_drained = t_done;
	}

	f = fopen(meta_path, "w");
	if (!f)
		fail("%s: %s", meta_path, strerror(errno));
	fprintf(f, "{\"pids\":\"%s\",\"traced\":%s,\"attach_ns\":%llu,"
		"\"cpu_ns\":%lld,\"cpu_total_ns\":%lld,\"hwm_kb\":%ld,\"rss_kb\":%ld,"
		"\"run_ns\":%llu,\"drain_ns\":%llu,\"workload_status\":%d,"
		"\"tracer_status\":%d,\"ready_lines\":%d,\"map_bytes\":%lld,"
		"\"maps\":%d,\"ctxsw\":%lld,",
		pids_csv, tr_argv ? "true" : "false", attach_ns,
		cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1, cpu_total, hwm_kb,
		rss_kb, t_done - t_go, t_drained - t_done, workload_status,
		tracer_status, ready_seen, map_bytes, nmaps,
		csw0 >= 0 && csw1 >= 0 ? csw1 - csw0 : -1);
	print_prog_stats(f, &progs0, &progs1);
	fprintf(f, "}\n");
	fclose(f);
	if (!WIFEXITED(workload_status) || WEXITSTATUS(workload_status)) {
		fprintf(stderr, "bench-run: workload %s failed (status %#x)\n",
			wl_argv[0], workload_status);
		return 1;
	}
	return 0;
}
