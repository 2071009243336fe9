// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter's metrics without HTTP or BPF: summary rows into label sets
 * under the cap (first come; a set stays; the rest in comm="other"; an
 * entry keeps its set even when its comm changes, so counters never go
 * down), label values Prometheus accepts, both exposition formats, and
 * the Accept header's choice between them; cgroup labels from ids
 * matched to a directory tree's inode numbers, as cgroupfs numbers them.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "exporter.h"
#include "tap.h"

static struct summary_row row(unsigned int type, unsigned int pid,
			      unsigned long long object, const char *comm,
			      unsigned long long count)
{
	struct summary_row r;

	memset(&r, 0, sizeof(r));
	r.key.type = type;
	r.key.pid = pid;
	r.key.object = object;
	memcpy(r.val.comm, comm, strnlen(comm, sizeof(r.val.comm)));
	r.val.count = count;
	r.val.bytes = 10 * count;
	r.val.total_ns = 1000 * count;
	r.val.hist[9] = count;		/* [512, 1024) ns */
	return r;
}

static char *render(const struct ipcs_metrics *m, bool om)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	ipcs_metrics_render(m, f, om);
	fclose(f);
	return buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
		p++;
	}
	return false;
}

static int count_lines(const char *text, const char *prefix)
{
	const char *p = text;
	int n = 0;

	while (p && *p) {
		n += !strncmp(p, prefix, strlen(prefix));
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

static void test_sanitize(void)
{
	char out[16];

	ipcs_label_sanitize(out, "sort", 16);
	tap_ok(!strcmp(out, "sort"), "a plain name stays");
	ipcs_label_sanitize(out, "a\x01\x7f" "b", 16);
	tap_ok(!strcmp(out, "a??b"), "control characters become '?'");
	ipcs_label_sanitize(out, "caf\xc3\xa9", 16);
	tap_ok(!strcmp(out, "caf\xc3\xa9"), "valid UTF-8 stays");
	ipcs_label_sanitize(out, "x\xff\xc0\xaf\xed\xa0\x80", 16);
	tap_ok(!strcmp(out, "x??????"),
	       "invalid bytes, overlong forms and surrogates become '?' (%s)",
	       out);
	ipcs_label_sanitize(out, "abcdefghijklm\xe2\x82", 16);
	tap_ok(!strcmp(out, "abcdefghijklm??"),
	       "a sequence the kernel cut at 15 bytes becomes '?'");
}

static void test_accept(void)
{
	tap_ok(ipcs_accepts_openmetrics("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
	       "Accept: Prometheus 2.42's header gets OpenMetrics");
	tap_ok(!ipcs_accepts_openmetrics("text/plain;version=0.0.4"),
	       "Accept: text/plain gets the text format");
	tap_ok(!ipcs_accepts_openmetrics("*/*"), "Accept: */* gets text");
	tap_ok(!ipcs_accepts_openmetrics("application/openmetrics-text;version=0.0.1"),
	       "Accept: only OpenMetrics 0.0.1, which we do not speak: text");
	tap_ok(!ipcs_accepts_openmetrics("application/openmetrics-text; version=1.0.0; q=0.2, text/plain; q=0.5"),
	       "Accept: q values rank the two");
	tap_ok(ipcs_accepts_openmetrics("application/openmetrics-text"),
	       "Accept: OpenMetrics without a version");
}

static void test_cap(void)
{
	struct ipcs_metrics m;
	struct summary_row r[5];
	char *text;

	ipcs_metrics_init(&m, 0, 2, NULL);
	r[0] = row(IPCSCOPE_EV_PIPE_READ, 10, 1, "cat", 3);
	r[1] = row(IPCSCOPE_EV_PIPE_WRITE, 11, 1, "echo", 4);
	r[2] = row(IPCSCOPE_EV_PIPE_WRITE, 12, 1, "yes", 5);
	tap_ok(!ipcs_metrics_update(&m, r, 3, 7), "update");
	text = render(&m, false);
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"pipe\",type=\"pipe_read\",comm=\"cat\"} 3"),
	       "the first label set is admitted");
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"pipe\",type=\"pipe_write\",comm=\"echo\"} 4"),
	       "the second label set is admitted");
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"pipe\",type=\"pipe_write\",comm=\"other\"} 5"),
	       "the third is folded into comm=\"other\"");
	tap_ok(has_line(text, "ipcscope_bytes_total{family=\"pipe\",type=\"pipe_write\",comm=\"echo\"} 40"),
	       "bytes by label set");
	tap_ok(has_line(text, "ipcscope_events_lost_total 7"), "losses");
	tap_ok(has_line(text, "ipcscope_summary_entries 3"),
	       "the map's entries");
	free(text);

	/* the entries grow; one's comm changes (another CPU's comm now comes
	 * first); a new process joins an admitted set; another is capped */
	r[0] = row(IPCSCOPE_EV_PIPE_READ, 10, 1, "renamed", 6);
	r[1] = row(IPCSCOPE_EV_PIPE_WRITE, 11, 1, "echo", 8);
	r[2] = row(IPCSCOPE_EV_PIPE_WRITE, 12, 1, "yes", 9);
	r[3] = row(IPCSCOPE_EV_PIPE_WRITE, 13, 1, "echo", 1);
	r[4] = row(IPCSCOPE_EV_PIPE_WRITE, 14, 1, "head", 2);
	tap_ok(!ipcs_metrics_update(&m, r, 5, 7), "second update");
	text = render(&m, false);
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"pipe\",type=\"pipe_read\",comm=\"cat\"} 6"),
	       "an entry keeps its label set when its comm changes: no counter goes down");
	tap_ok(!strstr(text, "renamed"), "the new comm makes no series");
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"pipe\",type=\"pipe_write\",comm=\"echo\"} 9"),
	       "a new process of an admitted set counts there");
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"pipe\",type=\"pipe_write\",comm=\"other\"} 11"),
	       "past the cap: comm=\"other\" (9 + 2)");
	tap_is_int(count_lines(text, "ipcscope_operations_total{"), 3,
		   "three series: two admitted, one fold");
	free(text);
	ipcs_metrics_free(&m);
}

static void test_labels(void)
{
	struct ipcs_metrics m;
	struct summary_row r[3];
	char *text;

	/* a process named "other" is the fold when nothing tells them apart */
	ipcs_metrics_init(&m, 0, 1, NULL);
	r[0] = row(IPCSCOPE_EV_SEMOP, 1, 5, "a\"b\\c", 2);
	r[1] = row(IPCSCOPE_EV_SEMOP, 2, 5, "other", 3);
	r[2] = row(IPCSCOPE_EV_SEMOP, 3, 5, "late", 4);
	ipcs_metrics_update(&m, r, 3, 0);
	text = render(&m, false);
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"sem\",type=\"semop\",comm=\"a\\\"b\\\\c\"} 2"),
	       "label values escape \" and \\");
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"sem\",type=\"semop\",comm=\"other\"} 7"),
	       "a process named other joins the fold");
	tap_is_int(count_lines(text, "ipcscope_operations_total{"), 2,
		   "no duplicate series");
	free(text);
	ipcs_metrics_free(&m);

	ipcs_metrics_init(&m, IPCS_BY_PID | IPCS_BY_OBJECT, 1, NULL);
	r[0] = row(IPCSCOPE_EV_SEMOP, 1, 5, "a", 2);
	r[1] = row(IPCSCOPE_EV_SEMOP, 2, 0, "other", 3);
	ipcs_metrics_update(&m, r, 2, 0);
	text = render(&m, false);
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"sem\",type=\"semop\",comm=\"a\",pid=\"1\",object=\"5\"} 2"),
	       "--by pid,object: pid and object labels");
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"sem\",type=\"semop\",comm=\"other\"} 3"),
	       "the fold has neither");
	free(text);
	ipcs_metrics_free(&m);
}

static void test_formats(void)
{
	struct ipcs_metrics m;
	struct summary_row r = row(IPCSCOPE_EV_PIPE_WRITE, 1, 1, "w", 3);
	const char *lbl = "family=\"pipe\",type=\"pipe_write\",comm=\"w\"";
	char line[256], *text;
	size_t len;

	r.val.hist[9] = 2;		/* [512, 1024) ns */
	r.val.hist[31] = 1;		/* 2^31 ns and beyond */
	r.val.total_ns = 2500000000ULL;
	ipcs_metrics_init(&m, 0, 10, NULL);
	ipcs_metrics_update(&m, &r, 1, 0);
	text = render(&m, false);
	tap_ok(has_line(text, "# TYPE ipcscope_operations_total counter"),
	       "text 0.0.4: counters named with _total");
	tap_ok(has_line(text, "# TYPE ipcscope_blocked_seconds histogram"),
	       "text 0.0.4: the histogram typed histogram");
	tap_ok(has_line(text, "# TYPE ipcscope_build_info gauge"),
	       "text 0.0.4: build_info a gauge");
	tap_ok(!strstr(text, "# EOF"), "text 0.0.4: no # EOF");
	tap_ok(!strstr(text, "# UNIT"), "text 0.0.4: no # UNIT");
	snprintf(line, sizeof(line), "ipcscope_blocked_seconds_bucket{%s,le=\"5.12e-07\"} 0", lbl);
	tap_ok(has_line(text, line), "bucket le=512 ns: below slot 9");
	snprintf(line, sizeof(line), "ipcscope_blocked_seconds_bucket{%s,le=\"1.024e-06\"} 2", lbl);
	tap_ok(has_line(text, line), "bucket le=1024 ns: slot 9, cumulative");
	snprintf(line, sizeof(line), "ipcscope_blocked_seconds_bucket{%s,le=\"2.147483648\"} 2", lbl);
	tap_ok(has_line(text, line), "the last bucket, le=2^31 ns");
	snprintf(line, sizeof(line), "ipcscope_blocked_seconds_bucket{%s,le=\"+Inf\"} 3", lbl);
	tap_ok(has_line(text, line), "+Inf holds every operation");
	snprintf(line, sizeof(line), "ipcscope_blocked_seconds_sum{%s} 2.500000000", lbl);
	tap_ok(has_line(text, line), "_sum in seconds");
	snprintf(line, sizeof(line), "ipcscope_blocked_seconds_count{%s} 3", lbl);
	tap_ok(has_line(text, line), "_count");
	free(text);

	text = render(&m, true);
	len = strlen(text);
	tap_ok(len > 6 && !strcmp(text + len - 6, "# EOF\n"),
	       "OpenMetrics: # EOF last");
	tap_is_int(count_lines(text, "# EOF"), 1, "OpenMetrics: # EOF once");
	tap_ok(has_line(text, "# TYPE ipcscope_operations counter"),
	       "OpenMetrics: the operations family without _total");
	tap_ok(has_line(text, "# TYPE ipcscope_events_lost counter"),
	       "OpenMetrics: the events_lost family without _total");
	tap_ok(has_line(text, "ipcscope_events_lost_total 0"),
	       "OpenMetrics: samples with _total");
	tap_ok(has_line(text, "# TYPE ipcscope_build info"),
	       "OpenMetrics: build info typed info");
	tap_ok(has_line(text, "# UNIT ipcscope_blocked_seconds seconds"),
	       "OpenMetrics: the histogram's unit");
	free(text);
	ipcs_metrics_free(&m);
}

static __u64 ino_of(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		tap_bail("stat %s", path);
	return st.st_ino;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* --by cgroup against a directory tree standing in for the cgroup2 mount:
 * the id is the directory's inode number, the label its path. */
static void test_cgroup(void)
{
	char root[] = "/tmp/ipcscope-cgroup-XXXXXX", path[128], *text;
	struct ipcs_cgroup_names names;
	struct ipcs_metrics m;
	struct summary_row r[4];
	__u64 id_a, id_b, id_late;

	if (!mkdtemp(root))
		tap_bail("mkdtemp");
	snprintf(path, sizeof(path), "%s/a", root);
	mkdir(path, 0755);
	id_a = ino_of(path);
	snprintf(path, sizeof(path), "%s/a/b\x01", root);	/* a control byte */
	mkdir(path, 0755);
	id_b = ino_of(path);
	snprintf(path, sizeof(path), "%s/a/file", root);
	fclose(fopen(path, "w"));

	ipcs_cgroup_names_init(&names, root);
	tap_is_str(ipcs_cgroup_path(&names, ino_of(root)), "/",
		   "cgroup ids: the root is /");
	tap_is_str(ipcs_cgroup_path(&names, id_a), "/a",
		   "cgroup ids: a directory's inode number gives its path");
	tap_ok(!ipcs_cgroup_path(&names, ino_of(path)),
	       "cgroup ids: files are not cgroups");
	tap_is_int(names.walks, 1, "cgroup ids: one walk for all of them");
	snprintf(path, sizeof(path), "%s/late", root);
	mkdir(path, 0755);
	id_late = ino_of(path);
	tap_ok(!ipcs_cgroup_path(&names, id_late),
	       "cgroup ids: a miss walks once per expiry, not per id");
	ipcs_cgroup_names_expire(&names);
	tap_is_str(ipcs_cgroup_path(&names, id_late), "/late",
		   "cgroup ids: after the expiry a new cgroup is found");
	tap_is_int(names.walks, 2, "cgroup ids: by a second walk");
	ipcs_cgroup_names_free(&names);

	ipcs_metrics_init(&m, IPCS_BY_CGROUP, 10, root);
	r[0] = row(IPCSCOPE_EV_PIPE_WRITE, 1, 7, "w", 2);
	r[0].key.cgroup = id_a;
	r[1] = row(IPCSCOPE_EV_PIPE_WRITE, 2, 8, "w", 3);
	r[1].key.cgroup = id_a;
	r[2] = row(IPCSCOPE_EV_PIPE_WRITE, 3, 7, "w", 4);
	r[2].key.cgroup = id_b;
	r[3] = row(IPCSCOPE_EV_PIPE_WRITE, 4, 7, "w", 5);
	r[3].key.cgroup = 999999999999ULL;	/* gone before the scrape */
	ipcs_metrics_update(&m, r, 4, 0);
	text = render(&m, false);
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"pipe\",type=\"pipe_write\",comm=\"w\",cgroup=\"/a\"} 5"),
	       "--by cgroup: two processes of one cgroup in one series");
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"pipe\",type=\"pipe_write\",comm=\"w\",cgroup=\"/a/b?\"} 4"),
	       "--by cgroup: a path's control byte shown as ?");
	tap_ok(has_line(text, "ipcscope_operations_total{family=\"pipe\",type=\"pipe_write\",comm=\"w\",cgroup=\"999999999999\"} 5"),
	       "--by cgroup: an id without a path shows the id");
	free(text);
	ipcs_metrics_free(&m);
	nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* --by on the command line: cgroup also turns the kernel's key on. */
static void test_by_option(void)
{
	struct exporter_opts o;
	struct ipcs_error err;
	char *by_cgroup[] = { "exporter", "--by", "cgroup,pid", NULL };
	char *plain[] = { "exporter", NULL };
	char *bogus[] = { "exporter", "--by", "container", NULL };

	tap_is_int(exporter_parse_args(3, by_cgroup, &o, &err), 0,
		   "--by cgroup,pid parses");
	tap_is_int(o.by, IPCS_BY_CGROUP | IPCS_BY_PID,
		   "--by cgroup,pid: both labels");
	tap_ok(o.cfg.summary_cgroup,
	       "--by cgroup: the cgroup id joins the kernel's summary key");
	tap_is_int(exporter_parse_args(1, plain, &o, &err), 0,
		   "no --by parses");
	tap_ok(!o.cfg.summary_cgroup,
	       "without --by cgroup the kernel's key has no cgroup id");
	tap_ok(exporter_parse_args(3, bogus, &o, &err) != 0 &&
	       err.status == IPCS_EXIT_USAGE && strstr(err.msg, "cgroup"),
	       "--by container: status 2, the message names cgroup");
}

static void test_listen(void)
{
	struct sockaddr_storage ss;
	struct ipcs_error err;
	socklen_t len;

	tap_is_int(exporter_parse_listen("127.0.0.1:9435", &ss, &len, &err), 0,
		   "--listen 127.0.0.1:9435");
	tap_is_int(ss.ss_family, AF_INET, "--listen 127.0.0.1:9435: IPv4");
	tap_is_int(exporter_parse_listen("[::1]:80", &ss, &len, &err), 0,
		   "--listen [::1]:80");
	tap_is_int(ss.ss_family, AF_INET6, "--listen [::1]:80: IPv6");
	tap_ok(!exporter_parse_listen(":9435", &ss, &len, &err),
	       "--listen :9435");
	tap_ok(exporter_parse_listen("::1:80", &ss, &len, &err) != 0,
	       "--listen refuses a bare IPv6 address");
	tap_ok(exporter_parse_listen("1.2.3.4:0", &ss, &len, &err) != 0,
	       "--listen refuses port 0");
	tap_ok(exporter_parse_listen("1.2.3.4:", &ss, &len, &err) != 0,
	       "--listen refuses no port");
	tap_ok(exporter_parse_listen("1.2.3.4:+80", &ss, &len, &err) != 0,
	       "--listen refuses +80");
	tap_ok(exporter_parse_listen("host:80", &ss, &len, &err) != 0,
	       "--listen refuses a name");
	tap_is_int(err.status, IPCS_EXIT_USAGE, "--listen refusals: status 2");
}

int main(void)
{
	tap_plan(74);
	test_sanitize();
	test_accept();
	test_cap();
	test_labels();
	test_formats();
	test_cgroup();
	test_by_option();
	test_listen();
	return tap_done();
}
