/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ipcscope graph`: trace for a while with --peers, then print who talked
 * to whom: processes as nodes, sender -> receiver edges per IPC object,
 * as one JSON document or as DOT for graphviz.
 */
#ifndef IPCSCOPE_GRAPH_H
#define IPCSCOPE_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include "ipcscope.h"
#include "error.h"

struct ipcs_output;
struct ipcs_graph;
struct trace_opts;

struct ipcs_graph *graph_new(void);
void graph_free(struct ipcs_graph *g);
/* One event, with its notes (NULL: none), into the graph. */
void graph_add(struct ipcs_graph *g, const void *data, size_t size,
	       const struct ipcscope_wake_event *wake,
	       const struct ipcscope_from_event *from);
/*
 * `top --peers`: the edges so far with at least one op (as graph_print()
 * keeps them), with their processes' names, sorted by from, to, kind and
 * object: a copy into *@out (to free()).  The graph goes on growing.
 * Returns their number, or -1 (ENOMEM).
 */
struct graph_edge {
	__u32 from, to;
	char from_comm[IPCSCOPE_COMM_LEN];
	char to_comm[IPCSCOPE_COMM_LEN];
	const char *kind;		/* the registry's: "pipe", "sem" */
	__u64 object, bytes, ops, blocked_ns;
};
int graph_edges(const struct ipcs_graph *g, struct graph_edge **out);
/* The same order on two edges (<0: @a first). */
int graph_edge_cmp(const struct graph_edge *a, const struct graph_edge *b);

/* The graph as JSON or DOT (@dot) into @o's writer. */
void graph_print(struct ipcs_graph *g, struct ipcs_output *o, bool dot);
/* On stderr, what no edge holds: bytes received from no known sender,
 * and an incomplete graph (out of memory).  Never silent. */
void graph_report_gaps(const struct ipcs_graph *g);

/* `ipcscope graph` arguments (argv[0] is the verb): a trace_opts for
 * trace_run() with graph set. */
int graph_parse_args(int argc, char **argv, struct trace_opts *opts,
		     struct ipcs_error *err);

#endif /* IPCSCOPE_GRAPH_H */
