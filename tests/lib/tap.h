/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP producer for ipcscope's C tests.  Header-only so that every
 * test program, static or not, host or VM, needs nothing but libc.
 *
 *	tap_plan(3);
 *	tap_ok(x == 1, "x is one");
 *	tap_is_int(got, want, "byte total");
 *	tap_skip(2, "fentry not available: %s", why);
 *	tap_todo = "known bug, issue N"; tap_ok(...); tap_todo = NULL;
 *	return tap_done();
 */
#ifndef IPCSCOPE_TAP_H
#define IPCSCOPE_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static int tap_planned = -1;
static int tap_run;
static int tap_failed;
/* While set, assertions are known bugs: "# TODO why", not failures. */
static const char *tap_todo;
/*
 * Set by the harness (tests/lib/harness.c: tracer_stop()) once a trace
 * reports runs the kernel skipped or records it lost (gap_todo()): from
 * then on a failed assertion is a TODO with that reason, a passing one an
 * ordinary ok.
 * Checks that must hold even then (count + the reported gap >= what the
 * workload did) use tap_ok_strict(), which ignores it.  Weak: a test
 * program without the harness links too.
 */
__attribute__((weak)) const char *tap_gap_todo;
static int tap_strict;

/*
 * A test that bails out must not leave its workloads behind: a child
 * blocked on a FIFO or in sigtimedwait() keeps the suite's stdout open and
 * stalls the whole cell until the VM's timeout.  Every test is a subreaper
 * (set before main), so orphaned grandchildren come back to it, and
 * tap_kill_descendants() kills them all before the exit.
 */
static __attribute__((constructor)) void tap_subreaper(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

static inline void tap_kill_descendants(void)
{
	char path[64], stat[512];
	int round, found;

	for (round = 0; round < 64; round++) {
		struct dirent *d;
		DIR *dir = opendir("/proc");

		if (!dir)
			return;
		found = 0;
		while ((d = readdir(dir))) {
			int pid = atoi(d->d_name), ppid = 0;
			char *rp;
			FILE *f;

			if (pid <= 0)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/stat", pid);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (fgets(stat, sizeof(stat), f) &&
			    (rp = strrchr(stat, ')')))
				sscanf(rp + 1, " %*c %d", &ppid);
			fclose(f);
			if (ppid == getpid()) {
				kill(pid, SIGKILL);
				found++;
			}
		}
		closedir(dir);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (!found)
			return;
		usleep(10000);
	}
}

static inline void tap_plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Skip the whole program: "1..0 # SKIP reason". */
static inline __attribute__((noreturn, format(printf, 1, 2)))
void tap_skip_all(const char *fmt, ...)
{
	va_list ap;

	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(0);
}

static inline __attribute__((format(printf, 1, 2)))
void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline __attribute__((format(printf, 2, 3)))
int tap_ok(int pass, const char *fmt, ...)
{
	va_list ap;

	const char *todo = tap_todo;

	if (!pass && !todo && !tap_strict)
		todo = tap_gap_todo;
	tap_run++;
	if (!pass && !todo)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (todo)
		printf(" # TODO %s", todo);
	printf("\n");
	fflush(stdout);
	return pass;
}

/* tap_ok() that a reported gap (tap_gap_todo) does not excuse. */
#define tap_ok_strict(...)						\
	({								\
		int __saved = tap_strict, __r;				\
		tap_strict = 1;						\
		__r = tap_ok(__VA_ARGS__);				\
		tap_strict = __saved;					\
		__r;							\
	})

#define tap_is_int(got, want, ...)					\
	({								\
		long long __g = (long long)(got);			\
		long long __w = (long long)(want);			\
		int __p = tap_ok(__g == __w, __VA_ARGS__);		\
		if (!__p)						\
			tap_diag("  got: %lld, expected: %lld", __g, __w); \
		__p;							\
	})

/* @got is the string @want (a NULL @got fails). */
static inline __attribute__((format(printf, 3, 4)))
int tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	int pass;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pass = tap_ok(got && !strcmp(got, want), "%s", what);
	if (!pass)
		tap_diag("  got: \"%s\", expected: \"%s\"",
			 got ? got : "(null)", want);
	return pass;
}

static inline __attribute__((format(printf, 2, 3)))
void tap_skip(int n, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	while (n-- > 0) {
		tap_run++;
		printf("ok %d # SKIP %s\n", tap_run, why);
	}
	fflush(stdout);
}

/* Bail out: the rest of the program cannot run meaningfully. */
static inline __attribute__((noreturn, format(printf, 1, 2)))
void tap_bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	tap_kill_descendants();
	exit(255);
}

/* Emit a trailing plan when none was given; exit status for main(). */
static inline int tap_done(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_run);
	fflush(stdout);
	if (tap_planned >= 0 && tap_run != tap_planned)
		return 255;
	return tap_failed ? 1 : 0;
}

#endif /* IPCSCOPE_TAP_H */
