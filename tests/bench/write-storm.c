// SPDX-License-Identifier: GPL-2.0
/*
 * A storm of 1-byte pipe writes, for the highest event rate: one process
 * writes one byte at a time into a pipe and, after every 4096 writes,
 * drains them with one 4096-byte read (the pipe never fills, nobody
 * blocks).  One op is one write; events are the writes plus the reads.
 *
 * With -r RATE the writes are paced to RATE per second (in batches of at
 * most 1/1000 of a second's worth), for the lossless-rate search; with
 * -n the number of events is known exactly, for the overflow check.
 */
#include "bench.h"

#define BATCH 4096

int main(int argc, char **argv)
{
	static char buf[BATCH];
	struct bench_opts o;
	unsigned long long ops = 0, reads = 0, start, end, pending = 0;
	unsigned long long step = 64;
	pid_t self;
	int p[2];

	bench_parse(argc, argv, &o, "write-storm");
	bench_init();
	if (pipe(p))
		bench_die("pipe");
	self = getpid();
	if (o.rate > 0 && o.rate / 1000 > step)
		step = o.rate / 1000;
	bench_ready(&self, 1);

	start = bench_now_ns();
	while (!bench_done(&o, ops, start, 4095)) {
		if (write(p[1], "w", 1) != 1)
			bench_die("write");
		ops++;
		if (++pending == BATCH) {
			if (read(p[0], buf, BATCH) != BATCH)
				bench_die("read");
			reads++;
			pending = 0;
		}
		if (o.rate > 0 && ops % step == 0) {
			/* sleep until op `ops` is due */
			unsigned long long due = start + ops * 1e9 / o.rate;
			struct timespec ts = {
				.tv_sec = due / 1000000000ULL,
				.tv_nsec = due % 1000000000ULL,
			};

			if (due > bench_now_ns())
				clock_nanosleep(CLOCK_MONOTONIC,
						TIMER_ABSTIME, &ts, NULL);
		}
	}
	if (pending) {
		if (read(p[0], buf, pending) != (ssize_t)pending)
			bench_die("read");
		reads++;
	}
	end = bench_now_ns();
	bench_report("write-storm", ops, end - start, ops + reads);
	return 0;
}
