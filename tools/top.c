// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope top: who does how much IPC right now.  The probes aggregate in
 * the kernel (--summary's map); every interval the collector reads the map
 * through summary_collect(), subtracts the previous reading
 * (summary_delta()) and shows a row per (event type, process, object):
 * the interval's operations, bytes, time in the calls and errors, and the
 * operations since tracing began (top's TIME+).  No event is streamed.
 *
 * With --peers the probes also stream their events with the --peers notes
 * (as `trace --peers`), which `graph`'s accumulation (graph_add()) folds
 * into edges; every interval the edges' totals are read the same way and
 * shown as a second table, a row per (sender, receiver, kind, object).
 *
 * On a terminal the rows are an ncurses table (tools/top_tui.c) with keys
 * to sort, pause, filter and quit; in batch mode (-b, or stdout not a
 * terminal) each interval is one block of plain text, like `top -b`.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "family.h"
#include "msgpair.h"
#include "output.h"
#include "top.h"
#include "trace.h"

/* ---- columns and sorting ---------------------------------------------- */

static const char *const sort_names[TOP_NSORTS] = {
	[TOP_SORT_PID] = "pid",
	[TOP_SORT_COMM] = "comm",
	[TOP_SORT_EVENT] = "event",
	[TOP_SORT_OBJECT] = "object",
	[TOP_SORT_OPS] = "ops",
	[TOP_SORT_BYTES] = "bytes",
	[TOP_SORT_BLOCKED] = "blocked",
	[TOP_SORT_ERRORS] = "errors",
	[TOP_SORT_TOTAL] = "total",
};

const char *top_sort_name(enum top_sort sort)
{
	return sort < TOP_NSORTS ? sort_names[sort] : "?";
}

int top_sort_parse(const char *name)
{
	int i;

	for (i = 0; i < TOP_NSORTS; i++)
		if (!strcmp(name, sort_names[i]))
			return i;
	return -1;
}

/*
 * The table: one format for the titles and one for the rows, so both stay
 * aligned.  BLK(ms) is the time the interval's calls spent in the kernel,
 * summed (a call that sleeps counts its whole sleep; for signals, the time
 * from generation to delivery).
 */
#define COLS_FMT "%7s %-15s %-15s %-16s %8s %9s %11s %11s %10s %6s %9s"
#define ROW_FMT "%7u %-15s %-15s %-16s %8llu %9.1f %11llu %11.0f %10.3f %6llu %9llu"

static const char *const titles[] = {
	"PID", "COMM", "EVENT", "OBJECT", "OPS", "OPS/s", "BYTES", "BYTES/s",
	"BLK(ms)", "ERR", "TOTAL",
};

size_t top_format_columns(char *buf, size_t len)
{
	int n = snprintf(buf, len, COLS_FMT, titles[0], titles[1], titles[2],
			 titles[3], titles[4], titles[5], titles[6],
			 titles[7], titles[8], titles[9], titles[10]);

	return n < 0 ? 0 : (size_t)n;
}

/* The column(s) a sort highlights: OPS sorts OPS and OPS/s alike. */
void top_sort_column(enum top_sort sort, int *start, int *width)
{
	static const int first[TOP_NSORTS] = { 0, 1, 2, 3, 4, 6, 8, 9, 10 };
	static const int ncols[TOP_NSORTS] = { 1, 1, 1, 1, 2, 2, 1, 1, 1 };
	char line[256], *p;
	int i, col = 0, end = 0;

	top_format_columns(line, sizeof(line));
	*start = 0;
	*width = 0;
	/* column c is the c-th run of non-blanks of the titles' line */
	for (p = line, i = 0; *p; i++) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (col == first[sort])
			*start = p - line;
		while (*p && *p != ' ')
			p++;
		if (col == first[sort] + ncols[sort] - 1)
			end = p - line;
		col++;
	}
	*width = end > *start ? end - *start : 0;
}

static void object_text(char *buf, size_t len, const struct top_row *r)
{
	snprintf(buf, len, "%s %" PRIu64, summary_object_name(r->key.type),
		 (uint64_t)r->key.object);
}

size_t top_format_row(char *buf, size_t len, const struct top_row *r,
		      double interval_s)
{
	char comm[16], obj[40];
	double secs = interval_s > 0 ? interval_s : 1;
	int n;

	ipcs_text_sanitize(comm, sizeof(comm), r->comm, sizeof(r->comm));
	/* a blank comm would shift the columns of a whitespace reader */
	if (!comm[0])
		strcpy(comm, "?");
	object_text(obj, sizeof(obj), r);
	n = snprintf(buf, len, ROW_FMT, r->key.pid, comm,
		     summary_event_name(r->key.type), obj,
		     (unsigned long long)r->ops, r->ops / secs,
		     (unsigned long long)r->bytes, r->bytes / secs,
		     r->ns / 1e6, (unsigned long long)r->errors,
		     (unsigned long long)r->total_ops);
	return n < 0 ? 0 : (size_t)n;
}

static int cmp_u64(__u64 a, __u64 b)
{
	return a < b ? -1 : a > b;
}

/*
 * The edge table (--peers): sender -> receiver, the kind and object, then
 * the same numbers as a row (an edge has no errors).  BLK(ms) is the time
 * calls on the object slept until the other end woke them.
 */
#define EDGE_COLS_FMT "%7s %-15s %2s %7s %-15s %-6s %12s %8s %9s %11s %11s %10s %9s"
#define EDGE_ROW_FMT "%7u %-15s -> %7u %-15s %-6s %12llu %8llu %9.1f %11llu %11.0f %10.3f %9llu"

size_t top_format_edge_columns(char *buf, size_t len)
{
	int n = snprintf(buf, len, EDGE_COLS_FMT, "FROM", "COMM", "", "TO",
			 "COMM", "KIND", "OBJECT", "OPS", "OPS/s", "BYTES",
			 "BYTES/s", "BLK(ms)", "TOTAL");

	return n < 0 ? 0 : (size_t)n;
}

size_t top_format_edge(char *buf, size_t len, const struct top_edge *e,
		       double interval_s)
{
	char from[16], to[16];
	double secs = interval_s > 0 ? interval_s : 1;
	int n;

	ipcs_text_sanitize(from, sizeof(from), e->e.from_comm,
			   sizeof(e->e.from_comm));
	ipcs_text_sanitize(to, sizeof(to), e->e.to_comm, sizeof(e->e.to_comm));
	if (!from[0])
		strcpy(from, "?");
	if (!to[0])
		strcpy(to, "?");
	n = snprintf(buf, len, EDGE_ROW_FMT, e->e.from, from, e->e.to, to,
		     e->e.kind, (unsigned long long)e->e.object,
		     (unsigned long long)e->ops, e->ops / secs,
		     (unsigned long long)e->bytes, e->bytes / secs,
		     e->ns / 1e6, (unsigned long long)e->e.ops);
	return n < 0 ? 0 : (size_t)n;
}

static int cmp_key(const struct top_row *x, const struct top_row *y)
{
	if (x->key.pid != y->key.pid)
		return x->key.pid < y->key.pid ? -1 : 1;
	if (x->key.type != y->key.type)
		return x->key.type < y->key.type ? -1 : 1;
	return cmp_u64(x->key.object, y->key.object);
}

struct sort_by {
	enum top_sort sort;
	bool reverse;
};

/* <0 when x goes first. */
static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct top_row *x = a, *y = b;
	const struct sort_by *s = arg;
	int c = 0;

	switch (s->sort) {
	case TOP_SORT_PID:
		c = cmp_key(x, y);
		break;
	case TOP_SORT_COMM:
		c = strncmp(x->comm, y->comm, sizeof(x->comm));
		break;
	case TOP_SORT_EVENT:
		c = strcmp(summary_event_name(x->key.type),
			   summary_event_name(y->key.type));
		break;
	case TOP_SORT_OBJECT:
		c = cmp_u64(x->key.object, y->key.object);
		break;
	/* numbers: largest first; idle rows by what they did before */
	case TOP_SORT_OPS:
		c = -cmp_u64(x->ops, y->ops);
		if (!c)
			c = -cmp_u64(x->total_ops, y->total_ops);
		break;
	case TOP_SORT_BYTES:
		c = -cmp_u64(x->bytes, y->bytes);
		if (!c)
			c = -cmp_u64(x->total_bytes, y->total_bytes);
		break;
	case TOP_SORT_BLOCKED:
		c = -cmp_u64(x->ns, y->ns);
		if (!c)
			c = -cmp_u64(x->total_ns, y->total_ns);
		break;
	case TOP_SORT_ERRORS:
		c = -cmp_u64(x->errors, y->errors);
		if (!c)
			c = -cmp_u64(x->total_errors, y->total_errors);
		break;
	case TOP_SORT_TOTAL:
		c = -cmp_u64(x->total_ops, y->total_ops);
		break;
	case TOP_NSORTS:
		break;
	}
	if (!c)
		c = cmp_key(x, y);
	return s->reverse ? -c : c;
}

void top_sort_rows(struct top_row *rows, int n, enum top_sort sort,
		   bool reverse)
{
	struct sort_by s = { .sort = sort, .reverse = reverse };

	if (n > 1)
		qsort_r(rows, n, sizeof(*rows), cmp_rows, &s);
}

/* <0 when x goes first: as cmp_rows(), by the edges' own columns. */
static int cmp_edges(const void *a, const void *b, void *arg)
{
	const struct top_edge *x = a, *y = b;
	const struct sort_by *s = arg;
	int c = 0;

	switch (s->sort) {
	case TOP_SORT_COMM:
		c = strncmp(x->e.from_comm, y->e.from_comm,
			    sizeof(x->e.from_comm));
		if (!c)
			c = strncmp(x->e.to_comm, y->e.to_comm,
				    sizeof(x->e.to_comm));
		break;
	case TOP_SORT_EVENT:
		c = strcmp(x->e.kind, y->e.kind);
		break;
	case TOP_SORT_OBJECT:
		c = cmp_u64(x->e.object, y->e.object);
		break;
	case TOP_SORT_OPS:
		c = -cmp_u64(x->ops, y->ops);
		if (!c)
			c = -cmp_u64(x->e.ops, y->e.ops);
		break;
	case TOP_SORT_BYTES:
		c = -cmp_u64(x->bytes, y->bytes);
		if (!c)
			c = -cmp_u64(x->e.bytes, y->e.bytes);
		break;
	case TOP_SORT_BLOCKED:
		c = -cmp_u64(x->ns, y->ns);
		if (!c)
			c = -cmp_u64(x->e.blocked_ns, y->e.blocked_ns);
		break;
	case TOP_SORT_TOTAL:
		c = -cmp_u64(x->e.ops, y->e.ops);
		break;
	case TOP_SORT_PID:
	case TOP_SORT_ERRORS:
	case TOP_NSORTS:
		break;
	}
	if (!c)
		c = graph_edge_cmp(&x->e, &y->e);
	return s->reverse ? -c : c;
}

void top_sort_edges(struct top_edge *edges, int n, enum top_sort sort,
		    bool reverse)
{
	struct sort_by s = { .sort = sort, .reverse = reverse };

	if (n > 1)
		qsort_r(edges, n, sizeof(*edges), cmp_edges, &s);
}

static bool comm_has(const char *comm, size_t len, const char *needle)
{
	char c[IPCSCOPE_COMM_LEN + 1];

	if (len > IPCSCOPE_COMM_LEN)
		len = IPCSCOPE_COMM_LEN;
	memcpy(c, comm, len);
	c[len] = '\0';
	return strstr(c, needle) != NULL;
}

bool top_edge_matches(const struct top_edge *e, const char *needle)
{
	if (!needle || !*needle)
		return true;
	return comm_has(e->e.from_comm, sizeof(e->e.from_comm), needle) ||
	       comm_has(e->e.to_comm, sizeof(e->e.to_comm), needle);
}

bool top_row_matches(const struct top_row *r, const char *needle)
{
	char comm[sizeof(r->comm) + 1];

	if (!needle || !*needle)
		return true;
	memcpy(comm, r->comm, sizeof(r->comm));
	comm[sizeof(r->comm)] = '\0';
	return strstr(comm, needle) != NULL;
}

/* ---- frames -------------------------------------------------------------- */

int top_frame_build(struct top_frame *frame, const struct summary_row *cur,
		    int ncur, const struct summary_row *delta, int ndelta)
{
	int i, j = 0;

	frame->rows = calloc(ncur ? ncur : 1, sizeof(*frame->rows));
	frame->n = 0;
	if (!frame->rows)
		return -1;
	for (i = 0; i < ncur; i++) {
		const struct ipcscope_summary_val *v = &cur[i].val;
		struct top_row *r = &frame->rows[frame->n++];

		r->key = cur[i].key;
		memcpy(r->comm, v->comm, sizeof(r->comm));
		r->total_ops = v->count;
		r->total_bytes = v->bytes;
		r->total_errors = v->errors;
		r->total_ns = v->total_ns;
		/* the delta's rows come in the reading's order */
		if (j < ndelta && !memcmp(&delta[j].key, &cur[i].key,
					  sizeof(cur[i].key))) {
			r->ops = delta[j].val.count;
			r->bytes = delta[j].val.bytes;
			r->errors = delta[j].val.errors;
			r->ns = delta[j].val.total_ns;
			j++;
		}
	}
	return 0;
}

int top_frame_edges(struct top_frame *frame, const struct graph_edge *cur,
		    int ncur, const struct graph_edge *prev, int nprev)
{
	int i, j = 0;

	frame->peers = true;
	frame->nedges = 0;
	frame->edges = calloc(ncur > 0 ? ncur : 1, sizeof(*frame->edges));
	if (!frame->edges)
		return -1;
	for (i = 0; i < ncur; i++) {
		struct top_edge *e = &frame->edges[frame->nedges++];

		e->e = cur[i];
		e->ops = cur[i].ops;
		e->bytes = cur[i].bytes;
		e->ns = cur[i].blocked_ns;
		/* both in graph_edges()' order; an edge never goes away */
		while (j < nprev && graph_edge_cmp(&prev[j], &cur[i]) < 0)
			j++;
		if (j < nprev && !graph_edge_cmp(&prev[j], &cur[i])) {
			e->ops -= prev[j].ops;
			e->bytes -= prev[j].bytes;
			e->ns -= prev[j].blocked_ns;
			j++;
		}
	}
	return 0;
}

void top_frame_free(struct top_frame *frame)
{
	free(frame->rows);
	frame->rows = NULL;
	frame->n = 0;
	free(frame->edges);
	frame->edges = NULL;
	frame->nedges = 0;
}

static void up_text(char *buf, size_t len, double secs)
{
	unsigned long s = secs > 0 ? (unsigned long)secs : 0;

	snprintf(buf, len, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
}

void top_format_header(char lines[3][256], const struct top_frame *f,
		       int shown, enum top_sort sort, bool reverse)
{
	__u64 ops = 0, bytes = 0, errors = 0, ns = 0;
	double secs = f->interval_s > 0 ? f->interval_s : 1;
	char clock[32], up[32];
	int i, active = 0;

	for (i = 0; i < f->n; i++) {
		ops += f->rows[i].ops;
		bytes += f->rows[i].bytes;
		errors += f->rows[i].errors;
		ns += f->rows[i].ns;
		active += f->rows[i].ops != 0;
	}
	ipcs_format_clock(f->wall_ns, clock, sizeof(clock));
	clock[8] = '\0';		/* HH:MM:SS */
	up_text(up, sizeof(up), f->up_s);
	snprintf(lines[0], 256,
		 "ipcscope top - %s up %s, interval %.3f s, rows: %d, %d active, %d shown, sort %s%s",
		 clock, up, f->interval_s, f->n, active, shown,
		 top_sort_name(sort), reverse ? " (reversed)" : "");
	if (f->peers) {
		size_t len = strlen(lines[0]);

		for (i = active = 0; i < f->nedges; i++)
			active += f->edges[i].ops != 0;
		snprintf(lines[0] + len, 256 - len, ", edges: %d, %d active",
			 f->nedges, active);
	}
	snprintf(lines[1], 256,
		 "Total: %llu ops (%.1f/s), %llu bytes (%.0f/s), blocked %.3f ms, %llu errors",
		 (unsigned long long)ops, ops / secs,
		 (unsigned long long)bytes, bytes / secs, ns / 1e6,
		 (unsigned long long)errors);
	snprintf(lines[2], 256,
		 "Lost: %llu events, %llu missed probe runs; since start %llu events, %llu runs",
		 (unsigned long long)f->lost, (unsigned long long)f->missed,
		 (unsigned long long)f->lost_total,
		 (unsigned long long)f->missed_total);
}

/* ---- the command line ----------------------------------------------------- */

static const char top_doc[] =
"Show which processes do how much IPC on which objects, refreshed every\n"
"interval: a row per (event type, process, object) with the interval's\n"
"operations, bytes, time blocked in the calls and errors, and the operations\n"
"since tracing began.  The probes count in the kernel (as trace --summary);\n"
"no event is streamed.  On a terminal: an interactive table (keys: o b t e p c\n"
"T sort, < > move the sort column, R reverse, i idle rows, space pause,\n"
"/ or f filter by command name, q quit).  With -b, -C or when stdout is not\n"
"a terminal: one block of plain text per interval.  With --peers, also a row\n"
"per edge, sender -> receiver on an object (as `ipcscope graph` draws them),\n"
"from the events, which are then streamed as well.\n"
"\n"
"EXAMPLES:\n"
"  ipcscope top                         # every family, live\n"
"  ipcscope top -t pipe,unix -s bytes   # who moves the most bytes\n"
"  ipcscope top -b -n 5 -i 2            # five 2-second blocks of text\n"
"  ipcscope top -p 1234 -d 10 > top.txt\n"
"  ipcscope top --peers -t pipe,sem     # and who talks to whom\n"
"\v"
"See ipcscope(8).";

/* above the filter options' keys (tools/trace.c) */
#define OPT_TOP_PEERS	0x200

static struct argp_option top_options[] = {
	{ "interval", 'i', "SECONDS", 0,
	  "Refresh every SECONDS (default 1)", 0 },
	{ "batch", 'b', NULL, 0,
	  "Plain text, one block per interval, no terminal control", 0 },
	{ "noclear", 'C', NULL, 0, "Same as --batch (bcc's -C)", 0 },
	{ "iterations", 'n', "COUNT", 0, "Stop after COUNT intervals", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop after this many seconds", 0 },
	{ "sort", 's', "COLUMN", 0,
	  "Sort by pid, comm, event, object, ops (default), bytes, "
	  "blocked, errors or total", 0 },
	{ "reverse", 'R', NULL, 0, "Reverse the sort", 0 },
	{ "rows", 'r', "N", 0,
	  "Show at most N rows (default: all in batch mode, what fits on the "
	  "screen)", 0 },
	{ "active", 'a', NULL, 0,
	  "Only rows with operations in the interval (else every row seen "
	  "since tracing began)", 0 },
	{ "peers", OPT_TOP_PEERS, NULL, 0,
	  "Also a row per edge (sender -> receiver, kind, object): streams "
	  "the events with trace --peers' notes, which costs a probe on every "
	  "wakeup", 0 },
	{ 0 }
};

struct top_parse {
	struct top_opts *opts;
	struct ipcs_error *err;
	struct ipcs_filter_input filter;
};

static int parse_seconds(const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	return errno || end == arg || *end || !isfinite(*out) || *out <= 0 ?
		-1 : 0;
}

static int parse_count(const char *arg, unsigned long long max,
		       unsigned long long *out)
{
	char *end;

	if (!*arg || *arg == '-' || *arg == '+')
		return -1;
	errno = 0;
	*out = strtoull(arg, &end, 10);
	return errno || *end || !*out || *out > max ? -1 : 0;
}

static int parse_top_option(struct top_parse *tp, int key, const char *arg)
{
	struct top_opts *o = tp->opts;
	struct ipcs_error *err = tp->err;
	unsigned long long v;
	int sort;

	switch (key) {
	case 'i':
		if (parse_seconds(arg, &o->interval_s) ||
		    o->interval_s < 0.01)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid interval '%s': want seconds >= 0.01",
					 arg);
		return 0;
	case 'd':
		if (parse_seconds(arg, &o->duration_s))
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid duration '%s': want seconds > 0",
					 arg);
		return 0;
	case 'n':
		if (parse_count(arg, ~0ULL, &o->iterations))
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid count '%s': want a positive number",
					 arg);
		return 0;
	case 'r':
		if (parse_count(arg, 1000000, &v))
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid row count '%s': want 1 to 1000000",
					 arg);
		o->max_rows = v;
		return 0;
	case 's':
		sort = top_sort_parse(arg);
		if (sort < 0)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "unknown sort column '%s': want pid, comm, event, object, ops, bytes, blocked, errors or total",
					 arg);
		o->sort = sort;
		return 0;
	case 'R':
		o->reverse = true;
		return 0;
	case 'b':
	case 'C':
		o->batch = true;
		return 0;
	case 'a':
		o->active_only = true;
		return 0;
	case OPT_TOP_PEERS:
		o->cfg.peers = true;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static error_t top_argp_parser(int key, char *arg, struct argp_state *state)
{
	struct top_parse *tp = state->input;
	int ret;

	switch (key) {
	case ARGP_KEY_INIT:
		ipcs_argp_one_line_errors(state);
		state->child_inputs[0] = &tp->filter;
		return 0;
	case ARGP_KEY_ARG:
		ipcs_fail(tp->err, IPCS_EXIT_USAGE,
			  "unexpected argument '%s'", arg);
		return EINVAL;
	}
	if (key < 0 || key > 0x1000)
		return ARGP_ERR_UNKNOWN;
	ret = parse_top_option(tp, key, arg);
	if (ret == ARGP_ERR_UNKNOWN)
		return ret;
	return ret ? EINVAL : 0;
}

int top_parse_args(int argc, char **argv, struct top_opts *opts,
		   struct ipcs_error *err)
{
	static const struct argp_child children[] = {
		{ &ipcs_filter_argp, 0, NULL, 0 },
		{ 0 }
	};
	static const struct argp argp = {
		.options = top_options,
		.parser = top_argp_parser,
		.args_doc = "",
		.doc = top_doc,
		.children = children,
	};
	struct top_parse tp = { .opts = opts, .err = err };

	memset(opts, 0, sizeof(*opts));
	ipcs_filter_init(&tp.filter, &opts->cfg, err);
	opts->cfg.summary = true;
	opts->interval_s = 1;
	opts->sort = TOP_SORT_OPS;
	err->msg[0] = '\0';
	if (ipcs_argp_parse(&argp, argc, argv, &tp, err))
		return -1;
	if (!isatty(STDOUT_FILENO))
		opts->batch = true;
	return ipcs_filter_check(&tp.filter);
}

/* ---- running ------------------------------------------------------------- */

static volatile sig_atomic_t stop_signal;

/* --peers: the longest the ring goes unread */
#define PEERS_POLL_S	0.1

static void on_signal(int sig)
{
	stop_signal = sig;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct top_state {
	const struct top_opts *opts;
	struct ipcs_session *session;
	struct ipcs_output out;		/* batch */
	struct summary_row *prev;	/* the last reading */
	int nprev;
	double prev_at, started;
	__u64 lost_base, lost_prev;
	__u64 missed_base, missed_prev;
	struct top_frame frame;		/* the last interval */
	/* --peers */
	struct ring_buffer *rb;
	struct ipcs_notes *notes;	/* notes awaiting their event */
	struct msgpair *pairing;	/* tracepoint tier's queue model */
	struct ipcs_graph *graph;	/* every edge since tracing began */
	struct graph_edge *prev_edges;	/* at the last reading */
	int nprev_edges;
	unsigned int since_yield;
};

/* ---- --peers: the events, folded into edges ------------------------------ */

/* A callback's way back to the loop in a storm (as trace's). */
#define TOP_YIELD	(-EAGAIN)
#define TOP_YIELD_EVERY	65536

/* One event with its notes into the graph (also the queue model's
 * printer: a receive once its sender is known). */
static int top_event(void *ctx, const void *data, size_t size)
{
	struct top_state *s = ctx;
	const struct ipcscope_hdr *hdr = data;

	if (size >= sizeof(*hdr))
		ipcs_notes_take(s->notes, hdr->tid, &s->out);
	graph_add(s->graph, data, size, s->out.wake, s->out.from);
	s->out.wake = NULL;
	s->out.from = NULL;
	return 0;
}

/* What the queue model settled (top asks for no payload: none comes). */
static int top_paired_event(void *ctx, const void *data, size_t size,
			    const void *extra, size_t extra_size)
{
	(void)extra;
	(void)extra_size;
	return top_event(ctx, data, size);
}

static int top_record(void *ctx, void *data, size_t size)
{
	struct top_state *s = ctx;

	if (ipcs_notes_put(s->notes, data, size))
		return 0;
	if (s->pairing && msgpair_wants(data, size)) {
		const struct ipcscope_hdr *hdr = data;

		/* the model does not carry notes (as in trace) */
		ipcs_notes_take(s->notes, hdr->tid, &s->out);
		s->out.wake = NULL;
		s->out.from = NULL;
		msgpair_feed(s->pairing, data, size);
	} else {
		top_event(ctx, data, size);
	}
	if (++s->since_yield >= TOP_YIELD_EVERY) {
		s->since_yield = 0;
		return TOP_YIELD;
	}
	return 0;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Everything in the ring now into the graph; with @all, the receives the
 * queue model holds too (at the end).  At most about a second in a storm
 * faster than the graph takes it. */
static int drain_events(struct top_state *s, bool all)
{
	double until = now_s() + 1;
	int n;

	if (!s->rb)
		return 0;
	do {
		n = ring_buffer__consume(s->rb);
	} while (n == TOP_YIELD && now_s() < until);
	if (n < 0 && n != TOP_YIELD)
		return n;
	if (s->pairing)
		msgpair_release(s->pairing, mono_ns(), all);
	return 0;
}

/* Set up the stream of --peers: the ring, the notes, the queue model of
 * the tracepoint tier (as trace's pairing_start()). */
static int peers_start(struct top_state *s, struct ipcs_error *err)
{
	const struct ipcs_session *ss = s->session;
	bool sysv = false, posix = false;
	int i;

	s->graph = graph_new();
	s->notes = calloc(1, sizeof(*s->notes));
	if (!s->graph || !s->notes)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	for (i = 0; i < ss->nprobes; i++) {
		const struct family_probe *p = &ss->probes[i];

		if (p->hook != IPCSCOPE_HOOK_TP_BTF &&
		    p->hook != IPCSCOPE_HOOK_RAW_TP)
			continue;
		sysv |= p->family == &msg_family;
		posix |= p->family == &mq_family;
	}
	if (sysv || posix) {
		s->pairing = msgpair_new(top_paired_event, s);
		if (!s->pairing)
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "cannot set up the queue model: %s",
					 strerror(errno));
		msgpair_snapshot(s->pairing, sysv, posix);
	}
	s->rb = ring_buffer__new(ss->shared.events_fd, top_record, s, NULL);
	if (!s->rb)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot open ring buffer: %s", strerror(errno));
	return 0;
}

/* After the view is closed: what no edge row showed is said on stderr. */
static void peers_stop(struct top_state *s)
{
	if (s->graph)
		graph_report_gaps(s->graph);
	ring_buffer__free(s->rb);
	msgpair_free(s->pairing);
	graph_free(s->graph);
	free(s->notes);
	free(s->prev_edges);
}

/* The interval's edge rows into @f: the graph now against the last
 * reading. */
static int read_edges(struct top_state *s, struct top_frame *f)
{
	struct graph_edge *cur;
	int n;

	if (drain_events(s, false))
		return -1;
	n = graph_edges(s->graph, &cur);
	if (n < 0)
		return -1;
	if (top_frame_edges(f, cur, n, s->prev_edges, s->nprev_edges)) {
		free(cur);
		return -1;
	}
	free(s->prev_edges);
	s->prev_edges = cur;
	s->nprev_edges = n;
	return 0;
}

/* Read the map, make the interval's frame (the previous one is freed). */
static int take_reading(struct top_state *s)
{
	struct summary_row *cur = NULL, *delta = NULL;
	struct ipcs_session *ss = s->session;
	struct top_frame f = {};
	struct timespec ts;
	double now;
	__u64 lost, missed;
	int n, nd, ret = -1;

	/* the events first: what the summary counted by now is in the
	 * ring by now */
	if (s->rb && drain_events(s, false))
		return -1;
	n = summary_collect(ss->shared.summary_fd, &cur);
	now = now_s();
	if (n < 0)
		return -1;
	nd = summary_delta(cur, n, s->prev, s->nprev, &delta);
	if (nd < 0 || top_frame_build(&f, cur, n, delta, nd))
		goto out;
	if (s->rb && read_edges(s, &f)) {
		top_frame_free(&f);
		goto out;
	}
	lost = ipcs_read_lost(ss->shared.lost_fd) - s->lost_base;
	missed = ipcs_recursion_misses(ss->probes, ss->nprobes) -
		 s->missed_base;
	f.lost = lost - s->lost_prev;
	f.lost_total = lost;
	f.missed = missed - s->missed_prev;
	f.missed_total = missed;
	f.interval_s = now - s->prev_at;
	f.up_s = now - s->started;
	clock_gettime(CLOCK_REALTIME, &ts);
	f.wall_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	s->lost_prev = lost;
	s->missed_prev = missed;
	s->prev_at = now;
	free(s->prev);
	s->prev = cur;
	s->nprev = n;
	cur = NULL;
	top_frame_free(&s->frame);
	s->frame = f;
	ret = 0;
out:
	free(cur);
	free(delta);
	return ret;
}

/* One block of batch text: the header, the titles, the rows, a blank line. */
static int print_block(struct top_state *s)
{
	const struct top_opts *o = s->opts;
	struct top_frame *f = &s->frame;
	struct ipcs_writer *w = &s->out.w;
	char head[3][256], line[512];
	int i, shown = 0, limit;

	top_sort_rows(f->rows, f->n, o->sort, o->reverse);
	limit = o->max_rows ? (int)o->max_rows : f->n;
	for (i = 0; i < f->n && shown < limit; i++)
		if (!o->active_only || f->rows[i].ops)
			shown++;
	top_format_header(head, f, shown, o->sort, o->reverse);
	ipcs_w_printf(w, "%s\n%s\n%s\n\n", head[0], head[1], head[2]);
	top_format_columns(line, sizeof(line));
	ipcs_w_printf(w, "%s\n", line);
	for (i = 0, shown = 0; i < f->n && shown < limit; i++) {
		if (o->active_only && !f->rows[i].ops)
			continue;
		top_format_row(line, sizeof(line), &f->rows[i],
			       f->interval_s);
		ipcs_w_printf(w, "%s\n", line);
		shown++;
	}
	ipcs_w_str(w, "\n");
	if (f->peers) {
		top_sort_edges(f->edges, f->nedges, o->sort, o->reverse);
		top_format_edge_columns(line, sizeof(line));
		ipcs_w_printf(w, "%s\n", line);
		for (i = 0, shown = 0; i < f->nedges && shown < limit; i++) {
			if (o->active_only && !f->edges[i].ops)
				continue;
			top_format_edge(line, sizeof(line), &f->edges[i],
					f->interval_s);
			ipcs_w_printf(w, "%s\n", line);
			shown++;
		}
		ipcs_w_str(w, "\n");
	}
	ipcs_w_flush(w);
	return w->error ? -1 : 0;
}

/* Wait for a key, a stop signal, stdout's reader to go, events (@ring_fd,
 * -1: none) or @until. */
static int wait_until(double until, bool keys, bool watch_stdout,
		      int ring_fd, const sigset_t *waitmask, bool *out_gone,
		      bool *in_gone)
{
	struct pollfd pfd[3] = {
		{ .fd = keys ? STDIN_FILENO : -1, .events = POLLIN },
		{ .fd = watch_stdout ? STDOUT_FILENO : -1, .events = 0 },
		{ .fd = ring_fd, .events = POLLIN },
	};
	double left = until - now_s();
	struct timespec ts;

	if (left < 0)
		left = 0;
	ts.tv_sec = (time_t)left;
	ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
	if (ppoll(pfd, 3, &ts, waitmask) < 0)
		return errno == EINTR ? 0 : -errno;
	*out_gone = pfd[1].revents & (POLLERR | POLLHUP);
	*in_gone = pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL);
	return 0;
}

int top_run(const struct top_opts *opts, struct ipcs_error *err)
{
	struct top_state s = { .opts = opts };
	struct sigaction sa = { .sa_handler = on_signal };
	struct ipcs_session session;
	struct top_tui *tui = NULL;
	sigset_t stop_sigs, wait_sigs;
	unsigned long long done = 0;
	double next, deadline = 0;
	bool keys, stdout_gone = false, stdin_gone = false;
	int ret = -1, n;

	memset(&session, 0, sizeof(session));
	session.ki.btf_fd = -1;
	s.session = &session;
	if (!opts->batch && top_tui_check(err))
		return -1;
	if (ipcs_output_init(&s.out, STDOUT_FILENO, IPCS_FMT_TEXT))
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot set up the output: %s",
				 strerror(errno));
	if (ipcs_session_attach(&session, &opts->cfg, err))
		goto out;
	ipcs_session_release_btf(&session);

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);	/* the terminal went away */
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout is EPIPE, then exit */

	s.lost_base = ipcs_read_lost(session.shared.lost_fd);
	s.missed_base = ipcs_recursion_misses(session.probes,
					      session.nprobes);
	/* --peers: what came before the first reading is not the first
	 * interval's, for the edges as for the rows */
	if (opts->cfg.peers && peers_start(&s, err))
		goto out;
	if (drain_events(&s, false)) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "reading the ring buffer failed");
		goto out;
	}
	s.started = s.prev_at = now_s();
	/* a reading at the start: the first interval is the first second */
	n = summary_collect(session.shared.summary_fd, &s.prev);
	if (n < 0) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "cannot read the summary map: %s",
			  strerror(errno));
		goto out;
	}
	s.nprev = n;
	if (s.graph) {
		s.nprev_edges = graph_edges(s.graph, &s.prev_edges);
		if (s.nprev_edges < 0) {
			ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
			goto out;
		}
	}
	ipcs_print_attached("tracing", &opts->cfg, session.probes,
			    session.nprobes,
			    opts->batch ? "Ctrl-C to end" : "q to quit");
	if (!opts->batch) {
		if (top_tui_open(&tui, err))
			goto out;
		top_tui_settings(tui, opts);
		top_tui_draw(tui, NULL);
	}
	keys = tui && isatty(STDIN_FILENO);

	if (opts->duration_s > 0)
		deadline = s.started + opts->duration_s;
	next = s.started + opts->interval_s;
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigaddset(&stop_sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop_sigs, &wait_sigs);
	ipcs_w_set_stop(&s.out.w, &stop_signal, &wait_sigs);
	while (!stop_signal) {
		double until = deadline && deadline < next ? deadline : next;
		bool redraw = false;

		/* --peers: the ring read at least every PEERS_POLL_S, so it
		 * does not fill up between two intervals */
		if (s.rb && until > now_s() + PEERS_POLL_S)
			until = now_s() + PEERS_POLL_S;
		n = wait_until(until, keys, opts->batch,
			       s.rb ? ring_buffer__epoll_fd(s.rb) : -1,
			       &wait_sigs, &stdout_gone, &stdin_gone);
		if (n < 0) {
			ipcs_fail(err, IPCS_EXIT_FAIL, "cannot wait: %s",
				  strerror(-n));
			goto out_unblock;
		}
		if (stop_signal || stdout_gone || stdin_gone)
			break;
		if (keys && top_tui_keys(tui, &redraw))
			break;
		if (s.rb && drain_events(&s, false)) {
			ipcs_fail(err, IPCS_EXIT_FAIL,
				  "reading the ring buffer failed");
			goto out_unblock;
		}
		if (now_s() >= next && !(tui && top_tui_paused(tui))) {
			if (take_reading(&s)) {
				ipcs_fail(err, IPCS_EXIT_FAIL,
					  "cannot read the summary map: %s",
					  strerror(errno));
				goto out_unblock;
			}
			done++;
			if (tui)
				redraw = true;
			else if (print_block(&s))
				break;		/* stdout is gone */
		}
		if (now_s() >= next) {
			/* after a stall (SIGSTOP, suspend, a pause) one
			 * refresh, not a burst of catch-up ones */
			while (next <= now_s())
				next += opts->interval_s;
		}
		if (redraw)
			top_tui_draw(tui, s.frame.rows ? &s.frame : NULL);
		if (opts->iterations && done >= opts->iterations)
			break;
		if (deadline && now_s() >= deadline) {
			/* what the last, partial interval counted too */
			if (opts->batch && now_s() > s.prev_at + 0.001 &&
			    !drain_events(&s, true) && !take_reading(&s))
				print_block(&s);
			break;
		}
	}
	/* Ctrl-C, SIGTERM in batch mode: the partial interval is printed,
	 * so every operation counted is in some block */
	if (stop_signal && opts->batch && !s.out.w.error && !stdout_gone &&
	    !drain_events(&s, true) && !take_reading(&s))
		print_block(&s);
	ret = 0;
out_unblock:
	sigprocmask(SIG_SETMASK, &wait_sigs, NULL);
out:
	top_tui_close(tui);
	if (!ret && s.lost_prev)
		fprintf(stderr, "ipcscope: %llu operations lost (summary map full%s)\n",
			(unsigned long long)s.lost_prev,
			opts->cfg.peers ? ", or ring buffer full" : "");
	if (!ret && s.missed_prev)
		fprintf(stderr, "ipcscope: %llu probe runs skipped by the kernel (a probe already running on the CPU): operations may be missing\n",
			(unsigned long long)s.missed_prev);
	top_frame_free(&s.frame);
	free(s.prev);
	peers_stop(&s);
	ipcs_output_free(&s.out);
	ipcs_session_close(&session);
	return ret;
}
