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
#include "signal_decode.h"
#include "unix_decode.h"
#include "family.h"
#include "msgpair.h"
#include "payload.h"
#include "summary.h"
#include "trace.h"
#include "graph.h"

enum {
	OPT_INO = 0x100,
	OPT_PROBE,
	OPT_BTF,
	OPT_RINGBUF,
	OPT_SIG,
	OPT_SUMMARY,
	OPT_PEERS,
	OPT_PATH,
	OPT_MAX_DELAY,
	OPT_PAYLOAD,
};

/* --max-delay's default: under the ~100 ms a person reads as "at once",
 * and ten timer wakeups a second cost nothing measurable. */
#define MAX_DELAY_DEFAULT_MS	100
#define MAX_DELAY_MAX_MS	60000

#define ALL_FAMILIES ((1U << ipcs_nfamilies) - 1)

static const char *types_doc(void);

static const char trace_doc[] =
"Stream IPC events from the running kernel: pipe and FIFO reads and writes,\n"
"SysV semaphore operations and message queue sends and receives, signals\n"
"generated and delivered, unix domain socket sends and receives.\n"
"\n"
"EXAMPLES:\n"
"  ipcscope trace                       # every family, text\n"
"  ipcscope trace -t pipe               # pipe reads/writes, with columns\n"
"  ipcscope trace -t signal --sig USR1,SIGRTMIN+3\n"
"  ipcscope trace -p 1234 -p 1240       # only these processes\n"
"  ipcscope trace -c sort -f json       # NDJSON from commands named sort\n"
"  ipcscope trace --ino 81234 -d 10     # one pipe, for ten seconds\n"
"  ipcscope trace --path /run/app.sock  # who talks to this unix socket\n"
"  ipcscope trace -f json | jq -c 'select(.duration_ns > 1e6)'\n"
"  ipcscope trace --probe tracepoint -n 100\n"
"  ipcscope trace -t unix --path /run/app.sock --payload 64 -f json\n"
"\v"
"Tiers (--probe): fentry and kprobe hook the kernel's pipe functions and see\n"
"every read and write through the pipe's file operations (not splice);\ntracepoint "
"sees read/write/readv/writev syscalls only.  SysV semaphores and message\n"
"queues: fentry and kprobe hook do_semtimedop (or __do_semtimedop),\n"
"do_msgsnd and do_msgrcv; tracepoint the semop/semtimedop/msgsnd/msgrcv\n"
"syscalls.  Unix sockets: fentry and kprobe hook unix_{stream,dgram,\n"
"seqpacket}_{send,recv}msg; tracepoint the read/write/readv/writev/\n"
"sendto/recvfrom/sendmsg/recvmsg syscalls.  The tracepoint tier is one tp_btf (or raw_tp) program on\n"
"sys_enter and one on sys_exit for all families, dispatching on the\n"
"syscall number (x86-64).  Signals come from the signal_generate and\n"
"signal_deliver tracepoints in every tier.  POSIX queues: fentry and\n"
"kprobe hook do_mq_timedsend/do_mq_timedreceive/do_mq_notify (and\n"
"load_msg/store_msg for senders).  Shared memory uses the syscall\n"
"hooks in every tier.  auto takes, per family, the\n"
"first tier that loads and attaches.  See ipcscope(8).";

/* The family and filter options, shared with every verb that attaches the
 * probes (ipcs_filter_argp); -t's doc is built from the registry
 * (types_doc()). */
static struct argp_option filter_options[] = {
	{ "types", 't', "LIST", 0, NULL, 0 },
	{ "sig", OPT_SIG, "LIST", 0,
	  "Signals to trace, comma-separated: names (USR1, SIGTERM), numbers, "
	  "SIGRTMIN+N, SIGRTMAX-N (default: all)", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process (repeatable)", 0 },
	{ "comm", 'c', "NAME", 0, "Trace tasks with this command name", 0 },
	{ "ino", OPT_INO, "INODE", 0,
	  "Trace only the pipe, or the unix socket (either end), with this inode", 0 },
	{ "path", OPT_PATH, "PATH", 0,
	  "Trace only unix sockets with this name (this end's or the peer's; "
	  "@name for an abstract one)", 0 },
	{ "probe", OPT_PROBE, "TIER", 0,
	  "auto (default), fentry, kprobe or tracepoint", 0 },
	{ "btf", OPT_BTF, "FILE", 0,
	  "Kernel BTF to use instead of /sys/kernel/btf/vmlinux", 0 },
	{ "verbose", 'v', NULL, 0, "Say how probes are chosen; libbpf logs", 0 },
	{ 0 }
};

static struct argp_option trace_options[] = {
	{ "format", 'f', "FMT", 0, "Output format: text (default) or json", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop after this many seconds", 0 },
	{ "count", 'n', "N", 0, "Stop after N events", 0 },
	{ "ringbuf-size", OPT_RINGBUF, "KIB", 0,
	  "Ring buffer size in KiB, a power of two (default 4096)", 0 },
	{ "summary", OPT_SUMMARY, NULL, 0,
	  "Aggregate in the kernel; print per-process, per-object counts, "
	  "bytes, errors and durations instead of events", 0 },
	{ "interval", 'i', "SECONDS", 0,
	  "With --summary: print what was counted since the last print, every SECONDS", 0 },
	{ "peers", OPT_PEERS, NULL, 0,
	  "Say who woke each call that slept (woken_by) and whose bytes each "
	  "pipe read returned (from); costs a probe on every wakeup", 0 },
	{ "max-delay", OPT_MAX_DELAY, "MS", 0,
	  "Longest time an event waits in the kernel before it is printed, "
	  "in milliseconds (default 100)", 0 },
	{ "payload", OPT_PAYLOAD, "N", 0,
	  "Add to each pipe, FIFO, unix socket and message queue event the "
	  "first N bytes (1 to 4096) its call moved, as hex in JSON "
	  "(\"data\"): this shows the processes' data", 0 },
	{ 0 }
};

struct parse_state {
	struct trace_opts *opts;
	struct ipcs_error *err;
	struct ipcs_filter_input filter;
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

static int add_pid(struct ipcs_filter_input *in, const char *arg)
{
	struct trace_config *cfg = in->cfg;
	unsigned long long pid;

	if (parse_ull(arg, INT_MAX, &pid))
		return ipcs_fail(in->err, IPCS_EXIT_USAGE,
				 "invalid PID '%s': want a positive number",
				 arg);
	if (kill((pid_t)pid, 0) && errno == ESRCH)
		return ipcs_fail(in->err, IPCS_EXIT_USAGE,
				 "no process with PID %llu", pid);
	if (cfg->npids == IPCSCOPE_MAX_PIDS)
		return ipcs_fail(in->err, IPCS_EXIT_USAGE,
				 "too many -p options (at most %d)",
				 IPCSCOPE_MAX_PIDS);
	cfg->pids[cfg->npids++] = pid;
	return 0;
}

static int parse_filter_option(struct ipcs_filter_input *in, int key,
			       const char *arg)
{
	struct trace_config *cfg = in->cfg;
	struct ipcs_error *err = in->err;
	unsigned long long v;
	int tier;

	switch (key) {
	case 't':
		in->types_given = true;
		return ipcs_parse_families(arg, &cfg->families, err);
	case 'p':
		return add_pid(in, arg);
	case 'c':
		if (!*arg)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "empty command name");
		if (strlen(arg) >= IPCSCOPE_COMM_LEN)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "command name '%s' is longer than %d characters, the most the kernel keeps",
					 arg, IPCSCOPE_COMM_LEN - 1);
		strcpy(cfg->comm, arg);
		return 0;
	case OPT_INO:
		if (parse_ull(arg, ULLONG_MAX, &v))
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid inode '%s': want a positive number",
					 arg);
		cfg->ino = v;
		return 0;
	case OPT_PATH:
		if (unix_path_parse(arg, cfg->unix_path,
				    sizeof(cfg->unix_path),
				    &cfg->unix_path_len))
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid socket path '%s': want 1 to %d bytes",
					 arg, IPCSCOPE_UNIX_PATH_MAX - 1);
		return 0;
	case OPT_PROBE:
		tier = ipcs_tier_parse(arg);
		if (tier < 0)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "unknown probe tier '%s': want auto, fentry, kprobe or tracepoint",
					 arg);
		cfg->tier = tier;
		return 0;
	case OPT_BTF:
		cfg->btf_path = arg;
		return 0;
	case OPT_SIG:
		return signal_parse_list(arg, &cfg->sig_mask, err);
	case 'v':
		cfg->verbose = true;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static int parse_option(struct parse_state *ps, int key, const char *arg)
{
	struct trace_opts *o = ps->opts;
	struct ipcs_error *err = ps->err;
	unsigned long long v;
	char *end;

	switch (key) {
	case 'f':
		if (ipcs_parse_format(arg, &o->format))
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
	case OPT_PEERS:
		o->cfg.peers = true;
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
	case OPT_MAX_DELAY:
		if (parse_ull(arg, MAX_DELAY_MAX_MS, &v))
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid delay '%s': want milliseconds from 1 to %d",
					 arg, MAX_DELAY_MAX_MS);
		o->max_delay_ms = v;
		return 0;
	case OPT_PAYLOAD:
		if (parse_ull(arg, IPCSCOPE_PAYLOAD_MAX, &v))
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid payload size '%s': want bytes from 1 to %d",
					 arg, IPCSCOPE_PAYLOAD_MAX);
		o->cfg.payload_max = v;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

/* An option parser's -1 (error in err) or ARGP_ERR_UNKNOWN, for argp. */
static error_t argp_result(int ret)
{
	if (ret == ARGP_ERR_UNKNOWN)
		return ret;
	return ret ? EINVAL : 0;
}

static error_t trace_argp_parser(int key, char *arg, struct argp_state *state)
{
	struct parse_state *ps = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		ipcs_argp_one_line_errors(state);
		state->child_inputs[0] = &ps->filter;
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
	return argp_result(parse_option(ps, key, arg));
}

static error_t filter_argp_parser(int key, char *arg, struct argp_state *state)
{
	struct ipcs_filter_input *in = state->input;

	if (key < 0 || key > 0x1000)
		return ARGP_ERR_UNKNOWN;
	return argp_result(parse_filter_option(in, key, arg));
}

const struct argp ipcs_filter_argp = {
	.options = filter_options,
	.parser = filter_argp_parser,
};

void ipcs_filter_init(struct ipcs_filter_input *in, struct trace_config *cfg,
		      struct ipcs_error *err)
{
	memset(in, 0, sizeof(*in));
	in->cfg = cfg;
	in->err = err;
	cfg->families = ALL_FAMILIES;
	filter_options[0].doc = types_doc();
}

int ipcs_filter_check(const struct ipcs_filter_input *in)
{
	struct trace_config *cfg = in->cfg;

	/* --path names a unix socket: alone it means the unix family */
	if (cfg->unix_path_len) {
		unsigned int unix_bit = ipcs_family_bit("unix");

		if (in->types_given && cfg->families != unix_bit)
			return ipcs_fail(in->err, IPCS_EXIT_USAGE,
					 "--path selects a unix socket: it conflicts with -t other than unix");
		cfg->families = unix_bit;
	}
	/* --ino names a pipe or a unix socket: alone it means "this pipe",
	 * so only the pipe family is traced; -t unix (or pipe,unix) makes it
	 * a socket; with other families asked for, it conflicts */
	if (cfg->ino) {
		unsigned int pipe_bit = ipcs_family_bit("pipe");
		unsigned int ino_bits = pipe_bit | ipcs_family_bit("unix");

		if (in->types_given && (cfg->families & ~ino_bits))
			return ipcs_fail(in->err, IPCS_EXIT_USAGE,
					 "--ino selects a pipe or a unix socket: it conflicts with -t other than pipe or unix");
		if (!in->types_given)
			cfg->families = pipe_bit;
	}
	return 0;
}

/* "IPC families, comma-separated (default: all): pipe (pipe_read,
 * pipe_write), sem (semop), ..." from the registry. */
static const char *types_doc(void)
{
	static char doc[1024];
	const struct ipcs_event_type *t;
	size_t off;
	unsigned int i;

	if (doc[0])
		return doc;
	off = snprintf(doc, sizeof(doc),
		       "IPC families, comma-separated (default: all):");
	for (i = 0; i < ipcs_nfamilies && off < sizeof(doc); i++) {
		off += snprintf(doc + off, sizeof(doc) - off, "%s %s (",
				i ? "," : "", ipcs_families[i]->name);
		for (t = ipcs_families[i]->events; t->name &&
		     off < sizeof(doc); t++)
			off += snprintf(doc + off, sizeof(doc) - off, "%s%s",
					t == ipcs_families[i]->events ?
					"" : ", ", t->name);
		if (off < sizeof(doc))
			off += snprintf(doc + off, sizeof(doc) - off, ")");
	}
	return doc;
}

int trace_parse_args(int argc, char **argv, struct trace_opts *opts,
		     struct ipcs_error *err)
{
	static const struct argp_child children[] = {
		{ &ipcs_filter_argp, 0, NULL, 0 },
		{ 0 }
	};
	static const struct argp argp = {
		.options = trace_options,
		.parser = trace_argp_parser,
		.args_doc = "",
		.doc = trace_doc,
		.children = children,
	};
	struct parse_state ps = { .opts = opts, .err = err };

	memset(opts, 0, sizeof(*opts));
	ipcs_filter_init(&ps.filter, &opts->cfg, err);
	opts->max_delay_ms = MAX_DELAY_DEFAULT_MS;
	err->msg[0] = '\0';
	if (ipcs_argp_parse(&argp, argc, argv, &ps, err))
		return -1;
	if (opts->cfg.summary && opts->max_events)
		return ipcs_fail(err, IPCS_EXIT_USAGE,
				 "--count and --summary conflict: --summary prints no events to count");
	if (opts->cfg.summary && opts->cfg.peers)
		return ipcs_fail(err, IPCS_EXIT_USAGE,
				 "--peers and --summary conflict: --summary prints no events to annotate");
	if (opts->interval_s > 0 && !opts->cfg.summary)
		return ipcs_fail(err, IPCS_EXIT_USAGE,
				 "--interval needs --summary");
	if (opts->cfg.summary && opts->cfg.payload_max)
		return ipcs_fail(err, IPCS_EXIT_USAGE,
				 "--payload and --summary conflict: --summary prints no events to add bytes to");
	return ipcs_filter_check(&ps.filter);
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
	const struct ipcs_session *session;
	__u64 missed_base;		/* recursion misses before tracing */
	__u64 missed_reported;
	struct summary_row *summary_prev;	/* the last reading printed */
	int summary_nprev;
	unsigned int since_yield;	/* records since consume last returned */
	struct msgpair *pairing;	/* tracepoint tier's queue model */
	struct ipcs_notes notes;	/* --peers: notes awaiting their event */
	struct payload_join join;	/* --payload: events and their bytes */
	double now;			/* monotonic s, at the last wait */
};

/* The ring buffer callback's way to stop consuming at once. */
#define STOP_CONSUMING (-ECANCELED)
/*
 * And to return to the loop, records left in the ring: ring_buffer__consume
 * reads until the ring is empty, which a storm faster than we write may
 * never let happen.  Every YIELD_EVERY records the loop gets to see a stop
 * signal, -d's deadline, -i's print and a gone reader.
 */
#define YIELD_CONSUMING (-EAGAIN)
#define YIELD_EVERY 65536

/* A failed write(2) (EPIPE: the reader is gone) ends the run. */
static int check_stdout(struct trace_run *run)
{
	if (run->out.w.error) {
		run->stdout_closed = true;
		return STOP_CONSUMING;
	}
	return 0;
}

/* One event through the registry into the writer, which writes once the
 * batch is done (or when a burst passes IPCS_W_FLUSH_AT). */
static int print_event(struct trace_run *run, const void *data, size_t size,
		       bool with_payload, const struct ipcscope_payload *pl,
		       size_t plsize)
{
	const struct ipcscope_hdr *hdr = data;
	int ret;

	/* its --peers notes came before it (by tid): with it now */
	if (size >= sizeof(*hdr))
		ipcs_notes_take(&run->notes, hdr->tid, &run->out);
	if (run->opts->graph) {
		graph_add(run->opts->graph, data, size, run->out.wake,
			  run->out.from);
		run->out.wake = NULL;
		run->out.from = NULL;
		return 0;
	}
	ret = with_payload ?
	      ipcs_event_write_payload(&run->out, data, size, pl, plsize) :
	      ipcs_event_write(&run->out, data, size);
	run->out.wake = NULL;
	run->out.from = NULL;
	if (ret)
		return 0;	/* short, or a newer BPF object's type */
	if (ipcs_w_end_record(&run->out.w))
		return check_stdout(run);
	if (run->opts->max_events && ++run->printed >= run->opts->max_events) {
		run->count_reached = true;
		return STOP_CONSUMING;
	}
	return 0;
}

/*
 * A message queue send or receive into the tracepoint tier's queue model,
 * with its payload record (NULL: none came; --payload off: NULL, 0).  Its
 * --peers notes are its own: dropped, not left for the tid's next event
 * (the model does not carry them; a limit of the tracepoint tier's
 * pairing, design.rst).
 */
static int feed_pairing(struct trace_run *run, const void *data, size_t size,
			const struct ipcscope_payload *pl, size_t plsize)
{
	const struct ipcscope_hdr *hdr = data;

	ipcs_notes_take(&run->notes, hdr->tid, &run->out);
	run->out.wake = NULL;
	run->out.from = NULL;
	return msgpair_feed_with(run->pairing, data, size, pl, plsize);
}

/* --payload: an event out of the join, with its bytes if it has some */
static int print_joined(void *ctx, const void *data, size_t size,
			const struct ipcscope_payload *pl, size_t plsize)
{
	const struct ipcscope_hdr *hdr = data;
	struct trace_run *run = ctx;

	if (run->pairing && msgpair_wants(data, size))
		return feed_pairing(run, data, size, pl, plsize);
	return print_event(ctx, data, size, ipcs_type_has_payload(hdr->type),
			   pl, plsize);
}

/* Records since consume last returned: a yield every YIELD_EVERY. */
static int count_record(struct trace_run *run)
{
	if (++run->since_yield >= YIELD_EVERY) {
		run->since_yield = 0;
		return YIELD_CONSUMING;
	}
	return 0;
}

/* One event as it came. */
static int emit_event(void *ctx, const void *data, size_t size)
{
	struct trace_run *run = ctx;
	int ret = print_event(run, data, size, false, NULL, 0);

	return ret ? ret : count_record(run);
}

/* The queue model's printer: with --payload, the payload record fed with
 * the event (NULL: it never came). */
static int emit_paired(void *ctx, const void *data, size_t size,
		       const void *extra, size_t extra_size)
{
	const struct ipcscope_hdr *hdr = data;
	struct trace_run *run = ctx;
	int ret;

	ret = print_event(run, data, size, run->opts->cfg.payload_max &&
			  ipcs_type_has_payload(hdr->type), extra, extra_size);
	return ret ? ret : count_record(run);
}

/*
 * One record of the ring buffer.  Message queue sends and receives of the
 * tracepoint tier go through the queue model, which holds each receive
 * until it knows its sender; with --payload, the events that carry bytes
 * wait for their payload record (tools/payload.h).
 */
static int handle_event(void *ctx, void *data, size_t size)
{
	struct trace_run *run = ctx;
	int ret;

	if (ipcs_notes_put(&run->notes, data, size))
		return 0;	/* a --peers note: written with its event */
	/* with --payload, the model's events go through the join first;
	 * another task's call has no payload record to wait for */
	if (run->pairing && msgpair_wants(data, size) &&
	    (!run->opts->cfg.payload_max || msgpair_unwanted(data)))
		return feed_pairing(run, data, size, NULL, 0);
	if (!run->opts->cfg.payload_max)
		return emit_event(ctx, data, size);
	ret = payload_join_record(&run->join, data, size, run->now);
	return ret ? ret : count_record(run);
}

static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The tracepoint tier cannot see which send queued a received message:
 * the collector models the queues (tools/msgpair.c) when msg or mq events
 * come from the syscall hooks.  Set up after attaching, with the messages
 * queued by then, whose senders stay unknown.
 */
static int pairing_start(struct trace_run *run,
			 const struct ipcs_session *s)
{
	bool sysv = false, posix = false;
	int i;

	if (run->opts->cfg.summary)
		return 0;
	for (i = 0; i < s->nprobes; i++) {
		const struct family_probe *p = &s->probes[i];

		if (p->hook != IPCSCOPE_HOOK_TP_BTF &&
		    p->hook != IPCSCOPE_HOOK_RAW_TP)
			continue;
		sysv |= p->family == &msg_family;
		posix |= p->family == &mq_family;
	}
	if (!sysv && !posix)
		return 0;
	run->pairing = msgpair_new(emit_paired, run);
	if (!run->pairing)
		return -1;
	msgpair_snapshot(run->pairing, sysv, posix);
	return 0;
}

/* Print the receives the model has settled; a stop as from the ring. */
static int pairing_release(struct trace_run *run, bool all)
{
	int ret;

	if (!run->pairing || (!all && !msgpair_held(run->pairing)))
		return 0;
	ret = msgpair_release(run->pairing, monotonic_ns(), all);
	ipcs_w_flush(&run->out.w);
	check_stdout(run);
	return ret;
}

__u64 ipcs_read_lost(int fd)
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

/* A gap record, JSON {"type":TYPE,"ts_ns":...,"count":N} or a text line. */
static void report_gap(struct trace_run *run, const char *type, __u64 count,
		       const char *text)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (run->opts->graph)
		return;		/* one document at the end; stderr says it */
	if (run->out.format == IPCS_FMT_JSON) {
		struct ipcs_writer *w = &run->out.w;

		ipcs_jw_begin_object(w, NULL);
		ipcs_jw_str(w, "type", type);
		ipcs_jw_s64(w, "ts_ns", ipcs_wall_ns(&run->out,
			    ts.tv_sec * 1000000000ULL + ts.tv_nsec));
		ipcs_jw_u64(w, "count", count);
		ipcs_jw_end_object(w);
	} else {
		ipcs_w_printf(&run->out.w, text, (unsigned long long)count);
	}
}

static __u64 session_misses(const struct trace_run *run)
{
	return ipcs_recursion_misses(run->session->probes,
				     run->session->nprobes);
}

/*
 * Runs of our programs the kernel skipped since tracing began: each may be
 * an event missing from the stream (see ipcs_recursion_misses()), so they
 * are reported beside the losses, as "missed".
 */
static void report_missed(struct trace_run *run)
{
	__u64 missed = session_misses(run) - run->missed_base;

	if (missed <= run->missed_reported)
		return;
	report_gap(run, "missed", missed - run->missed_reported,
		   "MISSED %llu probe runs skipped by the kernel (probe already running on the CPU)\n");
	run->missed_reported = missed;
}

/* Losses go into the stream, so a consumer sees the gap where it is. */
static void report_lost(struct trace_run *run)
{
	__u64 lost = ipcs_read_lost(run->lost_fd);
	__u64 now = lost - run->lost_reported;

	report_missed(run);
	if (!now)
		return;
	run->lost_reported = lost;
	report_gap(run, "lost", now,
		   "LOST %llu events (ring buffer or map full)\n");
	ipcs_w_flush(&run->out.w);
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
void ipcs_print_attached(const char *doing, const struct trace_config *cfg,
			 const struct family_probe *probes, int n,
			 const char *tail)
{
	char line[2048];
	size_t off = 0;
	bool first;
	int i;

	off += snprintf(line + off, sizeof(line) - off, "ipcscope: %s", doing);
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
	fprintf(stderr, "%s; %s\n", line, tail);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Sleep until the ring's forced wakeup (it holds wakeup_bytes, see
 * bpf/common.bpf.h), stdout's reader goes, a stop signal comes, or
 * @timeout_ms pass.  SIGINT and SIGTERM are blocked everywhere but in
 * ppoll(), so one that comes just before the wait still ends it at once.
 * The records themselves are read by the caller: most arrive without a
 * wakeup.
 */
static int wait_for_events(struct ring_buffer *rb, int timeout_ms,
			   const sigset_t *waitmask, bool *reader_gone)
{
	struct pollfd pfd[2] = {
		{ .fd = ring_buffer__epoll_fd(rb), .events = POLLIN },
		{ .fd = STDOUT_FILENO, .events = 0 },
	};
	struct timespec ts = {
		.tv_sec = timeout_ms / 1000,
		.tv_nsec = timeout_ms % 1000 * 1000000L,
	};

	if (ppoll(pfd, 2, &ts, waitmask) < 0)
		return errno == EINTR ? 0 : -errno;
	*reader_gone = pfd[1].revents & (POLLERR | POLLHUP);
	return 0;
}

/* The next wait: --max-delay, cut short by -d's end and -i's next print,
 * so both happen on time rather than up to a delay late. */
static int next_wait_ms(unsigned int max_delay_ms, double deadline,
			double next_summary)
{
	double now = now_s(), until = now + max_delay_ms / 1e3;

	if (deadline && deadline < until)
		until = deadline;
	if (next_summary && next_summary < until)
		until = next_summary;
	return until > now ? (int)ceil((until - now) * 1e3) : 0;
}

/*
 * Print what the summary map gained since the last print (at the first,
 * everything).  The map is never reset: the previous reading is kept and
 * subtracted, so whatever lands while we read is in the next interval.
 */
static void print_summary(struct trace_run *run, int map_fd, double *since)
{
	struct summary_row *rows = NULL, *delta = NULL;
	double now = now_s();
	struct timespec ts;
	int n, nd = -1;

	n = summary_collect(map_fd, &rows);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (n >= 0)
		nd = summary_delta(rows, n, run->summary_prev,
				   run->summary_nprev, &delta);
	if (nd >= 0) {
		summary_print(&run->out, delta, nd,
			      ipcs_wall_ns(&run->out, ts.tv_sec * 1000000000ULL +
					   ts.tv_nsec),
			      (uint64_t)((now - *since) * 1e9));
		free(run->summary_prev);
		run->summary_prev = rows;
		run->summary_nprev = n;
		rows = NULL;
		*since = now;
	}
	free(delta);
	free(rows);
	ipcs_w_flush(&run->out.w);
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

int ipcs_session_attach(struct ipcs_session *s,
			const struct trace_config *cfg, struct ipcs_error *err)
{
	unsigned int f;

	memset(s, 0, sizeof(*s));
	s->ki.btf_fd = -1;		/* closable before it is opened */
	s->shared.events_fd = s->shared.lost_fd = s->shared.summary_fd = -1;
	s->shared.wakes_fd = -1;
	ipcs_libbpf_logging(cfg->verbose);
	/* Setup allocates and frees the kernel's BTF several times over
	 * (5.5 MB each).  A fixed mmap threshold keeps those blocks mmap'ed,
	 * so each goes back to the kernel when freed; glibc's default raises
	 * the threshold after the first free and keeps the next on the heap,
	 * where freed copies pile up (8 MiB more peak RSS, measured). */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	if (ipcs_check_privilege(err) ||
	    kernel_info_open(&s->ki, cfg->btf_path, err))
		return -1;
	for (f = 0; f < ipcs_nfamilies; f++) {
		if (!(cfg->families & (1U << f)))
			continue;
		if (attach_best(&s->probes[s->nprobes], ipcs_families[f],
				&s->ki, cfg, &s->shared, err))
			return -1;
		if (!s->nprobes)
			family_probe_maps(&s->probes[0], &s->shared);
		if (s->shared.wakes_fd < 0)
			s->shared.wakes_fd = peers_wakes_fd(&s->probes[s->nprobes]);
		s->nprobes++;
	}
	return cfg->peers ? peers_attach(&s->peers, &s->ki, &s->shared, err) :
			    0;
}

void ipcs_session_release_btf(struct ipcs_session *s)
{
	/* Setup parsed the kernel's BTF (ours and libbpf's copies, tens of
	 * MiB); none of it is needed once attached: give it back. */
	kernel_info_close(&s->ki);
	malloc_trim(0);
}

void ipcs_session_close(struct ipcs_session *s)
{
	peers_detach(&s->peers);
	while (s->nprobes > 0)
		family_probe_destroy(&s->probes[--s->nprobes]);
	kernel_info_close(&s->ki);
}

int trace_run(const struct trace_opts *opts, struct ipcs_error *err)
{
	struct trace_run run = { .opts = opts };
	struct ipcs_session session;
	struct family_probe *probes = session.probes;
	struct shared_maps *shared = &session.shared;
	double summary_since = 0, next_summary = 0;
	struct ring_buffer *rb = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t stop_sigs, wait_sigs;
	double deadline = 0;
	bool more = false;
	int ret = -1, n;

	if (ipcs_session_attach(&session, &opts->cfg, err))
		goto out;

	/* The writer formats into memory and writes once after every batch
	 * the ring buffer hands over, so | jq still sees each event at once
	 * but a burst costs one write(2), not one per line. */
	if (ipcs_output_init(&run.out, STDOUT_FILENO, opts->format)) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "cannot set up the output: %s",
			  strerror(errno));
		goto out;
	}
	run.lost_fd = shared->lost_fd;
	run.session = &session;
	payload_join_init(&run.join, print_joined, &run);
	if (pairing_start(&run, &session)) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "cannot set up the queue model: %s",
			  strerror(errno));
		goto out;
	}
	run.missed_base = session_misses(&run);
	rb = ring_buffer__new(shared->events_fd, handle_event, &run, NULL);
	if (!rb) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "cannot open ring buffer: %s",
			  strerror(errno));
		goto out;
	}

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout is EPIPE, then exit */

	/* a family's own columns when it is alone; else the common ones */
	if (opts->format == IPCS_FMT_TEXT && !opts->cfg.summary &&
	    !opts->graph) {
		if (session.nprobes == 1 && probes[0].family->print_header)
			probes[0].family->print_header(&run.out);
		else
			ipcs_print_mixed_header(&run.out);
		ipcs_w_flush(&run.out.w);
	}
	ipcs_session_release_btf(&session);
	ipcs_print_attached("tracing", &opts->cfg, probes, session.nprobes,
			    "Ctrl-C to end");
	if (opts->duration_s > 0)
		deadline = now_s() + opts->duration_s;
	summary_since = now_s();
	if (opts->cfg.summary && opts->interval_s > 0)
		next_summary = summary_since + opts->interval_s;

	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_sigs, &wait_sigs);
	ipcs_w_set_stop(&run.out.w, &stop_signal, &wait_sigs);
	while (!stop_signal) {
		bool reader_gone = false;

		/* records left in the ring: only a look at the signals */
		int wait_ms = next_wait_ms(opts->max_delay_ms, deadline,
					   next_summary);

		/* held receives are released on time, whatever --max-delay */
		if (msgpair_held(run.pairing) &&
		    wait_ms > (int)(MSGPAIR_HOLD_NS / 2000000))
			wait_ms = MSGPAIR_HOLD_NS / 2000000;
		n = wait_for_events(rb, more ? 0 : wait_ms, &wait_sigs,
				    &reader_gone);
		run.now = now_s();
		if (!n)
			n = ring_buffer__consume(rb);
		/* events whose bytes did not come (lost): out without */
		if (n >= 0 || n == YIELD_CONSUMING) {
			int r = payload_join_flush(&run.join,
						   run.now - PAYLOAD_HOLD_S);

			if (r)
				n = r;
		}
		ipcs_w_flush(&run.out.w);
		check_stdout(&run);
		if (n == STOP_CONSUMING)
			break;
		/* records still in the ring may be the sends held receives
		 * wait for: decide by the clock only once caught up */
		if (n != YIELD_CONSUMING &&
		    pairing_release(&run, false) == STOP_CONSUMING)
			break;
		more = n == YIELD_CONSUMING;
		if (more)
			n = 0;
		if (n < 0) {
			sigprocmask(SIG_SETMASK, &wait_sigs, NULL);
			ipcs_fail(err, IPCS_EXIT_FAIL,
				  "reading the ring buffer failed: %s",
				  strerror(-n));
			goto out;
		}
		report_lost(&run);
		if (next_summary && now_s() >= next_summary) {
			print_summary(&run, shared->summary_fd, &summary_since);
			/* after a stall (SIGSTOP, suspend) one print, not a
			 * burst of catch-up ones */
			while (next_summary <= now_s())
				next_summary += opts->interval_s;
		}
		if (run.stdout_closed || reader_gone)
			break;
		if (deadline && now_s() >= deadline)
			break;
	}
	sigprocmask(SIG_SETMASK, &wait_sigs, NULL);
	/* Ctrl-C and SIGTERM: what is already in the ring still gets out,
	 * for at most a second while the probes, still attached, add more */
	if (!run.stdout_closed && !run.count_reached && !stdout_reader_gone()) {
		double drain_end = now_s() + 1;

		while (ring_buffer__consume(rb) == YIELD_CONSUMING &&
		       now_s() < drain_end)
			ipcs_w_flush(&run.out.w);
		payload_join_flush(&run.join, INFINITY);
		pairing_release(&run, true);
	}
	report_lost(&run);
	if (opts->cfg.summary && !run.stdout_closed && !stdout_reader_gone())
		print_summary(&run, shared->summary_fd, &summary_since);
	if (opts->graph && !run.stdout_closed)
		graph_print(opts->graph, &run.out, opts->graph_dot);
	ipcs_w_flush(&run.out.w);
	if (run.lost_reported)
		fprintf(stderr, "ipcscope: %llu events lost (ring buffer or map full)\n",
			(unsigned long long)run.lost_reported);
	if (run.missed_reported)
		fprintf(stderr, "ipcscope: %llu probe runs skipped by the kernel (a probe already running on the CPU): events may be missing\n",
			(unsigned long long)run.missed_reported);
	ret = 0;
out:
	payload_join_free(&run.join);
	msgpair_free(run.pairing);
	free(run.summary_prev);
	ipcs_output_free(&run.out);
	ring_buffer__free(rb);
	ipcs_session_close(&session);
	return ret;
}
