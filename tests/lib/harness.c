// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

#define START_TIMEOUT_S 120	/* TCG VMs load BPF slowly */

double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *ipcscope_bin(void)
{
	const char *p = getenv("IPCSCOPE");

	return p && *p ? p : "ipcscope";
}

const char *probe_tier(void)
{
	const char *p = getenv("IPCSCOPE_PROBE");

	return p && *p ? p : "auto";
}

const char *workload_bin(const char *name)
{
	static char path[PATH_MAX];
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		tap_bail("cannot read /proc/self/exe");
	self[n] = '\0';
	/* build/tests/t/NAME -> build/tests/bin/WORKLOAD */
	snprintf(path, sizeof(path), "%s/../bin/%s", dirname(self), name);
	return path;
}

void require_root(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root to load BPF programs (uid %u)",
			     geteuid());
}

static void make_temp(char *buf, size_t len, const char *what)
{
	int fd;

	snprintf(buf, len, "/tmp/ipcscope-%s-XXXXXX", what);
	fd = mkstemp(buf);
	if (fd < 0)
		tap_bail("mkstemp: %s", strerror(errno));
	close(fd);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return strdup("");
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

int events_load(struct events *evs, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	memset(evs, 0, sizeof(*evs));
	if (!f)
		return -1;
	while ((len = getline(&line, &cap, f)) > 0) {
		struct fj_object obj;

		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (!line[0])
			continue;
		if (fj_parse(line, &obj)) {
			evs->bad_lines++;
			tap_diag("not a JSON object: %.200s", line);
			continue;
		}
		evs->ev = realloc(evs->ev, (evs->n + 1) * sizeof(*evs->ev));
		evs->ev[evs->n++] = obj;
	}
	free(line);
	fclose(f);
	return 0;
}

void events_free(struct events *evs)
{
	int i;

	for (i = 0; i < evs->n; i++)
		fj_free(&evs->ev[i]);
	free(evs->ev);
	memset(evs, 0, sizeof(*evs));
}

static bool matches(const struct fj_object *e, const char *type,
		    long long pid, long long ino)
{
	const char *t = fj_str(e, "type");

	if (type && (!t || strcmp(t, type)))
		return false;
	if (pid && fj_int(e, "pid") != pid)
		return false;
	if (ino && fj_int(e, "ino") != ino)
		return false;
	return true;
}

int events_count(const struct events *evs, const char *type, long long pid,
		 long long ino)
{
	int i, n = 0;

	for (i = 0; i < evs->n; i++)
		n += matches(&evs->ev[i], type, pid, ino);
	return n;
}

long long events_sum(const struct events *evs, const char *type,
		     long long pid, long long ino, const char *field)
{
	long long sum = 0;
	int i;

	for (i = 0; i < evs->n; i++)
		if (matches(&evs->ev[i], type, pid, ino))
			sum += fj_int(&evs->ev[i], field);
	return sum;
}

const struct fj_object *events_nth(const struct events *evs, const char *type,
				   long long pid, long long ino, int n)
{
	int i;

	for (i = 0; i < evs->n; i++)
		if (matches(&evs->ev[i], type, pid, ino) && n-- == 0)
			return &evs->ev[i];
	return NULL;
}

int events_wrong_tier(const struct events *evs)
{
	const char *want = probe_tier();
	int i, n = 0;

	if (!strcmp(want, "auto"))
		return 0;
	for (i = 0; i < evs->n; i++)
		n += strcmp(fj_str(&evs->ev[i], "type"), "lost") &&
		     (!fj_str(&evs->ev[i], "tier") ||
		      strcmp(fj_str(&evs->ev[i], "tier"), want));
	return n;
}

/* ---- the collector -------------------------------------------------------- */

int tracer_try_start(struct tracer *t, const char *const *args)
{
	const char *argv[64];
	int argc = 0, i;
	double deadline;

	memset(t, 0, sizeof(*t));
	make_temp(t->out_path, sizeof(t->out_path), "out");
	make_temp(t->err_path, sizeof(t->err_path), "err");
	argv[argc++] = ipcscope_bin();
	argv[argc++] = "trace";
	argv[argc++] = "-f";
	argv[argc++] = "json";
	argv[argc++] = "--probe";
	argv[argc++] = probe_tier();
	for (i = 0; args && args[i] && argc < 63; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;

	fflush(stdout);
	t->pid = fork();
	if (t->pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (t->pid == 0) {
		int out = open(t->out_path, O_WRONLY | O_TRUNC);
		int err = open(t->err_path, O_WRONLY | O_TRUNC);
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(out, 1);
		dup2(err, 2);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	deadline = mono_now() + START_TIMEOUT_S;
	while (mono_now() < deadline) {
		char *err = slurp(t->err_path);
		bool ready = strstr(err, "ipcscope: tracing") != NULL;
		int status;

		free(err);
		if (ready)
			return 0;
		if (waitpid(t->pid, &status, WNOHANG) == t->pid) {
			t->status = WIFEXITED(status) ? WEXITSTATUS(status) :
				    128 + WTERMSIG(status);
			t->err_text = slurp(t->err_path);
			t->pid = 0;
			return -1;
		}
		usleep(20000);
	}
	kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
	t->pid = 0;
	t->status = -1;
	t->err_text = slurp(t->err_path);
	return -1;
}

void tracer_start(struct tracer *t, const char *const *args)
{
	if (tracer_try_start(t, args)) {
		char *nl = t->err_text ? strchr(t->err_text, '\n') : NULL;

		if (nl)
			*nl = '\0';
		tap_bail("ipcscope trace --probe %s did not start (status %d): %s",
			 probe_tier(), t->status, t->err_text ? t->err_text : "");
	}
}

void tracer_start_family(struct tracer *t, const char *family,
			 long long pid, long long pid2)
{
	char arg[2][24];

	snprintf(arg[0], sizeof(arg[0]), "%lld", pid);
	snprintf(arg[1], sizeof(arg[1]), "%lld", pid2 > 0 ? pid2 : pid);
	tracer_start(t, (const char *[]){ "-t", family, "-p", arg[0], "-p",
					 arg[1], NULL });
}

void tracer_stop(struct tracer *t)
{
	int status;

	if (t->pid > 0) {
		kill(t->pid, SIGINT);
		if (waitpid(t->pid, &status, 0) == t->pid)
			t->status = WIFEXITED(status) ? WEXITSTATUS(status) :
				    128 + WTERMSIG(status);
		t->pid = 0;
	}
	events_load(&t->events, t->out_path);
	free(t->err_text);
	t->err_text = slurp(t->err_path);
}

void tracer_free(struct tracer *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
	}
	events_free(&t->events);
	free(t->err_text);
	unlink(t->out_path);
	unlink(t->err_path);
}

/* ---- workloads -------------------------------------------------------- */

static void workload_wait(struct workload *w)
{
	int status;

	if (waitpid(w->pid, &status, WUNTRACED) != w->pid)
		tap_bail("waitpid workload: %s", strerror(errno));
	if (WIFSTOPPED(status)) {
		w->exited = false;
	} else {
		w->exited = true;
		w->status = WIFEXITED(status) ? WEXITSTATUS(status) :
			    128 + WTERMSIG(status);
	}
	events_free(&w->facts);
	events_load(&w->facts, w->facts_path);
}

void workload_start(struct workload *w, const char *const *argv)
{
	const char *path = workload_bin(argv[0]);

	memset(w, 0, sizeof(*w));
	make_temp(w->facts_path, sizeof(w->facts_path), "facts");
	fflush(stdout);
	w->pid = fork();
	if (w->pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (w->pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* no pipes around the workload: its only pipe traffic is
		 * the traffic under test */
		dup2(null, 0);
		dup2(null, 1);
		setenv("IPCSCOPE_FACTS", w->facts_path, 1);
		execv(path, (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	workload_wait(w);
	if (w->exited)
		tap_bail("workload %s exited with %d before it was ready",
			 argv[0], w->status);
}

void workload_resume(struct workload *w)
{
	if (w->exited)
		return;
	kill(w->pid, SIGCONT);
	workload_wait(w);
}

void workload_finish(struct workload *w)
{
	while (!w->exited)
		workload_resume(w);
	if (w->status)
		tap_diag("workload exited with status %d", w->status);
}

long long fact_int(const struct workload *w, const char *key)
{
	int i;

	for (i = w->facts.n - 1; i >= 0; i--)
		if (fj_has(&w->facts.ev[i], key))
			return fj_int(&w->facts.ev[i], key);
	return -1;
}

const struct fj_object *fact_line(const struct workload *w, const char *key,
				  long long value)
{
	int i;

	for (i = 0; i < w->facts.n; i++)
		if (fj_int(&w->facts.ev[i], key) == value)
			return &w->facts.ev[i];
	return NULL;
}

void workload_free(struct workload *w)
{
	if (!w->exited && w->pid > 0) {
		kill(w->pid, SIGKILL);
		kill(w->pid, SIGCONT);
		waitpid(w->pid, NULL, 0);
	}
	events_free(&w->facts);
	unlink(w->facts_path);
}

/* ---- plain commands --------------------------------------------------- */

void run_cmd(const char *const *argv, struct cmd_result *r, int timeout_s)
{
	char out_path[64], err_path[64];
	double start = mono_now();
	pid_t pid;
	int status, i;
	char *text;

	memset(r, 0, sizeof(*r));
	make_temp(out_path, sizeof(out_path), "cmdout");
	make_temp(err_path, sizeof(err_path), "cmderr");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int out = open(out_path, O_WRONLY | O_TRUNC);
		int err = open(err_path, O_WRONLY | O_TRUNC);
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(out, 1);
		dup2(err, 2);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	for (i = 0; i < timeout_s * 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(10000);
	}
	if (i == timeout_s * 100) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	r->seconds = mono_now() - start;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
	text = slurp(err_path);
	snprintf(r->err, sizeof(r->err), "%s", text);
	for (i = 0; text[i]; i++)
		r->err_lines += text[i] == '\n';
	free(text);
	text = slurp(out_path);
	snprintf(r->out, sizeof(r->out), "%s", text);
	free(text);
	unlink(out_path);
	unlink(err_path);
}
