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
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
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

/* Wait until @pid sleeps in read(2): /proc/PID/syscall starts with "0 ". */
static void wait_blocked_in_read(pid_t pid)
{
	char path[64], line[256];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	for (i = 0; i < 100000; i++) {
		FILE *f = fopen(path, "re");
		bool in_read = false;

		if (f) {
			in_read = fgets(line, sizeof(line), f) &&
				  !strncmp(line, "0 ", 2);
			fclose(f);
		}
		if (in_read)
			return;
		usleep(1000);
	}
	errno = ETIMEDOUT;
	die("reader %d never blocked in read", pid);
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
	wait_blocked_in_read(reader);
	nanosleep(&nap, NULL);
	write_all(fds[1], "0123456789", 10);
	waitpid(reader, NULL, 0);
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
	fact("{\"pid\":%d,\"ino\":%llu,\"capacity\":%d}", getpid(),
	     ino_of(fds[1]), sz);
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
	fprintf(stderr, "usage: pipe-workload rw N | block MS | fifo PATH N | fill BYTES [SIZE] | burst N\n");
	return 2;
}
