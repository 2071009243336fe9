// SPDX-License-Identifier: GPL-2.0
/*
 * SysV semaphore ping-pong between two processes: semaphore 0 wakes the
 * child, semaphore 1 wakes the parent.  One op is one round trip: four
 * semop() calls.
 */
#include <sys/ipc.h>
#include <sys/sem.h>
#include "bench.h"

static void sem_add(int id, unsigned short num, short delta)
{
	struct sembuf op = { .sem_num = num, .sem_op = delta };

	while (semop(id, &op, 1)) {
		if (errno != EINTR)
			bench_die("semop");
	}
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct bench_shared *sh;
	unsigned long long ops = 0, start, end;
	pid_t pids[2];
	int id;

	bench_parse(argc, argv, &o, "sem-pingpong");
	bench_init();
	sh = bench_shared_new();
	id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	if (id < 0)
		bench_die("semget");
	pids[0] = getpid();
	pids[1] = fork();
	if (pids[1] < 0)
		bench_die("fork");
	if (!pids[1]) {
		unsigned long long ev = 0;

		for (;;) {
			sem_add(id, 0, -1);
			ev++;
			if (sh->stop)
				break;
			sem_add(id, 1, 1);
			ev++;
		}
		sh->events = ev;
		_exit(0);
	}
	bench_ready(pids, 2);

	start = bench_now_ns();
	while (!bench_done(&o, ops, start, 63)) {
		sem_add(id, 0, 1);
		sem_add(id, 1, -1);
		ops++;
	}
	sh->stop = 1;
	sem_add(id, 0, 1);
	bench_wait_child(pids[1]);
	end = bench_now_ns();
	semctl(id, 0, IPC_RMID);
	bench_report("sem-pingpong", ops, end - start, 2 * ops + 1 + sh->events);
	return 0;
}
