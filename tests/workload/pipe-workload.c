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
 *
 * full, starve and fifo3 stop (SIGSTOP) once the state is reached, holding
 * it for the test.
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

/* Wait until @pid sleeps in syscall @nr (0 read, 1 write): the first
 * field of /proc/PID/syscall. */
static void wait_blocked_in(pid_t pid, int nr)
{
	char path[64], line[256], want[16];
	int i;

	snprintf(want, sizeof(want), "%d ", nr);

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	for (i = 0; i < 100000; i++) {
		FILE *f = fopen(path, "re");
		bool in_read = false;

		if (f) {
			in_read = fgets(line, sizeof(line), f) &&
				  !strncmp(line, want, strlen(want));
			fclose(f);
		}
		if (in_read)
			return;
		usleep(1000);
	}
	errno = ETIMEDOUT;
	die("task %d never blocked in syscall %d", pid, nr);
}

static void wait_blocked_in_read(pid_t pid)
{
	wait_blocked_in(pid, 0);
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
	wait_blocked_in(writer, 1);
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
	wait_blocked_in_read(reader);
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
		wait_blocked_in_read(kids[i]);
	memset(buf, 'c', sizeof(buf));
	write_all(fds[1], buf, n);
	i = reap_clean(kids, n);
	fact("{\"fed\":%d}", i);
	return i == n ? 0 : 1;
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
	fprintf(stderr, "usage: pipe-workload rw N | block MS | fifo PATH N | fill BYTES [SIZE] | burst N | full | starve | fifo3 PATH | crowd N\n");
	return 2;
}
