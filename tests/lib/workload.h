/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workload side of tests/lib/harness.h: report facts, stop to let the
 * test act.  Header-only, so workloads link nothing but libc.
 */
#ifndef IPCSCOPE_WORKLOAD_H
#define IPCSCOPE_WORKLOAD_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static inline __attribute__((noreturn, format(printf, 1, 2)))
void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "workload: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	exit(1);
}

/* Append one JSON line to $IPCSCOPE_FACTS (a regular file, not a pipe:
 * reporting must not itself be pipe traffic). */
static inline __attribute__((format(printf, 1, 2)))
void fact(const char *fmt, ...)
{
	const char *path = getenv("IPCSCOPE_FACTS");
	char line[1024];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	if (!path) {
		fwrite(line, 1, n, stderr);
		return;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd < 0 || write(fd, line, n) != n)
		die("writing facts to %s", path);
	close(fd);
}

/*
 * Wait until @pid sleeps in system call @nr (or @nr2, when not -1): the
 * first field of /proc/PID/syscall names the call, and the state in
 * /proc/PID/stat says it sleeps there -- being in the call is not yet
 * being asleep in it.  Dies after about 100 s.
 */
static inline void wait_blocked_in(pid_t pid, long nr, long nr2)
{
	char path[64], line[512], *p;
	int i;

	for (i = 0; i < 100000; i++) {
		bool sleeping = false;
		long in = -1;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
		f = fopen(path, "re");
		if (f) {
			if (fgets(line, sizeof(line), f))
				in = strtol(line, NULL, 10);
			fclose(f);
		}
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "re");
		if (f) {
			sleeping = fgets(line, sizeof(line), f) &&
				   (p = strrchr(line, ')')) && p[2] == 'S';
			fclose(f);
		}
		if ((in == nr || (nr2 != -1 && in == nr2)) && sleeping)
			return;
		usleep(1000);
	}
	errno = ETIMEDOUT;
	die("task %d never blocked in system call %ld", pid, nr);
}

/* Wait for @n children; how many of them exited with status 0. */
static inline int reap_clean(const pid_t *kids, int n)
{
	int i, status, clean = 0;

	for (i = 0; i < n; i++)
		if (waitpid(kids[i], &status, 0) == kids[i] &&
		    WIFEXITED(status) && !WEXITSTATUS(status))
			clean++;
	return clean;
}

/* Stop until the test continues us (SIGCONT). */
static inline void pause_for_test(void)
{
	if (getenv("IPCSCOPE_FACTS"))
		raise(SIGSTOP);
}

#endif /* IPCSCOPE_WORKLOAD_H */
