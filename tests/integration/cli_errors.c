// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input gets one line naming the problem on stderr and status 2
 * (usage) or 1 (run time).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"

static void expect(const char *const *args, int status, const char *needle,
		   const char *what)
{
	const char *argv[16] = { ipcscope_bin() };
	struct cmd_result r;
	int i;

	for (i = 0; args[i]; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	run_cmd(argv, &r, 60);
	tap_cmd_error(&r, status, needle, "%s", what);
}

/* A PID that is not in use right now. */
static pid_t unused_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;		/* reaped: free until reused */
}

int main(void)
{
	char pidbuf[16];

	require_root();
	tap_plan(66);
	expect((const char *[]){ "trace", "--bogus", NULL }, 2, "--bogus",
	       "unknown option");
	expect((const char *[]){ "trace", "-p", "abc", NULL }, 2,
	       "invalid PID 'abc'", "non-numeric PID");
	expect((const char *[]){ "trace", "-p", "0", NULL }, 2,
	       "invalid PID '0'", "PID 0");
	expect((const char *[]){ "trace", "-p", "-5", NULL }, 2,
	       "invalid PID '-5'", "negative PID");
	snprintf(pidbuf, sizeof(pidbuf), "%d", unused_pid());
	expect((const char *[]){ "trace", "-p", pidbuf, NULL }, 2,
	       "no process with PID", "PID of no process");
	expect((const char *[]){ "trace", "--probe", "uprobe", NULL }, 2,
	       "unknown probe tier 'uprobe'", "unknown tier");
	expect((const char *[]){ "trace", "-t", "pipe,shmem", NULL }, 2,
	       "unknown IPC type 'shmem'", "unknown IPC type");
	expect((const char *[]){ "trace", "-t", "", NULL }, 2,
	       "empty IPC type list", "empty IPC type list");
	expect((const char *[]){ "trace", "--sig", "SIGFOO", NULL }, 2,
	       "unknown signal 'SIGFOO' in --sig", "unknown signal name");
	expect((const char *[]){ "trace", "--sig", "USR1,65", NULL }, 2,
	       "unknown signal '65' in --sig", "signal number out of range");
	expect((const char *[]){ "trace", "--sig", "SIGRTMIN+31", NULL }, 2,
	       "unknown signal 'SIGRTMIN+31' in --sig",
	       "SIGRTMIN+N beyond SIGRTMAX");
	expect((const char *[]){ "trace", "-f", "xml", NULL }, 2,
	       "unknown format 'xml'", "unknown format");
	expect((const char *[]){ "trace", "-c", "a-name-longer-than-15",
				 NULL }, 2, "longer than 15", "long comm");
	expect((const char *[]){ "trace", "--ino", "12x", NULL }, 2,
	       "invalid inode '12x'", "bad inode");
	expect((const char *[]){ "trace", "-d", "-1", NULL }, 2,
	       "invalid duration", "negative duration");
	expect((const char *[]){ "trace", "--summary", "-n", "5", NULL }, 2,
	       "--count and --summary conflict", "conflicting flags");
	expect((const char *[]){ "trace", "-i", "2", NULL }, 2,
	       "--interval needs --summary", "interval without summary");
	expect((const char *[]){ "trace", "--ino", "5", "-t", "pipe,sem",
				 NULL }, 2, "--ino selects a pipe",
	       "--ino with non-pipe families");
	expect((const char *[]){ "trace", "extra", NULL }, 2,
	       "unexpected argument 'extra'", "stray argument");
	expect((const char *[]){ "frobnicate", NULL }, 2,
	       "unknown verb 'frobnicate'", "unknown verb");
	expect((const char *[]){ "trace", "--btf", "/nonexistent/vmlinux",
				 NULL }, 1, "cannot read BTF file",
	       "missing BTF file");

	/* not root: drop to nobody in a child and run the tracer there */
	{
		pid_t pid;
		int status, fds[2];
		char line[512] = "";
		ssize_t n;

		if (pipe(fds))
			tap_bail("pipe");
		pid = fork();
		if (pid == 0) {
			dup2(fds[1], 2);
			if (setgid(65534) || setuid(65534))
				_exit(99);
			execlp(ipcscope_bin(), ipcscope_bin(), "trace", NULL);
			_exit(98);
		}
		close(fds[1]);
		n = read(fds[0], line, sizeof(line) - 1);
		line[n > 0 ? n : 0] = '\0';
		waitpid(pid, &status, 0);
		tap_is_int(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 1,
			   "unprivileged: status 1");
		tap_ok(strchr(line, '\n') == line + strlen(line) - 1,
		       "unprivileged: one line on stderr");
		if (!tap_ok(strstr(line, "permission denied") != NULL,
			    "unprivileged: it says permission denied"))
			tap_diag("  got: %s", line);
	}
	return tap_done();
}
