// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope.ko: pipes in known states, every field of their records checked.
 *
 *   A  1234 bytes written and unread
 *   B  filled to capacity, a child blocked in write() (on wr_wait)
 *   C  empty, a child blocked in read() (on rd_wait); its comm needs escaping
 *   D  a FIFO with one reader and two writers, one of them in a child, and
 *      an O_PATH fd on it that opens nothing
 *   D2 a FIFO opened once with O_RDWR
 *   T  a pipe in the fd table of a thread that unshared it
 *   N  a reader blocked in a new pid namespace, where it is pid 1: shown
 *      with its pid in the initial namespace
 *   E  grown with F_SETPIPE_SZ to 256 KiB, 5000 bytes in it
 *   F  shrunk with F_SETPIPE_SZ to one page
 *   P  a child in poll() on its read end
 *   Q  an epoll instance watching its read end, a child in epoll_wait()
 *   G  a child in splice() from an empty socket into it, which sleeps with
 *      pipe->mutex held: the files must still read promptly, G as busy=1
 *   H  100 children blocked reading it (the queue outgrows the first
 *      copy), then all woken at once by closing its write end while
 *      another child reads the files
 *
 * Holders are compared with what /proc/PID/fd and /proc/PID/fdinfo say,
 * waiters with the waiters file, and rmmod is tried with a file open.
 * Needs IPCSCOPE_KMOD (the module for the running kernel) and root.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "kmod_test.h"

#define NHERD 100
#define NCHILD (8 + NHERD)

static pid_t children[NCHILD];
static int nchildren;
static long page;

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

static void do_write1(const int *keep)
{
	char c = 'x';

	if (write(keep[0], &c, 1) < 0)
		_exit(1);
	pause();
}

static void do_read1(const int *keep)
{
	char c;

	if (read(keep[0], &c, 1) < 0)
		_exit(1);
	pause();
}

static void do_poll(const int *keep)
{
	struct pollfd p = { .fd = keep[0], .events = POLLIN };

	poll(&p, 1, -1);
	pause();
}

static void do_epoll(const int *keep)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(0);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, keep[0], &ev))
		_exit(1);
	epoll_wait(ep, &ev, 1, -1);
	pause();
}

static void do_splice(const int *keep)
{
	/* keep[0]: the socket, keep[1]: the pipe's write end. */
	if (splice(keep[0], NULL, keep[1], NULL, 4096, 0) < 0)
		_exit(1);
	pause();
}

/*
 * N: keep[0] the pipe's read end, keep[1] a pipe to report on.  Forks a
 * reader in a new pid namespace, where it is pid 1, and reports its pid
 * as seen from here.
 */
static void do_nsparent(const int *keep)
{
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		_exit(1);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_NAME, "kt-ns1");
		do_read1(keep);
	}
	if (pid < 0 || write(keep[1], &pid, sizeof(pid)) != sizeof(pid))
		_exit(1);
	waitpid(pid, NULL, 0);
}

static const char *fifo_path;

/* T: a thread that unshared its fd table and made a pipe in it. */
static struct {
	int sync;
	int fds[2];
	pid_t tid;
	struct stat st;
} thr;

static void *do_thread(void *unused)
{
	char c = 't';

	(void)unused;
	prctl(PR_SET_NAME, "kt-thread");
	if (unshare(CLONE_FILES) || pipe(thr.fds) ||
	    write(thr.fds[1], "1234567", 7) != 7 || fstat(thr.fds[0], &thr.st))
		c = 'e';
	thr.tid = gettid();
	if (write(thr.sync, &c, 1) != 1)
		return NULL;
	pause();
	return NULL;
}

static void do_fifo_writer(const int *keep)
{
	int fd = open(fifo_path, O_WRONLY);
	char c = fd;

	/* Tell the parent the FIFO is open, and as which fd. */
	if (fd < 0 || write(keep[0], &c, 1) != 1)
		_exit(1);
	pause();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Wait (up to 20 s: software-emulated VMs are slow) until a field of the
 * pipe's record reads want.  Returns the pipes text (free it), or NULL.
 */
static char *wait_field(const struct stat *st, const char *key,
			const char *want)
{
	char val[512];
	int i;

	for (i = 0; i < 400; i++) {
		char *text = kt_read("pipes");
		const char *rec = text ? kt_find(text, st, NULL) : NULL;

		if (rec && !kt_field(rec, key, val, sizeof(val)) &&
		    !strcmp(val, want))
			return text;
		free(text);
		sleep_ms(50);
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort a comma-separated list in place, so that sets compare as strings. */
static void sort_list(char *list)
{
	char *item[4096], *copy = strdup(list), *save, *tok;
	int n = 0, i;

	for (tok = strtok_r(copy, ",", &save); tok && n < 4096;
	     tok = strtok_r(NULL, ",", &save))
		item[n++] = tok;
	qsort(item, n, sizeof(item[0]), cmp_str);
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(list, ",");
		strcat(list, item[i]);
	}
	free(copy);
}

/* Sort a comma-separated list and drop repeated items. */
static void sort_unique(char *list)
{
	char *in, *out, *next;
	char prev[256] = "";

	sort_list(list);
	for (in = out = list; *in; in = next) {
		size_t n = strcspn(in, ",");

		next = in + n + (in[n] == ',');
		if (n < sizeof(prev) && !strncmp(prev, in, n) && !prev[n])
			continue;
		snprintf(prev, sizeof(prev), "%.*s", (int)n, in);
		if (out != list)
			*out++ = ',';
		memmove(out, in, n);
		out += n;
	}
	*out = '\0';
}

/*
 * The holders of one task's fd table, from /proc/PID/task/TID: every fd/N
 * that is the pipe, mode from fdinfo/N "flags:" (O_PATH fds open nothing),
 * comm from comm.
 */
static void task_holders(const char *pid, const char *tid,
			 const struct stat *st, char *out, size_t len)
{
	char dir[600], path[1024], comm[64] = "", esc[128];
	struct dirent *fe;
	DIR *fds;
	FILE *f;

	snprintf(dir, sizeof(dir), "/proc/%s/task/%s", pid, tid);
	snprintf(path, sizeof(path), "%s/comm", dir);
	f = fopen(path, "r");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	kt_escape(comm, esc, sizeof(esc));
	snprintf(path, sizeof(path), "%s/fd", dir);
	fds = opendir(path);
	while (fds && (fe = readdir(fds))) {
		char fdpath[1024], line[128];
		unsigned int flags = 0;
		struct stat fst;

		if (fe->d_name[0] == '.')
			continue;
		snprintf(fdpath, sizeof(fdpath), "%s/fd/%s", dir, fe->d_name);
		if (stat(fdpath, &fst) || fst.st_ino != st->st_ino ||
		    fst.st_dev != st->st_dev)
			continue;
		snprintf(fdpath, sizeof(fdpath), "%s/fdinfo/%s", dir,
			 fe->d_name);
		f = fopen(fdpath, "r");
		while (f && fgets(line, sizeof(line), f))
			sscanf(line, "flags: %o", &flags);
		if (f)
			fclose(f);
		if (flags & O_PATH)
			continue;
		snprintf(out + strlen(out), len - strlen(out),
			 "%s%s/%s/%s/%s", out[0] ? "," : "", pid, fe->d_name,
			 (flags & O_ACCMODE) == O_RDONLY ? "r" :
			 (flags & O_ACCMODE) == O_WRONLY ? "w" : "rw", esc);
	}
	if (fds)
		closedir(fds);
}

/*
 * The holders of a pipe as /proc tells them, over every thread's table
 * (a thread that unshared its fd table has fds of its own); tables that
 * threads share give the same items, kept once.
 */
static void proc_holders(const struct stat *st, char *out, size_t len)
{
	DIR *proc = opendir("/proc");
	struct dirent *de, *te;

	out[0] = '\0';
	while (proc && (de = readdir(proc))) {
		char path[300];
		DIR *tasks;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", de->d_name);
		tasks = opendir(path);
		while (tasks && (te = readdir(tasks)))
			if (te->d_name[0] != '.')
				task_holders(de->d_name, te->d_name, st, out,
					     len);
		if (tasks)
			closedir(tasks);
	}
	if (proc)
		closedir(proc);
	sort_unique(out);
}

/* Is /proc/PID/fd/FD an O_PATH fd (which names a file, opens nothing)? */
static int fd_is_opath(const char *pid, const char *fd)
{
	char path[128], line[128];
	unsigned int flags = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%.31s/fdinfo/%.31s", pid, fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "flags: %o", &flags);
	if (f)
		fclose(f);
	return !!(flags & O_PATH);
}

/*
 * The same from lsof(8), where there is one: its -F fields p (pid), f (fd),
 * a (access r/w/u), D (st_dev, hex) and i (inode), as pid/fd/mode.  lsof
 * lists O_PATH fds too; those hold no pipe open and are left out.
 */
static int lsof_holders(const struct stat *st, char *out, size_t len)
{
	char line[256], pid[32] = "", fd[32] = "", acc[8] = "";
	unsigned long long dev = ~0ULL;
	FILE *f;

	if (access("/usr/bin/lsof", X_OK) && access("/usr/sbin/lsof", X_OK) &&
	    access("/bin/lsof", X_OK))
		return -1;
	f = popen("lsof -n -P -w -F pfaDi 2>/dev/null", "r");
	if (!f)
		return -1;
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		switch (line[0]) {
		case 'p':
			snprintf(pid, sizeof(pid), "%.31s", line + 1);
			break;
		case 'f':
			snprintf(fd, sizeof(fd), "%.31s", line + 1);
			acc[0] = '\0';
			dev = ~0ULL;
			break;
		case 'a':
			snprintf(acc, sizeof(acc), "%.7s",
				 line[1] == 'u' ? "rw" : line + 1);
			break;
		case 'D':
			dev = strtoull(line + 1, NULL, 16);
			break;
		case 'i':
			if (strtoull(line + 1, NULL, 10) != st->st_ino ||
			    dev != st->st_dev || fd[0] < '0' || fd[0] > '9' ||
			    fd_is_opath(pid, fd))
				break;
			snprintf(out + strlen(out), len - strlen(out),
				 "%s%s/%s/%s", out[0] ? "," : "", pid, fd, acc);
			break;
		}
	}
	pclose(f);
	sort_list(out);
	return 0;
}

/* pid/fd/mode/comm items, less their comm. */
static void strip_comm(const char *in, char *out, size_t len)
{
	size_t o = 0;
	int slashes = 0;

	for (; *in && o + 1 < len; in++) {
		if (*in == ',')
			slashes = 0;
		else if (*in == '/' && ++slashes == 3)
			continue;
		if (slashes < 3 || *in == ',')
			out[o++] = *in;
	}
	out[o] = '\0';
}

struct want {
	const char *kind;
	long size;		/* F_GETPIPE_SZ */
	int ring_size;
	int used;
	long bytes;
	int head, tail;
	int readers, writers, files;
	int r_counter, w_counter;
	int busy;
	const char *rd_wait, *wr_wait;
	char holders[1024];	/* sorted pid/fd/mode/comm list */
};

static void check_pipe(const char *name, const char *text,
		       const struct stat *st, const struct want *w)
{
	const char *rec = kt_find(text, st, NULL);
	char val[4096], dev[32], proc[4096];

	kt_dev(st->st_dev, dev, sizeof(dev));
	if (!tap_ok(rec != NULL, "%s: one record for ino=%lu dev=%s", name,
		    (unsigned long)st->st_ino, dev)) {
		tap_diag("pipes file:\n%s", text);
		return;
	}
	tap_ok(!kt_find(text, st, rec + 1), "%s: only one record", name);
	kt_field(rec, "kind", val, sizeof(val));
	tap_ok(!strcmp(val, w->kind), "%s: kind=%s (got %s)", name, w->kind,
	       val);
	tap_is_int(kt_num(rec, "size"), w->size, "%s: size = F_GETPIPE_SZ",
		   name);
	tap_is_int(kt_num(rec, "max_usage"), w->size / page,
		   "%s: max_usage = size / page", name);
	tap_is_int(kt_num(rec, "ring_size"), w->ring_size, "%s: ring_size",
		   name);
	tap_is_int(kt_num(rec, "nr_accounted"), w->ring_size,
		   "%s: nr_accounted", name);
	tap_is_int(kt_num(rec, "used"), w->used, "%s: used slots", name);
	tap_is_int(kt_num(rec, "bytes"), w->bytes, "%s: bytes", name);
	tap_is_int(kt_num(rec, "head"), w->head, "%s: head", name);
	tap_is_int(kt_num(rec, "tail"), w->tail, "%s: tail", name);
	tap_is_int(kt_num(rec, "readers"), w->readers, "%s: readers", name);
	tap_is_int(kt_num(rec, "writers"), w->writers, "%s: writers", name);
	tap_is_int(kt_num(rec, "files"), w->files, "%s: files", name);
	tap_is_int(kt_num(rec, "r_counter"), w->r_counter, "%s: r_counter",
		   name);
	tap_is_int(kt_num(rec, "w_counter"), w->w_counter, "%s: w_counter",
		   name);
	tap_is_int(kt_num(rec, "busy"), w->busy, "%s: busy", name);
	tap_is_int(kt_num(rec, "truncated"), 0, "%s: truncated", name);
	kt_field(rec, "rd_wait", val, sizeof(val));
	tap_ok(!strcmp(val, w->rd_wait), "%s: rd_wait=%s (got %s)", name,
	       w->rd_wait, val);
	kt_field(rec, "wr_wait", val, sizeof(val));
	tap_ok(!strcmp(val, w->wr_wait), "%s: wr_wait=%s (got %s)", name,
	       w->wr_wait, val);
	kt_field(rec, "holders", val, sizeof(val));
	sort_list(val);
	tap_ok(!strcmp(val, w->holders), "%s: holders=%s (got %s)", name,
	       w->holders, val);
	proc_holders(st, proc, sizeof(proc));
	tap_ok(!strcmp(val, proc), "%s: holders match /proc/PID/fd (%s)",
	       name, proc);
	if (lsof_holders(st, proc, sizeof(proc))) {
		tap_skip(1, "%s: no lsof here to compare holders with", name);
	} else {
		char plain[4096];

		strip_comm(val, plain, sizeof(plain));
		sort_list(plain);
		tap_ok(!strcmp(plain, proc), "%s: holders match lsof (%s)",
		       name, proc);
	}
}

/* Append pid/fd/mode/comm to a holders list, then keep it sorted. */
static void holder(struct want *w, pid_t pid, int fd, const char *mode,
		   const char *comm)
{
	char esc[128];
	size_t n = strlen(w->holders);

	kt_escape(comm, esc, sizeof(esc));
	snprintf(w->holders + n, sizeof(w->holders) - n, "%s%d/%d/%s/%s",
		 n ? "," : "", pid, fd, mode, esc);
	sort_list(w->holders);
}

static struct want base(long size)
{
	struct want w = {
		.kind = "anon", .size = size, .ring_size = size / page,
		.readers = 1, .writers = 1, .files = 2,
		.r_counter = 1, .w_counter = 1,
		.rd_wait = "-", .wr_wait = "-",
	};
	return w;
}

/* Look a waiter up in the waiters file and check its record. */
static void check_waiter(const char *name, const struct stat *st, pid_t pid,
			 const char *comm, const char *queue, const char *how,
			 int excl, const char *func)
{
	char *text = kt_read("waiters"), want[256], esc[128], val[128];
	const char *p = text, *rec = NULL;

	kt_escape(comm, esc, sizeof(esc));
	while (p && (p = kt_find(text, st, p))) {
		const char *line = kt_line_start(text, p);

		if (kt_num(line, "tid") == pid) {
			rec = line;
			break;
		}
		p++;
	}
	if (!tap_ok(rec != NULL, "%s: waiters has tid %d on ino %lu", name,
		    pid, (unsigned long)st->st_ino)) {
		tap_diag("waiters file:\n%s", text ? text : "(unreadable)");
		free(text);
		return;
	}
	tap_is_int(kt_num(rec, "pid"), pid, "%s: waiter pid", name);
	kt_field(rec, "comm", want, sizeof(want));
	tap_ok(!strcmp(want, esc), "%s: waiter comm=%s (got %s)", name, esc,
	       want);
	kt_field(rec, "queue", val, sizeof(val));
	tap_ok(!strcmp(val, queue), "%s: waiter queue=%s (got %s)", name,
	       queue, val);
	kt_field(rec, "how", val, sizeof(val));
	tap_ok(!strcmp(val, how), "%s: waiter how=%s (got %s)", name, how,
	       val);
	tap_is_int(kt_num(rec, "excl"), excl, "%s: waiter excl", name);
	kt_field(rec, "func", val, sizeof(val));
	tap_ok(!strcmp(val, func), "%s: waiter func=%s (got %s)", name, func,
	       val);
	free(text);
}

/* Items of a list field, sorted; returns how many. */
static int list_items(const char *rec, const char *key, char *val, size_t len)
{
	int n = 0;
	char *p;

	if (!rec || kt_field(rec, key, val, len) || !strcmp(val, "-")) {
		val[0] = '\0';
		return 0;
	}
	sort_list(val);
	for (p = val, n = 1; (p = strchr(p, ',')); p++)
		n++;
	return n;
}

static void herd_test(void)
{
	static char val[16384], want[16384];
	int h[2], keep[1], i, n = 0, status;
	pid_t herd[NHERD], rd;
	char *text = NULL;
	struct stat sh;

	if (pipe(h) || fstat(h[0], &sh))
		tap_bail("pipe H: %s", strerror(errno));
	keep[0] = h[0];
	want[0] = '\0';
	for (i = 0; i < NHERD; i++) {
		herd[i] = spawn("kt-herd", keep, 1, do_read1);
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "%s%d/read", i ? "," : "", herd[i]);
	}
	sort_list(want);
	for (i = 0; i < 600 && n != NHERD; i++) {
		free(text);
		text = kt_read("pipes");
		n = list_items(text ? kt_find(text, &sh, NULL) : NULL,
			       "rd_wait", val, sizeof(val));
		if (n != NHERD)
			sleep_ms(50);
	}
	tap_is_int(n, NHERD, "H: %d readers on rd_wait", NHERD);
	tap_ok(!strcmp(val, want), "H: rd_wait lists exactly the herd, as read");
	free(text);

	text = kt_read("waiters");
	n = 0;
	for (const char *p = text; p && (p = kt_find(text, &sh, p)); p++)
		n++;
	tap_is_int(n, NHERD, "H: %d lines in waiters", NHERD);
	free(text);

	/* Wake them all (pipe_release(): wake_up_interruptible_all()). */
	rd = fork();
	if (rd == 0) {
		int bad = 0;

		for (i = 0; i < 40; i++) {
			char *t = kt_read(i % 2 ? "waiters" : "pipes");

			bad += !t;
			free(t);
		}
		_exit(bad != 0);
	}
	close(h[1]);
	text = wait_field(&sh, "rd_wait", "-");
	tap_ok(text != NULL, "H: rd_wait empty once the write end is closed");
	free(text);
	waitpid(rd, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "H: files read fine during the wake-all");
	close(h[0]);
}

/* The buffers file's line for slot index of a pipe, or NULL. */
static const char *buf_line(const char *text, const struct stat *st,
			    unsigned int index, char *out, size_t len)
{
	char want[32];
	const char *p = text;

	snprintf(want, sizeof(want), " index=%u ", index);
	while ((p = kt_find(text, st, p))) {
		const char *nl = strchr(p, '\n');

		if (nl && memmem(p, nl - p, want, strlen(want))) {
			snprintf(out, len, "%.*s", (int)(nl - p), p);
			return out;
		}
		p++;
	}
	return NULL;
}

static void check_buf(const char *name, const char *text,
		      const struct stat *st, unsigned int index,
		      const char *want)
{
	char line[512], exp[512];

	snprintf(exp, sizeof(exp), "ino=%lu dev=%u:%u kind=anon index=%u %s",
		 (unsigned long)st->st_ino, major(st->st_dev),
		 minor(st->st_dev), index, want);
	if (!buf_line(text, st, index, line, sizeof(line)))
		line[0] = '\0';
	tap_ok(!strcmp(line, exp), "buffers %s: %s", name, want);
	if (strcmp(line, exp))
		tap_diag("got: %s", line);
}

/* The ring slots, as the buffers file shows them. */
static void buffers_test(const struct stat *sa, const struct stat *se)
{
	char file[128] = "", *text;
	int pk[2], sp[2], fd;
	struct stat sk, ss;

	/* O_DIRECT: packet mode, each write its own slot. */
	if (pipe2(pk, O_DIRECT) || write(pk[1], "0123456789", 10) != 10 ||
	    write(pk[1], "abc", 3) != 3 || fstat(pk[0], &sk))
		tap_bail("packet pipe: %s", strerror(errno));
	/* splice() from a file: the page cache page itself in the ring. */
	snprintf(file, sizeof(file), "/tmp/kt-splice-%d", getpid());
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || pwrite(fd, file, 100, 0) != 100 || pipe(sp) ||
	    fstat(sp[0], &ss) || splice(fd, &(loff_t){ 0 }, sp[1], NULL, 100,
					0) != 100)
		tap_bail("splice from a file: %s", strerror(errno));

	text = kt_read("buffers");
	tap_ok(text && !strncmp(text, "# ipcscope-buffers v1\n", 22),
	       "buffers starts with its version line");
	if (!text)
		return;
	check_buf("A", text, sa, 0, "slot=0 offset=0 len=1234 flags=can_merge ops=anon_pipe_buf_ops");
	tap_ok(!buf_line(text, sa, 1, file, sizeof(file)),
	       "buffers A: one slot only");
	check_buf("E", text, se, 0, "slot=0 offset=0 len=4096 flags=can_merge ops=anon_pipe_buf_ops");
	check_buf("E", text, se, 1, "slot=1 offset=0 len=904 flags=can_merge ops=anon_pipe_buf_ops");
	check_buf("packet", text, &sk, 0, "slot=0 offset=0 len=10 flags=packet ops=anon_pipe_buf_ops");
	check_buf("packet", text, &sk, 1, "slot=1 offset=0 len=3 flags=packet ops=anon_pipe_buf_ops");
	check_buf("spliced", text, &ss, 0, "slot=0 offset=0 len=100 flags=- ops=page_cache_pipe_buf_ops");
	free(text);
	close(fd);
	unlink(file);
	close(pk[0]);
	close(pk[1]);
	close(sp[0]);
	close(sp[1]);
}

static int proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : '?';
}

int main(void)
{
	int a[2], b[2], c[2], e[2], f[2], p[2], q[2], g[2], sv[2], sync[2];
	int n[2], nsync[2];
	pid_t nspid, ns1;
	struct stat sn;
	int fr, fw1, fw2, fpath, frw, keep[2], i, ok, e_rm, tsync[2];
	char fifo2[64];
	struct stat sd2;
	pthread_t thread;
	struct stat sa, sb, sc, sd, se, sf, sp, sq, sg;
	char buf[8192], fifo[64], name[32], *text;
	pid_t me = getpid(), wpid, rpid, fpid, ppid, qpid, gpid;
	double t0, took;
	long defsize, sz;
	struct want w;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page = sysconf(_SC_PAGESIZE);
	kt_load_or_skip();
	prctl(PR_SET_NAME, "kt-parent");

	/*
	 * T first: the thread's unshared table copies every fd open at that
	 * moment, and the other pipes must stay out of it.
	 */
	if (pipe(tsync))
		tap_bail("pipe: %s", strerror(errno));
	thr.sync = tsync[1];
	if (pthread_create(&thread, NULL, do_thread, NULL) ||
	    read(tsync[0], buf, 1) != 1 || buf[0] != 't')
		tap_bail("thread with its own fd table did not start");

	/* A: 1234 bytes written and unread. */
	if (pipe(a) || pipe(b) || pipe(c) || pipe(e) || pipe(f) || pipe(p) ||
	    pipe(q) || pipe(g) || pipe(sync) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		tap_bail("pipe: %s", strerror(errno));
	memset(buf, 'a', sizeof(buf));
	if (write(a[1], buf, 1234) != 1234)
		tap_bail("write A: %s", strerror(errno));
	defsize = fcntl(a[0], F_GETPIPE_SZ);

	/* B: full, then a writer blocks. */
	fcntl(b[1], F_SETFL, O_NONBLOCK);
	for (sz = 0; write(b[1], buf, page) == page; sz += page)
		;
	fcntl(b[1], F_SETFL, 0);
	keep[0] = b[1];
	wpid = spawn("kt-writer", keep, 1, do_write1);

	/* C: empty, a reader blocks; its comm has a space and a comma. */
	keep[0] = c[0];
	rpid = spawn("kt rd,1", keep, 1, do_read1);

	/* D: a FIFO, one reader and two writers (one in a child). */
	snprintf(fifo, sizeof(fifo), "/tmp/kt-fifo-%d", me);
	unlink(fifo);
	if (mkfifo(fifo, 0600))
		tap_bail("mkfifo: %s", strerror(errno));
	fifo_path = fifo;
	fr = open(fifo, O_RDONLY | O_NONBLOCK);
	fw1 = open(fifo, O_WRONLY);
	if (fr < 0 || fw1 < 0)
		tap_bail("open fifo: %s", strerror(errno));
	keep[0] = sync[1];
	fpid = spawn("kt-fifo-w", keep, 1, do_fifo_writer);
	if (read(sync[0], buf, 1) != 1)
		tap_bail("fifo writer did not start");
	fw2 = buf[0];
	if (write(fw1, "0123456789", 10) != 10)
		tap_bail("write fifo: %s", strerror(errno));
	/* An O_PATH fd names the FIFO but opens no pipe: not a holder. */
	fpath = open(fifo, O_PATH);

	/* D2: a FIFO opened once, O_RDWR. */
	snprintf(fifo2, sizeof(fifo2), "/tmp/kt-fifo2-%d", me);
	unlink(fifo2);
	if (fpath < 0 || mkfifo(fifo2, 0600))
		tap_bail("O_PATH, mkfifo: %s", strerror(errno));
	frw = open(fifo2, O_RDWR);
	if (frw < 0 || write(frw, "abc", 3) != 3 || fstat(frw, &sd2))
		tap_bail("O_RDWR fifo: %s", strerror(errno));

	/* E, F: resized up and down. */
	if (fcntl(e[1], F_SETPIPE_SZ, 256 * 1024) != 256 * 1024 ||
	    fcntl(f[1], F_SETPIPE_SZ, page) != page)
		tap_bail("F_SETPIPE_SZ: %s", strerror(errno));
	if (write(e[1], buf, 5000) != 5000)
		tap_bail("write E: %s", strerror(errno));

	/* P: poll(); Q: epoll_wait(). */
	keep[0] = p[0];
	ppid = spawn("kt-poller", keep, 1, do_poll);
	keep[0] = q[0];
	qpid = spawn("kt-epoller", keep, 1, do_epoll);

	/* N: a reader that is pid 1 of its own pid namespace. */
	if (pipe(n) || pipe(nsync))
		tap_bail("pipe: %s", strerror(errno));
	keep[0] = n[0];
	keep[1] = nsync[1];
	nspid = spawn("kt-nsparent", keep, 2, do_nsparent);
	/* Ours closed first: a child that failed (no PID_NS) is EOF, no hang. */
	close(nsync[1]);
	if (read(nsync[0], &ns1, sizeof(ns1)) != sizeof(ns1) || ns1 <= 0)
		tap_bail("no reader in a new pid namespace (unshare(CLONE_NEWPID) failed?)");
	close(nsync[0]);

	/* G: splice() from an empty socket, asleep with G's mutex held. */
	keep[0] = sv[1];
	keep[1] = g[1];
	gpid = spawn("kt-splicer", keep, 2, do_splice);

	if (fstat(n[0], &sn) || fstat(g[0], &sg) || fstat(a[0], &sa) || fstat(b[0], &sb) || fstat(c[0], &sc) ||
	    fstat(fr, &sd) || fstat(e[0], &se) || fstat(f[0], &sf) ||
	    fstat(p[0], &sp) || fstat(q[0], &sq))
		tap_bail("fstat: %s", strerror(errno));

	/* The blocked children are where the module says they are. */
	snprintf(buf, sizeof(buf), "%d/write", wpid);
	free(wait_field(&sb, "wr_wait", buf));
	snprintf(buf, sizeof(buf), "%d/read", rpid);
	free(wait_field(&sc, "rd_wait", buf));
	snprintf(buf, sizeof(buf), "%d/poll", ppid);
	free(wait_field(&sp, "rd_wait", buf));
	free(wait_field(&sq, "rd_wait", "0/epoll"));
	free(wait_field(&sg, "busy", "1"));
	snprintf(buf, sizeof(buf), "%d/read", ns1);
	free(wait_field(&sn, "rd_wait", buf));
	tap_ok(proc_state(wpid) == 'S', "B: writer %d asleep (/proc stat)",
	       wpid);
	tap_ok(proc_state(rpid) == 'S', "C: reader %d asleep (/proc stat)",
	       rpid);

	t0 = now();
	text = kt_read("pipes");
	took = now() - t0;
	if (!text)
		tap_bail("cannot read %s/pipes: %s", KT_DIR, strerror(errno));
	tap_ok(took < 5, "pipes read in %.3f s with G's mutex held", took);
	tap_ok(!strncmp(text, "# ipcscope-pipes v2\n", 20),
	       "pipes starts with its version line");

	w = base(defsize);
	w.used = 1, w.bytes = 1234, w.head = 1;
	holder(&w, me, a[0], "r", "kt-parent");
	holder(&w, me, a[1], "w", "kt-parent");
	check_pipe("A (1234 bytes unread)", text, &sa, &w);

	w = base(defsize);
	tap_is_int(sz, defsize, "B: filled with exactly F_GETPIPE_SZ bytes");
	w.used = defsize / page, w.bytes = defsize, w.head = defsize / page;
	snprintf(name, sizeof(name), "%d/write", wpid);
	w.wr_wait = name;
	holder(&w, me, b[0], "r", "kt-parent");
	holder(&w, me, b[1], "w", "kt-parent");
	holder(&w, wpid, b[1], "w", "kt-writer");
	check_pipe("B (full, writer blocked)", text, &sb, &w);

	w = base(defsize);
	snprintf(buf, sizeof(buf), "%d/read", rpid);
	w.rd_wait = buf;
	holder(&w, me, c[0], "r", "kt-parent");
	holder(&w, me, c[1], "w", "kt-parent");
	holder(&w, rpid, c[0], "r", "kt rd,1");
	check_pipe("C (empty, reader blocked)", text, &sc, &w);

	/* fifo_open(): counters start at 1, each open adds one. */
	w = base(defsize);
	w.kind = "fifo", w.used = 1, w.bytes = 10, w.head = 1;
	w.writers = 2, w.files = 3, w.r_counter = 2, w.w_counter = 3;
	holder(&w, me, fr, "r", "kt-parent");
	holder(&w, me, fw1, "w", "kt-parent");
	holder(&w, fpid, fw2, "w", "kt-fifo-w");
	check_pipe("D (FIFO, 1 reader, 2 writers)", text, &sd, &w);

	w = base(defsize);
	w.kind = "fifo", w.used = 1, w.bytes = 3, w.head = 1;
	w.files = 1, w.r_counter = 2, w.w_counter = 2;
	holder(&w, me, frw, "rw", "kt-parent");
	check_pipe("D2 (FIFO opened O_RDWR)", text, &sd2, &w);

	/* Listed under the process id, with the thread's comm. */
	w = base(defsize);
	w.used = 1, w.bytes = 7, w.head = 1;
	holder(&w, me, thr.fds[0], "r", "kt-thread");
	holder(&w, me, thr.fds[1], "w", "kt-thread");
	check_pipe("T (a thread's own fd table)", text, &thr.st, &w);

	w = base(256 * 1024);
	tap_is_int(fcntl(e[0], F_GETPIPE_SZ), 256 * 1024,
		   "E: F_GETPIPE_SZ after F_SETPIPE_SZ");
	w.used = 2, w.bytes = 5000, w.head = 2;
	holder(&w, me, e[0], "r", "kt-parent");
	holder(&w, me, e[1], "w", "kt-parent");
	check_pipe("E (grown to 256 KiB)", text, &se, &w);

	w = base(page);
	holder(&w, me, f[0], "r", "kt-parent");
	holder(&w, me, f[1], "w", "kt-parent");
	check_pipe("F (shrunk to one page)", text, &sf, &w);

	w = base(defsize);
	snprintf(name, sizeof(name), "%d/poll", ppid);
	w.rd_wait = name;
	holder(&w, me, p[0], "r", "kt-parent");
	holder(&w, me, p[1], "w", "kt-parent");
	holder(&w, ppid, p[0], "r", "kt-poller");
	check_pipe("P (poll waiter)", text, &sp, &w);

	w = base(defsize);
	w.rd_wait = "0/epoll";
	holder(&w, me, q[0], "r", "kt-parent");
	holder(&w, me, q[1], "w", "kt-parent");
	holder(&w, qpid, q[0], "r", "kt-epoller");
	check_pipe("Q (epoll watcher)", text, &sq, &w);

	w = base(defsize);
	w.busy = 1;
	holder(&w, me, g[0], "r", "kt-parent");
	holder(&w, me, g[1], "w", "kt-parent");
	holder(&w, gpid, g[1], "w", "kt-splicer");
	check_pipe("G (splice asleep holding the mutex)", text, &sg, &w);

	/* Pids are the initial namespace's, not 1. */
	w = base(defsize);
	snprintf(name, sizeof(name), "%d/read", ns1);
	w.rd_wait = name;
	holder(&w, me, n[0], "r", "kt-parent");
	holder(&w, me, n[1], "w", "kt-parent");
	holder(&w, nspid, n[0], "r", "kt-nsparent");
	holder(&w, ns1, n[0], "r", "kt-ns1");
	check_pipe("N (reader is pid 1 of a pid namespace)", text, &sn, &w);
	free(text);

	/* The same waiters, seen through the waiters file. */
	check_waiter("B", &sb, wpid, "kt-writer", "wr_wait", "write", 1,
		     "autoremove_wake_function");
	check_waiter("C", &sc, rpid, "kt rd,1", "rd_wait", "read", 1,
		     "autoremove_wake_function");
	check_waiter("N", &sn, ns1, "kt-ns1", "rd_wait", "read", 1,
		     "autoremove_wake_function");
	check_waiter("P", &sp, ppid, "kt-poller", "rd_wait", "poll", 0,
		     "pollwake");
	check_waiter("Q", &sq, 0, "", "rd_wait", "epoll", 0,
		     "ep_poll_callback");

	herd_test();
	buffers_test(&sa, &se);

	/* fds: one line per (pid, fd); ours for pipe A. */
	text = kt_read("fds");
	tap_ok(text && !strncmp(text, "# ipcscope-fds v1\n", 18),
	       "fds starts with its version line");
	snprintf(buf, sizeof(buf), "\npid=%d fd=%d mode=w comm=kt-parent ino=%lu dev=%u:%u kind=anon\n",
		 me, a[1], (unsigned long)sa.st_ino, major(sa.st_dev),
		 minor(sa.st_dev));
	tap_ok(text && strstr(text, buf), "fds: %.*s", (int)strlen(buf) - 2,
	       buf + 1);
	free(text);

	/* summary: counts at least ours; every key present. */
	text = kt_read("summary");
	tap_ok(text && !strncmp(text, "# ipcscope-summary v1\n", 22),
	       "summary starts with its version line");
	if (text) {
		static const char *const keys[] = {
			"tasks", "fd_tables", "pipe_fds", "pipes", "anon",
			"fifo", "full", "busy", "bytes", "capacity", "waiters",
			"rd_wait", "wr_wait", "how_read", "how_write",
			"how_wait", "how_poll", "how_epoll", "how_other",
			"lost_waiters", "scan_ns", "lost_queue",
			"lost_queue_uncounted", "lost_pipe_fds", "lost_fds",
			"lost_bufs", "lost_fd_tables", "poll_proven",
		};
		char k[64];
		int missing = 0;

		for (i = 0; i < (int)(sizeof(keys) / sizeof(keys[0])); i++) {
			snprintf(k, sizeof(k), "\n%s=", keys[i]);
			missing += !strstr(text, k);
		}
		tap_is_int(missing, 0, "summary: every documented key");
		ok = atoi(strstr(text, "\npipes=") + 7) >= 8 &&
		     atoi(strstr(text, "\nfifo=") + 6) >= 1 &&
		     atoi(strstr(text, "\nhow_read=") + 10) >= 1 &&
		     atoi(strstr(text, "\nhow_write=") + 11) >= 1 &&
		     atoi(strstr(text, "\nhow_poll=") + 10) >= 1 &&
		     atoi(strstr(text, "\nhow_epoll=") + 11) >= 1 &&
		     atoi(strstr(text, "\nbusy=") + 6) >= 1 &&
		     atoi(strstr(text, "\nlost_waiters=") + 14) == 0 &&
		     atoi(strstr(text, "\npoll_proven=") + 13) == 1;
		tap_ok(ok, "summary: counts cover this test's pipes");
		if (!ok)
			tap_diag("%s", text);
	}
	free(text);

	/* rmmod with a file open is refused, and the reader is unharmed. */
	i = open(KT_DIR "/pipes", O_RDONLY);
	tap_ok(i >= 0 && read(i, buf, 100) == 100, "pipes: first 100 bytes");
	errno = 0;
	ok = kt_unload();
	e_rm = errno;
	tap_ok(ok && (e_rm == EBUSY || e_rm == EAGAIN),
	       "rmmod with pipes open: refused (%s)", strerror(e_rm));
	while (read(i, buf, sizeof(buf)) > 0)
		;
	tap_ok(i >= 0 && close(i) == 0, "pipes: read to the end, closed");

	for (i = 0; i < nchildren; i++)
		kill(children[i], SIGKILL);
	for (i = 0; i < nchildren; i++)
		waitpid(children[i], NULL, 0);
	unlink(fifo);
	unlink(fifo2);
	close(fpath);
	ok = kt_unload();
	e_rm = errno;
	tap_ok(ok == 0, "rmmod ipcscope%s%s", ok ? ": " : "",
	       ok ? strerror(e_rm) : "");
	tap_ok(access(KT_DIR, F_OK) && errno == ENOENT, "%s is gone", KT_DIR);
	return tap_done();
}
