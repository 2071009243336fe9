// SPDX-License-Identifier: GPL-2.0
/*
 * `ipcscope sysv`: tasks put to sleep on a semaphore set and a message
 * queue in known ways, every field of every sleeper checked, the objects
 * checked against /proc/sysvipc and the kernel's own waiter counts
 * (semctl GETNCNT/GETZCNT, and `ipcs -s -i` where there is one); then
 * the sleepers released (each must complete its call as planned) and
 * checked gone.
 *
 * Semaphore set (2 semaphores, values 0 and 1):
 *   sysv-p      semop {0, -1, 0}                 P on a zero semaphore
 *   sysv-zero   semop {1, 0, 0}                  waits for zero on 1
 *   sysv-multi  semop {1, -1, SEM_UNDO} {0, -1, 0}  blocks on the second
 * Message queue (msg_qbytes 100, one 60-byte message of type 5 in it):
 *   sysv-rcv3   msgrcv msgtyp 3, bufsz 128
 *   sysv-rcvm2  msgrcv msgtyp -2, MSG_NOERROR
 *   sysv-rcvx5  msgrcv msgtyp 5, MSG_EXCEPT, bufsz 64
 *   sysv-snd60  msgsnd 60 bytes of type 3 (does not fit: 60 + 60 > 100)
 * A second set (1 semaphore, value 0), removed while a task sleeps on it:
 *   sysv-many   a thread (tid != pid) in semtimedop with 20 operations
 *               {0, -1, 0}: the first 16 listed, the rest counted
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include "harness.h"

#define MAX_WAITERS	8
#define MANY_SOPS	20
#define NR_SEMOP	65
#define NR_MSGSND	69
#define NR_MSGRCV	70

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

struct msgbuf128 {
	long mtype;
	char mtext[128];
};

static int semid = -1, msqid = -1, many_semid = -1;

static void cleanup(void)
{
	if (semid >= 0)
		semctl(semid, 0, IPC_RMID);
	if (many_semid >= 0)
		semctl(many_semid, 0, IPC_RMID);
	if (msqid >= 0)
		msgctl(msqid, IPC_RMID, NULL);
}

/* ---- the sleepers ------------------------------------------------------- */

static pid_t child_semop(const char *comm, struct sembuf *sops, size_t n)
{
	pid_t pid = fork();

	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid)
		return pid;
	prctl(PR_SET_NAME, comm);
	_exit(semop(semid, sops, n) ? 10 + errno % 100 : 0);
}

static void *many_thread(void *arg)
{
	struct timespec timeout = { .tv_sec = 600 };
	struct sembuf ops[MANY_SOPS];
	int i;

	(void)arg;
	for (i = 0; i < MANY_SOPS; i++)
		ops[i] = (struct sembuf){ 0, -1, 0 };
	prctl(PR_SET_NAME, "sysv-many");
	if (semtimedop(many_semid, ops, MANY_SOPS, &timeout))
		return (void *)(long)errno;
	return NULL;
}

/* A process whose second thread sleeps in semtimedop; exit 0 when that
 * ends with EIDRM (the set removed). */
static pid_t child_many(void)
{
	pid_t pid = fork();
	pthread_t t;
	void *ret;

	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid)
		return pid;
	if (pthread_create(&t, NULL, many_thread, NULL) ||
	    pthread_join(t, &ret))
		_exit(2);
	_exit((long)ret == EIDRM ? 0 : 1);
}

/* Receive with @msgtyp/@msgflg; exit 0 if a message of @want_type and
 * @want_len bytes came. */
static pid_t child_msgrcv(const char *comm, size_t bufsz, long msgtyp,
			  int msgflg, long want_type, ssize_t want_len)
{
	struct msgbuf128 m;
	pid_t pid = fork();
	ssize_t n;

	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid)
		return pid;
	prctl(PR_SET_NAME, comm);
	n = msgrcv(msqid, &m, bufsz, msgtyp, msgflg);
	_exit(n == want_len && m.mtype == want_type ? 0 : 1);
}

static pid_t child_msgsnd(const char *comm, long type, size_t len)
{
	struct msgbuf128 m = { .mtype = type };
	pid_t pid = fork();

	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid)
		return pid;
	prctl(PR_SET_NAME, comm);
	memset(m.mtext, 'x', len);
	_exit(msgsnd(msqid, &m, len, 0) ? 1 : 0);
}

/* /proc/PID: asleep ('S') inside syscall @nr. */
static bool asleep_in(pid_t pid, int nr)
{
	char path[64], *s, *rp;
	char state = 0;
	bool ok;
	int in = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	s = slurp(path);
	rp = strrchr(s, ')');
	if (rp)
		sscanf(rp + 1, " %c", &state);
	free(s);
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	s = slurp(path);
	sscanf(s, "%d", &in);
	ok = state == 'S' && in == nr;
	free(s);
	return ok;
}

static void wait_asleep(pid_t pid, int nr, const char *what)
{
	double end = mono_now() + 20;

	while (!asleep_in(pid, nr)) {
		if (mono_now() > end)
			tap_bail("%s (pid %d) did not fall asleep in syscall %d",
				 what, (int)pid, nr);
		usleep(5000);
	}
}

/* semctl(GETNCNT or GETZCNT) of semaphore @num reaches @want. */
static void wait_semcnt(int id, int cmd, int num, int want)
{
	double end = mono_now() + 20;

	while (semctl(id, num, cmd) != want) {
		if (mono_now() > end)
			tap_bail("set %d semaphore %d: %s stays %d, not %d", id,
				 num, cmd == GETNCNT ? "GETNCNT" : "GETZCNT",
				 semctl(id, num, cmd), want);
		usleep(5000);
	}
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- ipcscope's view ------------------------------------------------------ */

struct sysv_record {
	struct fj_object obj;
	struct fj_object w[MAX_WAITERS], s[MAX_WAITERS];
	int nw, ns;
	bool ok;
};

static void record_free(struct sysv_record *r)
{
	int i;

	for (i = 0; i < r->nw; i++)
		fj_free(&r->w[i]);
	for (i = 0; i < r->ns; i++)
		fj_free(&r->s[i]);
	if (r->ok)
		fj_free(&r->obj);
	memset(r, 0, sizeof(*r));
}

/* From `ipcscope sysv -f json` output: the line of (@kind, @id). */
static void find_record(const char *out, const char *kind, int id,
			struct sysv_record *r)
{
	const char *line = out;

	memset(r, 0, sizeof(*r));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *copy = strndup(line, len);
		struct fj_object o;

		if (copy && !fj_parse(copy, &o)) {
			if (!strcmp(fj_str(&o, "kind"), kind) &&
			    fj_int(&o, "id") == id) {
				r->obj = o;
				r->ok = true;
			} else {
				fj_free(&o);
			}
		}
		free(copy);
		if (r->ok)
			break;
		line = nl ? nl + 1 : NULL;
	}
	if (!r->ok)
		return;
	if (!strcmp(kind, "sem")) {
		r->nw = fj_array(&r->obj, "waiters", r->w, MAX_WAITERS);
	} else {
		r->nw = fj_array(&r->obj, "receivers", r->w, MAX_WAITERS);
		r->ns = fj_array(&r->obj, "senders", r->s, MAX_WAITERS);
	}
}

static void run_sysv(const char *const *args, struct cmd_result *res)
{
	const char *argv[12] = { ipcscope_bin(), "sysv" };
	int i;

	for (i = 0; args[i] && i < 9; i++)
		argv[2 + i] = args[i];
	run_cmd(argv, res, 120);
}

/* The waiter of @pid in @v, or NULL. */
static const struct fj_object *by_pid(const struct fj_object *v, int n,
				      pid_t pid)
{
	int i;

	for (i = 0; i < n; i++)
		if (fj_int(&v[i], "pid") == pid)
			return &v[i];
	return NULL;
}

static void check_task(const struct fj_object *w, pid_t pid, const char *comm)
{
	tap_ok(w != NULL, "%s: listed (pid %d)", comm, (int)pid);
	tap_key_int(w, "tid", pid, "%s: tid is its pid", comm);
	tap_key_str(w, "comm", comm, "%s: comm", comm);
}

static void check_sop(const struct fj_object *w, int num, int op, int flg,
		      const char *what)
{
	tap_key_int(w, "sem_num", num, "%s: sem_num %d", what, num);
	tap_key_int(w, "sem_op", op, "%s: sem_op %d", what, op);
	tap_key_int(w, "sem_flg", flg, "%s: sem_flg %#o", what, flg);
}

/* The /proc/sysvipc line of @id: @n numbers of it into @v. */
static bool proc_sysvipc(const char *file, int id, long long *v, int n)
{
	char path[64], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sysvipc/%s", file);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		int i;

		for (i = 0; i < n; i++) {
			v[i] = strtoll(p, &end, i == 2 ? 8 : 10);
			if (end == p)
				break;
			p = end;
		}
		found = i == n && v[1] == id;
	}
	fclose(f);
	return found;
}

/* `ipcs -s -i ID` where there is an ipcs: ncount and zcount of @num. */
static bool ipcs_counts(int num, long long *ncount, long long *zcount)
{
	char idbuf[16];
	const char *argv[] = { "ipcs", "-s", "-i", idbuf, NULL };
	struct cmd_result res;
	const char *p;

	snprintf(idbuf, sizeof(idbuf), "%d", semid);
	run_cmd(argv, &res, 30);
	if (res.status)
		return false;
	for (p = res.out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		long long n, val, nc, zc;

		if (sscanf(p, "%lld %lld %lld %lld", &n, &val, &nc, &zc) == 4 &&
		    n == num) {
			*ncount = nc;
			*zcount = zc;
			return true;
		}
	}
	return false;
}

static void check_sem(const struct sysv_record *r, pid_t p, pid_t zero,
		      pid_t multi)
{
	const struct fj_object *w;
	struct fj_object sops[4];
	long long proc[5], nc, zc;
	int i, n;

	tap_ok(r->ok, "sem set %d: one record", semid);
	tap_key_str(&r->obj, "kind", "sem", "sem: kind");
	tap_key_int(&r->obj, "key", 0, "sem: key IPC_PRIVATE");
	tap_key_int(&r->obj, "uid", getuid(), "sem: uid");
	tap_key_int(&r->obj, "perms", 0600, "sem: perms 0600");
	tap_key_int(&r->obj, "nsems", 2, "sem: nsems 2");
	tap_is_int(r->nw, 3, "sem: 3 waiters");
	if (tap_ok(proc_sysvipc("sem", semid, proc, 5),
		   "sem: in /proc/sysvipc/sem")) {
		tap_key_int(&r->obj, "key", proc[0], "sem: key as /proc");
		tap_key_int(&r->obj, "perms", proc[2], "sem: perms as /proc");
		tap_key_int(&r->obj, "nsems", proc[3], "sem: nsems as /proc");
		tap_key_int(&r->obj, "uid", proc[4], "sem: uid as /proc");
	} else {
		tap_skip(4, "not in /proc/sysvipc/sem");
	}

	w = by_pid(r->w, r->nw, p);
	check_task(w, p, "sysv-p");
	check_sop(w, 0, -1, 0, "sysv-p");
	tap_key_int(w, "nsops", 1, "sysv-p: nsops 1");

	w = by_pid(r->w, r->nw, zero);
	check_task(w, zero, "sysv-zero");
	check_sop(w, 1, 0, 0, "sysv-zero (wait for zero)");
	tap_key_int(w, "nsops", 1, "sysv-zero: nsops 1");

	w = by_pid(r->w, r->nw, multi);
	check_task(w, multi, "sysv-multi");
	/* the flat fields are the operation it blocks on: the second */
	check_sop(w, 0, -1, 0, "sysv-multi (blocking op)");
	tap_key_int(w, "nsops", 2, "sysv-multi: nsops 2");
	n = w ? fj_array(w, "sops", sops, 4) : 0;
	tap_is_int(n, 2, "sysv-multi: both operations listed");
	if (n == 2) {
		check_sop(&sops[0], 1, -1, SEM_UNDO, "sysv-multi sops[0]");
		check_sop(&sops[1], 0, -1, 0, "sysv-multi sops[1]");
	} else {
		tap_skip(6, "no sops");
	}
	for (i = 0; i < n; i++)
		fj_free(&sops[i]);

	/* The kernel counts, per semaphore, the operation each task blocks
	 * on: 2 P's on semaphore 0, 1 wait for zero on semaphore 1. */
	tap_is_int(semctl(semid, 0, GETNCNT), 2, "kernel: GETNCNT(0) 2");
	tap_is_int(semctl(semid, 1, GETZCNT), 1, "kernel: GETZCNT(1) 1");
	if (ipcs_counts(0, &nc, &zc)) {
		tap_is_int(nc, 2, "ipcs -s -i: ncount of semaphore 0 is 2");
		tap_ok(ipcs_counts(1, &nc, &zc) && zc == 1,
		       "ipcs -s -i: zcount of semaphore 1 is 1");
	} else {
		tap_skip(2, "no ipcs here that shows one semaphore set");
	}
}

static void check_many(const struct sysv_record *r, pid_t many)
{
	const struct fj_object *w = r->nw == 1 ? &r->w[0] : NULL;
	struct fj_object sops[MANY_SOPS];
	char path[64];
	long long tid;
	int i, n;

	tap_ok(r->ok, "second set %d: one record", many_semid);
	tap_is_int(r->nw, 1, "second set: 1 waiter");
	tap_key_int(w, "pid", many, "sysv-many: pid is its process");
	tid = fj_int(w, "tid");
	snprintf(path, sizeof(path), "/proc/%d/task/%lld", (int)many, tid);
	tap_ok(tid > 0 && tid != many && !access(path, F_OK),
	       "sysv-many: tid %lld is its second thread", tid);
	tap_key_str(w, "comm", "sysv-many", "sysv-many: the thread's comm");
	check_sop(w, 0, -1, 0, "sysv-many (blocks on the first)");
	tap_key_int(w, "nsops", MANY_SOPS, "sysv-many: nsops %d", MANY_SOPS);
	n = w ? fj_array(w, "sops", sops, MANY_SOPS) : 0;
	tap_is_int(n, 16, "sysv-many: the first 16 operations listed");
	tap_key_true(w, "sops_truncated", "sysv-many: sops_truncated");
	for (i = 0; i < n; i++)
		fj_free(&sops[i]);
}

static void check_msg(const struct sysv_record *r, pid_t rcv3, pid_t rcvm2,
		      pid_t rcvx5, pid_t snd60)
{
	const struct fj_object *w;
	long long proc[5];

	tap_ok(r->ok, "msg queue %d: one record", msqid);
	tap_key_str(&r->obj, "kind", "msg", "msg: kind");
	tap_key_int(&r->obj, "key", 0, "msg: key IPC_PRIVATE");
	tap_key_int(&r->obj, "uid", getuid(), "msg: uid");
	tap_key_int(&r->obj, "perms", 0600, "msg: perms 0600");
	tap_key_int(&r->obj, "qnum", 1, "msg: qnum 1");
	tap_key_int(&r->obj, "cbytes", 60, "msg: cbytes 60");
	tap_key_int(&r->obj, "qbytes", 100, "msg: qbytes 100 (IPC_SET)");
	if (tap_ok(proc_sysvipc("msg", msqid, proc, 5),
		   "msg: in /proc/sysvipc/msg")) {
		tap_key_int(&r->obj, "key", proc[0], "msg: key as /proc");
		tap_key_int(&r->obj, "perms", proc[2], "msg: perms as /proc");
		tap_key_int(&r->obj, "cbytes", proc[3], "msg: cbytes as /proc");
		tap_key_int(&r->obj, "qnum", proc[4], "msg: qnum as /proc");
	} else {
		tap_skip(4, "not in /proc/sysvipc/msg");
	}
	tap_is_int(r->nw, 3, "msg: 3 receivers");
	tap_ok(r->nw == 3 && fj_int(&r->w[0], "pid") == rcv3 &&
	       fj_int(&r->w[1], "pid") == rcvm2 &&
	       fj_int(&r->w[2], "pid") == rcvx5,
	       "msg: receivers in the order they queued");
	tap_is_int(r->ns, 1, "msg: 1 sender");

	w = by_pid(r->w, r->nw, rcv3);
	check_task(w, rcv3, "sysv-rcv3");
	tap_key_int(w, "msgtyp", 3, "sysv-rcv3: msgtyp 3");
	tap_key_int(w, "msgflg", 0, "sysv-rcv3: msgflg 0");
	tap_key_int(w, "msgsz", 128, "sysv-rcv3: msgsz 128");

	w = by_pid(r->w, r->nw, rcvm2);
	check_task(w, rcvm2, "sysv-rcvm2");
	tap_key_int(w, "msgtyp", -2, "sysv-rcvm2: msgtyp -2");
	tap_key_int(w, "msgflg", MSG_NOERROR, "sysv-rcvm2: msgflg MSG_NOERROR");
	tap_key_null(w, "msgsz", "sysv-rcvm2: no msgsz kept with MSG_NOERROR");

	w = by_pid(r->w, r->nw, rcvx5);
	check_task(w, rcvx5, "sysv-rcvx5");
	tap_key_int(w, "msgtyp", 5, "sysv-rcvx5: msgtyp 5");
	tap_key_int(w, "msgflg", MSG_EXCEPT, "sysv-rcvx5: msgflg MSG_EXCEPT");
	tap_key_int(w, "msgsz", 64, "sysv-rcvx5: msgsz 64");

	w = by_pid(r->s, r->ns, snd60);
	check_task(w, snd60, "sysv-snd60");
	tap_key_int(w, "msgsz", 60, "sysv-snd60: msgsz 60");
}

static void check_cli(void)
{
	const char *bad_fmt[] = { "-f", "xml", NULL };
	const char *bad_id[] = { "--id", "-3", NULL };
	const char *bad_type[] = { "-t", "shm", NULL };
	const char *extra[] = { "now", NULL };
	struct cmd_result res;

	run_sysv(bad_fmt, &res);
	tap_cmd_error(&res, 2, "format", "sysv -f xml");
	run_sysv(bad_id, &res);
	tap_cmd_error(&res, 2, "invalid id", "sysv --id -3");
	run_sysv(bad_type, &res);
	tap_cmd_error(&res, 2, "unknown type", "sysv -t shm");
	run_sysv(extra, &res);
	tap_cmd_error(&res, 2, "unexpected argument", "sysv now");
}

int main(void)
{
	struct sembuf sop_p[] = { { 0, -1, 0 } };
	struct sembuf sop_zero[] = { { 1, 0, 0 } };
	struct sembuf sop_multi[] = { { 1, -1, SEM_UNDO }, { 0, -1, 0 } };
	struct sembuf sop_v[] = { { 0, 2, 0 } };
	unsigned short vals[2] = { 0, 1 };
	union semun arg = { .array = vals };
	struct msgbuf128 m = { .mtype = 5 };
	struct msqid_ds ds;
	pid_t p, zero, multi, rcv3, rcvm2, rcvx5, snd60, many;
	const char *all_json[] = { "-f", "json", NULL };
	char idbuf[16];
	const char *text_sem[] = { "--id", idbuf, "-t", "sem", NULL };
	const char *blocked[] = { "-b", "-f", "json", NULL };
	struct cmd_result res;
	struct sysv_record r;
	int n;

	require_root();
	tap_plan(130);
	atexit(cleanup);
	check_cli();

	semid = semget(IPC_PRIVATE, 2, 0600);
	many_semid = semget(IPC_PRIVATE, 1, 0600);
	msqid = msgget(IPC_PRIVATE, 0600);
	if (semid < 0 || many_semid < 0 || msqid < 0)
		tap_bail("semget/msgget: %s", strerror(errno));
	if (semctl(semid, 0, SETALL, arg))
		tap_bail("semctl SETALL: %s", strerror(errno));
	if (msgctl(msqid, IPC_STAT, &ds))
		tap_bail("msgctl IPC_STAT: %s", strerror(errno));
	ds.msg_qbytes = 100;
	if (msgctl(msqid, IPC_SET, &ds))
		tap_bail("msgctl IPC_SET: %s", strerror(errno));
	memset(m.mtext, 'q', 60);
	if (msgsnd(msqid, &m, 60, IPC_NOWAIT))
		tap_bail("msgsnd: %s", strerror(errno));

	/* one at a time, so the queues' order is known */
	p = child_semop("sysv-p", sop_p, 1);
	wait_semcnt(semid, GETNCNT, 0, 1);
	zero = child_semop("sysv-zero", sop_zero, 1);
	wait_semcnt(semid, GETZCNT, 1, 1);
	multi = child_semop("sysv-multi", sop_multi, 2);
	wait_semcnt(semid, GETNCNT, 0, 2);
	many = child_many();
	wait_semcnt(many_semid, GETNCNT, 0, 1);
	rcv3 = child_msgrcv("sysv-rcv3", 128, 3, 0, 3, 60);
	wait_asleep(rcv3, NR_MSGRCV, "sysv-rcv3");
	rcvm2 = child_msgrcv("sysv-rcvm2", 128, -2, MSG_NOERROR, 1, 10);
	wait_asleep(rcvm2, NR_MSGRCV, "sysv-rcvm2");
	rcvx5 = child_msgrcv("sysv-rcvx5", 64, 5, MSG_EXCEPT, 7, 20);
	wait_asleep(rcvx5, NR_MSGRCV, "sysv-rcvx5");
	snd60 = child_msgsnd("sysv-snd60", 3, 60);
	wait_asleep(snd60, NR_MSGSND, "sysv-snd60");

	run_sysv(all_json, &res);
	if (!tap_is_int(res.status, 0, "sysv -f json: status 0"))
		tap_diag("stderr: %s", res.err);
	find_record(res.out, "sem", semid, &r);
	check_sem(&r, p, zero, multi);
	record_free(&r);
	find_record(res.out, "sem", many_semid, &r);
	check_many(&r, many);
	record_free(&r);
	find_record(res.out, "msg", msqid, &r);
	check_msg(&r, rcv3, rcvm2, rcvx5, snd60);
	record_free(&r);

	/* text: the set's line and one line per waiter, nothing else */
	snprintf(idbuf, sizeof(idbuf), "%d", semid);
	run_sysv(text_sem, &res);
	n = 0;
	for (const char *l = res.out; l && *l;
	     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		n++;
	tap_is_int(n, 2 + 1 + 3, "text --id SEMID -t sem: heading (2 lines), the set, 3 waiters");
	tap_ok(strstr(res.out, "sysv-multi") &&
	       strstr(res.out, "(semop of 2: 1/-1/010000 0/-1/0)"),
	       "text: sysv-multi's two operations");
	if (!strstr(res.out, "sysv-multi"))
		tap_diag("text: %s", res.out);

	tap_is_int(semctl(many_semid, 0, IPC_RMID), 0, "second set removed");
	tap_is_int(reap(many), 0, "sysv-many: woken with EIDRM");
	/* release: V(2) on semaphore 0 lets both P's through, and
	 * sysv-multi's -1 on semaphore 1 lets the wait for zero through */
	if (semop(semid, sop_v, 1))
		tap_bail("semop V: %s", strerror(errno));
	tap_is_int(reap(p), 0, "sysv-p: its semop completed");
	tap_is_int(reap(multi), 0, "sysv-multi: its semop completed");
	tap_is_int(reap(zero), 0, "sysv-zero: its wait for zero completed");
	/* taking the type 5 message makes room: the sender's type 3 goes
	 * to sysv-rcv3; then type 1 to sysv-rcvm2 (<= 2), type 7 to
	 * sysv-rcvx5 (not 5) */
	tap_is_int(msgrcv(msqid, &m, sizeof(m.mtext), 5, IPC_NOWAIT), 60,
		   "the type 5 message taken");
	tap_is_int(reap(snd60), 0, "sysv-snd60: its msgsnd completed");
	tap_is_int(reap(rcv3), 0, "sysv-rcv3: got the 60-byte type 3");
	m.mtype = 1;
	tap_is_int(msgsnd(msqid, &m, 10, IPC_NOWAIT), 0, "type 1 sent");
	tap_is_int(reap(rcvm2), 0, "sysv-rcvm2: got the 10-byte type 1");
	m.mtype = 7;
	tap_is_int(msgsnd(msqid, &m, 20, IPC_NOWAIT), 0, "type 7 sent");
	tap_is_int(reap(rcvx5), 0, "sysv-rcvx5: got the 20-byte type 7");

	run_sysv(all_json, &res);
	find_record(res.out, "sem", many_semid, &r);
	tap_ok(!r.ok, "after: the removed set is gone");
	record_free(&r);
	find_record(res.out, "sem", semid, &r);
	tap_ok(r.ok, "after: the set is still listed");
	tap_is_int(r.nw, 0, "after: no semaphore waiters");
	record_free(&r);
	find_record(res.out, "msg", msqid, &r);
	tap_ok(r.ok, "after: the queue is still listed");
	tap_is_int(r.nw, 0, "after: no receivers");
	tap_is_int(r.ns, 0, "after: no senders");
	tap_key_int(&r.obj, "qnum", 0, "after: qnum 0");
	tap_key_int(&r.obj, "cbytes", 0, "after: cbytes 0");
	record_free(&r);

	run_sysv(blocked, &res);
	find_record(res.out, "sem", semid, &r);
	tap_ok(!r.ok && res.status == 0, "after: -b leaves the set out");
	record_free(&r);
	find_record(res.out, "msg", msqid, &r);
	tap_ok(!r.ok, "after: -b leaves the queue out");
	record_free(&r);
	return tap_done();
}
