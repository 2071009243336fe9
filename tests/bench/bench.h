/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every benchmark workload shares (header-only, libc only).
 *
 *   WORKLOAD -n OPS      run OPS operations
 *   WORKLOAD -d SECONDS  run for about this long (the clock is read every
 *                        few operations, not on every one)
 *   WORKLOAD -r RATE     (write-storm) pace to RATE operations per second
 *
 * Start-up handshake with tests/bench/bench-run.c: when fd 3 is open, the
 * workload forks its partners, writes the pids of every process that will
 * do IPC on one line to fd 3, closes it, and waits for SIGUSR1; only then
 * does the timed loop start.  Without fd 3 it starts at once.
 *
 * The result is one JSON line on standard output, measured by the workload
 * itself (process start-up and the handshake are not in it):
 *   {"workload":"pipe-pingpong","ops":N,"elapsed_ns":T,"ns_per_op":X,
 *    "events":E,"events_per_op":Y}
 * where an op is one round trip (ping-pongs), one 64 KiB write (bulk) or
 * one 1-byte write (storm), and `events` counts the IPC system calls every
 * process of the workload made during the timed loop (what a tracer of
 * that family should report).  Standard output should be a regular file:
 * the result line must not itself be pipe traffic.
 */
#ifndef IPCSCOPE_BENCH_H
#define IPCSCOPE_BENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct bench_opts {
	unsigned long long ops;	/* -n: 0 means run for `seconds` */
	double seconds;		/* -d */
	double rate;		/* -r: 0 means as fast as possible */
};

/* Counters the partner processes fill in (a MAP_SHARED page). */
struct bench_shared {
	volatile unsigned long long events;
	volatile int stop;
};

static inline __attribute__((noreturn, format(printf, 1, 2)))
void bench_die(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	fprintf(stderr, "bench workload: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	exit(1);
}

static inline unsigned long long bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline void bench_usage(const char *name)
{
	fprintf(stderr, "usage: %s -n OPS | -d SECONDS [-r RATE]\n", name);
	exit(2);
}

static inline void bench_parse(int argc, char **argv, struct bench_opts *o,
			       const char *name)
{
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt(argc, argv, "n:d:r:")) != -1) {
		switch (c) {
		case 'n':
			o->ops = strtoull(optarg, NULL, 10);
			break;
		case 'd':
			o->seconds = strtod(optarg, NULL);
			break;
		case 'r':
			o->rate = strtod(optarg, NULL);
			break;
		default:
			bench_usage(name);
		}
	}
	if (optind != argc || (!o->ops && o->seconds <= 0))
		bench_usage(name);
}

/* Whether fd 3 was open at start: the runner's handshake pipe. */
static int bench_handshake;

/* SIGUSR1 is the start signal; block it before forking anything.  Call
 * before opening any descriptor (a pipe could take the free fd 3). */
static inline void bench_init(void)
{
	sigset_t s;

	bench_handshake = fcntl(3, F_GETFD) >= 0;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

static inline struct bench_shared *bench_shared_new(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bench_die("mmap");
	return p;
}

/* Hand the pids to the runner and wait for the start signal. */
static inline void bench_ready(const pid_t *pids, int n)
{
	sigset_t s;
	char line[256];
	int off = 0, i, sig;

	if (!bench_handshake)
		return;
	for (i = 0; i < n; i++)
		off += snprintf(line + off, sizeof(line) - off, "%s%d",
				i ? " " : "", (int)pids[i]);
	line[off++] = '\n';
	if (write(3, line, off) != off)
		bench_die("write fd 3");
	close(3);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	if (sigwait(&s, &sig))
		bench_die("sigwait");
}

/*
 * True when the timed loop should end after `done` operations: exactly at
 * -n, or with -d once the time is up, reading the clock only when `done`
 * is a multiple of mask + 1.
 */
static inline int bench_done(const struct bench_opts *o,
			     unsigned long long done,
			     unsigned long long start_ns,
			     unsigned long long mask)
{
	if (o->ops)
		return done >= o->ops;
	if (done & mask)
		return 0;
	return bench_now_ns() - start_ns >= (unsigned long long)(o->seconds * 1e9);
}

static inline void bench_report(const char *name, unsigned long long ops,
				unsigned long long elapsed_ns,
				unsigned long long events)
{
	printf("{\"workload\":\"%s\",\"ops\":%llu,\"elapsed_ns\":%llu,"
	       "\"ns_per_op\":%.3f,\"events\":%llu,\"events_per_op\":%.4f}\n",
	       name, ops, elapsed_ns, ops ? (double)elapsed_ns / ops : 0.0,
	       events, ops ? (double)events / ops : 0.0);
	fflush(stdout);
}

static inline void bench_wait_child(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) < 0)
		bench_die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		bench_die("partner process failed (status %#x)", st);
}

#endif /* IPCSCOPE_BENCH_H */
