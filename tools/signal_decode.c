// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "signal_decode.h"

#define SIG_MAX_K	64	/* _NSIG on x86-64 */

/* The standard signals of x86-64 Linux, by number. */
static const char *const std_names[32] = {
	[SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT",
	[SIGILL] = "ILL", [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",
	[SIGBUS] = "BUS", [SIGFPE] = "FPE", [SIGKILL] = "KILL",
	[SIGUSR1] = "USR1", [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM",
	[SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",
	[SIGSTOP] = "STOP", [SIGTSTP] = "TSTP", [SIGTTIN] = "TTIN",
	[SIGTTOU] = "TTOU", [SIGURG] = "URG", [SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",
	[SIGWINCH] = "WINCH", [SIGIO] = "IO", [SIGPWR] = "PWR",
	[SIGSYS] = "SYS",
};

/* Aliases accepted by --sig, never printed. */
static const struct {
	const char *name;
	int sig;
} sig_aliases[] = {
	{ "IOT", SIGABRT }, { "POLL", SIGIO }, { "CLD", SIGCHLD },
};

const char *signal_name(int sig, char *buf, size_t len)
{
	int rtmin = SIGRTMIN, rtmax = SIGRTMAX;

	if (sig > 0 && sig < 32 && std_names[sig])
		snprintf(buf, len, "SIG%s", std_names[sig]);
	else if (sig == rtmin)
		snprintf(buf, len, "SIGRTMIN");
	else if (sig == rtmax)
		snprintf(buf, len, "SIGRTMAX");
	/* as kill -l: RTMIN+1..RTMIN+15, then RTMAX-14..RTMAX-1 */
	else if (sig > rtmin && sig - rtmin <= (rtmax - rtmin) / 2)
		snprintf(buf, len, "SIGRTMIN+%d", sig - rtmin);
	else if (sig > rtmin && sig < rtmax)
		snprintf(buf, len, "SIGRTMAX-%d", rtmax - sig);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

const char *signal_code_name(int sig, int code, char *buf, size_t len)
{
	static const struct {
		int code;
		const char *name;
	} generic[] = {
		{ SI_USER, "SI_USER" }, { SI_KERNEL, "SI_KERNEL" },
		{ SI_QUEUE, "SI_QUEUE" }, { SI_TIMER, "SI_TIMER" },
		{ SI_MESGQ, "SI_MESGQ" }, { SI_ASYNCIO, "SI_ASYNCIO" },
		{ SI_SIGIO, "SI_SIGIO" }, { SI_TKILL, "SI_TKILL" },
		{ -7, "SI_DETHREAD" }, { -60, "SI_ASYNCNL" },
	};
	static const char *const cld[] = {
		NULL, "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
		"CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED",
	};
	unsigned int i;

	for (i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
		if (generic[i].code == code)
			return snprintf(buf, len, "%s", generic[i].name), buf;
	/* positive codes mean something for one signal only */
	if (sig == SIGCHLD && code > 0 && code <= CLD_CONTINUED)
		snprintf(buf, len, "%s", cld[code]);
	else if (sig == SIGSEGV && code == SEGV_MAPERR)
		snprintf(buf, len, "SEGV_MAPERR");
	else if (sig == SIGSEGV && code == SEGV_ACCERR)
		snprintf(buf, len, "SEGV_ACCERR");
	else
		snprintf(buf, len, "%d", code);
	return buf;
}

const char *signal_result_name(int result)
{
	switch (result) {
	case IPCSCOPE_SIG_DELIVERED:
		return "delivered";
	case IPCSCOPE_SIG_IGNORED:
		return "ignored";
	case IPCSCOPE_SIG_ALREADY_PENDING:
		return "already_pending";
	case IPCSCOPE_SIG_OVERFLOW_FAIL:
		return "overflow_fail";
	case IPCSCOPE_SIG_LOSE_INFO:
		return "lose_info";
	}
	return "unknown";
}

const char *signal_action_name(int action)
{
	switch (action) {
	case IPCSCOPE_SIG_ACT_DEFAULT:
		return "default";
	case IPCSCOPE_SIG_ACT_IGNORE:
		return "ignore";
	case IPCSCOPE_SIG_ACT_HANDLER:
		return "handler";
	}
	return "unknown";
}

/* A decimal number that is the whole of s, or -1. */
static int whole_number(const char *s)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > 1000)
		return -1;
	return (int)v;
}

/* One item of --sig: the signal number, or -1. */
static int parse_one(const char *tok)
{
	const char *name = tok;
	int rtmin = SIGRTMIN, rtmax = SIGRTMAX, n;
	unsigned int i;

	n = whole_number(tok);
	if (n >= 0)
		return n >= 1 && n <= SIG_MAX_K ? n : -1;
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	if (!strncasecmp(name, "RTMIN", 5) || !strncasecmp(name, "RTMAX", 5)) {
		bool max = !strncasecmp(name, "RTMAX", 5);
		int base = max ? rtmax : rtmin, sig;

		name += 5;
		if (!*name)
			return base;
		if (*name != (max ? '-' : '+'))
			return -1;
		n = whole_number(name + 1);
		if (n < 0)
			return -1;
		sig = max ? base - n : base + n;
		return sig >= rtmin && sig <= rtmax ? sig : -1;
	}
	for (i = 1; i < 32; i++)
		if (std_names[i] && !strcasecmp(name, std_names[i]))
			return i;
	for (i = 0; i < sizeof(sig_aliases) / sizeof(sig_aliases[0]); i++)
		if (!strcasecmp(name, sig_aliases[i].name))
			return sig_aliases[i].sig;
	return -1;
}

int signal_parse_list(const char *list, __u64 *mask,
		      struct ipcs_error *err)
{
	char *copy = strdup(list), *tok, *save = NULL;
	int sig;

	if (!copy)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	*mask = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		sig = parse_one(tok);
		if (sig < 0) {
			ipcs_fail(err, IPCS_EXIT_USAGE,
				  "unknown signal '%s' in --sig: want a name (USR1, SIGTERM), a number 1-%d, SIGRTMIN+N or SIGRTMAX-N",
				  tok, SIG_MAX_K);
			free(copy);
			return -1;
		}
		*mask |= 1ULL << (sig - 1);
	}
	free(copy);
	if (!*mask)
		return ipcs_fail(err, IPCS_EXIT_USAGE,
				 "empty --sig list: want signal names or numbers");
	return 0;
}

/* Columns: 40 common + 6+11+10 and separators: 70, then the details. */
#define SIG_TEXT_FMT "%-6s %-11s %-10s %s"
#define SIG_TEXT_MAX 99

void signal_print_header(struct ipcs_output *o)
{
	ipcs_w_printf(&o->w, "%-15s %7s %-15s " SIG_TEXT_FMT "\n", "TIME",
		      "PID", "COMM", "OP", "SIG", "CODE",
		      "TARGET RESULT | ACTION LAT");
}

/* The result, action and latency words are those of the JSON. */
static void print_text(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_signal_generate_event *g = data;
	const struct ipcscope_signal_deliver_event *d = data;
	const struct ipcscope_hdr *hdr = data;
	char sig[24], code[24], detail[64], tcomm[IPCSCOPE_COMM_LEN];
	bool gen = hdr->type == IPCSCOPE_EV_SIGNAL_GENERATE;

	(void)size;
	signal_name(gen ? g->sig : d->sig, sig, sizeof(sig));
	signal_code_name(gen ? g->sig : d->sig, gen ? g->code : d->code, code,
			 sizeof(code));
	if (gen) {
		const char *r = signal_result_name(g->result);
		char tpid[16];
		int room;

		/* target comm cut so that the line stays under 100 columns */
		snprintf(tpid, sizeof(tpid), "%u", g->target_pid);
		room = SIG_TEXT_MAX - 70 - (int)strlen(tpid) - 2 -
		       (int)strlen(r);
		ipcs_text_sanitize(tcomm, sizeof(tcomm), g->target_comm,
				   sizeof(g->target_comm));
		if (room < 0)
			room = 0;
		if (room < (int)sizeof(tcomm))
			tcomm[room] = '\0';
		snprintf(detail, sizeof(detail), "%s/%s %s", tpid, tcomm, r);
	} else if (d->latency_known) {
		snprintf(detail, sizeof(detail), "%s %.1fus",
			 signal_action_name(d->action), d->latency_ns / 1000.0);
	} else {
		snprintf(detail, sizeof(detail), "%s -",
			 signal_action_name(d->action));
	}
	ipcs_w_printf(&o->w, SIG_TEXT_FMT, gen ? "siggen" : "sigdlv", sig,
		      code, detail);
}

static void print_json(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_signal_generate_event *g = data;
	const struct ipcscope_signal_deliver_event *d = data;
	const struct ipcscope_hdr *hdr = data;
	bool gen = hdr->type == IPCSCOPE_EV_SIGNAL_GENERATE;
	int signo = gen ? g->sig : d->sig, code = gen ? g->code : d->code;
	struct ipcs_writer *w = &o->w;
	char name[24];

	(void)size;
	ipcs_jw_s64(w, "sig", signo);
	ipcs_jw_str(w, "signame", signal_name(signo, name, sizeof(name)));
	ipcs_jw_s64(w, "code", code);
	ipcs_jw_str(w, "code_name",
		    signal_code_name(signo, code, name, sizeof(name)));
	if (gen) {
		ipcs_jw_u64(w, "target_pid", g->target_pid);
		ipcs_jw_u64(w, "target_tid", g->target_tid);
		ipcs_jw_string(w, "target_comm", g->target_comm,
			       sizeof(g->target_comm));
		ipcs_jw_bool(w, "group", g->group);
		ipcs_jw_str(w, "result", signal_result_name(g->result));
	} else {
		ipcs_jw_str(w, "action", signal_action_name(d->action));
		snprintf(name, sizeof(name), "0x%" PRIx64,
			 (uint64_t)d->handler);
		ipcs_jw_str(w, "sa_handler", name);
		ipcs_jw_u64(w, "sa_flags", d->sa_flags);
		if (d->latency_known)
			ipcs_jw_u64(w, "latency_ns", d->latency_ns);
		else
			ipcs_jw_null(w, "latency_ns");
	}
	ipcs_jw_str(w, "tier", ipcs_hook_name(gen ? g->tier : d->tier));
}

/* The object of a signal event is the signal: --summary's "sig" key. */
/* --peers: a signal is an edge from its sender to its target, by signal
 * number: one op, no bytes. */
static void generate_edges(const void *data,
			const struct ipcs_edge_sink *sink)
{
	const struct ipcscope_signal_generate_event *e = data;
	struct ipcs_edge edge = {
		.from = e->hdr.pid, .from_comm = e->hdr.comm,
		.to = e->target_pid, .to_comm = e->target_comm,
		.kind = "signal", .object = (__u32)e->sig, .ops = 1,
	};

	/* from the idle task (pid 0): no process to draw */
	if (e->target_pid && e->hdr.pid)
		sink->fn(sink->ctx, &edge);
}

const struct ipcs_event_type signal_event_types[] = {
	{ IPCSCOPE_EV_SIGNAL_GENERATE, "signal_generate", "sig",
	  sizeof(struct ipcscope_signal_generate_event), print_json, print_text,
	  generate_edges },
	{ IPCSCOPE_EV_SIGNAL_DELIVER, "signal_deliver", "sig",
	  sizeof(struct ipcscope_signal_deliver_event), print_json, print_text,
	  NULL },
	{ 0 }
};
