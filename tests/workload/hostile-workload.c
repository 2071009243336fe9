// SPDX-License-Identifier: GPL-2.0
/*
 * Names that break hand-written JSON, for the integration tests.  Facts go
 * to $IPCSCOPE_FACTS.
 *
 *   hostile-workload COMM FIFO N
 *
 * Renames itself COMM (prctl(PR_SET_NAME): the kernel keeps 15 bytes),
 * stops until the test has started the tracer, then: N writes of known
 * sizes into a pipe, each read back; N writes into the FIFO made at the
 * path FIFO, each read back; one SIGUSR1 to itself, handled.  Then it stops
 * again, the FIFO still open, so that the collector can resolve its path
 * whichever way it does; once continued it closes and removes the FIFO.
 */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/stat.h>
#include "workload.h"

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static unsigned long long ino_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	return st.st_ino;
}

/* @n writes of 1..n bytes into @wfd, each read back from @rfd. */
static unsigned long long write_read(int wfd, int rfd, int n)
{
	static char buf[4096];
	unsigned long long total = 0;
	int i;

	memset(buf, 'h', sizeof(buf));
	for (i = 1; i <= n; i++) {
		if (write(wfd, buf, i) != i)
			die("write %d bytes", i);
		if (read(rfd, buf, i) != i)
			die("read %d bytes", i);
		total += i;
	}
	return total;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	unsigned long long pipe_bytes, fifo_bytes;
	int fds[2], fifo, n;

	if (argc != 4) {
		fprintf(stderr, "usage: hostile-workload COMM FIFO N\n");
		return 2;
	}
	n = atoi(argv[3]);
	if (prctl(PR_SET_NAME, argv[1], 0, 0, 0))
		die("PR_SET_NAME");
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");
	if (pipe(fds))
		die("pipe");
	unlink(argv[2]);
	if (mkfifo(argv[2], 0600))
		die("mkfifo");
	/* read and write ends at once: opening does not wait for a peer */
	fifo = open(argv[2], O_RDWR);
	if (fifo < 0)
		die("open the FIFO");
	fact("{\"pid\":%d,\"ino\":%llu,\"fifo_ino\":%llu}", getpid(),
	     ino_of(fds[0]), ino_of(fifo));
	pause_for_test();

	pipe_bytes = write_read(fds[1], fds[0], n);
	fifo_bytes = write_read(fifo, fifo, n);
	if (kill(getpid(), SIGUSR1))
		die("kill");
	fact("{\"writes\":%d,\"pipe_bytes\":%llu,\"fifo_bytes\":%llu,\"handled\":%d}",
	     n, pipe_bytes, fifo_bytes, (int)handled);
	pause_for_test();		/* held: the FIFO still open */

	close(fifo);
	unlink(argv[2]);
	return 0;
}
