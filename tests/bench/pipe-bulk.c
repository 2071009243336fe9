// SPDX-License-Identifier: GPL-2.0
/*
 * Bulk transfer through one pipe: the parent writes 64 KiB at a time, a
 * child reads with a 64 KiB buffer until end of file.  One op is one
 * 64 KiB write; the reads it takes vary (the pipe holds 64 KiB).
 */
#include "bench.h"

#define CHUNK (64 * 1024)

int main(int argc, char **argv)
{
	static char buf[CHUNK];
	struct bench_opts o;
	struct bench_shared *sh;
	unsigned long long ops = 0, start, end;
	int p[2];
	pid_t pids[2];

	bench_parse(argc, argv, &o, "pipe-bulk");
	bench_init();
	sh = bench_shared_new();
	memset(buf, 'b', sizeof(buf));
	if (pipe(p))
		bench_die("pipe");
	pids[0] = getpid();
	pids[1] = fork();
	if (pids[1] < 0)
		bench_die("fork");
	if (!pids[1]) {
		unsigned long long ev = 0;
		ssize_t n;

		close(p[1]);
		do {
			n = read(p[0], buf, sizeof(buf));
			ev++;
		} while (n > 0);
		sh->events = ev;
		_exit(n < 0);
	}
	close(p[0]);
	bench_ready(pids, 2);

	start = bench_now_ns();
	while (!bench_done(&o, ops, start, 15)) {
		/* a blocking pipe write of 64 KiB completes in full */
		if (write(p[1], buf, sizeof(buf)) != sizeof(buf))
			bench_die("write");
		ops++;
	}
	close(p[1]);
	bench_wait_child(pids[1]);
	end = bench_now_ns();
	bench_report("pipe-bulk", ops, end - start, ops + sh->events);
	return 0;
}
