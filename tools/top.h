/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipcscope top: the in-kernel summary as a live table, one row per (event
 * type, process, IPC object), refreshed every interval; or, in batch mode,
 * one block of plain text per interval.  With --peers, also a row per edge
 * (sender -> receiver on an object), from the event stream folded by
 * `graph`'s accumulation (tools/graph.c).
 */
#ifndef IPCSCOPE_TOP_H
#define IPCSCOPE_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "graph.h"
#include "probe.h"
#include "summary.h"

/* What rows are sorted by: the keys of -s and of the live view. */
enum top_sort {
	TOP_SORT_PID,
	TOP_SORT_COMM,
	TOP_SORT_EVENT,
	TOP_SORT_OBJECT,
	TOP_SORT_OPS,		/* OPS and OPS/s: the interval's operations */
	TOP_SORT_BYTES,
	TOP_SORT_BLOCKED,
	TOP_SORT_ERRORS,
	TOP_SORT_TOTAL,		/* operations since tracing began */
	TOP_NSORTS,
};

struct top_opts {
	struct trace_config cfg;
	double interval_s;		/* -i, default 1 */
	double duration_s;		/* -d: 0, until stopped */
	unsigned long long iterations;	/* -n: 0, no limit */
	unsigned int max_rows;		/* -r: 0, all (batch) or the screen */
	enum top_sort sort;		/* -s */
	bool reverse;			/* -R */
	bool active_only;		/* -a: rows with operations this interval */
	bool batch;			/* -b, -C, or stdout not a terminal */
	/* --peers: cfg.peers, with cfg.summary: edge rows as well */
};

/* One row: a summary entry, what the last interval added to it and what
 * it holds since tracing began. */
struct top_row {
	struct ipcscope_summary_key key;
	char comm[16];
	__u64 ops, bytes, errors, ns;			/* the interval's */
	__u64 total_ops, total_bytes, total_errors, total_ns;
};

/* --peers: one edge row, the edge's totals since tracing began and what
 * the last interval added to them. */
struct top_edge {
	struct graph_edge e;		/* totals */
	__u64 ops, bytes, ns;		/* the interval's */
};

/* One interval: its rows (every entry seen since tracing began) and what
 * the header says. */
struct top_frame {
	struct top_row *rows;
	int n;
	bool peers;			/* edge rows are shown (--peers) */
	struct top_edge *edges;		/* every edge seen since tracing began */
	int nedges;
	double interval_s;		/* measured, not -i */
	double up_s;			/* since tracing began */
	long long wall_ns;		/* when it was read */
	__u64 lost, lost_total;		/* events the kernel could not count */
	__u64 missed, missed_total;	/* probe runs the kernel skipped */
};

int top_parse_args(int argc, char **argv, struct top_opts *opts,
		   struct ipcs_error *err);
int top_run(const struct top_opts *opts, struct ipcs_error *err);

/* Rows of @frame from a reading (@cur, sorted by key) and its delta from
 * the previous one (@delta, summary_delta()'s, a subset of @cur in the same
 * order).  Returns 0, or -1 (ENOMEM). */
int top_frame_build(struct top_frame *frame, const struct summary_row *cur,
		    int ncur, const struct summary_row *delta, int ndelta);
void top_frame_free(struct top_frame *frame);
/* The edge rows of @frame from the edges now (@cur) and at the previous
 * reading (@prev), both in graph_edges()'s order.  0, or -1 (ENOMEM). */
int top_frame_edges(struct top_frame *frame, const struct graph_edge *cur,
		    int ncur, const struct graph_edge *prev, int nprev);

/* Sort @rows by @sort: numbers largest first, names and keys smallest
 * first; ties broken by the same quantity since the start, then the key. */
void top_sort_rows(struct top_row *rows, int n, enum top_sort sort,
		   bool reverse);

/* The same for edge rows: pid sorts by from, comm by the sender's name,
 * event by kind; errors as pid (edges have none). */
void top_sort_edges(struct top_edge *edges, int n, enum top_sort sort,
		    bool reverse);

/* "ops", "bytes", ... (-s NAME), or NULL; and back. */
const char *top_sort_name(enum top_sort sort);
int top_sort_parse(const char *name);

/* Text of the table, shared by the batch output and the live view. */
size_t top_format_columns(char *buf, size_t len);
size_t top_format_row(char *buf, size_t len, const struct top_row *r,
		      double interval_s);
/* The edge table's titles and rows. */
size_t top_format_edge_columns(char *buf, size_t len);
size_t top_format_edge(char *buf, size_t len, const struct top_edge *e,
		       double interval_s);
/* The header: three lines, without their newlines, into @lines. */
void top_format_header(char lines[3][256], const struct top_frame *f,
		       int shown, enum top_sort sort, bool reverse);
/* Where the title of @sort's column starts in top_format_columns()'s line,
 * and how wide it is (for the live view's highlight). */
void top_sort_column(enum top_sort sort, int *start, int *width);

/* Comm filter of the live view: @r's comm contains @needle ("" matches). */
bool top_row_matches(const struct top_row *r, const char *needle);
/* ... and an edge: either end's comm contains @needle. */
bool top_edge_matches(const struct top_edge *e, const char *needle);

/*
 * The live view's terminal side (tools/top_tui.c, ncurses), or its stub
 * when the collector is built without ncurses.
 */
struct top_tui;
/* -1 with err when no terminal view can be had here: before attaching,
 * so a bad $TERM costs no BPF setup. */
int top_tui_check(struct ipcs_error *err);
/* -1 with err when no terminal view can be had here. */
int top_tui_open(struct top_tui **tui, struct ipcs_error *err);
void top_tui_close(struct top_tui *tui);
/* Draw @frame (NULL: nothing read yet) as the view's state asks; its rows
 * are sorted in place. */
void top_tui_draw(struct top_tui *tui, struct top_frame *frame);
/*
 * Read the keys waiting on the terminal and act on them.  Returns 1 when
 * the view asks to quit, else 0; *redraw when the frame must be drawn
 * again (sort, filter, pause changed).
 */
int top_tui_keys(struct top_tui *tui, bool *redraw);
bool top_tui_paused(const struct top_tui *tui);
/* The view's initial sort, reverse and idle rows (from -s, -R, -a). */
void top_tui_settings(struct top_tui *tui, const struct top_opts *opts);

#endif /* IPCSCOPE_TOP_H */
