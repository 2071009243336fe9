// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope exporter against a real Prometheus server (Debian's prometheus
 * package): the test starts it on loopback with its own data directory and
 * a scrape config (1 s) pointing at the exporter and, when Debian's
 * prometheus-node-exporter is installed, at a node exporter whose textfile
 * collector reads the exporter's --textfile.  After workloads with known
 * numbers (N pipe writes of known bytes by "pipe-workload", M semop pairs
 * by "sem-workload"), Prometheus's HTTP API must give exactly those
 * numbers, `up` 1 and no scrape error.  The first exporter has --by
 * cgroup, and the pipe workload runs in a cgroup made for the test
 * (/ipcscope-test-PID under the cgroup2 mount): its numbers, and only
 * its, are under that cgroup label.  That exporter's /healthz is polled
 * from the moment it accepts connections: 503 (and /metrics 503) while
 * the probes attach, then 200.  A second exporter with
 * --max-series 1 --by pid is read directly: one label set admitted, the
 * rest in comm="other", both formats' rules.  Bad --listen values exit 2,
 * a port in use 1.
 *
 * Host cell only: the static collector of the VMs has no exporter (Debian's
 * libmicrohttpd does not link statically), and the VMs no Prometheus.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>
#include "harness.h"

#define NWRITES		200
#define NPAIRS		50		/* semop pairs: 2 x NPAIRS semops */
#define WAIT_S		25		/* for Prometheus to see the numbers */

static char tmpdir[64];
static char cgroup_dir[PATH_MAX];	/* the test's cgroup, removed at exit */
static pid_t children[8];
static int nchildren;

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Runs at every exit, tap_bail's too: no server outlives the test. */
static void cleanup(void)
{
	int i;

	for (i = 0; i < nchildren; i++)
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
		}
	if (tmpdir[0])
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (cgroup_dir[0])
		rmdir(cgroup_dir);	/* empty once its processes are reaped */
}

/* A TCP port nobody listens on now (the kernel's pick). */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		tap_bail("cannot find a free port: %s", strerror(errno));
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* The path of @name on PATH, or NULL. */
static const char *which(const char *name)
{
	static char path[4][512];
	static int slot;
	const char *env = getenv("PATH");
	char *dirs, *d, *save;

	if (!env)
		return NULL;
	dirs = strdup(env);
	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *p = path[slot];

		snprintf(p, sizeof(path[0]), "%s/%s", d, name);
		if (!access(p, X_OK)) {
			free(dirs);
			slot = (slot + 1) % 4;
			return p;
		}
	}
	free(dirs);
	return NULL;
}

/* Start argv with stdout and stderr into @log; remembered for cleanup. */
static pid_t spawn(const char *const *argv, const char *log)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	children[nchildren++] = pid;
	return pid;
}

/* @pid was reaped: cleanup() must not signal its number again. */
static void forget(pid_t pid)
{
	int i;

	for (i = 0; i < nchildren; i++)
		if (children[i] == pid)
			children[i] = 0;
}

/* Wait for @needle in the file @log, while @pid lives; 0 when seen. */
static int wait_for_line(pid_t pid, const char *log, const char *needle,
			 double timeout_s)
{
	double deadline = mono_now() + timeout_s;

	while (mono_now() < deadline) {
		char *text = slurp(log);
		bool seen = strstr(text, needle) != NULL;

		free(text);
		if (seen)
			return 0;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		usleep(20000);
	}
	return -1;
}

/* ---- cgroups ------------------------------------------------------------ */

/* The cgroup2 mount point into @dir; false if there is none. */
static bool cgroup2_mount(char *dir, size_t len)
{
	FILE *f = fopen("/proc/self/mounts", "r");
	char line[1024], mnt[512], type[64];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %511s %63s", mnt, type) == 2 &&
		    !strcmp(type, "cgroup2")) {
			snprintf(dir, len, "%s", mnt);
			found = true;
		}
	if (f)
		fclose(f);
	return found;
}

/* Our own cgroup v2 path ("0::PATH" in /proc/self/cgroup). */
static void own_cgroup(char *path, size_t len)
{
	char *text = slurp("/proc/self/cgroup"), *line;

	snprintf(path, len, "?");
	for (line = text; line && *line; line = strchr(line, '\n') ?
	     strchr(line, '\n') + 1 : line + strlen(line))
		if (!strncmp(line, "0::", 3)) {
			snprintf(path, len, "%.*s", (int)strcspn(line + 3, "\n"),
				 line + 3);
			break;
		}
	free(text);
}

/* Move the process @pid into the cgroup at @dir. */
static void cgroup_enter(const char *dir, const char *pid)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", pid) < 0 || fclose(f))
		tap_bail("cannot move %s into %s: %s", pid, dir,
			 strerror(errno));
}

/* ---- HTTP, the smallest client that does ------------------------------- */

struct http_reply {
	int status;
	char content_type[128];
	char *body;		/* malloc'ed */
};

static int http_get(int port, const char *path, const char *accept,
		    struct http_reply *r)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };
	char req[4096], *buf = NULL, *hdr_end, *ct;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd;

	memset(r, 0, sizeof(*r));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(req, sizeof(req),
		 "GET %s HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n%s%s%sConnection: close\r\n\r\n",
		 path, port, accept ? "Accept: " : "", accept ? accept : "",
		 accept ? "\r\n" : "");
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? 2 * cap : 131072;
			buf = realloc(buf, cap + 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	hdr_end = strstr(buf, "\r\n\r\n");
	if (!hdr_end || sscanf(buf, "HTTP/%*s %d", &r->status) != 1) {
		free(buf);
		return -1;
	}
	*hdr_end = '\0';
	ct = strcasestr(buf, "\r\nContent-Type: ");
	if (ct)
		sscanf(ct + 16, "%127[^\r]", r->content_type);
	r->body = strdup(hdr_end + 4);
	free(buf);
	return 0;
}

/*
 * /healthz of the exporter @pid (log @log) on @port from the moment it
 * accepts connections until it answers 200: the HTTP server starts before
 * the probes are attached, and loading and attaching BPF objects takes
 * hundreds of milliseconds, so the first answers come while they attach.
 */
static void health_while_attaching(pid_t pid, int port, const char *log)
{
	int first = -1, last = -1, metrics = -1, n503 = 0;
	bool said_ready = false;
	double start = 0, deadline = mono_now() + 120;
	struct http_reply r;

	while (mono_now() < deadline && last != 200) {
		if (http_get(port, "/healthz", NULL, &r)) {
			if (waitpid(pid, NULL, WNOHANG) == pid)
				tap_bail("the exporter ended: %s", slurp(log));
			usleep(1000);	/* not listening yet */
			continue;
		}
		last = r.status;
		free(r.body);
		if (first < 0) {
			first = last;
			start = mono_now();
		}
		if (last != 503)
			continue;
		n503++;
		if (metrics < 0) {
			char *text = slurp(log);

			said_ready = strstr(text, "ipcscope: exporting");
			free(text);
			if (!http_get(port, "/metrics", NULL, &r)) {
				metrics = r.status;
				free(r.body);
			}
		}
	}
	tap_is_int(first, 503,
		   "/healthz: the first answer, once the port accepts, is 503");
	tap_is_int(metrics, 503, "/metrics while attaching: 503");
	tap_ok(n503 > 0 && !said_ready,
	       "while /healthz says 503, the exporter has not said it exports");
	tap_is_int(last, 200, "/healthz: 200 once the probes are attached");
	tap_diag("  /healthz: %d answers 503 over %.0f ms, then 200", n503,
		 (mono_now() - start) * 1e3);
}

static void url_encode(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s && o + 4 < len; s++) {
		unsigned char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-_.~", c)) {
			out[o++] = c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

/* ---- Prometheus ----------------------------------------------------------- */

static int prom_port;

#define PROM_NONE	(-1)		/* no series matched */
#define PROM_ERROR	(-2)		/* no answer, or several series */

/* The value of the one series @query gives now, PROM_NONE or PROM_ERROR. */
static long long prom_query(const char *query)
{
	char enc[2048], path[2200];
	struct http_reply r;
	json_t *root, *result, *value;
	long long v = PROM_ERROR;

	url_encode(query, enc, sizeof(enc));
	snprintf(path, sizeof(path), "/api/v1/query?query=%s", enc);
	if (http_get(prom_port, path, NULL, &r))
		return PROM_ERROR;
	root = json_loads(r.body, 0, NULL);
	result = json_object_get(json_object_get(root, "data"), "result");
	if (json_is_array(result) && json_array_size(result) == 0)
		v = PROM_NONE;
	else if (json_is_array(result) && json_array_size(result) == 1) {
		value = json_array_get(json_object_get(
			json_array_get(result, 0), "value"), 1);
		if (json_is_string(value))
			v = atoll(json_string_value(value));
	}
	json_decref(root);
	free(r.body);
	return v;
}

/* Poll @query until it gives @want or WAIT_S pass; what it gave last. */
static long long prom_wait(const char *query, long long want)
{
	double deadline = mono_now() + WAIT_S;
	long long v;

	do {
		v = prom_query(query);
		if (v == want)
			break;
		usleep(200000);
	} while (mono_now() < deadline);
	return v;
}

/* Every active target up, none with a scrape error; unless @quiet,
 * diagnostics name any other. */
static bool targets_healthy(int *ntargets, bool quiet)
{
	struct http_reply r;
	json_t *root, *targets, *t;
	bool ok = true;
	size_t i;

	*ntargets = 0;
	if (http_get(prom_port, "/api/v1/targets", NULL, &r))
		return false;
	root = json_loads(r.body, 0, NULL);
	targets = json_object_get(json_object_get(root, "data"),
				  "activeTargets");
	json_array_foreach(targets, i, t) {
		const char *health = json_string_value(
			json_object_get(t, "health"));
		const char *err = json_string_value(
			json_object_get(t, "lastError"));

		(*ntargets)++;
		if (!health || strcmp(health, "up") || !err || *err) {
			if (!quiet)
				tap_diag("  target %s: health %s, error \"%s\"",
					 json_string_value(json_object_get(t,
							   "scrapeUrl")),
					 health ? health : "?",
					 err ? err : "?");
			ok = false;
		}
	}
	json_decref(root);
	free(r.body);
	return ok;
}

/* ---- the exposition, read back ----------------------------------------- */

/* Sum of the samples of @metric whose labels hold every "k=\"v\"" of
 * @labels (NULL-ended); how many matched goes to *n. */
static long long expo_sum(const char *text, const char *metric,
			  const char *const *labels, int *n)
{
	const char *line = text;
	long long sum = 0;
	size_t mlen = strlen(metric);

	*n = 0;
	for (; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 :
	       line + strlen(line)) {
		const char *end = strchr(line, '\n'), *close;
		char buf[1024];
		int i;

		if (!end)
			end = line + strlen(line);
		if ((size_t)(end - line) >= sizeof(buf) ||
		    strncmp(line, metric, mlen) || line[mlen] != '{')
			continue;
		memcpy(buf, line, end - line);
		buf[end - line] = '\0';
		close = strrchr(buf, '}');
		if (!close)
			continue;
		for (i = 0; labels[i]; i++) {
			char *hit = strstr(buf, labels[i]);

			if (!hit || hit > close || (hit[-1] != '{' &&
						    hit[-1] != ','))
				break;
		}
		if (labels[i])
			continue;
		sum += atoll(close + 2);
		(*n)++;
	}
	return sum;
}

static void cli_errors(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	struct cmd_result r;
	char listen_arg[32];
	int fd;

	run_cmd((const char *[]){ ipcscope_bin(), "exporter", "--listen",
				  "127.0.0.1", NULL }, &r, 30);
	tap_cmd_error(&r, 2, "invalid --listen", "--listen without a port");
	run_cmd((const char *[]){ ipcscope_bin(), "exporter", "--listen",
				  "localhost:99999", NULL }, &r, 30);
	tap_cmd_error(&r, 2, "invalid --listen",
		      "--listen with a name and port 99999");

	/* a port in use: ours, listening */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(fd, 1) || getsockname(fd, (struct sockaddr *)&a, &len))
		tap_bail("cannot listen on a loopback port: %s",
			 strerror(errno));
	snprintf(listen_arg, sizeof(listen_arg), "127.0.0.1:%d",
		 ntohs(a.sin_port));
	run_cmd((const char *[]){ ipcscope_bin(), "exporter", "--listen",
				  listen_arg, NULL }, &r, 30);
	tap_cmd_error(&r, 1, "Address already in use", "--listen %s in use",
		      listen_arg);
	close(fd);
}

/* The capped exporter, read directly: both formats, the cap's fold. */
static void capped(int port, long long writes, long long reads)
{
	const char *const pid_label[] = { "pid=\"", NULL };
	const char *const other[] = { "comm=\"other\"", NULL };
	const char *const any[] = { "family=\"pipe\"", NULL };
	struct http_reply r;
	long long sum;
	int n_pid, n_other, n_all;
	size_t len;

	if (http_get(port, "/metrics", NULL, &r))
		tap_bail("GET /metrics from the capped exporter failed");
	tap_is_int(r.status, 200, "no Accept: status 200");
	tap_is_str(r.content_type, "text/plain; version=0.0.4; charset=utf-8",
		   "no Accept: the text format 0.0.4");
	tap_ok(strstr(r.body, "\n# TYPE ipcscope_operations_total counter\n") != NULL,
	       "text format: counters typed with their _total name");
	tap_ok(!strstr(r.body, "# EOF"), "text format: no # EOF");
	expo_sum(r.body, "ipcscope_operations_total", pid_label, &n_pid);
	sum = expo_sum(r.body, "ipcscope_operations_total", other, &n_other);
	tap_is_int(n_pid, 1,
		   "--max-series 1 --by pid: one label set with a pid");
	tap_is_int(n_other, 1,
		   "--max-series 1 --by pid: the other type folded into comm=\"other\"");
	sum = expo_sum(r.body, "ipcscope_operations_total", any, &n_all);
	tap_is_int(sum, writes + reads,
		   "the admitted set and the fold hold every operation (%lld + %lld)",
		   writes, reads);
	tap_is_int(n_all, 2, "the admitted set and the fold: two samples");
	free(r.body);

	if (http_get(port, "/metrics",
		     "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
		     &r))
		tap_bail("GET /metrics (OpenMetrics) from the capped exporter failed");
	len = strlen(r.body);
	tap_is_int(r.status, 200, "Accept prefers OpenMetrics: status 200");
	tap_is_str(r.content_type,
		   "application/openmetrics-text; version=1.0.0; charset=utf-8",
		   "Accept prefers OpenMetrics: OpenMetrics 1.0.0");
	tap_ok(len > 6 && !strcmp(r.body + len - 6, "# EOF\n"),
	       "OpenMetrics: ends with # EOF");
	tap_ok(strstr(r.body, "\n# TYPE ipcscope_operations counter\n") != NULL,
	       "OpenMetrics: counter families without _total");
	tap_ok(strstr(r.body, "\nipcscope_operations_total{") != NULL,
	       "OpenMetrics: samples with _total");
	tap_ok(strstr(r.body, "\n# TYPE ipcscope_build info\n") != NULL,
	       "OpenMetrics: build info typed info");
	free(r.body);
}

int main(void)
{
	char listen_a[32], listen_b[32], textdir[128], path[256], prom_url[64];
	const char *prometheus = which("prometheus");
	const char *node_exporter = which("prometheus-node-exporter");
	struct workload wp, ws;
	struct cmd_result help;
	char pids[3][16], q[512], *text, cgroup_root[512], cgroup_label[64];
	char own[256];
	bool in_cgroup;
	long long writes, reads, write_bytes, read_bytes;
	int port_a, port_b, port_node = 0, ntargets, status;
	pid_t exp_a, exp_b;
	DIR *d;
	struct dirent *de;
	int stray = 0;
	FILE *f;

	run_cmd((const char *[]){ ipcscope_bin(), "exporter", "--help", NULL },
		&help, 30);
	if (help.status != 0) {
		help.err[strcspn(help.err, "\n")] = '\0';
		tap_skip_all("no exporter in this collector (the static one of the VMs leaves it out): %s",
			     help.err);
	}
	require_root();
	tap_plan(50);
	atexit(cleanup);
	cli_errors();

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ipcscope-exporter-XXXXXX");
	if (!mkdtemp(tmpdir))
		tap_bail("mkdtemp: %s", strerror(errno));
	snprintf(textdir, sizeof(textdir), "%s/textfile", tmpdir);
	mkdir(textdir, 0755);
	port_a = free_port();
	port_b = free_port();
	prom_port = free_port();
	snprintf(listen_a, sizeof(listen_a), "127.0.0.1:%d", port_a);
	snprintf(listen_b, sizeof(listen_b), "127.0.0.1:%d", port_b);

	/* Prometheus first: its first scrape comes ~5 s after it starts
	 * (target discovery is throttled), time the rest of setup uses */
	if (prometheus) {
		char cfg[4096], data[160], log[160];

		if (node_exporter)
			port_node = free_port();
		snprintf(path, sizeof(path), "%s/prometheus.yml", tmpdir);
		snprintf(cfg, sizeof(cfg),
			 "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
			 "scrape_configs:\n"
			 "  - job_name: ipcscope\n"
			 "    static_configs:\n      - targets: ['%s']\n",
			 listen_a);
		if (port_node)
			snprintf(cfg + strlen(cfg), sizeof(cfg) - strlen(cfg),
				 "  - job_name: node\n"
				 "    static_configs:\n      - targets: ['127.0.0.1:%d']\n",
				 port_node);
		f = fopen(path, "w");
		if (!f || fputs(cfg, f) < 0 || fclose(f))
			tap_bail("cannot write %s", path);
		snprintf(data, sizeof(data), "--storage.tsdb.path=%s/data",
			 tmpdir);
		snprintf(prom_url, sizeof(prom_url),
			 "--web.listen-address=127.0.0.1:%d", prom_port);
		snprintf(log, sizeof(log), "%s/prometheus.log", tmpdir);
		snprintf(q, sizeof(q), "--config.file=%s", path);
		spawn((const char *[]){ prometheus, q, data, prom_url,
					"--log.level=warn", NULL }, log);
		if (port_node) {
			char dir[200], addr[64];

			snprintf(dir, sizeof(dir),
				 "--collector.textfile.directory=%s", textdir);
			snprintf(addr, sizeof(addr),
				 "--web.listen-address=127.0.0.1:%d", port_node);
			snprintf(log, sizeof(log), "%s/node.log", tmpdir);
			spawn((const char *[]){ node_exporter,
						"--collector.disable-defaults",
						"--collector.textfile", dir,
						addr, NULL }, log);
		}
	}

	workload_start(&wp, (const char *[]){ "pipe-workload", "rw", "200",
					      NULL });
	workload_start(&ws, (const char *[]){ "sem-workload", "pv", "50",
					      NULL });
	snprintf(pids[0], sizeof(pids[0]), "%lld", fact_int(&wp, "pid"));
	snprintf(pids[1], sizeof(pids[1]), "%lld", fact_int(&wp, "reader"));
	snprintf(pids[2], sizeof(pids[2]), "%lld", fact_int(&ws, "pid"));

	/* the pipe workload (writer and reader, stopped before their first
	 * operation) into a cgroup of its own; the sem workload stays in
	 * ours */
	in_cgroup = cgroup2_mount(cgroup_root, sizeof(cgroup_root));
	own_cgroup(own, sizeof(own));
	if (in_cgroup) {
		snprintf(cgroup_label, sizeof(cgroup_label),
			 "/ipcscope-test-%d", getpid());
		snprintf(cgroup_dir, sizeof(cgroup_dir), "%s%s", cgroup_root,
			 cgroup_label);
		if (mkdir(cgroup_dir, 0755))
			tap_bail("mkdir %s: %s", cgroup_dir, strerror(errno));
		cgroup_enter(cgroup_dir, pids[0]);
		cgroup_enter(cgroup_dir, pids[1]);
	}

	snprintf(path, sizeof(path), "%s/exporter-a.log", tmpdir);
	exp_a = spawn((const char *[]){ ipcscope_bin(), "exporter", "--probe",
					probe_tier(), "--listen", listen_a,
					"-t", "pipe,sem", "-p", pids[0], "-p",
					pids[1], "-p", pids[2], "--textfile",
					textdir, "-i", "0.5", "--by", "cgroup",
					NULL }, path);
	health_while_attaching(exp_a, port_a, path);
	if (wait_for_line(exp_a, path, "ipcscope: exporting", 120)) {
		text = slurp(path);
		tap_bail("the exporter did not start: %s", text);
	}
	snprintf(q, sizeof(q), "%s/exporter-b.log", tmpdir);
	exp_b = spawn((const char *[]){ ipcscope_bin(), "exporter", "--probe",
					probe_tier(), "--listen", listen_b,
					"-t", "pipe", "-p", pids[0], "-p",
					pids[1], "--by", "pid",
					"--max-series", "1", NULL }, q);
	if (wait_for_line(exp_b, q, "ipcscope: exporting", 120)) {
		text = slurp(q);
		tap_bail("the capped exporter did not start: %s", text);
	}

	workload_finish(&wp);
	workload_finish(&ws);
	writes = fact_int(&wp, "writes");
	reads = fact_int(&wp, "reads");
	write_bytes = fact_int(&wp, "write_bytes");
	read_bytes = fact_int(&wp, "read_bytes");
	tap_is_int(writes, NWRITES, "the pipe workload wrote %d times",
		   NWRITES);

	capped(port_b, writes, reads);

	/* through Prometheus */
	if (!prometheus) {
		tap_skip(18, "prometheus is not installed (make deps)");
	} else {
		const char *sel = "job=\"ipcscope\",family=\"pipe\",comm=\"pipe-workload\"";
		double deadline;
		bool healthy;
		long long v;

		snprintf(q, sizeof(q), "ipcscope_operations_total{%s,type=\"pipe_write\"}", sel);
		v = prom_wait(q, writes);
		tap_is_int(v, writes, "Prometheus: pipe_write operations of pipe-workload");
		tap_is_int(prom_wait("up{job=\"ipcscope\"}", 1), 1,
			   "Prometheus: up is 1");
		/* each target is scraped first at its own moment: give the
		 * last one its time, then say what is wrong, if anything */
		deadline = mono_now() + WAIT_S;
		while (!(healthy = targets_healthy(&ntargets, true) &&
			 ntargets == (port_node ? 2 : 1)) &&
		       mono_now() < deadline)
			usleep(200000);
		if (!healthy)
			targets_healthy(&ntargets, false);
		tap_ok(healthy, "Prometheus: %d targets, all up, no scrape error",
		       ntargets);
		snprintf(q, sizeof(q), "ipcscope_bytes_total{%s,type=\"pipe_write\"}", sel);
		tap_is_int(prom_query(q), write_bytes, "Prometheus: and their bytes");
		snprintf(q, sizeof(q), "ipcscope_operations_total{%s,type=\"pipe_read\"}", sel);
		tap_is_int(prom_query(q), reads, "Prometheus: pipe_read operations");
		snprintf(q, sizeof(q), "ipcscope_bytes_total{%s,type=\"pipe_read\"}", sel);
		tap_is_int(prom_query(q), read_bytes, "Prometheus: and their bytes");
		snprintf(q, sizeof(q), "ipcscope_errors_total{%s,type=\"pipe_write\"}", sel);
		tap_is_int(prom_query(q), 0, "Prometheus: no pipe_write errors");
		tap_is_int(prom_wait("ipcscope_operations_total{job=\"ipcscope\",family=\"sem\",type=\"semop\",comm=\"sem-workload\"}",
				     2 * NPAIRS), 2 * NPAIRS,
			   "Prometheus: semop operations of sem-workload");
		tap_is_int(prom_query("ipcscope_errors_total{job=\"ipcscope\",type=\"semop\",comm=\"sem-workload\"}"),
			   0, "Prometheus: no semop errors");
		snprintf(q, sizeof(q), "ipcscope_blocked_seconds_count{%s,type=\"pipe_write\"}", sel);
		tap_is_int(prom_query(q), writes,
			   "Prometheus: the histogram counts every write");
		snprintf(q, sizeof(q), "ipcscope_blocked_seconds_bucket{%s,type=\"pipe_write\",le=\"+Inf\"}", sel);
		tap_is_int(prom_query(q), writes,
			   "Prometheus: its +Inf bucket too");
		tap_is_int(prom_query("ipcscope_build_info{job=\"ipcscope\",abi=\"3\"}"),
			   1, "Prometheus: build info with the event ABI");
		if (in_cgroup) {
			snprintf(q, sizeof(q), "ipcscope_operations_total{job=\"ipcscope\",cgroup=\"%s\",type=\"pipe_write\"}",
				 cgroup_label);
			tap_is_int(prom_query(q), writes,
				   "Prometheus: cgroup=\"%s\" has the workload's writes",
				   cgroup_label);
			snprintf(q, sizeof(q), "ipcscope_operations_total{job=\"ipcscope\",cgroup=\"%s\",type=\"pipe_read\"}",
				 cgroup_label);
			tap_is_int(prom_query(q), reads,
				   "Prometheus: and its reads");
			snprintf(q, sizeof(q), "sum(ipcscope_operations_total{job=\"ipcscope\",cgroup=\"%s\"})",
				 cgroup_label);
			tap_is_int(prom_query(q), writes + reads,
				   "Prometheus: and nothing else (%lld operations in all)",
				   writes + reads);
			snprintf(q, sizeof(q), "ipcscope_operations_total{job=\"ipcscope\",cgroup=\"%s\",type=\"semop\",comm=\"sem-workload\"}",
				 own);
			tap_is_int(prom_query(q), 2 * NPAIRS,
				   "Prometheus: the sem workload under the test's own cgroup %s",
				   own);
		} else {
			tap_skip(4, "no cgroup2 mount: no --by cgroup test");
		}
		if (port_node) {
			snprintf(q, sizeof(q), "ipcscope_operations_total{job=\"node\",family=\"pipe\",type=\"pipe_write\",comm=\"pipe-workload\"}");
			tap_is_int(prom_wait(q, writes), writes,
				   "Prometheus, through node_exporter's textfile collector: the writes");
			snprintf(q, sizeof(q), "ipcscope_bytes_total{job=\"node\",family=\"pipe\",type=\"pipe_write\",comm=\"pipe-workload\"}");
			tap_is_int(prom_query(q), write_bytes,
				   "Prometheus, through node_exporter: their bytes");
		} else {
			tap_skip(2, "prometheus-node-exporter is not installed");
		}
	}

	/* the textfile itself, by the exposition rules */
	{
		const char *const want[] = { "family=\"pipe\"",
					     "type=\"pipe_write\"",
					     "comm=\"pipe-workload\"", NULL };
		double deadline = mono_now() + 5;
		long long v = -1;
		int n = 0;

		snprintf(path, sizeof(path), "%s/ipcscope.prom", textdir);
		do {
			text = slurp(path);
			v = expo_sum(text, "ipcscope_operations_total", want, &n);
			free(text);
			if (v == writes && n == 1)
				break;
			usleep(100000);
		} while (mono_now() < deadline);
		tap_is_int(v, writes,
			   "--textfile: ipcscope.prom holds the %lld writes",
			   writes);
		tap_is_int(n, 1, "--textfile: in one sample");
	}

	kill(exp_a, SIGTERM);
	waitpid(exp_a, &status, 0);
	forget(exp_a);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "SIGTERM: the exporter ends with status 0");
	d = opendir(textdir);
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "ipcscope.prom")) {
			tap_diag("  stray file %s", de->d_name);
			stray++;
		}
	if (d)
		closedir(d);
	tap_is_int(stray, 0, "--textfile leaves nothing but ipcscope.prom (renamed whole)");
	kill(exp_b, SIGTERM);
	workload_free(&wp);
	workload_free(&ws);
	return tap_done();
}
