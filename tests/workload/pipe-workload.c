// SPDX-License-Identifier: GPL-2.0
/*
 * Pipe and FIFO traffic whose numbers are known in advance, for the
 * integration tests and the benchmark.  Facts go to $IPCSCOPE_FACTS.
 *
 *   pipe-workload rw N            N writes of varied sizes, a child drains
 *   pipe-workload block MS        a child blocks in read() for MS ms
 *   pipe-workload fifo PATH N     N writes through a FIFO, paths resolvable
 *   pipe-workload fill BYTES [SZ] fill a pipe (resized to SZ) and hold it
 *   pipe-workload burst N         N 1-byte writes, nobody reads
 *   pipe-workload full            a full pipe, a child asleep in write()
 *   pipe-workload starve          an empty pipe, a child asleep in read()
 *   pipe-workload fifo3 PATH      a FIFO with one reader and two writers
 *   pipe-workload crowd N         N children asleep in read() on one pipe
 *   pipe-workload eintr           a child asleep in read() of an empty pipe
 *                                 and one asleep in write() to a full one,
 *                                 each interrupted by a signal (EINTR)
 *   pipe-workload pairs PATH N    N write+read pairs on a pipe, then on a
 *                                 FIFO at PATH, one process, each call
 *                                 moving exactly one message
 *
 * full, starve and fifo3 stop (SIGSTOP) once the state is reached, holding
 * it for the test.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "workload.h"

/* Size of write i: varied, 1..4093 bytes, the same on every run. */
static size_t write_size(int i)
{
	return (size_t)(i * 997 + 13) % 4093 + 1;
}

static unsigned long long ino_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	return st.st_ino;
}

/* A child that waits for SIGUSR1 before it starts, so that its first
 * operation happens after the tracer is attached. */
static sigset_t usr1;

static void block_usr1(void)
{
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
}

static void wait_usr1(void)
{
	int sig;

	sigwait(&usr1, &sig);
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0)
			die("write");
		buf += n;
		len -= n;
	}
}

/* Drain fd until EOF or `limit` bytes; returns reads made (EOF's included). */
static void drain(int fd, unsigned long long limit, unsigned long long *reads,
		  unsigned long long *bytes)
{
	char buf[4096];
	ssize_t n;

	*reads = *bytes = 0;
	do {
		size_t want = sizeof(buf);

		if (limit && limit - *bytes < want)
			want = limit - *bytes;
		n = read(fd, buf, want);
		if (n < 0)
			die("read");
		(*reads)++;
		*bytes += n;
	} while (n > 0 && (!limit || *bytes < limit));
}

static int cmd_rw(int n)
{
	static char buf[4096];
	unsigned long long total = 0;
	int fds[2], i;
	pid_t reader;

	if (pipe(fds))
		die("pipe");
	block_usr1();
	reader = fork();
	if (reader == 0) {
		unsigned long long reads, bytes;

		close(fds[1]);
		wait_usr1();
		drain(fds[0], 0, &reads, &bytes);
		fact("{\"reader\":%d,\"reads\":%llu,\"read_bytes\":%llu}",
		     getpid(), reads, bytes);
		_exit(0);
	}
	close(fds[0]);
	fact("{\"pid\":%d,\"reader\":%d,\"ino\":%llu}", getpid(), reader,
	     ino_of(fds[1]));
	pause_for_test();
	kill(reader, SIGUSR1);
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < n; i++) {
		write_all(fds[1], buf, write_size(i));
		total += write_size(i);
	}
	close(fds[1]);
	waitpid(reader, NULL, 0);
	fact("{\"writes\":%d,\"write_bytes\":%llu}", n, total);
	return 0;
}

static int cmd_block(int ms)
{
	struct timespec nap = { ms / 1000, (ms % 1000) * 1000000L };
	int fds[2];
	pid_t reader;

	if (pipe(fds))
		die("pipe");
	block_usr1();
	reader = fork();
	if (reader == 0) {
		char buf[256];
		ssize_t n;

		close(fds[1]);
		wait_usr1();
		n = read(fds[0], buf, sizeof(buf));
		fact("{\"reader\":%d,\"read_bytes\":%zd}", getpid(), n);
		_exit(0);
	}
	close(fds[0]);
	fact("{\"pid\":%d,\"reader\":%d,\"ino\":%llu,\"sleep_ms\":%d}",
	     getpid(), reader, ino_of(fds[1]), ms);
	pause_for_test();
	kill(reader, SIGUSR1);
	/* the known sleep starts once the reader is really asleep */
	wait_blocked_in(reader, SYS_read, -1);
	nanosleep(&nap, NULL);
	write_all(fds[1], "0123456789", 10);
	waitpid(reader, NULL, 0);
	return 0;
}

static void on_usr2(int sig)
{
	(void)sig;
}

/*
 * A child sleeps in @nr (0 read, 1 write) on @fd until SIGUSR2, whose
 * handler has no SA_RESTART: the call fails with EINTR, which the child
 * reports.  Returns its pid once it has.
 */
static pid_t interrupted_child(int fd, int nr, const char *what)
{
	struct sigaction sa = { .sa_handler = on_usr2 };
	char buf[64] = "x";
	int err, status;
	ssize_t n;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR2, &sa, NULL);
		n = nr ? write(fd, buf, 1) : read(fd, buf, sizeof(buf));
		err = n < 0 ? errno : 0;
		fact("{\"%s\":%d,\"%s_ret\":%zd,\"%s_errno\":%d}", what,
		     getpid(), what, n, what, err);
		_exit(0);
	}
	wait_blocked_in(pid, nr, -1);
	kill(pid, SIGUSR2);
	waitpid(pid, &status, 0);
	return pid;
}

static int cmd_eintr(void)
{
	static char chunk[4096];
	int empty[2], full[2], flags;

	if (pipe(empty) || pipe(full))
		die("pipe");
	/* fill @full without blocking, then make it blocking again */
	flags = fcntl(full[1], F_GETFL);
	fcntl(full[1], F_SETFL, flags | O_NONBLOCK);
	while (write(full[1], chunk, sizeof(chunk)) > 0 ||
	       (errno != EAGAIN && errno != EWOULDBLOCK))
		;
	while (write(full[1], chunk, 1) > 0)
		;
	fcntl(full[1], F_SETFL, flags);
	fact("{\"pid\":%d,\"empty_ino\":%llu,\"full_ino\":%llu}", getpid(),
	     ino_of(empty[0]), ino_of(full[1]));
	pause_for_test();
	interrupted_child(empty[0], 0, "reader");
	interrupted_child(full[1], 1, "writer");
	return 0;
}

static int cmd_fifo(const char *path, int n)
{
	static char buf[4096];
	unsigned long long total = 0;
	pid_t reader;
	struct stat st;
	int fd, i, status;

	unlink(path);
	if (mkfifo(path, 0600) || stat(path, &st))
		die("mkfifo %s", path);
	for (i = 0; i < n; i++)
		total += write_size(i);
	block_usr1();
	reader = fork();
	if (reader == 0) {
		unsigned long long reads, bytes;

		wait_usr1();
		fd = open(path, O_RDONLY);
		if (fd < 0)
			die("open %s", path);
		/* read exactly what is sent, keeping the FIFO open so its
		 * path can still be resolved through /proc */
		drain(fd, total, &reads, &bytes);
		fact("{\"reader\":%d,\"reads\":%llu,\"read_bytes\":%llu}",
		     getpid(), reads, bytes);
		raise(SIGSTOP);
		_exit(0);
	}
	fact("{\"pid\":%d,\"reader\":%d,\"ino\":%llu}", getpid(), reader,
	     (unsigned long long)st.st_ino);
	pause_for_test();
	kill(reader, SIGUSR1);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die("open %s", path);
	memset(buf, 'f', sizeof(buf));
	for (i = 0; i < n; i++)
		write_all(fd, buf, write_size(i));
	waitpid(reader, &status, WUNTRACED);
	fact("{\"writes\":%d,\"write_bytes\":%llu}", n, total);
	pause_for_test();		/* held: both ends still open */
	kill(reader, SIGKILL);
	kill(reader, SIGCONT);
	waitpid(reader, NULL, 0);
	close(fd);
	unlink(path);
	return 0;
}

static int cmd_fill(long bytes, long size)
{
	static char buf[4096];
	int fds[2], sz;
	long left = bytes;

	if (pipe(fds))
		die("pipe");
	if (size && fcntl(fds[1], F_SETPIPE_SZ, size) < 0)
		die("F_SETPIPE_SZ %ld", size);
	sz = fcntl(fds[1], F_GETPIPE_SZ);
	if (sz < 0)
		die("F_GETPIPE_SZ");
	if (bytes > sz) {
		errno = EINVAL;
		die("%ld bytes do not fit a %d-byte pipe", bytes, sz);
	}
	fact("{\"pid\":%d,\"ino\":%llu,\"capacity\":%d,\"rfd\":%d,\"wfd\":%d}",
	     getpid(), ino_of(fds[1]), sz, fds[0], fds[1]);
	pause_for_test();
	memset(buf, 'z', sizeof(buf));
	while (left > 0) {
		size_t n = left < 1000 ? left : 1000;

		write_all(fds[1], buf, n);
		left -= n;
	}
	fact("{\"written\":%ld}", bytes);
	pause_for_test();		/* held with the bytes in the ring */
	return 0;
}

static int cmd_burst(int n)
{
	int fds[2], i;

	if (pipe(fds))
		die("pipe");
	fact("{\"pid\":%d,\"ino\":%llu}", getpid(), ino_of(fds[1]));
	pause_for_test();
	for (i = 0; i < n; i++)
		write_all(fds[1], "b", 1);
	fact("{\"writes\":%d}", n);
	return 0;
}

static int cmd_full(void)
{
	static char buf[4096];
	int fds[2], sz, i;
	pid_t writer;

	if (pipe(fds))
		die("pipe");
	sz = fcntl(fds[1], F_GETPIPE_SZ);
	memset(buf, 'F', sizeof(buf));
	writer = fork();
	if (writer == 0) {
		/* page-sized writes fill every slot; the next one sleeps */
		for (i = 0; i < sz / 4096; i++)
			write_all(fds[1], buf, sizeof(buf));
		write_all(fds[1], buf, 1);
		_exit(0);
	}
	wait_blocked_in(writer, SYS_write, -1);
	fact("{\"pid\":%d,\"writer\":%d,\"ino\":%llu,\"capacity\":%d,\"rfd\":%d,\"wfd\":%d}",
	     getpid(), writer, ino_of(fds[0]), sz, fds[0], fds[1]);
	pause_for_test();
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	return 0;
}

static int cmd_starve(void)
{
	int fds[2];
	pid_t reader;

	if (pipe(fds))
		die("pipe");
	reader = fork();
	if (reader == 0) {
		char c;

		if (read(fds[0], &c, 1) < 0)
			die("read");
		_exit(0);
	}
	wait_blocked_in(reader, SYS_read, -1);
	fact("{\"pid\":%d,\"reader\":%d,\"ino\":%llu,\"rfd\":%d,\"wfd\":%d}",
	     getpid(), reader, ino_of(fds[0]), fds[0], fds[1]);
	pause_for_test();
	kill(reader, SIGKILL);
	waitpid(reader, NULL, 0);
	return 0;
}

/* One reader and two writers, each a child that opens the FIFO and waits. */
static int cmd_fifo3(const char *path)
{
	static const int modes[3] = { O_RDONLY, O_WRONLY, O_WRONLY };
	pid_t kids[3];
	int i, ready[2];
	char c;

	unlink(path);
	if (mkfifo(path, 0600) || pipe(ready))
		die("mkfifo %s", path);
	for (i = 0; i < 3; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			int fd = open(path, modes[i]);

			if (fd < 0)
				die("open %s", path);
			/* report the fd through the exit-free channel */
			fact("{\"child\":%d,\"fd\":%d,\"mode\":\"%s\"}",
			     getpid(), fd, modes[i] == O_RDONLY ? "r" : "w");
			close(ready[0]);
			if (write(ready[1], "x", 1) != 1)
				die("ready");
			close(ready[1]);
			pause();
			_exit(0);
		}
	}
	close(ready[1]);
	for (i = 0; i < 3; i++)
		if (read(ready[0], &c, 1) != 1)
			die("waiting for the FIFO's children");
	close(ready[0]);
	fact("{\"pid\":%d,\"reader\":%d,\"writer1\":%d,\"writer2\":%d}",
	     getpid(), kids[0], kids[1], kids[2]);
	pause_for_test();
	for (i = 0; i < 3; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	unlink(path);
	return 0;
}

/* N readers asleep on one pipe's rd_wait at once, then one write of N
 * bytes that wakes them one by one, a byte each. */
static int cmd_crowd(int n)
{
	static char buf[4096];
	pid_t kids[1024];
	int fds[2], i;

	if (n < 1 || n > 1024 || pipe(fds))
		die("crowd of %d", n);
	block_usr1();
	for (i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			char c;

			close(fds[1]);
			wait_usr1();
			_exit(read(fds[0], &c, 1) == 1 ? 0 : 1);
		}
	}
	close(fds[0]);
	fact("{\"pid\":%d,\"ino\":%llu,\"readers\":%d}", getpid(),
	     ino_of(fds[1]), n);
	pause_for_test();
	for (i = 0; i < n; i++)
		kill(kids[i], SIGUSR1);
	for (i = 0; i < n; i++)
		wait_blocked_in(kids[i], SYS_read, -1);
	memset(buf, 'c', sizeof(buf));
	write_all(fds[1], buf, n);
	i = reap_clean(kids, n);
	fact("{\"fed\":%d}", i);
	return i == n ? 0 : 1;
}

/*
 * N times: write one message, read it back.  Each call moves exactly
 * PAIR_MSG bytes, so each is one event whatever the kernel does inside
 * (since 6.16 fifo_pipe_read calls anon_pipe_read: two probed functions,
 * one read).  One process, both ends: nothing else touches the pipes.
 */
#define PAIR_MSG 256

static void pairs(int rfd, int wfd, int n)
{
	char out[PAIR_MSG], in[PAIR_MSG];
	int i;

	memset(out, 'p', sizeof(out));
	for (i = 0; i < n; i++) {
		if (write(wfd, out, sizeof(out)) != sizeof(out))
			die("write");
		if (read(rfd, in, sizeof(in)) != sizeof(in))
			die("read");
	}
}

static int cmd_pairs(const char *path, int n)
{
	int fds[2], rfd, wfd;

	if (pipe(fds))
		die("pipe");
	unlink(path);
	if (mkfifo(path, 0600))
		die("mkfifo %s", path);
	/* a FIFO's read end opens without a writer only when nonblocking */
	rfd = open(path, O_RDONLY | O_NONBLOCK);
	wfd = open(path, O_WRONLY);
	if (rfd < 0 || wfd < 0 || fcntl(rfd, F_SETFL, 0))
		die("open %s", path);
	fact("{\"pid\":%d,\"anon_ino\":%llu,\"fifo_ino\":%llu,\"size\":%d}",
	     getpid(), ino_of(fds[0]), ino_of(rfd), PAIR_MSG);
	pause_for_test();
	pairs(fds[0], fds[1], n);
	pairs(rfd, wfd, n);
	fact("{\"pairs\":%d}", n);
	close(rfd);
	close(wfd);
	unlink(path);
	return 0;
}

/*
 * --peers' from, exact: bytes in the pipe before tracing, then two writers
 * taking turns (each waits for the previous write to return), then reads
 * whose sizes straddle their boundaries.  The stream (test: peers_from):
 * [0,10) before, [10,110) A, [110,310) B, [310,610) A, [610,660) B.
 */
static int cmd_turns(void)
{
	static const size_t sizes[4] = { 100, 200, 300, 50 };
	static const size_t reads[4] = { 64, 100, 400, 1000 };
	char buf[1024];
	pid_t kids[2], parent = getpid();
	int fds[2], i;

	if (pipe(fds))
		die("pipe");
	block_usr1();
	for (i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			int t;

			close(fds[0]);
			memset(buf, 'A' + i, sizeof(buf));
			for (t = i; t < 4; t += 2) {
				wait_usr1();
				write_all(fds[1], buf, sizes[t]);
				kill(parent, SIGUSR1);
			}
			_exit(0);
		}
	}
	write_all(fds[1], "0123456789", 10);	/* before tracing */
	close(fds[1]);
	fact("{\"pid\":%d,\"a\":%d,\"b\":%d,\"ino\":%llu}", getpid(),
	     kids[0], kids[1], ino_of(fds[0]));
	pause_for_test();
	for (i = 0; i < 4; i++) {
		kill(kids[i % 2], SIGUSR1);
		wait_usr1();
	}
	for (i = 0; i < 4; i++) {
		ssize_t n = read(fds[0], buf, reads[i]);

		fact("{\"read\":%d,\"ret\":%zd}", i, n);
	}
	return reap_clean(kids, 2) == 2 ? 0 : 1;
}

/*
 * Two writers of 100000 bytes each, both asleep in write(2) on a full
 * pipe before the reader starts: the kernel may interleave them, so every
 * read of their bytes must say from_approx.
 */
static int cmd_race(void)
{
	static char buf[100000];
	unsigned long long reads = 0, bytes = 0;
	pid_t kids[2];
	int fds[2], i;

	if (pipe(fds))
		die("pipe");
	for (i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			close(fds[0]);
			raise(SIGSTOP);		/* until the parent goes */
			memset(buf, 'A' + i, sizeof(buf));
			write_all(fds[1], buf, sizeof(buf));
			_exit(0);
		}
		waitpid(kids[i], NULL, WUNTRACED);
	}
	close(fds[1]);
	fact("{\"pid\":%d,\"w1\":%d,\"w2\":%d,\"ino\":%llu}", getpid(),
	     kids[0], kids[1], ino_of(fds[0]));
	pause_for_test();
	for (i = 0; i < 2; i++)
		kill(kids[i], SIGCONT);
	for (i = 0; i < 2; i++)
		wait_blocked_in(kids[i], SYS_write, -1);
	drain(fds[0], ~0ULL, &reads, &bytes);
	fact("{\"reads\":%llu,\"read_bytes\":%llu}", reads, bytes);
	return reap_clean(kids, 2) == 2 ? 0 : 1;
}

/*
 * writer | relay | reader: the writer sends @bytes in 1000-byte writes,
 * the relay copies them on, the reader counts them.
 */
static int cmd_pipeline(long bytes)
{
	pid_t kids[3];
	int p1[2], p2[2], i;
	char buf[4096];

	if (pipe(p1) || pipe(p2))
		die("pipe");
	for (i = 0; i < 3; i++) {
		kids[i] = fork();
		if (kids[i])
			continue;
		raise(SIGSTOP);		/* until the parent goes */
		if (i == 0) {		/* writer */
			long left = bytes;

			close(p1[0]);
			close(p2[0]);
			close(p2[1]);
			memset(buf, 'w', sizeof(buf));
			while (left > 0) {
				size_t n = left < 1000 ? left : 1000;

				write_all(p1[1], buf, n);
				left -= n;
			}
		} else if (i == 1) {	/* relay */
			ssize_t n;

			close(p1[1]);
			close(p2[0]);
			while ((n = read(p1[0], buf, sizeof(buf))) > 0)
				write_all(p2[1], buf, n);
		} else {		/* reader */
			long total = 0;
			ssize_t n;

			close(p1[0]);
			close(p1[1]);
			close(p2[1]);
			while ((n = read(p2[0], buf, sizeof(buf))) > 0)
				total += n;
			fact("{\"reader_bytes\":%ld}", total);
		}
		_exit(0);
	}
	for (i = 0; i < 3; i++)
		waitpid(kids[i], NULL, WUNTRACED);
	fact("{\"pid\":%d,\"writer\":%d,\"relay\":%d,\"reader\":%d,\"ino1\":%llu,\"ino2\":%llu}",
	     getpid(), kids[0], kids[1], kids[2], ino_of(p1[0]),
	     ino_of(p2[0]));
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	pause_for_test();
	for (i = 0; i < 3; i++)
		kill(kids[i], SIGCONT);
	return reap_clean(kids, 3) == 3 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "rw") && argc == 3)
		return cmd_rw(atoi(argv[2]));
	if (!strcmp(mode, "block") && argc == 3)
		return cmd_block(atoi(argv[2]));
	if (!strcmp(mode, "fifo") && argc == 4)
		return cmd_fifo(argv[2], atoi(argv[3]));
	if (!strcmp(mode, "fill") && (argc == 3 || argc == 4))
		return cmd_fill(atol(argv[2]), argc == 4 ? atol(argv[3]) : 0);
	if (!strcmp(mode, "burst") && argc == 3)
		return cmd_burst(atoi(argv[2]));
	if (!strcmp(mode, "full") && argc == 2)
		return cmd_full();
	if (!strcmp(mode, "starve") && argc == 2)
		return cmd_starve();
	if (!strcmp(mode, "fifo3") && argc == 3)
		return cmd_fifo3(argv[2]);
	if (!strcmp(mode, "crowd") && argc == 3)
		return cmd_crowd(atoi(argv[2]));
	if (!strcmp(mode, "eintr") && argc == 2)
		return cmd_eintr();
	if (!strcmp(mode, "pairs") && argc == 4)
		return cmd_pairs(argv[2], atoi(argv[3]));
	if (!strcmp(mode, "turns") && argc == 2)
		return cmd_turns();
	if (!strcmp(mode, "race") && argc == 2)
		return cmd_race();
	if (!strcmp(mode, "pipeline") && argc == 3)
		return cmd_pipeline(atol(argv[2]));
	fprintf(stderr, "usage: pipe-workload rw N | block MS | fifo PATH N | fill BYTES [SIZE] | burst N | full | starve | fifo3 PATH | crowd N | eintr | pairs PATH N | turns | race\n");
	return 2;
}
