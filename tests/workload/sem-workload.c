// SPDX-License-Identifier: GPL-2.0
/*
 * SysV semaphore traffic whose numbers are known in advance, for the
 * integration tests.  Facts go to $IPCSCOPE_FACTS.
 *
 *   sem-workload pv N       N V/P pairs on one semaphore, none blocks; the
 *                           odd pairs use semtimedop with a 5 s timeout
 *   sem-workload block MS   a child's P sleeps until the parent's V, MS ms
 *                           after the child is seen asleep
 *   sem-workload errors     IPC_NOWAIT P on 0 (EAGAIN), a P whose set is
 *                           removed under it (EIDRM), 10 ops in one call
 *   sem-workload crowd N    N children asleep in P at once, released by
 *                           one V of +N
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "workload.h"

#define TIMEOUT_S 5

static int new_set(int nsems)
{
	int id = semget(IPC_PRIVATE, nsems, IPC_CREAT | 0600);

	if (id < 0)
		die("semget");
	return id;
}

static int sem_op(int id, unsigned short num, short op, short flg,
		  const struct timespec *timeout)
{
	struct sembuf sb = { .sem_num = num, .sem_op = op, .sem_flg = flg };

	return timeout ? semtimedop(id, &sb, 1, timeout) : semop(id, &sb, 1);
}

static int cmd_pv(int n)
{
	struct timespec ts = { TIMEOUT_S, 0 };
	int id = new_set(1), i, timed = 0;

	fact("{\"pid\":%d,\"semid\":%d,\"timeout_ns\":%lld}", getpid(), id,
	     TIMEOUT_S * 1000000000LL);
	pause_for_test();
	for (i = 0; i < n; i++) {
		const struct timespec *t = i % 2 ? &ts : NULL;

		if (sem_op(id, 0, 1, 0, t) || sem_op(id, 0, -1, 0, t))
			die("semop pair %d", i);
		timed += t != NULL;
	}
	fact("{\"pairs\":%d,\"timed_pairs\":%d}", n, timed);
	semctl(id, 0, IPC_RMID);
	return 0;
}

static int cmd_block(int ms)
{
	struct timespec nap = { ms / 1000, (ms % 1000) * 1000000L };
	int id = new_set(1), status;
	pid_t child;

	fflush(NULL);
	child = fork();
	if (child == 0) {
		/* stopped with the parent until the test continues both */
		raise(SIGSTOP);
		if (sem_op(id, 0, -1, 0, NULL))
			die("blocking P");
		_exit(0);
	}
	waitpid(child, &status, WUNTRACED);
	fact("{\"pid\":%d,\"child\":%d,\"semid\":%d,\"sleep_ms\":%d}",
	     getpid(), child, id, ms);
	pause_for_test();
	kill(child, SIGCONT);
	wait_blocked_in(child, SYS_semop, SYS_semtimedop);
	nanosleep(&nap, NULL);
	if (sem_op(id, 0, 1, 0, NULL))
		die("V");
	waitpid(child, &status, 0);
	semctl(id, 0, IPC_RMID);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}

/*
 * Ping-pong on two semaphores, @n rounds: A's V wakes B's P, B's V wakes
 * A's P.  Each V waits until its partner is asleep in its P, so every P
 * sleeps and is woken by the other process.
 */
static int cmd_pingpong(int n)
{
	int id = new_set(2), i, status;
	pid_t a = getpid(), b;

	fflush(NULL);
	b = fork();
	if (b == 0) {
		raise(SIGSTOP);
		for (i = 0; i < n; i++) {
			if (sem_op(id, 1, -1, 0, NULL))
				die("P by B");
			wait_blocked_in(a, SYS_semop, SYS_semtimedop);
			if (sem_op(id, 0, 1, 0, NULL))
				die("V by B");
		}
		_exit(0);
	}
	waitpid(b, &status, WUNTRACED);
	fact("{\"a\":%d,\"b\":%d,\"semid\":%d,\"rounds\":%d}", a, b, id,
	     n);
	pause_for_test();
	kill(b, SIGCONT);
	for (i = 0; i < n; i++) {
		wait_blocked_in(b, SYS_semop, SYS_semtimedop);
		if (sem_op(id, 1, 1, 0, NULL))
			die("V by A");
		if (sem_op(id, 0, -1, 0, NULL))
			die("P by A");
	}
	waitpid(b, &status, 0);
	semctl(id, 0, IPC_RMID);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}

/* A P that sleeps until its timeout (a timer, no task) wakes it, after
 * one that fails at once (IPC_NOWAIT: it never sleeps). */
static int cmd_timeout(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	int id = new_set(1), timed_out, nowait;

	fact("{\"pid\":%d,\"semid\":%d,\"timeout_ms\":%d}", getpid(), id,
	     ms);
	pause_for_test();
	nowait = sem_op(id, 0, -1, IPC_NOWAIT, NULL) ? errno : 0;
	timed_out = sem_op(id, 0, -1, 0, &ts) ? errno : 0;
	semctl(id, 0, IPC_RMID);
	fact("{\"nowait_errno\":%d,\"timed_errno\":%d}", nowait, timed_out);
	return nowait == EAGAIN && timed_out == EAGAIN ? 0 : 1;
}

static int cmd_errors(void)
{
	struct sembuf many[10];
	int id = new_set(10), rmid = new_set(1), i, status, eagain;
	pid_t child;

	fflush(NULL);
	child = fork();
	if (child == 0) {
		raise(SIGSTOP);
		/* blocks until the set goes away */
		if (sem_op(rmid, 0, -1, 0, NULL) == 0 || errno != EIDRM)
			die("expected EIDRM");
		_exit(0);
	}
	waitpid(child, &status, WUNTRACED);
	fact("{\"pid\":%d,\"child\":%d,\"semid\":%d,\"rm_semid\":%d}",
	     getpid(), child, id, rmid);
	pause_for_test();
	eagain = sem_op(id, 0, -1, IPC_NOWAIT, NULL) < 0 && errno == EAGAIN;
	for (i = 0; i < 10; i++)
		many[i] = (struct sembuf){ .sem_num = i, .sem_op = i + 1,
					   .sem_flg = i % 2 ? SEM_UNDO : 0 };
	if (semop(id, many, 10))
		die("10 ops");
	kill(child, SIGCONT);
	wait_blocked_in(child, SYS_semop, SYS_semtimedop);
	semctl(rmid, 0, IPC_RMID);
	waitpid(child, &status, 0);
	fact("{\"eagain\":%d,\"eidrm\":%d}", eagain,
	     WIFEXITED(status) && !WEXITSTATUS(status));
	semctl(id, 0, IPC_RMID);
	return 0;
}

static int cmd_crowd(int n)
{
	struct sembuf release = { .sem_num = 0, .sem_op = n };
	int id = new_set(1), i, ok;
	pid_t *kids = calloc(n, sizeof(*kids));

	if (!kids)
		die("calloc");
	fact("{\"pid\":%d,\"semid\":%d,\"waiters\":%d}", getpid(), id, n);
	pause_for_test();
	for (i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			die("fork");
		if (kids[i] == 0)
			_exit(sem_op(id, 0, -1, 0, NULL) ? 1 : 0);
	}
	/* all of them asleep in the kernel at the same time */
	for (i = 0; i < 100000 && semctl(id, 0, GETNCNT) < n; i++)
		usleep(1000);
	if (semctl(id, 0, GETNCNT) < n) {
		errno = ETIMEDOUT;
		die("only %d of %d children waiting", semctl(id, 0, GETNCNT), n);
	}
	if (semop(id, &release, 1))
		die("release");
	ok = reap_clean(kids, n);
	fact("{\"released\":%d}", ok);
	semctl(id, 0, IPC_RMID);
	free(kids);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "pv") && argc == 3)
		return cmd_pv(atoi(argv[2]));
	if (!strcmp(mode, "block") && argc == 3)
		return cmd_block(atoi(argv[2]));
	if (!strcmp(mode, "errors") && argc == 2)
		return cmd_errors();
	if (!strcmp(mode, "crowd") && argc == 3)
		return cmd_crowd(atoi(argv[2]));
	if (!strcmp(mode, "timeout") && argc == 3)
		return cmd_timeout(atoi(argv[2]));
	if (!strcmp(mode, "pingpong") && argc == 3)
		return cmd_pingpong(atoi(argv[2]));
	fprintf(stderr, "usage: sem-workload pv N | block MS | errors | crowd N | timeout MS\n");
	return 2;
}
