/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ipcscope exporter`: the in-kernel summary (--summary's map) served to
 * Prometheus over HTTP (libmicrohttpd), or written for node_exporter's
 * textfile collector.  The metrics part (struct ipcs_metrics) needs no
 * HTTP library: it turns summary rows into label sets under the
 * cardinality cap and renders them in the text exposition format 0.0.4 or
 * OpenMetrics 1.0.0.
 */
#ifndef IPCSCOPE_EXPORTER_H
#define IPCSCOPE_EXPORTER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include "cgroup.h"
#include "error.h"
#include "probe.h"
#include "summary.h"

#define IPCS_EXPORTER_PORT		9435
#define IPCS_EXPORTER_MAX_SERIES	1000
#define IPCS_EXPORTER_INTERVAL_S	15.0

/* --by: labels beyond family, type and comm */
enum {
	IPCS_BY_PID	= 1 << 0,
	IPCS_BY_OBJECT	= 1 << 1,
	IPCS_BY_CGROUP	= 1 << 2,	/* the cgroup v2 path */
};

struct exporter_opts {
	struct trace_config cfg;
	struct sockaddr_storage listen;	/* --listen, parsed */
	socklen_t listen_len;
	char listen_text[128];		/* as given, for messages */
	bool serve;			/* HTTP: unless only --textfile */
	const char *textfile_dir;	/* --textfile */
	double interval_s;		/* -i: textfile period */
	unsigned int by;		/* IPCS_BY_* */
	unsigned int max_series;	/* --max-series */
};

int exporter_parse_args(int argc, char **argv, struct exporter_opts *opts,
			struct ipcs_error *err);
int exporter_run(const struct exporter_opts *opts, struct ipcs_error *err);

/* "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" (every IPv4 address); numeric
 * only.  -1 and a message for anything else. */
int exporter_parse_listen(const char *text, struct sockaddr_storage *ss,
			  socklen_t *len, struct ipcs_error *err);

/* ---- metrics ------------------------------------------------------------ */

/* The labels of one series of the per-operation metrics; compared whole
 * (memcmp), so built from zero. */
struct ipcs_series_key {
	__u32 type;
	__u32 pid;			/* with IPCS_BY_PID, else 0 */
	__u64 object;			/* with IPCS_BY_OBJECT, else 0 */
	__u64 cgroup;			/* id, with IPCS_BY_CGROUP, else 0 */
	char comm[16];			/* sanitised: valid UTF-8, printable */
	__u32 other;			/* the fold of what the cap left out */
	__u32 pad;
};

/* One label set and what its summary entries add up to. */
struct ipcs_series {
	struct ipcs_series_key key;
	char *labels;			/* rendered once: family="pipe",... */
	struct ipcscope_summary_val sum;
};

/* Which series a summary entry went to, fixed at its first reading. */
struct ipcs_row_series {
	struct ipcscope_summary_key key;
	unsigned int series;
};

struct ipcs_metrics {
	unsigned int by;
	unsigned int max_series;	/* label sets admitted, folds aside */
	unsigned int admitted;
	struct ipcs_series *series;	/* in admission order */
	unsigned int nseries, cap;
	unsigned int *slots;		/* hash of series: index + 1, 0 free */
	unsigned int nslots;
	struct ipcs_row_series *rows;	/* sorted by key */
	int nrows;
	int entries;			/* summary map entries, last reading */
	__u64 lost;
	struct ipcs_cgroup_names cgroups;	/* with IPCS_BY_CGROUP */
};

/* @cgroup_root: where IPCS_BY_CGROUP finds cgroup paths, NULL for the
 * cgroup2 mount (a directory tree for the unit tests). */
void ipcs_metrics_init(struct ipcs_metrics *m, unsigned int by,
		       unsigned int max_series, const char *cgroup_root);
void ipcs_metrics_free(struct ipcs_metrics *m);

/*
 * Sum a reading of the summary map (summary_collect()'s rows, sorted by
 * key) into the series.  An entry seen for the first time joins the series
 * of its labels, admitted if the cap allows, else its type's comm="other"
 * fold; it stays there, so every series only grows.  -1 on ENOMEM.
 */
int ipcs_metrics_update(struct ipcs_metrics *m,
			const struct summary_row *rows, int n, __u64 lost);

/* The exposition: Prometheus text 0.0.4, or OpenMetrics 1.0.0. */
void ipcs_metrics_render(const struct ipcs_metrics *m, FILE *out,
			 bool openmetrics);

/* The Accept header prefers OpenMetrics 1.0.0 to the text format. */
bool ipcs_accepts_openmetrics(const char *accept);

/* Copy a command name as a label value can hold it: valid UTF-8 kept,
 * control characters and invalid bytes as '?'. */
void ipcs_label_sanitize(char *dst, const char *src, size_t srclen);

#endif /* IPCSCOPE_EXPORTER_H */
