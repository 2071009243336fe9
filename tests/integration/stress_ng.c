// SPDX-License-Identifier: GPL-2.0
/*
 * Cross-check with stress-ng (Debian's 0.15): a short run of its sem-sysv,
 * msg and sigq stressors, each stopped after a known number of bogo ops,
 * traced at the same time; ipcscope's per-process counts must agree with
 * the bogo ops stress-ng reports.  stress-ng is on the host only: in the
 * VMs of the matrix this program skips.
 *
 * What one bogo op is, read from stress-ng 0.15.06's sources:
 *
 *  sem-sysv  two worker processes (comm "stress-ng-sem-s") each loop on
 *            { semtimedop(P: sem 0, -1, SEM_UNDO, 1 s timeout);
 *              semop(V: sem 0, +1) unless P timed out (EAGAIN);
 *              bogo op++ unless told to stop }, so each worker's last P
 *            is not counted: bogo <= P events <= bogo + 2.  (Around the
 *            loop they also issue invalid semops on purpose: EINVAL,
 *            E2BIG, EFBIG, a 300-op call; those are not P's.)  The two
 *            workers bump one shared counter without atomics, so a rare
 *            lost increment may add to the slack; 1% is allowed for it.
 *  msg       one bogo op at set-up, then the parent (the sender) counts one
 *            per successful msgsnd of 4 bytes of mtype 1: those msgsnd
 *            events = bogo - 1 exactly.  (It then sends three malformed
 *            messages, and its child receives; neither is counted.)
 *  sigq      the parent counts one per sigqueue(child, SIGUSR1) and sends
 *            one more, the termination notice: SIGUSR1 SI_QUEUE generate
 *            events from it = bogo + 1 exactly.  (Its invalid
 *            rt_sigqueueinfo calls fail before any signal is generated.)
 *            The child blocks SIGUSR1 and takes it with sigwaitinfo,
 *            which signal_deliver does not see; only the signals that
 *            arrive before it has blocked SIGUSR1 (the parent starts
 *            right after fork) reach its handler and show as delivered,
 *            so deliveries are bounded, not counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"

#define OPS 3000
#define STRESS_NG "/usr/bin/stress-ng"

/* "bogo-ops: N" of @stressor in stress-ng's YAML report, or -1. */
static long long yaml_bogo(const char *path, const char *stressor)
{
	char line[256], want[64];
	bool in = false;
	FILE *f = fopen(path, "re");
	long long n = -1;

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "- stressor: %s\n", stressor);
	while (fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " ");

		if (!strncmp(p, "- stressor:", 11))
			in = !strcmp(p, want);
		else if (in && !strncmp(p, "bogo-ops:", 9)) {
			n = atoll(p + 9);
			break;
		}
	}
	fclose(f);
	return n;
}

static bool comm_is(const struct fj_object *e, const char *comm)
{
	const char *c = fj_str(e, "comm");

	return c && !strcmp(c, comm);
}

/* The 1 s-timeout P of sem-sysv's loop: sem 0, -1, done or timed out. */
static bool is_counted_p(const struct fj_object *e)
{
	const struct fj_value *ops = fj_get(e, "ops");
	struct fj_object op;
	bool p;

	if (fj_int(e, "nsops") != 1 || fj_int(e, "timeout_ns") != 1000000000LL ||
	    (fj_int(e, "errno") != 0 && fj_int(e, "errno") != EAGAIN) ||
	    !ops || fj_array_objects(ops->str, &op, 1) != 1)
		return false;
	p = fj_int(&op, "num") == 0 && fj_int(&op, "op") == -1;
	fj_free(&op);
	return p;
}

#define MAX_PIDS 16

struct per_pid {
	long long pid[MAX_PIDS];
	long long n[MAX_PIDS];
	int npids;
};

static void add(struct per_pid *pp, long long pid)
{
	int i;

	for (i = 0; i < pp->npids; i++)
		if (pp->pid[i] == pid)
			break;
	if (i == pp->npids) {
		if (pp->npids == MAX_PIDS)
			return;
		pp->pid[pp->npids] = pid;
		pp->n[pp->npids++] = 0;
	}
	pp->n[i]++;
}

static long long total(const struct per_pid *pp)
{
	long long sum = 0;
	int i;

	for (i = 0; i < pp->npids; i++)
		sum += pp->n[i];
	return sum;
}

static void show(const char *what, const struct per_pid *pp)
{
	char line[512];
	size_t off = 0;
	int i;

	for (i = 0; i < pp->npids && off < sizeof(line); i++)
		off += snprintf(line + off, sizeof(line) - off, " pid %lld: %lld",
				pp->pid[i], pp->n[i]);
	tap_diag("%s per process:%s", what, off ? line : " none");
}

int main(void)
{
	const char *kernel = getenv("IPCSCOPE_KERNEL");
	char yaml[] = "/tmp/ipcscope-stress-ng-XXXXXX";
	char ops[16];
	struct per_pid sem = { 0 }, snd = { 0 }, sigq = { 0 };
	long long bogo_sem, bogo_msg, bogo_sigq, lost = 0;
	struct cmd_result r;
	struct tracer t;
	int fd, i, deliver = 0;

	require_root();
	if (kernel && strcmp(kernel, "host"))
		tap_skip_all("stress-ng runs on the host only, not in the %s VM",
			     kernel);
	if (access(STRESS_NG, X_OK))
		tap_skip_all("%s is not installed (Debian package stress-ng)",
			     STRESS_NG);
	tap_plan(7);
	fd = mkstemp(yaml);
	if (fd < 0)
		tap_bail("mkstemp");
	close(fd);
	snprintf(ops, sizeof(ops), "%d", OPS);
	/* everything, filtered below by comm: stress-ng picks its pids */
	tracer_start(&t, (const char *[]){ "-t", "sem,msg,signal", "--sig",
					  "USR1", "--ringbuf-size", "65536",
					  NULL });
	run_cmd((const char *[]){ STRESS_NG, "--sem-sysv", "1",
				  "--sem-sysv-ops", ops, "--msg", "1",
				  "--msg-ops", ops, "--sigq", "1",
				  "--sigq-ops", ops, "--timeout", "60",
				  "--metrics-brief", "--yaml", yaml, NULL },
		&r, 120);
	tracer_stop(&t);
	tap_is_int(r.status, 0, "stress-ng ran its three stressors");
	bogo_sem = yaml_bogo(yaml, "sem-sysv");
	bogo_msg = yaml_bogo(yaml, "msg");
	bogo_sigq = yaml_bogo(yaml, "sigq");
	tap_diag("stress-ng bogo ops: sem-sysv %lld, msg %lld, sigq %lld",
		 bogo_sem, bogo_msg, bogo_sigq);

	for (i = 0; i < t.events.n; i++) {
		const struct fj_object *e = &t.events.ev[i];
		const char *type = fj_str(e, "type");

		if (!strcmp(type, "lost"))
			lost += fj_int(e, "count");
		else if (!strcmp(type, "semop") &&
			 comm_is(e, "stress-ng-sem-s") && is_counted_p(e))
			add(&sem, fj_int(e, "pid"));
		else if (!strcmp(type, "msgsnd") && comm_is(e, "stress-ng-msg") &&
			 fj_int(e, "errno") == 0 && fj_int(e, "requested") == 4 &&
			 fj_int(e, "mtype") == 1)
			add(&snd, fj_int(e, "pid"));
		else if (!strcmp(type, "signal_generate") &&
			 comm_is(e, "stress-ng-sigq") &&
			 !strcmp(fj_str(e, "code_name"), "SI_QUEUE"))
			add(&sigq, fj_int(e, "pid"));
		else if (!strcmp(type, "signal_deliver") &&
			 comm_is(e, "stress-ng-sigq"))
			deliver++;
	}
	show("sem-sysv P", &sem);
	show("msg msgsnd", &snd);
	show("sigq sigqueue", &sigq);
	tap_is_int(lost, 0, "no event lost");
	tap_ok(sem.npids == 2 && total(&sem) >= bogo_sem &&
	       total(&sem) <= bogo_sem + 2 + bogo_sem / 100,
	       "sem-sysv: %lld P's from 2 workers, between bogo ops %lld and that + 2 (+1%%)",
	       total(&sem), bogo_sem);
	tap_ok(snd.npids == 1 && total(&snd) == bogo_msg - 1,
	       "msg: one sender, %lld msgsnd = bogo ops %lld - 1", total(&snd),
	       bogo_msg);
	tap_ok(sigq.npids == 1 && total(&sigq) == bogo_sigq + 1,
	       "sigq: one sender, %lld SIGUSR1 SI_QUEUE = bogo ops %lld + 1",
	       total(&sigq), bogo_sigq);
	tap_ok(deliver <= total(&sigq),
	       "sigq: %d signal_deliver, at most one per sigqueue (the child mostly uses sigwaitinfo)",
	       deliver);
	tap_ok(bogo_sem >= OPS && bogo_msg >= OPS && bogo_sigq >= OPS,
	       "each stressor reached its %d bogo ops", OPS);
	unlink(yaml);
	tracer_free(&t);
	return tap_done();
}
