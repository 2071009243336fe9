// SPDX-License-Identifier: GPL-2.0
/*
 * How the collector ends: a closed stdout (| head), SIGTERM, -d, -n; and
 * ring-buffer overflow, where delivered + lost must equal the known number
 * of events exactly.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"

/* Start the tracer with stdout on a pipe we hold; wait for "tracing". */
static pid_t start_piped(const char *const *extra, int *out_fd)
{
	const char *argv[24] = { ipcscope_bin(), "trace", "-f", "json",
				 "--probe", probe_tier() };
	int out[2], err[2], argc = 6, i;
	char buf[4096];
	size_t have = 0;
	pid_t pid;

	for (i = 0; extra[i]; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	if (pipe(out) || pipe(err))
		tap_bail("pipe");
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	while (have < sizeof(buf) - 1) {
		ssize_t n = read(err[0], buf + have, sizeof(buf) - 1 - have);

		if (n <= 0)
			tap_bail("tracer ended before it was tracing");
		have += n;
		buf[have] = '\0';
		if (strstr(buf, "ipcscope: tracing"))
			break;
	}
	close(err[0]);
	*out_fd = out[0];
	return pid;
}

/* Wait up to @secs for @pid; its exit status, or -1 on timeout. */
static int wait_exit(pid_t pid, double secs)
{
	double end = mono_now() + secs;
	int status;

	while (mono_now() < end) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) :
			       128 + WTERMSIG(status);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void head_with_traffic(void)
{
	const char *argv[] = { "pipe-workload", "rw", "2000", NULL };
	struct workload w;
	char buf[65536], arg[16];
	int fd, lines = 0;
	size_t i;
	ssize_t n;
	pid_t pid;

	workload_start(&w, argv);
	snprintf(arg, sizeof(arg), "%lld", fact_int(&w, "pid"));
	pid = start_piped((const char *[]){ "-t", "pipe", "-p", arg, NULL },
			  &fd);
	workload_resume(&w);
	/* like head -n 5: read five lines, then close */
	while (lines < 5 && (n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < (size_t)n; i++)
			lines += buf[i] == '\n';
	close(fd);
	tap_is_int(wait_exit(pid, 30), 0,
		   "| head -n 5 with traffic: the tracer exits with status 0");
	workload_finish(&w);
	workload_free(&w);
}

struct feedback_tally {
	long long writer, reader, ino, out_ino;
	int lines, bad, writes, reads, echoes;
	long long lost;
};

static void tally_line(struct feedback_tally *c, const char *line)
{
	struct fj_object e;

	c->lines++;
	if (fj_parse(line, &e)) {
		if (c->bad++ < 3)
			tap_diag("  not a JSON object: %s: %.200s", fj_error(),
				 line);
		return;
	}
	/* what the kernel skipped or could not record is reported */
	if ((event_is(&e, "lost") || event_is(&e, "missed")) &&
	    fj_is_int(&e, "count"))
		c->lost += fj_int(&e, "count");
	c->echoes += fj_int(&e, "ino") == c->out_ino;
	if (fj_int(&e, "ino") == c->ino) {
		c->writes += event_is(&e, "pipe_write") &&
			     fj_int(&e, "pid") == c->writer;
		c->reads += event_is(&e, "pipe_read") &&
			    fj_int(&e, "pid") == c->reader;
	}
	fj_free(&e);
}

/*
 * The reader of the collector's output pipe is not traced: its reads
 * would be events, each event more output, each output more reads.  The
 * trace is of every pipe on the machine; the workload's own events in it
 * are known exactly.
 */
static void no_feedback(void)
{
	const char *argv[] = { "pipe-workload", "rw", "50", NULL };
	struct feedback_tally c = { 0 };
	static char buf[1 << 20];
	struct workload w;
	struct stat st;
	size_t have = 0;
	long long want_reads;
	const char *saved_gap;
	int fd, status;
	double end;
	pid_t pid;
	ssize_t n;

	workload_start(&w, argv);
	c.writer = fact_int(&w, "pid");
	c.reader = fact_int(&w, "reader");
	c.ino = fact_int(&w, "ino");
	pid = start_piped((const char *[]){ "-t", "pipe", NULL }, &fd);
	if (fstat(fd, &st))
		tap_bail("fstat");
	c.out_ino = st.st_ino;
	workload_finish(&w);
	want_reads = fact_int(&w, "reads");
	/* read until the workload's events are all here (slow VMs: up to
	 * 30 s), then half a second more for any echo */
	end = mono_now() + 30;
	while (mono_now() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char *line, *nl;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			break;
		have += n;
		buf[have] = '\0';
		for (line = buf; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			tally_line(&c, line);
		}
		have -= line - buf;
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1) {
			c.bad++;	/* a 1 MiB line: no line at all */
			have = 0;
		}
		if (c.writes >= 50 && c.reads >= want_reads &&
		    end > mono_now() + 0.5)
			end = mono_now() + 0.5;
	}
	close(fd);
	status = wait_exit(pid, 30);
	tap_diag("| reader: %d lines of the whole machine's pipes, %lld lost",
		 c.lines, c.lost);
	tap_is_int(c.bad, 0, "| reader: every line is one JSON object");
	/* the stream is read here, not by tracer_stop(): the same gap
	 * rule, for these counts only */
	saved_gap = tap_gap_todo;
	if (!tap_gap_todo)
		tap_gap_todo = gap_todo_for(c.lost, NULL);
	tap_is_int(c.writes, 50,
		   "| reader: the workload's 50 writes, each once");
	tap_is_int(c.reads, want_reads,
		   "| reader: each read the workload made, once");
	tap_gap_todo = saved_gap;
	tap_ok_strict(c.writes + c.reads + c.lost >= 50 + want_reads,
		      "| reader: the writes and reads, or the gap reported (%lld)",
		      c.lost);
	tap_is_int(c.echoes, 0,
		   "| reader: no event on the output pipe itself");
	tap_is_int(status, 0, "and the tracer exits 0 when it goes away");
	workload_free(&w);
}

static void head_idle(void)
{
	int fd, status;
	pid_t pid;

	/* no pipe has inode 1: nothing will ever be written to stdout */
	pid = start_piped((const char *[]){ "--ino", "1", NULL }, &fd);
	close(fd);
	status = wait_exit(pid, 30);
	tap_is_int(status, 0,
		   "stdout closed with no events at all: exits with status 0");
}

static void sigterm(void)
{
	int fd, status;
	pid_t pid;

	pid = start_piped((const char *[]){ "--ino", "1", NULL }, &fd);
	kill(pid, SIGTERM);
	status = wait_exit(pid, 30);
	close(fd);
	tap_is_int(status, 0, "SIGTERM: exits with status 0");
}

/*
 * SIGTERM while stdout is a pipe nobody reads and the collector has more
 * to write than it holds: the stop must not wait on the reader.
 */
static void sigterm_unread_stdout(void)
{
	const char *argv[] = { "pipe-workload", "rw", "5000", NULL };
	struct workload w;
	char arg[16];
	int fd, status;
	pid_t pid;

	workload_start(&w, argv);
	snprintf(arg, sizeof(arg), "%lld", fact_int(&w, "pid"));
	pid = start_piped((const char *[]){ "-t", "pipe", "-p", arg, NULL },
			  &fd);
	workload_resume(&w);
	workload_finish(&w);	/* 10000 events: megabytes for a 64 KiB pipe */
	usleep(300000);		/* past --max-delay: the collector is writing */
	kill(pid, SIGTERM);
	status = wait_exit(pid, 10);
	close(fd);
	tap_is_int(status, 0,
		   "SIGTERM with stdout full and unread: exits with status 0");
	workload_free(&w);
}

static void duration_and_count(void)
{
	const char *dargv[] = { ipcscope_bin(), "trace", "--probe",
				probe_tier(), "--ino", "1", "-d", "1",
				"--max-delay", "60000", NULL };
	const char *wargv[] = { "pipe-workload", "rw", "100", NULL };
	struct cmd_result r;
	struct workload w;
	struct tracer t;
	char arg[16];

	run_cmd(dargv, &r, 120);
	tap_is_int(r.status, 0, "-d 1: ends by itself with status 0");
	tap_ok(r.seconds >= 1.0, "-d 1: after %.2f s, not sooner", r.seconds);
	/* the wait is cut to the deadline, not to --max-delay's 60 s (the
	 * bound leaves room for attaching under TCG, seconds there) */
	tap_ok(r.seconds < 30.0,
	       "-d 1 with --max-delay 60000: after %.2f s, not a minute",
	       r.seconds);

	workload_start(&w, wargv);
	snprintf(arg, sizeof(arg), "%lld", fact_int(&w, "pid"));
	tracer_start(&t, (const char *[]){ "-t", "pipe", "-p", arg, "-n", "7",
					  NULL });
	workload_finish(&w);
	tap_is_int(wait_exit(t.pid, 30), 0, "-n 7: ends by itself, status 0");
	t.pid = 0;
	tracer_stop(&t);
	tap_is_int(t.events.n, 7, "-n 7: exactly 7 events printed");
	tracer_free(&t);
	workload_free(&w);
}

/* Stop the collector while a burst fills its small ring buffer. */
static void overflow(void)
{
	const char *argv[] = { "pipe-workload", "burst", "3000", NULL };
	long long delivered, lost;
	struct workload w;
	struct tracer t;
	char arg[16];

	workload_start(&w, argv);
	snprintf(arg, sizeof(arg), "%lld", fact_int(&w, "pid"));
	/* pipes only: losses of signal events would not add up */
	tracer_start(&t, (const char *[]){ "-t", "pipe", "-p", arg,
					  "--ringbuf-size", "4", NULL });
	kill(t.pid, SIGSTOP);
	workload_finish(&w);
	kill(t.pid, SIGCONT);
	tracer_stop(&t);
	delivered = events_count(&t.events, "pipe_write", 0, 0);
	lost = events_sum(&t.events, "lost", 0, 0, "count");
	tap_ok(lost > 0, "a 4 KiB ring overflows: %lld lost records reported",
	       lost);
	tap_is_int(delivered + lost, 3000,
		   "delivered (%lld) + lost (%lld) = the 3000 writes made",
		   delivered, lost);
	tap_ok(t.err_text && strstr(t.err_text, "events lost"),
	       "the total lost is reported on stderr at exit");
	tracer_free(&t);
	workload_free(&w);
}

int main(void)
{
	require_root();
	signal(SIGPIPE, SIG_IGN);
	tap_plan(18);
	head_with_traffic();
	no_feedback();
	head_idle();
	sigterm();
	sigterm_unread_stdout();
	duration_and_count();
	overflow();
	return tap_done();
}
