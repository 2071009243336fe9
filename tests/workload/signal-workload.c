// SPDX-License-Identifier: GPL-2.0
/*
 * Signals whose numbers are known in advance, for the integration tests.
 * Facts go to $IPCSCOPE_FACTS.  The parent sends, a child receives; the
 * child waits for SIGUSR2 ("go") in sigsuspend with the signal under test
 * blocked, so what is sent piles up exactly as the test wants.  The
 * harness's own SIGSTOP/SIGCONT are signals too: tests filter with --sig.
 *
 *   signal-workload rt N           N sigqueue(SIGRTMIN+1) to the child,
 *                                  queued while blocked, then handled
 *   signal-workload pending K MS   K kill(SIGUSR1) to the child while
 *                                  blocked (coalesced), handled MS ms
 *                                  after the first
 *   signal-workload ignored K      K kill(SIGUSR1) to a child that
 *                                  ignores it (SIG_IGN)
 *   signal-workload stopcont MS    SIGSTOP the child, SIGUSR1 it, SIGCONT
 *                                  it MS ms later: then it handles USR1
 *   signal-workload thread N       N tgkill(SIGRTMIN+2) from the main
 *                                  thread to a second thread of the same
 *                                  process, queued while it blocks them
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "workload.h"

static volatile sig_atomic_t go, handled, in_order = 1;

static void on_go(int sig)
{
	(void)sig;
	go = 1;
}

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	/* sigqueue values count up from 0: FIFO order is kept */
	if (si->si_code == SI_QUEUE && si->si_value.sival_int != handled)
		in_order = 0;
	handled++;
}

static void handle(int sig, bool ignore)
{
	struct sigaction sa = { .sa_flags = SA_SIGINFO | SA_RESTART };

	sigemptyset(&sa.sa_mask);
	if (ignore)
		sa.sa_handler = SIG_IGN;
	else
		sa.sa_sigaction = on_sig;
	if (sigaction(sig, &sa, NULL))
		die("sigaction %d", sig);
	sa.sa_flags = 0;
	sa.sa_handler = on_go;
	if (sigaction(SIGUSR2, &sa, NULL))
		die("sigaction SIGUSR2");
}

static void block(int sig, int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigprocmask(how, &set, NULL))
		die("sigprocmask");
}

/*
 * The child: wait for "go" with @sig still blocked, then let it in and
 * report how many times the handler ran.
 */
static void child_main(int sig, int expect)
{
	sigset_t wait_mask;
	int i;

	sigprocmask(SIG_SETMASK, NULL, &wait_mask);
	sigdelset(&wait_mask, SIGUSR2);
	while (!go)
		sigsuspend(&wait_mask);
	block(sig, SIG_UNBLOCK);
	/* pending signals are handled on the way out of sigprocmask; a
	 * few more chances in case the kernel delivers them later */
	for (i = 0; i < 100 && handled < expect; i++)
		usleep(1000);
	fact("{\"child\":%d,\"handled\":%d,\"in_order\":%d}", getpid(),
	     (int)handled, (int)in_order);
	_exit(0);
}

static pid_t spawn(int sig, int expect)
{
	pid_t child;

	fflush(NULL);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0)
		child_main(sig, expect);
	return child;
}

static int reap(pid_t child)
{
	int status;

	if (waitpid(child, &status, 0) != child)
		die("waitpid");
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}

static void sleep_ms(int ms)
{
	struct timespec nap = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&nap, NULL);
}

static int cmd_rt(int n)
{
	int sig = SIGRTMIN + 1, i;
	pid_t child;

	handle(sig, false);
	block(sig, SIG_BLOCK);
	block(SIGUSR2, SIG_BLOCK);
	child = spawn(sig, n);
	fact("{\"pid\":%d,\"child\":%d,\"sig\":%d}", getpid(), child, sig);
	pause_for_test();
	for (i = 0; i < n; i++) {
		union sigval v = { .sival_int = i };

		if (sigqueue(child, sig, v))
			die("sigqueue %d", i);
	}
	kill(child, SIGUSR2);
	fact("{\"sent\":%d}", n);
	return reap(child);
}

static int cmd_pending(int k, int ms)
{
	int i;
	pid_t child;

	handle(SIGUSR1, false);
	block(SIGUSR1, SIG_BLOCK);
	block(SIGUSR2, SIG_BLOCK);
	child = spawn(SIGUSR1, 1);
	fact("{\"pid\":%d,\"child\":%d,\"sig\":%d,\"delay_ms\":%d}", getpid(),
	     child, SIGUSR1, ms);
	pause_for_test();
	for (i = 0; i < k; i++)
		kill(child, SIGUSR1);
	sleep_ms(ms);
	kill(child, SIGUSR2);
	fact("{\"sent\":%d}", k);
	return reap(child);
}

static int cmd_ignored(int k)
{
	int i;
	pid_t child;

	handle(SIGUSR1, true);
	block(SIGUSR2, SIG_BLOCK);
	child = spawn(SIGUSR1, 0);
	fact("{\"pid\":%d,\"child\":%d,\"sig\":%d}", getpid(), child,
	     SIGUSR1);
	pause_for_test();
	for (i = 0; i < k; i++)
		kill(child, SIGUSR1);
	kill(child, SIGUSR2);
	fact("{\"sent\":%d}", k);
	return reap(child);
}

static int cmd_stopcont(int ms)
{
	pid_t child;
	int status;

	handle(SIGUSR1, false);
	block(SIGUSR2, SIG_BLOCK);
	child = spawn(SIGUSR1, 1);
	fact("{\"pid\":%d,\"child\":%d,\"sig\":%d,\"stop_ms\":%d}", getpid(),
	     child, SIGUSR1, ms);
	pause_for_test();
	/* go first: the child then waits for USR1, which is not blocked */
	kill(child, SIGUSR2);
	kill(child, SIGSTOP);
	if (waitpid(child, &status, WUNTRACED) != child || !WIFSTOPPED(status))
		die("child did not stop");
	kill(child, SIGUSR1);
	sleep_ms(ms);
	kill(child, SIGCONT);
	return reap(child);
}

struct thread_arg {
	int sig;
	int expect;
	volatile pid_t tid;
};

/* The second thread: child_main's wait, without the _exit. */
static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	sigset_t wait_mask;
	int i;

	a->tid = syscall(SYS_gettid);
	sigprocmask(SIG_SETMASK, NULL, &wait_mask);
	sigdelset(&wait_mask, SIGUSR2);
	while (!go)
		sigsuspend(&wait_mask);
	block(a->sig, SIG_UNBLOCK);
	for (i = 0; i < 100 && handled < a->expect; i++)
		usleep(1000);
	return NULL;
}

static int cmd_thread(int n)
{
	struct thread_arg a = { .sig = SIGRTMIN + 2, .expect = n };
	pthread_t t;
	int i;

	handle(a.sig, false);
	/* both threads start with the signals blocked; only the second one
	 * lets them in, so each is taken by the thread it was sent to */
	block(a.sig, SIG_BLOCK);
	block(SIGUSR2, SIG_BLOCK);
	if (pthread_create(&t, NULL, thread_main, &a))
		die("pthread_create");
	while (!a.tid)
		usleep(1000);
	fact("{\"pid\":%d,\"tid\":%d,\"sig\":%d}", getpid(), (int)a.tid,
	     a.sig);
	pause_for_test();
	for (i = 0; i < n; i++)
		if (syscall(SYS_tgkill, getpid(), a.tid, a.sig))
			die("tgkill %d", i);
	syscall(SYS_tgkill, getpid(), a.tid, SIGUSR2);
	pthread_join(t, NULL);
	fact("{\"sent\":%d,\"handled\":%d}", n, (int)handled);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "rt") && argc == 3)
		return cmd_rt(atoi(argv[2]));
	if (!strcmp(mode, "pending") && argc == 4)
		return cmd_pending(atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(mode, "ignored") && argc == 3)
		return cmd_ignored(atoi(argv[2]));
	if (!strcmp(mode, "stopcont") && argc == 3)
		return cmd_stopcont(atoi(argv[2]));
	if (!strcmp(mode, "thread") && argc == 3)
		return cmd_thread(atoi(argv[2]));
	fprintf(stderr, "usage: signal-workload rt N | pending K MS | ignored K | stopcont MS | thread N\n");
	return 2;
}
