// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope trace: stream IPC events from the kernel as they happen.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <malloc.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "fdpath.h"
#include "pipe_decode.h"
#include "sem_decode.h"
#include "msg_decode.h"
#include "signal_decode.h"
#include "family.h"
#include "summary.h"
#include "trace.h"

enum {
	OPT_INO = 0x100,
	OPT_PROBE,
	OPT_BTF,
	OPT_RINGBUF,
	OPT_SIG,
	OPT_SUMMARY,
};

#define ALL_FAMILIES ((1U << ipcs_nfamilies) - 1)

static const char trace_doc[] =
"Stream IPC events from the running kernel: pipe and FIFO reads and writes,\n"
"SysV semaphore operations and message queue sends and receives, signals\n"
"generated and delivered.\n"
"\n"
"EXAMPLES:\n"
"  ipcscope trace                       # every family, text\n"
"  ipcscope trace -t pipe               # pipe reads/writes, with columns\n"
"  ipcscope trace -t signal --sig USR1,SIGRTMIN+3\n"
"  ipcscope trace -p 1234 -p 1240       # only these processes\n"
"  ipcscope trace -c sort -f json       # NDJSON from commands named sort\n"
"  ipcscope trace --ino 81234 -d 10     # one pipe, for ten seconds\n"
"  ipcscope trace -f json | jq -c 'select(.duration_ns > 1e6)'\n"
"  ipcscope trace --probe tracepoint -n 100\n"
"\v"
"Tiers (--probe): fentry and kprobe hook the kernel's pipe functions and see\n"
"every read and write, splice and kernel-internal ones included; tracepoint\n"
"hooks read/write/readv/writev syscalls only.  SysV semaphores and message\n"
"queues: fentry and kprobe hook do_semtimedop (or __do_semtimedop),\n"
"do_msgsnd and do_msgrcv; tracepoint the semop/semtimedop/msgsnd/msgrcv\n"
"syscalls.  Signals come from the signal_generate and signal_deliver\n"
"tracepoints in every tier.  auto takes, per family, the first tier that\n"
"loads and attaches.  See ipcscope(8).";

static const struct argp_option trace_options[] = {
	{ "types", 't', "LIST", 0,
	  "IPC families, comma-separated (default: all): pipe, sem, msg, signal",
	  0 },
	{ "sig", OPT_SIG, "LIST", 0,
	  "Signals to trace, comma-separated: names (USR1, SIGTERM), numbers, "
	  "SIGRTMIN+N, SIGRTMAX-N (default: all)", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process (repeatable)", 0 },
	{ "comm", 'c', "NAME", 0, "Trace tasks with this command name", 0 },
	{ "ino", OPT_INO, "INODE", 0, "Trace only the pipe with this inode", 0 },
	{ "format", 'f', "FMT", 0, "Output format: text (default) or json", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop after this many seconds", 0 },
	{ "count", 'n', "N", 0, "Stop after N events", 0 },
	{ "probe", OPT_PROBE, "TIER", 0,
	  "auto (default), fentry, kprobe or tracepoint", 0 },
	{ "btf", OPT_BTF, "FILE", 0,
	  "Kernel BTF to use instead of /sys/kernel/btf/vmlinux", 0 },
	{ "ringbuf-size", OPT_RINGBUF, "KIB", 0,
	  "Ring buffer size in KiB, a power of two (default 4096)", 0 },
	{ "summary", OPT_SUMMARY, NULL, 0,
	  "Aggregate in the kernel; print per-process, per-object counts, "
	  "bytes, errors and durations instead of events", 0 },
	{ "interval", 'i', "SECONDS", 0,
	  "With --summary: print (and reset) every SECONDS", 0 },
	{ "verbose", 'v', NULL, 0, "Say how probes are chosen; libbpf logs", 0 },
	{ 0 }
};

struct parse_state {
	struct trace_opts *opts;
	struct ipcs_error *err;
	bool types_given;		/* -t was on the command line */
};

static int parse_ull(const char *s, unsigned long long max,
		     unsigned long long *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno || *end || *out == 0 || *out > max)
		return -1;
	return 0;
}

static int add_pid(struct parse_state *ps, const char *arg)
{
	struct trace_config *cfg = &ps->opts->cfg;
	unsigned long long pid;

	if (parse_ull(arg, INT_MAX, &pid))
		return ipcs_fail(ps->err, IPCS_EXIT_USAGE,
				 "invalid PID '%s': want a positive number",
				 arg);
	if (kill((pid_t)pid, 0) && errno == ESRCH)
		return ipcs_fail(ps->err, IPCS_EXIT_USAGE,
				 "no process with PID %llu", pid);
	if (cfg->npids == IPCSCOPE_MAX_PIDS)
		return ipcs_fail(ps->err, IPCS_EXIT_USAGE,
				 "too many -p options (at most %d)",
				 IPCSCOPE_MAX_PIDS);
	cfg->pids[cfg->npids++] = pid;
	return 0;
}

static int parse_option(struct parse_state *ps, int key, const char *arg)
{
	struct trace_opts *o = ps->opts;
	struct ipcs_error *err = ps->err;
	unsigned long long v;
	char *end;
	int tier;

	switch (key) {
	case 't':
		ps->types_given = true;
		return ipcs_parse_families(arg, &o->cfg.families, err);
	case 'p':
		return add_pid(ps, arg);
	case 'c':
		if (!*arg)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "empty command name");
		if (strlen(arg) >= IPCSCOPE_COMM_LEN)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "command name '%s' is longer than %d characters, the most the kernel keeps",
					 arg, IPCSCOPE_COMM_LEN - 1);
		strcpy(o->cfg.comm, arg);
		return 0;
	case OPT_INO:
		if (parse_ull(arg, ULLONG_MAX, &v))
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid inode '%s': want a positive number",
					 arg);
		o->cfg.ino = v;
		return 0;
	case 'f':
		if (!strcmp(arg, "text"))
			o->format = IPCS_FMT_TEXT;
		else if (!strcmp(arg, "json"))
			o->format = IPCS_FMT_JSON;
		else
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "unknown format '%s': want text or json",
					 arg);
		return 0;
	case 'd':
		errno = 0;
		o->duration_s = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(o->duration_s) ||
		    o->duration_s <= 0)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid duration '%s': want seconds > 0",
					 arg);
		return 0;
	case 'n':
		if (parse_ull(arg, ULLONG_MAX, &o->max_events))
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid count '%s': want a positive number",
					 arg);
		return 0;
	case OPT_PROBE:
		tier = ipcs_tier_parse(arg);
		if (tier < 0)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "unknown probe tier '%s': want auto, fentry, kprobe or tracepoint",
					 arg);
		o->cfg.tier = tier;
		return 0;
	case OPT_BTF:
		o->cfg.btf_path = arg;
		return 0;
	case OPT_SIG:
		return signal_parse_list(arg, &o->cfg.sig_mask, err);
	case OPT_RINGBUF:
		if (parse_ull(arg, 1 << 20, &v) || (v & (v - 1)) || v < 4)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid ring buffer size '%s': want a power of two from 4 to 1048576 (KiB)",
					 arg);
		o->cfg.ringbuf_bytes = v * 1024;
		return 0;
	case OPT_SUMMARY:
		o->cfg.summary = true;
		return 0;
	case 'i':
		errno = 0;
		o->interval_s = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(o->interval_s) ||
		    o->interval_s <= 0)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid interval '%s': want seconds > 0",
					 arg);
		return 0;
	case 'v':
		o->cfg.verbose = true;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static error_t trace_argp_parser(int key, char *arg, struct argp_state *state)
{
	struct parse_state *ps = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		ipcs_argp_one_line_errors(state);
		return 0;
	case ARGP_KEY_ARG:
		ipcs_fail(ps->err, IPCS_EXIT_USAGE, "unexpected argument '%s'",
			  arg);
		return EINVAL;
	case ARGP_KEY_END:
	case ARGP_KEY_NO_ARGS:
	case ARGP_KEY_SUCCESS:
	case ARGP_KEY_FINI:
	case ARGP_KEY_ERROR:
		return 0;
	}
	if (key < 0 || key > 0x1000)
		return ARGP_ERR_UNKNOWN;
	return parse_option(ps, key, arg) ? EINVAL : 0;
}

int trace_parse_args(int argc, char **argv, struct trace_opts *opts,
		     struct ipcs_error *err)
{
	static const struct argp argp = {
		.options = trace_options,
		.parser = trace_argp_parser,
		.args_doc = "",
		.doc = trace_doc,
	};
	struct parse_state ps = { .opts = opts, .err = err };

	memset(opts, 0, sizeof(*opts));
	opts->cfg.families = ALL_FAMILIES;
	err->msg[0] = '\0';
	if (argp_parse(&argp, argc, argv, 0, NULL, &ps)) {
		if (!err->msg[0])
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid arguments");
		return -1;
	}
	if (opts->cfg.summary && opts->max_events)
		return ipcs_fail(err, IPCS_EXIT_USAGE,
				 "--count and --summary conflict: --summary prints no events to count");
	if (opts->interval_s > 0 && !opts->cfg.summary)
		return ipcs_fail(err, IPCS_EXIT_USAGE,
				 "--interval needs --summary");
	/* --ino names a pipe: alone it means "this pipe", so only the pipe
	 * family is traced; with other families asked for, it conflicts */
	if (opts->cfg.ino) {
		unsigned int pipe_bit = ipcs_family_bit("pipe");

		if (ps.types_given && opts->cfg.families != pipe_bit)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "--ino selects a pipe: it conflicts with -t other than pipe");
		opts->cfg.families = pipe_bit;
	}
	return 0;
}

int ipcs_check_privilege(struct ipcs_error *err)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};
	unsigned long long eff;
	const int cap_bpf = 39, cap_perfmon = 38;

	if (geteuid() == 0)
		return 0;
	if (syscall(SYS_capget, &hdr, data) == 0) {
		eff = data[0].effective |
		      (unsigned long long)data[1].effective << 32;
		if ((eff & (1ULL << CAP_SYS_ADMIN)) ||
		    ((eff & (1ULL << cap_bpf)) && (eff & (1ULL << cap_perfmon))))
			return 0;
	}
	return ipcs_fail(err, IPCS_EXIT_FAIL,
			 "permission denied: loading BPF programs needs root (or CAP_BPF and CAP_PERFMON); running as uid %u",
			 geteuid());
}

/* ---- the event loop ---------------------------------------------------- */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct trace_run {
	const struct trace_opts *opts;
	struct ipcs_output out;
	unsigned long long printed;
	bool stdout_closed;
	bool count_reached;
	__u64 lost_reported;
	int lost_fd;
};

/* The ring buffer callback's way to stop consuming at once. */
#define STOP_CONSUMING (-ECANCELED)

static int check_stdout(struct trace_run *run)
{
	if (ferror(run->out.out)) {
		run->stdout_closed = true;
		return STOP_CONSUMING;
	}
	return 0;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct trace_run *run = ctx;
	const struct ipcscope_hdr *hdr = data;
	const char *path = NULL;

	if (size < sizeof(*hdr))
		return 0;
	switch (hdr->type) {
	case IPCSCOPE_EV_PIPE_READ:
	case IPCSCOPE_EV_PIPE_WRITE: {
		const struct ipcscope_pipe_event *e = data;

		if (size >= sizeof(*e) && e->kind == IPCSCOPE_PIPE_FIFO)
			path = fifo_path(hdr->pid, e->fd, e->dev, e->ino);
		if (pipe_print_event(&run->out, data, size, path))
			return 0;
		break;
	}
	case IPCSCOPE_EV_SEMOP:
		if (sem_print_event(&run->out, data, size))
			return 0;
		break;
	case IPCSCOPE_EV_MSGSND:
	case IPCSCOPE_EV_MSGRCV:
		if (msg_print_event(&run->out, data, size))
			return 0;
		break;
	case IPCSCOPE_EV_SIGNAL_GENERATE:
	case IPCSCOPE_EV_SIGNAL_DELIVER:
		if (signal_print_event(&run->out, data, size))
			return 0;
		break;
	default:
		return 0;	/* a newer BPF object than this decoder */
	}
	if (check_stdout(run))
		return STOP_CONSUMING;
	if (run->opts->max_events && ++run->printed >= run->opts->max_events) {
		run->count_reached = true;
		return STOP_CONSUMING;
	}
	return 0;
}

static __u64 read_lost(int fd)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 total = 0, *vals;
	__u32 zero = 0;
	int i;

	if (ncpus <= 0)
		return 0;
	vals = calloc(ncpus, sizeof(*vals));
	if (!vals)
		return 0;
	if (!bpf_map_lookup_elem(fd, &zero, vals))
		for (i = 0; i < ncpus; i++)
			total += vals[i];
	free(vals);
	return total;
}

/* Losses go into the stream, so a consumer sees the gap where it is. */
static void report_lost(struct trace_run *run)
{
	__u64 lost = read_lost(run->lost_fd);
	__u64 now = lost - run->lost_reported;
	struct timespec ts;

	if (!now)
		return;
	run->lost_reported = lost;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (run->out.format == IPCS_FMT_JSON)
		fprintf(run->out.out,
			"{\"type\":\"lost\",\"ts_ns\":%lld,\"count\":%llu}\n",
			(long long)ipcs_wall_ns(&run->out, ts.tv_sec * 1000000000ULL + ts.tv_nsec),
			(unsigned long long)now);
	else
		fprintf(run->out.out, "LOST %llu events (ring buffer full)\n",
			(unsigned long long)now);
	check_stdout(run);
}

/* A pipe whose reader has gone reports POLLERR on the write end, even
 * when no event arrives to fail a write. */
static bool stdout_reader_gone(void)
{
	struct pollfd pfd = { .fd = STDOUT_FILENO, .events = 0 };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLERR | POLLHUP));
}

/* The one line scripts wait for: everything is attached now. */
static void print_tracing_line(const struct trace_config *cfg,
			       const struct family_probe *probes, int n)
{
	char line[2048];
	size_t off = 0;
	bool first;
	int i;

	off += snprintf(line + off, sizeof(line) - off, "ipcscope: tracing");
	for (i = 0; i < n && off < sizeof(line); i++)
		off += snprintf(line + off, sizeof(line) - off, "%s %s with %s",
				i ? ";" : "", probes[i].family->what,
				probes[i].desc);
	for (i = 0; i < cfg->npids && off < sizeof(line); i++)
		off += snprintf(line + off, sizeof(line) - off, "%s%u",
				i ? "," : "; pid ", cfg->pids[i]);
	if (cfg->comm[0] && off < sizeof(line))
		off += snprintf(line + off, sizeof(line) - off, "; comm %s",
				cfg->comm);
	if (cfg->ino && off < sizeof(line))
		off += snprintf(line + off, sizeof(line) - off, "; ino %llu",
				(unsigned long long)cfg->ino);
	for (i = 1, first = true; i <= 64 && off < sizeof(line); i++) {
		char name[24];

		if (!(cfg->sig_mask & (1ULL << (i - 1))))
			continue;
		off += snprintf(line + off, sizeof(line) - off, "%s%s",
				first ? "; sig " : ",",
				signal_name(i, name, sizeof(name)));
		first = false;
	}
	fprintf(stderr, "%s; Ctrl-C to end\n", line);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Print the summary map's rows since the last print, and empty it. */
static void print_summary(struct trace_run *run, int map_fd, double *since)
{
	struct summary_row *rows = NULL;
	double now = now_s();
	struct timespec ts;
	int n;

	n = summary_collect(map_fd, true, &rows);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (n >= 0)
		summary_print(&run->out, rows, n,
			      ipcs_wall_ns(&run->out, ts.tv_sec * 1000000000ULL +
					   ts.tv_nsec),
			      (uint64_t)((now - *since) * 1e9));
	free(rows);
	*since = now;
	fflush(run->out.out);
	check_stdout(run);
}

/*
 * Attach one family in the requested tier, or in auto mode in the first
 * tier that loads and attaches; with -v each tier passed over says why.
 */
static int attach_best(struct family_probe *probe,
		       const struct ipcs_family *family,
		       const struct kernel_info *ki,
		       const struct trace_config *cfg,
		       const struct shared_maps *shared, struct ipcs_error *err)
{
	static const enum ipcscope_tier order[] = {
		IPCSCOPE_TIER_FENTRY, IPCSCOPE_TIER_KPROBE,
		IPCSCOPE_TIER_TRACEPOINT,
	};
	char why[sizeof(err->msg)] = "";
	size_t off = 0;
	unsigned int i;

	if (cfg->tier != IPCSCOPE_TIER_NONE)
		return family_probe_attach(probe, family, ki, cfg, cfg->tier,
					   shared, err);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!family_probe_attach(probe, family, ki, cfg, order[i],
					 shared, err)) {
			ipcs_verbose(cfg, "%s: auto: using %s", family->name,
				     ipcs_tier_name(order[i]));
			return 0;
		}
		ipcs_verbose(cfg, "%s: auto: passing over %s", family->name,
			     err->msg);
		if (off < sizeof(why))
			off += snprintf(why + off, sizeof(why) - off, "%s%s",
					off ? "; " : "", err->msg);
	}
	return ipcs_fail(err, IPCS_EXIT_FAIL, "%s: no probe tier works: %.400s",
			 family->name, why);
}

int trace_run(const struct trace_opts *opts, struct ipcs_error *err)
{
	struct trace_run run = { .opts = opts };
	struct kernel_info ki = {};
	struct family_probe probes[8] = {};
	struct shared_maps shared = { .events_fd = -1, .lost_fd = -1,
				      .summary_fd = -1 };
	double summary_since = 0, next_summary = 0;
	struct ring_buffer *rb = NULL;
	unsigned int f;
	int nprobes = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	double deadline = 0;
	int ret = -1, n;

	ipcs_libbpf_logging(opts->cfg.verbose);
	if (ipcs_check_privilege(err) || kernel_info_open(&ki, opts->cfg.btf_path, err))
		goto out;
	for (f = 0; f < ipcs_nfamilies; f++) {
		if (!(opts->cfg.families & (1U << f)))
			continue;
		if (attach_best(&probes[nprobes], ipcs_families[f], &ki,
				&opts->cfg, &shared, err))
			goto out;
		if (!nprobes)
			family_probe_maps(&probes[0], &shared);
		nprobes++;
	}

	/* Not a terminal: a big buffer, flushed after every batch the ring
	 * buffer hands over, so | jq still sees each event at once but a
	 * burst costs one write(2), not one per line. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (ipcs_output_init(&run.out, stdout, opts->format)) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "cannot read clocks: %s",
			  strerror(errno));
		goto out;
	}
	run.lost_fd = shared.lost_fd;
	rb = ring_buffer__new(shared.events_fd, handle_event, &run, NULL);
	if (!rb) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "cannot open ring buffer: %s",
			  strerror(errno));
		goto out;
	}

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout is EPIPE, then exit */

	/* columns only make sense when one family is traced */
	if (opts->format == IPCS_FMT_TEXT && nprobes == 1 && !opts->cfg.summary &&
	    probes[0].family->print_header)
		probes[0].family->print_header(&run.out);
	/* Setup parsed the kernel's BTF (ours and libbpf's copies, tens of
	 * MiB); none of it is needed while tracing: give it back. */
	kernel_info_close(&ki);
	malloc_trim(0);
	print_tracing_line(&opts->cfg, probes, nprobes);
	if (opts->duration_s > 0)
		deadline = now_s() + opts->duration_s;
	summary_since = now_s();
	if (opts->cfg.summary && opts->interval_s > 0)
		next_summary = summary_since + opts->interval_s;

	while (!stop_signal) {
		n = ring_buffer__poll(rb, 100);
		if (fflush(run.out.out) && !run.stdout_closed)
			check_stdout(&run);
		if (n == STOP_CONSUMING)
			break;
		if (n < 0 && n != -EINTR) {
			ipcs_fail(err, IPCS_EXIT_FAIL,
				  "reading the ring buffer failed: %s",
				  strerror(-n));
			goto out;
		}
		report_lost(&run);
		if (next_summary && now_s() >= next_summary) {
			print_summary(&run, shared.summary_fd, &summary_since);
			next_summary += opts->interval_s;
		}
		if (run.stdout_closed || stdout_reader_gone())
			break;
		if (deadline && now_s() >= deadline)
			break;
	}
	/* Ctrl-C and SIGTERM: what is already in the ring still gets out */
	if (!run.stdout_closed && !run.count_reached && !stdout_reader_gone())
		ring_buffer__consume(rb);
	report_lost(&run);
	if (opts->cfg.summary && !run.stdout_closed && !stdout_reader_gone())
		print_summary(&run, shared.summary_fd, &summary_since);
	fflush(stdout);
	if (run.lost_reported)
		fprintf(stderr, "ipcscope: %llu events lost (ring buffer full)\n",
			(unsigned long long)run.lost_reported);
	ret = 0;
out:
	ring_buffer__free(rb);
	while (nprobes > 0)
		family_probe_destroy(&probes[--nprobes]);
	kernel_info_close(&ki);
	return ret;
}
