// SPDX-License-Identifier: GPL-2.0
/*
 * 1-byte ping-pong between two processes over two pipes.  One op is one
 * round trip: four pipe system calls (two writes, two reads).
 */
#include "bench.h"

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct bench_shared *sh;
	unsigned long long ops = 0, start, end;
	int ping[2], pong[2];
	pid_t pids[2];
	char c = 'x';

	bench_parse(argc, argv, &o, "pipe-pingpong");
	bench_init();
	sh = bench_shared_new();
	if (pipe(ping) || pipe(pong))
		bench_die("pipe");
	pids[0] = getpid();
	pids[1] = fork();
	if (pids[1] < 0)
		bench_die("fork");
	if (!pids[1]) {
		unsigned long long ev = 0;
		ssize_t n;

		close(ping[1]);
		close(pong[0]);
		for (;;) {
			n = read(ping[0], &c, 1);
			ev++;
			if (n <= 0)
				break;
			if (write(pong[1], &c, 1) != 1)
				bench_die("write");
			ev++;
		}
		sh->events = ev;
		_exit(n < 0);
	}
	close(ping[0]);
	close(pong[1]);
	bench_ready(pids, 2);

	start = bench_now_ns();
	while (!bench_done(&o, ops, start, 63)) {
		if (write(ping[1], &c, 1) != 1)
			bench_die("write");
		if (read(pong[0], &c, 1) != 1)
			bench_die("read");
		ops++;
	}
	close(ping[1]);
	bench_wait_child(pids[1]);
	end = bench_now_ns();
	bench_report("pipe-pingpong", ops, end - start, 2 * ops + sh->events);
	return 0;
}
