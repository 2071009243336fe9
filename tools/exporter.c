// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope exporter: the in-kernel summary as Prometheus metrics.
 *
 * Nothing is streamed: the probes aggregate into --summary's per-CPU map
 * and every scrape (or textfile write) reads it through summary_collect(),
 * which never resets it, so the counters only grow.  The map's entries are
 * (event type, process, object); the exporter sums them into label sets
 * (family, type, comm, and pid, object or cgroup when asked for) under a cap, and
 * remembers which set each entry went to, so a series never goes down.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include "cli.h"
#include "exporter.h"
#include "family.h"
#include "trace.h"

#ifndef IPCSCOPE_VERSION
#define IPCSCOPE_VERSION "0.1"
#endif

/*
 * libmicrohttpd is opened when the exporter starts, not linked: linked,
 * it and gnutls's seven libraries are mapped and relocated at every start
 * of every verb, for `trace` too, which needs none of them.  The soname is
 * the ABI microhttpd.h describes.
 */
#define MHD_SONAME "libmicrohttpd.so.12"

static struct {
	struct MHD_Daemon *(*start_daemon)(unsigned int flags, uint16_t port,
					   MHD_AcceptPolicyCallback apc,
					   void *apc_cls,
					   MHD_AccessHandlerCallback dh,
					   void *dh_cls, ...);
	void (*stop_daemon)(struct MHD_Daemon *daemon);
	struct MHD_Response *(*create_response_from_buffer)(
		size_t size, void *buffer, enum MHD_ResponseMemoryMode mode);
	enum MHD_Result (*add_response_header)(struct MHD_Response *r,
					       const char *header,
					       const char *content);
	enum MHD_Result (*queue_response)(struct MHD_Connection *c,
					  unsigned int status,
					  struct MHD_Response *r);
	void (*destroy_response)(struct MHD_Response *r);
	const char *(*lookup_connection_value)(struct MHD_Connection *c,
					       enum MHD_ValueKind kind,
					       const char *key);
} mhd;

static int mhd_open(struct ipcs_error *err)
{
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
#define SYM(field, name) { #name, offsetof(typeof(mhd), field) }
		SYM(start_daemon, MHD_start_daemon),
		SYM(stop_daemon, MHD_stop_daemon),
		SYM(create_response_from_buffer,
		    MHD_create_response_from_buffer),
		SYM(add_response_header, MHD_add_response_header),
		SYM(queue_response, MHD_queue_response),
		SYM(destroy_response, MHD_destroy_response),
		SYM(lookup_connection_value, MHD_lookup_connection_value),
#undef SYM
	};
	void *lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	unsigned int i;

	if (!lib)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "the exporter needs libmicrohttpd (Debian: libmicrohttpd12): %s",
				 dlerror());
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *fn = dlsym(lib, syms[i].name);

		if (!fn)
			return ipcs_fail(err, IPCS_EXIT_FAIL,
					 "%s has no %s", MHD_SONAME,
					 syms[i].name);
		memcpy((char *)&mhd + syms[i].off, &fn, sizeof(fn));
	}
	return 0;	/* kept open: the process ends with it */
}

/* ---- label values --------------------------------------------------- */

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if none.
 * The same rules as Go's utf8.Valid, which Prometheus applies. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f;		/* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;		/* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f;		/* beyond U+10FFFF */
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* The @n bytes at @src as valid, printable UTF-8 into @dst (n + 1 bytes):
 * what is not becomes '?', byte for byte. */
static void sanitize_utf8(char *dst, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, k, len;

	while (i < n) {
		len = utf8_seq(s + i, n - i);
		if (len == 1 && (s[i] < 0x20 || s[i] == 0x7f))
			len = 0;
		if (!len) {
			dst[i++] = '?';
			continue;
		}
		for (k = 0; k < len; k++, i++)
			dst[i] = s[i];
	}
	dst[i] = '\0';
}

void ipcs_label_sanitize(char *dst, const char *src, size_t srclen)
{
	size_t n = strnlen(src, srclen);

	sanitize_utf8(dst, src, n > 15 ? 15 : n);
}

/* A label value between quotes: \, " and newline escaped. */
static void put_label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*v, f);
	}
}

/* ---- series ----------------------------------------------------------- */

void ipcs_metrics_init(struct ipcs_metrics *m, unsigned int by,
		       unsigned int max_series, const char *cgroup_root)
{
	memset(m, 0, sizeof(*m));
	m->by = by;
	m->max_series = max_series;
	if (by & IPCS_BY_CGROUP)
		ipcs_cgroup_names_init(&m->cgroups, cgroup_root);
}

void ipcs_metrics_free(struct ipcs_metrics *m)
{
	unsigned int i;

	for (i = 0; i < m->nseries; i++)
		free(m->series[i].labels);
	free(m->series);
	free(m->slots);
	free(m->rows);
	ipcs_cgroup_names_free(&m->cgroups);
	memset(m, 0, sizeof(*m));
}

static unsigned int key_hash(const struct ipcs_series_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	unsigned int h = 2166136261u;	/* FNV-1a */
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Rebuild the hash at twice the series' number (open addressing). */
static int rehash(struct ipcs_metrics *m, unsigned int want)
{
	unsigned int n = 64, i, j;
	unsigned int *slots;

	while (n < 2 * want)
		n *= 2;
	slots = calloc(n, sizeof(*slots));
	if (!slots)
		return -1;
	for (i = 0; i < m->nseries; i++) {
		j = key_hash(&m->series[i].key) & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = i + 1;
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = n;
	return 0;
}

/*
 * The cgroup label: the path from the cgroup2 mount's root, as valid
 * UTF-8; a cgroup gone before its first scrape has no path left, and shows
 * its id instead (no path starts with a digit: paths start with '/').
 */
static void put_cgroup(FILE *f, struct ipcs_metrics *m, __u64 id)
{
	const char *path = ipcs_cgroup_path(&m->cgroups, id);
	char *clean;

	if (!path) {
		fprintf(f, ",cgroup=\"%llu\"", (unsigned long long)id);
		return;
	}
	clean = malloc(strlen(path) + 1);
	if (!clean)
		return;
	sanitize_utf8(clean, path, strlen(path));
	fputs(",cgroup=\"", f);
	put_label_value(f, clean);
	fputc('"', f);
	free(clean);
}

/* The labels of a series, as every sample of it shows them; malloc'ed. */
static char *labels_of(struct ipcs_metrics *m,
		       const struct ipcs_series_key *k)
{
	const struct ipcs_family *fam = ipcs_family_of_type(k->type);
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "family=\"%s\",type=\"%s\",comm=\"", fam ? fam->name : "",
		summary_event_name(k->type));
	put_label_value(f, k->comm);
	fputc('"', f);
	if (!k->other && (m->by & IPCS_BY_CGROUP))
		put_cgroup(f, m, k->cgroup);
	if (!k->other && (m->by & IPCS_BY_PID))
		fprintf(f, ",pid=\"%u\"", k->pid);
	if (!k->other && (m->by & IPCS_BY_OBJECT))
		fprintf(f, ",object=\"%llu\"", (unsigned long long)k->object);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The series of @k, created if @create; -1 if absent or on ENOMEM. */
static int series_find(struct ipcs_metrics *m, const struct ipcs_series_key *k,
		       bool create)
{
	unsigned int j;

	if (m->nslots) {
		j = key_hash(k) & (m->nslots - 1);
		for (; m->slots[j]; j = (j + 1) & (m->nslots - 1))
			if (!memcmp(&m->series[m->slots[j] - 1].key, k,
				    sizeof(*k)))
				return m->slots[j] - 1;
	}
	if (!create)
		return -1;
	if (m->nseries == m->cap) {
		unsigned int cap = m->cap ? 2 * m->cap : 64;
		struct ipcs_series *s = realloc(m->series, cap * sizeof(*s));

		if (!s)
			return -1;
		m->series = s;
		m->cap = cap;
	}
	if (2 * (m->nseries + 1) > m->nslots && rehash(m, m->nseries + 1))
		return -1;
	memset(&m->series[m->nseries], 0, sizeof(m->series[0]));
	m->series[m->nseries].key = *k;
	m->series[m->nseries].labels = labels_of(m, k);
	if (!m->series[m->nseries].labels)
		return -1;
	j = key_hash(k) & (m->nslots - 1);
	while (m->slots[j])
		j = (j + 1) & (m->nslots - 1);
	m->slots[j] = m->nseries + 1;
	return m->nseries++;
}

/* A new summary entry's series: its own label set if admitted, else its
 * type's fold. */
static int admit(struct ipcs_metrics *m, const struct summary_row *r)
{
	struct ipcs_series_key k;
	int i;

	memset(&k, 0, sizeof(k));
	k.type = r->key.type;
	if (m->by & IPCS_BY_PID)
		k.pid = r->key.pid;
	if (m->by & IPCS_BY_OBJECT)
		k.object = r->key.object;
	if (m->by & IPCS_BY_CGROUP)
		k.cgroup = r->key.cgroup;
	ipcs_label_sanitize(k.comm, r->val.comm, sizeof(r->val.comm));
	/* A process called "other" has the fold's very labels when no pid
	 * or object tells them apart: it is the fold. */
	if (!m->by && !strcmp(k.comm, "other"))
		k.other = 1;
	if (!k.other) {
		i = series_find(m, &k, false);
		if (i >= 0)
			return i;
		if (m->admitted < m->max_series) {
			i = series_find(m, &k, true);
			if (i >= 0)
				m->admitted++;
			return i;
		}
	}
	memset(&k, 0, sizeof(k));
	k.type = r->key.type;
	strcpy(k.comm, "other");
	k.other = 1;
	return series_find(m, &k, true);
}

static int key_cmp(const struct ipcscope_summary_key *a,
		   const struct ipcscope_summary_key *b)
{
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->object != b->object)
		return a->object < b->object ? -1 : 1;
	return a->cgroup < b->cgroup ? -1 : a->cgroup > b->cgroup;
}

static void val_add(struct ipcscope_summary_val *d,
		    const struct ipcscope_summary_val *v)
{
	int i;

	d->count += v->count;
	d->bytes += v->bytes;
	d->errors += v->errors;
	d->total_ns += v->total_ns;
	if (v->max_ns > d->max_ns)
		d->max_ns = v->max_ns;
	for (i = 0; i < IPCSCOPE_HIST_SLOTS; i++)
		d->hist[i] += v->hist[i];
}

int ipcs_metrics_update(struct ipcs_metrics *m,
			const struct summary_row *rows, int n, __u64 lost)
{
	struct ipcs_row_series *map;
	unsigned int s;
	int i, j = 0, series;

	map = malloc((n ? n : 1) * sizeof(*map));
	if (!map)
		return -1;
	/* cgroups made since the last reading: found by one walk at most */
	ipcs_cgroup_names_expire(&m->cgroups);
	/* both sorted by key: entries never leave the map, so every old one
	 * is found again and keeps its series */
	for (i = 0; i < n; i++) {
		while (j < m->nrows && key_cmp(&m->rows[j].key, &rows[i].key) < 0)
			j++;
		if (j < m->nrows && !key_cmp(&m->rows[j].key, &rows[i].key)) {
			series = m->rows[j].series;
		} else {
			series = admit(m, &rows[i]);
			if (series < 0) {
				free(map);
				return -1;
			}
		}
		map[i].key = rows[i].key;
		map[i].series = series;
	}
	free(m->rows);
	m->rows = map;
	m->nrows = n;
	for (s = 0; s < m->nseries; s++)
		memset(&m->series[s].sum, 0, sizeof(m->series[s].sum));
	for (i = 0; i < n; i++)
		val_add(&m->series[map[i].series].sum, &rows[i].val);
	m->entries = n;
	m->lost = lost;
	return 0;
}

/* ---- exposition --------------------------------------------------------- */

/* HELP and TYPE of a family; @name is the OpenMetrics family name, which
 * the text format's counters spell with their _total. */
static void put_family(FILE *f, bool om, const char *name, const char *type,
		       const char *help)
{
	const char *suffix = "";

	if (!om && !strcmp(type, "counter"))
		suffix = "_total";
	if (!om && !strcmp(type, "info")) {
		type = "gauge";		/* the text format has no info */
		suffix = "_info";
	}
	fprintf(f, "# HELP %s%s %s\n# TYPE %s%s %s\n", name, suffix, help,
		name, suffix, type);
}

/* NAME{LABELS EXTRA} VALUE: the line written 30 times per series, so
 * without printf's parsing (a 10000-set scrape is 300000 of them). */
static void put_sample(FILE *f, const char *name, const char *labels,
		       const char *extra, unsigned long long v)
{
	char num[24];
	int i = sizeof(num);

	num[--i] = '\n';
	do {
		num[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	fputs_unlocked(name, f);
	fputc_unlocked('{', f);
	fputs_unlocked(labels, f);
	if (extra)
		fputs_unlocked(extra, f);
	fputs_unlocked("} ", f);
	fwrite_unlocked(num + i, 1, sizeof(num) - i, f);
}

enum series_field { F_COUNT, F_BYTES, F_ERRORS };

static void put_counter(FILE *f, const struct ipcs_metrics *m, bool om,
			const char *name, const char *help,
			enum series_field field)
{
	char sample[64];
	unsigned int i;

	put_family(f, om, name, "counter", help);
	snprintf(sample, sizeof(sample), "%s_total", name);
	for (i = 0; i < m->nseries; i++) {
		const struct ipcs_series *s = &m->series[i];
		__u64 v = field == F_COUNT ? s->sum.count :
			  field == F_BYTES ? s->sum.bytes : s->sum.errors;

		put_sample(f, sample, s->labels, NULL, v);
	}
}

/*
 * Histogram buckets from the log2 slots: slot i holds [2^i, 2^(i+1)) ns,
 * so the bucket le=2^k ns is slots 0..k-1 summed.  Below 256 ns nothing
 * the kernel does completes; the last slot also holds everything beyond
 * 2^31 ns, so +Inf closes the buckets after le=2^31 ns.
 */
#define HIST_FIRST_LE	8
#define HIST_LAST_LE	(IPCSCOPE_HIST_SLOTS - 1)

static void put_histogram(FILE *f, const struct ipcs_metrics *m, bool om)
{
	static char le[HIST_LAST_LE + 1][32];
	const char *name = "ipcscope_blocked_seconds";
	unsigned int i;
	int k;

	if (!le[HIST_FIRST_LE][0])
		for (k = HIST_FIRST_LE; k <= HIST_LAST_LE; k++)
			snprintf(le[k], sizeof(le[k]), ",le=\"%.10g\"",
				 ldexp(1.0, k) / 1e9);
	put_family(f, om, name, "histogram",
		   "Time IPC operations took, sleeping included (signals: from generation to delivery).");
	if (om)
		fprintf(f, "# UNIT %s seconds\n", name);
	for (i = 0; i < m->nseries; i++) {
		const struct ipcs_series *s = &m->series[i];
		unsigned long long cum = 0;

		for (k = 0; k < HIST_FIRST_LE; k++)
			cum += s->sum.hist[k];
		for (k = HIST_FIRST_LE; k <= HIST_LAST_LE; k++) {
			put_sample(f, "ipcscope_blocked_seconds_bucket",
				   s->labels, le[k], cum);
			cum += s->sum.hist[k];
		}
		/* +Inf and _count are the operations: the same number */
		put_sample(f, "ipcscope_blocked_seconds_bucket", s->labels,
			   ",le=\"+Inf\"", s->sum.count);
		fprintf(f, "%s_sum{%s} %.9f\n", name, s->labels,
			s->sum.total_ns / 1e9);
		put_sample(f, "ipcscope_blocked_seconds_count", s->labels,
			   NULL, s->sum.count);
	}
}

void ipcs_metrics_render(const struct ipcs_metrics *m, FILE *f, bool om)
{
	put_counter(f, m, om, "ipcscope_operations",
		    "IPC operations counted in the kernel (calls; signals generated or delivered).",
		    F_COUNT);
	put_counter(f, m, om, "ipcscope_bytes",
		    "Bytes moved by IPC operations (pipe and message queue data).",
		    F_BYTES);
	put_counter(f, m, om, "ipcscope_errors",
		    "IPC operations that returned an error.", F_ERRORS);
	put_histogram(f, m, om);
	put_family(f, om, "ipcscope_events_lost", "counter",
		   "Operations the kernel could not count (summary map full).");
	fprintf(f, "ipcscope_events_lost_total %llu\n",
		(unsigned long long)m->lost);
	put_family(f, om, "ipcscope_summary_entries", "gauge",
		   "Entries of the kernel's summary map, one per (event type, process, object) seen; it holds "
		   "16384.");
	fprintf(f, "ipcscope_summary_entries %d\n", m->entries);
	put_family(f, om, "ipcscope_build", "info",
		   "The exporter's version and event ABI.");
	fprintf(f, "ipcscope_build_info{version=\"%s\",abi=\"%d\"} 1\n",
		IPCSCOPE_VERSION, IPCSCOPE_ABI_VERSION);
	if (om)
		fputs("# EOF\n", f);
}

/* ---- content negotiation ------------------------------------------------ */

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

bool ipcs_accepts_openmetrics(const char *accept)
{
	double q_om = 0, q_text = 0;
	const char *p = accept;

	while (p && *p) {
		const char *end = strchr(p, ','), *semi;
		char type[64] = "", version[16] = "";
		double q = 1;
		size_t len;

		if (!end)
			end = p + strlen(p);
		p = skip_space(p);
		semi = memchr(p, ';', end - p);
		len = (semi ? semi : end) - p;
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len < sizeof(type))
			memcpy(type, p, len), type[len] = '\0';
		while (semi && semi < end) {
			const char *v = skip_space(semi + 1), *next;

			next = memchr(v, ';', end - v);
			if (!next)
				next = end;
			if (!strncmp(v, "q=", 2))
				q = strtod(v + 2, NULL);
			else if (!strncmp(v, "version=", 8) &&
				 (size_t)(next - v - 8) < sizeof(version)) {
				memcpy(version, v + 8, next - v - 8);
				version[next - v - 8] = '\0';
				version[strcspn(version, " \t")] = '\0';
			}
			semi = next < end ? next : NULL;
		}
		if (!strcasecmp(type, "application/openmetrics-text") &&
		    (!version[0] || !strcmp(version, "1.0.0"))) {
			if (q > q_om)
				q_om = q;
		} else if ((!strcasecmp(type, "text/plain") &&
			    (!version[0] || !strcmp(version, "0.0.4"))) ||
			   !strcmp(type, "*/*") || !strcasecmp(type, "text/*")) {
			if (q > q_text)
				q_text = q;
		}
		p = *end ? end + 1 : end;
	}
	return q_om > 0 && q_om >= q_text;
}

/* ---- command line ------------------------------------------------------ */

enum {
	OPT_LISTEN = 0x200,
	OPT_TEXTFILE,
	OPT_BY,
	OPT_MAX_SERIES,
};

static const char exporter_doc[] =
"Serve the in-kernel summary of IPC operations to Prometheus: counters of\n"
"operations, bytes and errors, and a histogram of their durations, by\n"
"family, event type and command name, read from the kernel at each scrape.\n"
"\n"
"EXAMPLES:\n"
"  ipcscope exporter                    # http://127.0.0.1:9435/metrics\n"
"  ipcscope exporter --listen 0.0.0.0:9435 -t pipe,msg\n"
"  ipcscope exporter --by pid --max-series 5000\n"
"  ipcscope exporter --by cgroup          # by container or service\n"
"  ipcscope exporter --textfile /var/lib/prometheus/node-exporter -i 30\n"
"\v"
"Endpoints: GET /metrics (the text format 0.0.4, or OpenMetrics 1.0.0 when\n"
"the Accept header prefers it), GET /healthz (200 once the probes are\n"
"attached, 503 before).  At most --max-series label sets (family, type,\n"
"comm, and pid, object and cgroup with --by) are exported, first come first\n"
"served; a set once exported stays, the rest of each event type is summed\n"
"into comm=\"other\".  See ipcscope(8), EXPORTER.";

static struct argp_option exporter_options[] = {
	{ "listen", OPT_LISTEN, "ADDR:PORT", 0,
	  "Serve HTTP here: 127.0.0.1:9435 (default), [::1]:9435, :9435 "
	  "(every IPv4 address)", 0 },
	{ "textfile", OPT_TEXTFILE, "DIR", 0,
	  "Write DIR/ipcscope.prom every interval, for node_exporter's "
	  "textfile collector (no HTTP unless --listen is given too)", 0 },
	{ "interval", 'i', "SECONDS", 0,
	  "With --textfile: how often to write (default 15)", 0 },
	{ "by", OPT_BY, "LIST", 0,
	  "More labels, comma-separated: pid, object, cgroup (the cgroup v2 "
	  "path) (default: none)", 0 },
	{ "max-series", OPT_MAX_SERIES, "N", 0,
	  "At most N label sets, then comm=\"other\" (default 1000)", 0 },
	{ 0 }
};

struct exporter_parse {
	struct exporter_opts *opts;
	struct ipcs_error *err;
	struct ipcs_filter_input filter;
	bool listen_given;
};

int exporter_parse_listen(const char *text, struct sockaddr_storage *ss,
			  socklen_t *len, struct ipcs_error *err)
{
	char host[64];
	const char *colon, *port_s;
	unsigned long port;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || close[1] != ':' ||
		    (size_t)(close - text - 1) >= sizeof(host))
			goto bad;
		memcpy(host, text + 1, close - text - 1);
		host[close - text - 1] = '\0';
		port_s = close + 2;
	} else {
		colon = strrchr(text, ':');
		if (!colon || (size_t)(colon - text) >= sizeof(host) ||
		    memchr(text, ':', colon - text))
			goto bad;
		memcpy(host, text, colon - text);
		host[colon - text] = '\0';
		port_s = colon + 1;
	}
	errno = 0;
	port = strtoul(port_s, &end, 10);
	if (!*port_s || *port_s == '-' || *port_s == '+' || *end || errno ||
	    port == 0 || port > 65535)
		goto bad;
	if (text[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			goto bad;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		if (!host[0])
			a->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			goto bad;
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		*len = sizeof(*a);
	}
	return 0;
bad:
	return ipcs_fail(err, IPCS_EXIT_USAGE,
			 "invalid --listen '%s': want ADDR:PORT with a numeric address and a port from 1 to 65535 (127.0.0.1:9435, [::1]:9435, :9435)",
			 text);
}

static int parse_by(const char *arg, unsigned int *by, struct ipcs_error *err)
{
	char buf[64], *tok, *save;

	*by = 0;
	if (strlen(arg) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "pid"))
			*by |= IPCS_BY_PID;
		else if (!strcmp(tok, "object"))
			*by |= IPCS_BY_OBJECT;
		else if (!strcmp(tok, "cgroup"))
			*by |= IPCS_BY_CGROUP;
		else if (strcmp(tok, "none"))
			goto bad;
	}
	return 0;
bad:
	return ipcs_fail(err, IPCS_EXIT_USAGE,
			 "invalid --by '%s': want pid, object, cgroup, comma-separated",
			 arg);
}

static int parse_exporter_option(struct exporter_parse *ep, int key,
				 const char *arg)
{
	struct exporter_opts *o = ep->opts;
	struct ipcs_error *err = ep->err;
	unsigned long v;
	char *end;

	switch (key) {
	case OPT_LISTEN:
		snprintf(o->listen_text, sizeof(o->listen_text), "%s", arg);
		ep->listen_given = true;
		return exporter_parse_listen(arg, &o->listen, &o->listen_len,
					     err);
	case OPT_TEXTFILE:
		if (!*arg)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "empty --textfile directory");
		o->textfile_dir = arg;
		return 0;
	case 'i':
		errno = 0;
		o->interval_s = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(o->interval_s) ||
		    o->interval_s < 0.1 || o->interval_s > 86400)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid interval '%s': want seconds from 0.1 to 86400",
					 arg);
		return 0;
	case OPT_BY:
		return parse_by(arg, &o->by, err);
	case OPT_MAX_SERIES:
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || *arg == '-' || !v ||
		    v > 1000000)
			return ipcs_fail(err, IPCS_EXIT_USAGE,
					 "invalid --max-series '%s': want 1 to 1000000",
					 arg);
		o->max_series = v;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static error_t exporter_argp_parser(int key, char *arg,
				    struct argp_state *state)
{
	struct exporter_parse *ep = state->input;
	int ret;

	switch (key) {
	case ARGP_KEY_INIT:
		ipcs_argp_one_line_errors(state);
		state->child_inputs[0] = &ep->filter;
		return 0;
	case ARGP_KEY_ARG:
		ipcs_fail(ep->err, IPCS_EXIT_USAGE, "unexpected argument '%s'",
			  arg);
		return EINVAL;
	}
	if (key < 0 || key > 0x1000)
		return ARGP_ERR_UNKNOWN;
	ret = parse_exporter_option(ep, key, arg);
	if (ret == ARGP_ERR_UNKNOWN)
		return ret;
	return ret ? EINVAL : 0;
}

int exporter_parse_args(int argc, char **argv, struct exporter_opts *opts,
			struct ipcs_error *err)
{
	static const struct argp_child children[] = {
		{ &ipcs_filter_argp, 0, NULL, 0 },
		{ 0 }
	};
	static const struct argp argp = {
		.options = exporter_options,
		.parser = exporter_argp_parser,
		.args_doc = "",
		.doc = exporter_doc,
		.children = children,
	};
	struct exporter_parse ep = { .opts = opts, .err = err };

	memset(opts, 0, sizeof(*opts));
	ipcs_filter_init(&ep.filter, &opts->cfg, err);
	opts->cfg.summary = true;
	opts->max_series = IPCS_EXPORTER_MAX_SERIES;
	err->msg[0] = '\0';
	if (ipcs_argp_parse(&argp, argc, argv, &ep, err))
		return -1;
	if (opts->interval_s && !opts->textfile_dir)
		return ipcs_fail(err, IPCS_EXIT_USAGE,
				 "--interval needs --textfile: Prometheus pulls /metrics when it likes");
	if (!opts->interval_s)
		opts->interval_s = IPCS_EXPORTER_INTERVAL_S;
	opts->serve = ep.listen_given || !opts->textfile_dir;
	/* the cgroup id joins the kernel's key only when it is asked for */
	opts->cfg.summary_cgroup = opts->by & IPCS_BY_CGROUP;
	if (opts->serve && !ep.listen_given) {
		char dflt[32];

		snprintf(dflt, sizeof(dflt), "127.0.0.1:%d",
			 IPCS_EXPORTER_PORT);
		snprintf(opts->listen_text, sizeof(opts->listen_text), "%s",
			 dflt);
		if (exporter_parse_listen(dflt, &opts->listen,
					  &opts->listen_len, err))
			return -1;
	}
	return ipcs_filter_check(&ep.filter);
}

/* ---- running ------------------------------------------------------------ */

struct exporter {
	const struct exporter_opts *opts;
	pthread_mutex_t lock;		/* metrics: scrapes and textfile */
	struct ipcs_metrics metrics;
	int summary_fd, lost_fd;
	atomic_bool ready;		/* probes attached */
	bool textfile_failing;		/* said once, until it works again */
};

/* Read the map into the series and render them into a malloc'ed buffer. */
static char *scrape(struct exporter *ex, bool om, size_t *len)
{
	struct summary_row *rows = NULL;
	char *buf = NULL;
	FILE *f;
	int n, ret;

	pthread_mutex_lock(&ex->lock);
	n = summary_collect(ex->summary_fd, &rows);
	ret = n < 0 ? -1 : ipcs_metrics_update(&ex->metrics, rows, n,
					       ipcs_read_lost(ex->lost_fd));
	free(rows);
	if (!ret) {
		f = open_memstream(&buf, len);
		if (f) {
			ipcs_metrics_render(&ex->metrics, f, om);
			if (fclose(f)) {
				free(buf);
				buf = NULL;
			}
		}
	}
	pthread_mutex_unlock(&ex->lock);
	return buf;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *type, char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = mhd.create_response_from_buffer(len, body, mode);
	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = mhd.queue_response(c, status, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c,
				  unsigned int status, const char *text)
{
	return reply(c, status, "text/plain; charset=utf-8", (char *)text,
		     strlen(text), MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct exporter *ex = cls;
	const char *accept;
	size_t len = 0;
	char *body;
	bool om;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "only GET and HEAD\n");
	if (!strcmp(url, "/healthz"))
		return atomic_load(&ex->ready) ?
			reply_text(c, MHD_HTTP_OK, "ok\n") :
			reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				   "attaching the probes\n");
	if (!strcmp(url, "/"))
		return reply_text(c, MHD_HTTP_OK,
				  "ipcscope exporter: /metrics, /healthz\n");
	if (strcmp(url, "/metrics"))
		return reply_text(c, MHD_HTTP_NOT_FOUND,
				  "not found: try /metrics\n");
	if (!atomic_load(&ex->ready))
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				  "attaching the probes\n");
	accept = mhd.lookup_connection_value(c, MHD_HEADER_KIND,
					     MHD_HTTP_HEADER_ACCEPT);
	om = accept && ipcs_accepts_openmetrics(accept);
	body = scrape(ex, om, &len);
	if (!body)
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "cannot read the summary map\n");
	return reply(c, MHD_HTTP_OK, om ?
		     "application/openmetrics-text; version=1.0.0; charset=utf-8" :
		     "text/plain; version=0.0.4; charset=utf-8",
		     body, len, MHD_RESPMEM_MUST_FREE);
}

/* Bound and listening, or exit status 1 with why (a port in use, above
 * all): before the probes, so a mistake costs no BPF setup. */
static int open_listener(const struct exporter_opts *o, struct ipcs_error *err)
{
	int fd, one = 1;

	fd = socket(o->listen.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot listen on %s: %s", o->listen_text,
				 strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&o->listen, o->listen_len) ||
	    listen(fd, 64)) {
		int e = errno;

		close(fd);
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "cannot listen on %s: %s%s", o->listen_text,
				 strerror(e), e == EADDRINUSE ?
				 " (another exporter? choose one with --listen)" :
				 "");
	}
	return fd;
}

/* DIR/ipcscope.prom, replaced whole: node_exporter never reads half. */
static int write_textfile(struct exporter *ex, struct ipcs_error *err)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	size_t len = 0;
	char *body = scrape(ex, false, &len);
	ssize_t done = 0, w;
	int fd, ret = -1;

	snprintf(path, sizeof(path), "%s/ipcscope.prom",
		 ex->opts->textfile_dir);
	/* not *.prom: the collector skips it while it is being written */
	snprintf(tmp, sizeof(tmp), "%s/.ipcscope.prom.%d.tmp",
		 ex->opts->textfile_dir, getpid());
	if (!body) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "cannot read the summary map: %s",
			  strerror(errno));
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	while ((size_t)done < len) {
		w = write(fd, body + done, len - done);
		if (w < 0) {
			close(fd);
			unlink(tmp);
			goto fail;
		}
		done += w;
	}
	if (close(fd) || rename(tmp, path)) {
		unlink(tmp);
		goto fail;
	}
	ret = 0;
	goto out;
fail:
	ipcs_fail(err, IPCS_EXIT_FAIL, "cannot write %s: %s", path,
		  strerror(errno));
out:
	free(body);
	return ret;
}

int exporter_run(const struct exporter_opts *opts, struct ipcs_error *err)
{
	struct exporter ex = { .opts = opts, .summary_fd = -1, .lost_fd = -1 };
	struct MHD_Daemon *httpd = NULL;
	struct ipcs_session session;
	char where[PATH_MAX + 64];
	sigset_t stop_sigs;
	struct timespec period;
	int listen_fd = -1, ret = -1, sig;

	pthread_mutex_init(&ex.lock, NULL);
	ipcs_metrics_init(&ex.metrics, opts->by, opts->max_series, NULL);
	memset(&session, 0, sizeof(session));
	session.ki.btf_fd = -1;
	/* SIGINT and SIGTERM are taken by sigtimedwait() below, in this
	 * thread; blocked before libmicrohttpd's thread is made, so it
	 * inherits the mask and never takes one */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (opts->textfile_dir && access(opts->textfile_dir, W_OK | X_OK)) {
		ipcs_fail(err, IPCS_EXIT_FAIL, "cannot write to --textfile %s: %s",
			  opts->textfile_dir, strerror(errno));
		goto out;
	}
	if (opts->serve) {
		if (mhd_open(err))
			goto out;
		listen_fd = open_listener(opts, err);
		if (listen_fd < 0)
			goto out;
		/* one thread answers, one scrape at a time: a scrape reads
		 * the map and never touches the probes */
		httpd = mhd.start_daemon(MHD_USE_INTERNAL_POLLING_THREAD,
					 0, NULL, NULL, handle, &ex,
					 MHD_OPTION_LISTEN_SOCKET, listen_fd,
					 MHD_OPTION_CONNECTION_TIMEOUT, 30u,
					 MHD_OPTION_CONNECTION_LIMIT, 64u,
					 MHD_OPTION_END);
		if (!httpd) {
			ipcs_fail(err, IPCS_EXIT_FAIL,
				  "cannot start the HTTP server on %s",
				  opts->listen_text);
			close(listen_fd);
			goto out;
		}
	}
	if (ipcs_session_attach(&session, &opts->cfg, err))
		goto out;
	ipcs_session_release_btf(&session);
	ex.summary_fd = session.shared.summary_fd;
	ex.lost_fd = session.shared.lost_fd;
	atomic_store(&ex.ready, true);

	if (opts->textfile_dir && write_textfile(&ex, err))
		goto out;
	if (opts->serve && opts->textfile_dir)
		snprintf(where, sizeof(where),
			 "metrics on http://%s/metrics and in %s/ipcscope.prom; Ctrl-C to end",
			 opts->listen_text, opts->textfile_dir);
	else if (opts->serve)
		snprintf(where, sizeof(where),
			 "metrics on http://%s/metrics; Ctrl-C to end",
			 opts->listen_text);
	else
		snprintf(where, sizeof(where),
			 "metrics in %s/ipcscope.prom every %g s; Ctrl-C to end",
			 opts->textfile_dir, opts->interval_s);
	ipcs_print_attached("exporting", &opts->cfg, session.probes,
			    session.nprobes, where);

	period.tv_sec = (time_t)opts->interval_s;
	period.tv_nsec = (long)((opts->interval_s - period.tv_sec) * 1e9);
	for (;;) {
		if (opts->textfile_dir)
			sig = sigtimedwait(&stop_sigs, NULL, &period);
		else
			sig = sigwaitinfo(&stop_sigs, NULL);
		if (sig == SIGINT || sig == SIGTERM)
			break;
		if (sig < 0 && errno != EAGAIN && errno != EINTR)
			break;
		if (!opts->textfile_dir || sig >= 0)
			continue;
		if (write_textfile(&ex, err)) {
			/* a full disk passes: say so once, keep going */
			if (!ex.textfile_failing)
				fprintf(stderr, "ipcscope: %s\n", err->msg);
			ex.textfile_failing = true;
		} else {
			ex.textfile_failing = false;
		}
	}
	err->msg[0] = '\0';
	if (opts->textfile_dir && write_textfile(&ex, err))
		goto out;
	ret = 0;
out:
	if (httpd)
		mhd.stop_daemon(httpd);
	ipcs_session_close(&session);
	ipcs_metrics_free(&ex.metrics);
	pthread_mutex_destroy(&ex.lock);
	return ret;
}
