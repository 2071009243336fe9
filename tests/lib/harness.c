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

/* TCG VMs load BPF slowly; a debug kernel (KASAN, lockdep) far more so:
 * make vm-debug sets IPCSCOPE_START_TIMEOUT. */
#define START_TIMEOUT_S 120

static double start_timeout_s(void)
{
	const char *s = getenv("IPCSCOPE_START_TIMEOUT");
	double v = s ? atof(s) : 0;

	return v > 0 ? v : START_TIMEOUT_S;
}

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

const char *preemption_todo(void)
{
	static const char reason[] =
		"kernel preempts BPF programs (sched/preempt: full or lazy): "
		"a preempted fentry/tp_btf program makes the kernel skip the "
		"next runs on its CPU (recursion_misses, reported as missed) "
		"or refuse task storage (reported as lost), issue 15";
	const char *tier = probe_tier();
	char mode[128] = "";
	FILE *f;

	if (strcmp(tier, "fentry") && strcmp(tier, "tracepoint"))
		return NULL;
	/* e.g. "none voluntary full (lazy)": the chosen one is in () */
	f = fopen("/sys/kernel/debug/sched/preempt", "r");
	if (!f)
		return NULL;
	if (!fgets(mode, sizeof(mode), f))
		mode[0] = '\0';
	fclose(f);
	return strstr(mode, "(full)") || strstr(mode, "(lazy)") ? reason : NULL;
}

long long events_gap(const struct events *evs)
{
	return events_sum(evs, "missed", 0, 0, "count") +
	       events_sum(evs, "lost", 0, 0, "count");
}

const char *gap_todo(const struct events *evs, const char *err)
{
	return gap_todo_for(events_gap(evs), err);
}

const char *gap_todo_for(long long gap, const char *err)
{
	static char reason[200];
	bool skipped = err && (strstr(err, "skipped by the kernel") ||
			       strstr(err, "events lost"));
	bool unknown = err && strstr(err, "had no known sender");

	if (gap <= 0 && !skipped && !unknown)
		return NULL;
	snprintf(reason, sizeof(reason),
		 "the trace reported a gap (%lld probe runs skipped or records lost%s%s): exact only when every probe runs",
		 gap, skipped ? ", more on stderr" : "",
		 unknown ? ", bytes with no known sender" : "");
	tap_diag("%s", reason);
	return reason;
}

/* Does some fact name @pid as a sender? */
static bool fact_sender(const struct events *facts, long long pid)
{
	int i;

	for (i = 0; i < facts->n; i++)
		if (fj_has(&facts->ev[i], "sender") &&
		    fj_int(&facts->ev[i], "sender") == pid)
			return true;
	return false;
}

void pairing_tally(const struct events *evs, const struct events *facts,
		   const char *type, const char *comm,
		   struct pairing_tally *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < facts->n; i++) {
		const struct fj_object *f = &facts->ev[i];
		const struct fj_object *e;
		long long rcv = fj_int(f, "rcv");

		if (!fj_has(f, "rcv"))
			continue;
		t->facts++;
		e = events_nth(evs, type, rcv, 0, fj_int(f, "k"));
		if (!e || fj_int(e, "errno") != 0) {
			t->no_event++;
			continue;
		}
		if (fj_true(e, "sender_approx")) {
			t->approx++;
			if ((!fj_is_int(e, "sender_pid") ||
			     !fact_sender(facts, fj_int(e, "sender_pid"))) &&
			    t->approx_stray++ < 3)
				tap_diag("  receiver %lld, receive %lld at %lld: sender_approx, sender_pid %lld, the text said %lld",
					 rcv, fj_int(f, "k"), fj_int(e, "ts_ns"),
					 fj_is_int(e, "sender_pid") ?
					 fj_int(e, "sender_pid") : -1,
					 fj_int(f, "sender"));
		} else if (fj_is_int(e, "sender_pid") &&
			   fj_int(e, "sender_pid") == fj_int(f, "sender")) {
			t->exact++;
		} else if (t->wrong++ < 3) {
			tap_diag("  receiver %lld, receive %lld: sender_pid %lld, the text said %lld",
				 rcv, fj_int(f, "k"),
				 fj_is_int(e, "sender_pid") ?
				 fj_int(e, "sender_pid") : -1,
				 fj_int(f, "sender"));
		}
		if (!fj_is_int(e, "sender_pid"))
			continue;
		t->bad_time += !fj_is_int(e, "sent_ts_ns") ||
			       fj_int(e, "sent_ts_ns") > fj_int(e, "ts_ns") ||
			       !fj_is_int(e, "queued_ns") ||
			       fj_int(e, "queued_ns") < 0;
		t->bad_comm += strcmp(fj_str(e, "sender_comm"), comm) != 0;
	}
}

static long long ev_start(const struct fj_object *e)
{
	return fj_int(e, "ts_ns") - fj_int(e, "duration_ns");
}

static bool ev_overlap(const struct fj_object *a, const struct fj_object *b)
{
	return ev_start(a) < fj_int(b, "ts_ns") &&
	       ev_start(b) < fj_int(a, "ts_ns");
}

static bool queue_call(const struct fj_object *e, const char *send_type,
		       const char *recv_type, const char *queue_key,
		       const struct fj_object *r)
{
	return (event_is(e, send_type) || event_is(e, recv_type)) &&
	       fj_int(e, "errno") == 0 &&
	       fj_int(e, queue_key) == fj_int(r, queue_key);
}

/* Did @r overlap another call on its queue, or come after two sends of
 * its class from different processes that overlapped each other? */
static bool approx_by_overlap(const struct events *evs,
			      const struct fj_object *r, const char *send_type,
			      const char *recv_type, const char *queue_key,
			      const char *class_key)
{
	bool explained = false, typed = fj_is_int(r, class_key);
	int j, k;

	for (j = 0; j < evs->n && !explained; j++) {
		const struct fj_object *a = &evs->ev[j];

		if (a == r || !queue_call(a, send_type, recv_type, queue_key, r))
			continue;
		if (fj_int(a, "tid") != fj_int(r, "tid") && ev_overlap(a, r))
			explained = true;
		if (!event_is(a, send_type) || ev_start(a) >= fj_int(r, "ts_ns") ||
		    (typed && fj_int(a, class_key) != fj_int(r, class_key)))
			continue;
		for (k = 0; k < evs->n && !explained; k++) {
			const struct fj_object *b = &evs->ev[k];

			explained = b != a && event_is(b, send_type) &&
				    queue_call(b, send_type, recv_type,
					       queue_key, r) &&
				    fj_int(b, "pid") != fj_int(a, "pid") &&
				    (!typed || fj_int(b, class_key) ==
					       fj_int(r, class_key)) &&
				    ev_overlap(a, b);
		}
	}
	return explained;
}

/*
 * Is sender_approx receive @r uncertain because of the earlier guess @g
 * (Documentation/events-mq-shm.rst: "an earlier guess leaves the queue
 * uncertain")?  @g, sender_approx too, returned before @r on its queue,
 * took a message @r could have taken (its size, its class when both have
 * one), and that message's send entered before the send @r names returned,
 * or is the one @r names (the model gives a receive whose message a guess
 * took that guess's message).
 */
static bool follows_guess(const struct events *evs, const struct fj_object *r,
			  const struct fj_object *g, const char *send_type,
			  const char *recv_type, const char *queue_key,
			  const char *class_key)
{
	long long r_sent_end;
	int k;

	if (!event_is(g, recv_type) || !fj_true(g, "sender_approx") ||
	    !event_is(r, recv_type) ||
	    fj_int(g, queue_key) != fj_int(r, queue_key) ||
	    fj_int(g, "ts_ns") >= fj_int(r, "ts_ns") ||
	    fj_int(g, "bytes") != fj_int(r, "bytes") ||
	    (fj_is_int(g, class_key) && fj_is_int(r, class_key) &&
	     fj_int(g, class_key) != fj_int(r, class_key)) ||
	    !fj_is_int(g, "sent_ts_ns"))
		return false;
	if (!fj_is_int(r, "sent_ts_ns"))
		return false;
	if (fj_int(r, "sender_pid") == fj_int(g, "sender_pid") &&
	    fj_int(r, "sent_ts_ns") == fj_int(g, "sent_ts_ns"))
		return true;
	/* the return of the send @r names: its event, else @r's return */
	r_sent_end = fj_int(r, "ts_ns");
	for (k = 0; k < evs->n; k++) {
		const struct fj_object *s = &evs->ev[k];

		if (event_is(s, send_type) &&
		    fj_int(s, "pid") == fj_int(r, "sender_pid") &&
		    ev_start(s) == fj_int(r, "sent_ts_ns")) {
			r_sent_end = fj_int(s, "ts_ns");
			break;
		}
	}
	return fj_int(g, "sent_ts_ns") < r_sent_end;
}

int pairing_unexplained(const struct events *evs, const char *send_type,
			const char *recv_type, const char *queue_key,
			const char *class_key)
{
	bool *explained = calloc(evs->n ? evs->n : 1, sizeof(*explained));
	bool changed = true;
	int i, j, n = 0;

	if (!explained)
		tap_bail("out of memory");
	for (i = 0; i < evs->n; i++) {
		const struct fj_object *r = &evs->ev[i];

		explained[i] = !event_is(r, recv_type) ||
			       !fj_true(r, "sender_approx") ||
			       approx_by_overlap(evs, r, send_type, recv_type,
						 queue_key, class_key);
	}
	/* the rest may follow an earlier guess that is itself explained */
	while (changed) {
		changed = false;
		for (i = 0; i < evs->n; i++)
			for (j = 0; j < evs->n && !explained[i]; j++)
				if (j != i && explained[j] &&
				    follows_guess(evs, &evs->ev[i], &evs->ev[j],
						  send_type, recv_type,
						  queue_key, class_key))
					explained[i] = changed = true;
	}
	for (i = 0; i < evs->n; i++)
		if (!explained[i] && n++ < 3)
			tap_diag("  %s of tid %lld at %lld: sender_approx, but it overlapped nothing and followed no guess",
				 recv_type, fj_int(&evs->ev[i], "tid"),
				 fj_int(&evs->ev[i], "ts_ns"));
	free(explained);
	return n;
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

char *slurp(const char *path)
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
			tap_diag("not a JSON object: %s: %.200s", fj_error(),
				 line);
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

bool event_is(const struct fj_object *e, const char *type)
{
	return !strcmp(fj_str(e, "type"), type);
}

static bool matches(const struct fj_object *e, const char *type,
		    long long pid, long long ino)
{
	if (type && !event_is(e, type))
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

	for (i = 0; i < evs->n; i++) {
		if (!matches(&evs->ev[i], type, pid, ino))
			continue;
		if (!fj_is_int(&evs->ev[i], field)) {
			tap_diag("event %d (%s): key \"%s\" missing or not an integer",
				 i, fj_str(&evs->ev[i], "type"), field);
			return FJ_MISSING;
		}
		sum += fj_int(&evs->ev[i], field);
	}
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

/* Count the events matching (type, pid, ino) for which @bad() holds, and
 * show the first few with what their @key holds. */
static int events_not(const struct events *evs, const char *type,
		      long long pid, long long ino, const char *key,
		      const char *want,
		      bool (*bad)(const struct fj_object *, const char *,
				  const void *),
		      const void *arg)
{
	int i, n = 0;

	for (i = 0; i < evs->n; i++) {
		const struct fj_object *e = &evs->ev[i];
		char got[80];

		if (!matches(e, type, pid, ino) || !bad(e, key, arg))
			continue;
		if (n++ >= 3)
			continue;
		if (fj_is_int(e, key))
			snprintf(got, sizeof(got), "%lld", fj_int(e, key));
		else if (fj_is_str(e, key))
			fj_quote(fj_str(e, key), got, sizeof(got));
		else
			snprintf(got, sizeof(got), "%s", fj_kind(e, key));
		tap_diag("  event %d (%s): \"%s\" %s, expected %s", i,
			 fj_str(e, "type"), key, got, want);
	}
	return n;
}

static bool not_int(const struct fj_object *e, const char *key,
		    const void *want)
{
	return !fj_is_int(e, key) || fj_int(e, key) != *(const long long *)want;
}

static bool not_str(const struct fj_object *e, const char *key,
		    const void *want)
{
	return !fj_is_str(e, key) || strcmp(fj_str(e, key), want);
}

static bool not_bool(const struct fj_object *e, const char *key,
		     const void *want)
{
	return *(const bool *)want ? !fj_true(e, key) : !fj_false(e, key);
}

int events_not_int(const struct events *evs, const char *type, long long pid,
		   long long ino, const char *key, long long want)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", want);
	return events_not(evs, type, pid, ino, key, text, not_int, &want);
}

int events_not_str(const struct events *evs, const char *type, long long pid,
		   long long ino, const char *key, const char *want)
{
	char text[80];

	return events_not(evs, type, pid, ino, key,
			  fj_quote(want, text, sizeof(text)), not_str, want);
}

int events_not_bool(const struct events *evs, const char *type, long long pid,
		    long long ino, const char *key, bool want)
{
	return events_not(evs, type, pid, ino, key, want ? "true" : "false",
			  not_bool, &want);
}

/*
 * The hooks an event may name in "tier" when --probe forced a tier: what
 * the family's programs on that tier really attach to.  Signals have no
 * function to hook on any tier: their tracepoints, through tp_btf or
 * raw_tp (or the classic tracepoint), serve every tier.  The tracepoint
 * tier of the other families uses syscall tracepoints, classic or through
 * tp_btf/raw_tp sys_enter/sys_exit.
 */
static const struct tier_hooks {
	const char *families;	/* space-separated */
	const char *tier;	/* --probe */
	const char *hooks;	/* accepted "tier" values, space-separated */
} tier_hooks[] = {
	{ "pipe sem msg", "fentry",	"fentry" },
	{ "pipe sem msg", "kprobe",	"kprobe" },
	{ "pipe sem msg", "tracepoint",	"tracepoint tp_btf raw_tp" },
	{ "signal",	  "fentry",	"tp_btf raw_tp tracepoint" },
	{ "signal",	  "kprobe",	"tp_btf raw_tp tracepoint" },
	{ "signal",	  "tracepoint",	"tp_btf raw_tp tracepoint" },
	{ "unix",	  "fentry",	"fentry" },
	{ "unix",	  "kprobe",	"kprobe" },
	{ "unix",	  "tracepoint",	"tracepoint tp_btf raw_tp" },
	{ "mq",		  "fentry",	"fentry" },
	{ "mq",		  "kprobe",	"kprobe" },
	{ "mq",		  "tracepoint",	"tp_btf raw_tp" },
	{ "shm memfd",	  "fentry",	"tp_btf raw_tp" },
	{ "shm memfd",	  "kprobe",	"tp_btf raw_tp" },
	{ "shm memfd",	  "tracepoint",	"tp_btf raw_tp" },
};

/* The family of an event type: its name up to the first '_', with the
 * SysV calls (semop, msgsnd, msgrcv, shmget, ...) named by their first
 * three letters. */
static void family_of(const char *type, char *family, size_t len)
{
	size_t n = strcspn(type, "_");

	if (!strncmp(type, "sem", 3) || !strncmp(type, "msg", 3) ||
	    !strncmp(type, "shm", 3))
		n = 3;
	if (!strcmp(type, "mmap") || !strcmp(type, "munmap")) {
		snprintf(family, len, "shm");
		return;
	}
	snprintf(family, len, "%.*s", (int)n, type);
}

static bool word_in(const char *word, const char *list)
{
	size_t len = strlen(word);
	const char *p;

	if (!len)
		return false;
	for (p = list; (p = strstr(p, word)); p += len)
		if ((p == list || p[-1] == ' ') &&
		    (p[len] == ' ' || p[len] == '\0'))
			return true;
	return false;
}

const char *tier_hooks_accepted(const char *family, const char *tier)
{
	size_t i;

	for (i = 0; i < sizeof(tier_hooks) / sizeof(tier_hooks[0]); i++)
		if (word_in(family, tier_hooks[i].families) &&
		    !strcmp(tier, tier_hooks[i].tier))
			return tier_hooks[i].hooks;
	return NULL;
}

int events_wrong_tier_for(const struct events *evs, const char *tier)
{
	int i, n = 0;

	for (i = 0; i < evs->n; i++) {
		const struct fj_object *e = &evs->ev[i];
		const char *type = fj_str(e, "type"), *hooks;
		char family[32];

		if (!strcmp(type, "lost") || !strcmp(type, "missed"))
			continue;
		family_of(type, family, sizeof(family));
		hooks = tier_hooks_accepted(family, tier);
		if (hooks && word_in(fj_str(e, "tier"), hooks))
			continue;
		if (n++ < 3)
			tap_diag("  event %d (%s): \"tier\" %s, --probe %s accepts: %s",
				 i, type, fj_str(e, "tier"), tier,
				 hooks ? hooks : "nothing (unknown family)");
	}
	return n;
}

int events_wrong_tier(const struct events *evs)
{
	const char *want = probe_tier();

	if (!strcmp(want, "auto"))
		return 0;
	return events_wrong_tier_for(evs, want);
}

/* ---- the collector -------------------------------------------------------- */

int tracer_try_start(struct tracer *t, const char *const *args)
{
	return tracer_try_start_verb(t, "trace", args);
}

int tracer_try_start_verb(struct tracer *t, const char *verb,
			  const char *const *args)
{
	const char *argv[64];
	int argc = 0, i;
	double deadline;

	memset(t, 0, sizeof(*t));
	make_temp(t->out_path, sizeof(t->out_path), "out");
	make_temp(t->err_path, sizeof(t->err_path), "err");
	argv[argc++] = ipcscope_bin();
	argv[argc++] = verb;
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
	deadline = mono_now() + start_timeout_s();
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
	/* the kernel said it skipped runs: exact checks may fail from here */
	if (!tap_gap_todo)
		tap_gap_todo = gap_todo(&t->events, t->err_text);
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
	tap_diag("the workload reported no \"%s\"", key);
	return FJ_MISSING;
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
