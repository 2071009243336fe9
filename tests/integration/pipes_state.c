// SPDX-License-Identifier: GPL-2.0
/*
 * `ipcscope pipes`: pipes held in known states, every field checked
 * exactly, holders checked against /proc/PID/fd (and lsof where it is
 * installed), from the BPF source everywhere and, with the kernel module,
 * from debugfs too -- and the two sources must agree record for record.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"

#define MAX_HOLDERS 16

struct record {
	struct fj_object obj;
	struct fj_object holders[MAX_HOLDERS];
	int nholders;
	bool ok;
};

/* `ipcscope pipes -f json --source SRC --ino INO`: exactly one record. */
static void get_record(const char *source, long long ino, struct record *r)
{
	char inobuf[24];
	const char *argv[] = { ipcscope_bin(), "pipes", "-f", "json",
			       "--source", source, "--ino", inobuf, NULL };
	struct cmd_result res;
	char *nl;

	memset(r, 0, sizeof(*r));
	snprintf(inobuf, sizeof(inobuf), "%lld", ino);
	run_cmd(argv, &res, 300);
	nl = strchr(res.out, '\n');
	r->ok = res.status == 0 && nl && !nl[1] && !fj_parse(res.out, &r->obj);
	if (!r->ok) {
		tap_diag("pipes --source %s: status %d, out '%.300s', err '%.300s'",
			 source, res.status, res.out, res.err);
		return;
	}
	r->nholders = fj_array(&r->obj, "holders", r->holders, MAX_HOLDERS);
	if (r->nholders < 0)
		tap_diag("pipes --source %s: \"holders\" is %s, not an array of objects",
			 source, fj_kind(&r->obj, "holders"));
}

static void free_record(struct record *r)
{
	int i;

	for (i = 0; i < r->nholders; i++)
		fj_free(&r->holders[i]);
	fj_free(&r->obj);
}

/* holder (pid, fd, mode) present in the record? */
static bool has_holder(const struct record *r, long long pid, long long fd,
		       const char *mode)
{
	int i;

	for (i = 0; i < r->nholders; i++)
		if (fj_int(&r->holders[i], "pid") == pid &&
		    fj_int(&r->holders[i], "fd") == fd &&
		    !strcmp(fj_str(&r->holders[i], "mode"), mode))
			return true;
	return false;
}

/* Every holder's /proc/PID/fd/FD link names this pipe or FIFO. */
static bool holders_match_proc(const struct record *r, long long ino,
			       const char *fifo_path)
{
	char link[64], target[4096], want[64];
	ssize_t n;
	int i;

	snprintf(want, sizeof(want), "pipe:[%lld]", ino);
	for (i = 0; i < r->nholders; i++) {
		snprintf(link, sizeof(link), "/proc/%lld/fd/%lld",
			 fj_int(&r->holders[i], "pid"),
			 fj_int(&r->holders[i], "fd"));
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			return false;
		target[n] = '\0';
		if (strcmp(target, fifo_path ? fifo_path : want)) {
			tap_diag("  %s -> %s, want %s", link, target,
				 fifo_path ? fifo_path : want);
			return false;
		}
	}
	return true;
}

/* lsof's view of (pid, fd) pairs on this inode for the given pids. */
static int lsof_holders(const long long *pids, int npids, long long ino,
			int *count)
{
	char pidlist[256] = "", cmd[512], line[256];
	long long pid = 0;
	size_t off = 0;
	FILE *f;
	int i;

	*count = 0;
	if (access("/usr/bin/lsof", X_OK) && access("/bin/lsof", X_OK))
		return -1;
	for (i = 0; i < npids; i++)
		off += snprintf(pidlist + off, sizeof(pidlist) - off, "%s%lld",
				i ? "," : "", pids[i]);
	snprintf(cmd, sizeof(cmd), "lsof -w -n -P -F pfi -a -p %s", pidlist);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == 'p')
			pid = atoll(line + 1);
		else if (line[0] == 'i' && atoll(line + 1) == ino && pid)
			(*count)++;
	}
	pclose(f);
	return 0;
}

static bool debugfs_ok;		/* module loaded: check both sources */

static void check_holders(const char *src, const struct record *r,
			  long long ino, const char *path,
			  const long long *pids, int npids)
{
	int n;

	tap_ok(holders_match_proc(r, ino, path),
	       "%s: every holder's /proc/PID/fd link names the pipe", src);
	if (lsof_holders(pids, npids, ino, &n))
		tap_skip(1, "lsof is not installed here");
	else
		tap_is_int(r->nholders, n,
			   "%s: as many holders as lsof lists (%d)", src, n);
}

/* Same record from both sources, key by key (waiters: debugfs only). */
static void check_agree(const struct record *bpf, const struct record *dbg)
{
	static const char *const keys[] = {
		"ino", "capacity", "slots", "ring_size", "slots_used", "head",
		"tail", "buffered", "readers", "writers", "files",
		"r_counter", "w_counter",
	};
	unsigned int i;
	int bad = 0, j;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!fj_is_int(&bpf->obj, keys[i]) ||
		    fj_int(&bpf->obj, keys[i]) != fj_int(&dbg->obj, keys[i])) {
			tap_diag("  %s: bpf %lld, debugfs %lld", keys[i],
				 fj_int(&bpf->obj, keys[i]),
				 fj_int(&dbg->obj, keys[i]));
			bad++;
		}
	for (j = 0; j < bpf->nholders; j++)
		bad += !has_holder(dbg, fj_int(&bpf->holders[j], "pid"),
				   fj_int(&bpf->holders[j], "fd"),
				   fj_str(&bpf->holders[j], "mode"));
	bad += bpf->nholders != dbg->nholders;
	tap_is_int(bad, 0, "bpf and debugfs sources agree on every field");
}

/* The tid list of a wait queue in a debugfs record. */
static bool queue_is(const struct record *r, const char *key, long long tid,
		     const char *how)
{
	struct fj_object w[4];
	int n, i;
	bool ok;

	n = fj_array(&r->obj, key, w, 4);
	if (n < 0) {
		tap_diag("  \"%s\" is %s, not an array of objects", key,
			 fj_kind(&r->obj, key));
		return false;
	}
	if (tid == 0)
		return n == 0;
	ok = n == 1 && fj_int(&w[0], "tid") == tid &&
	     !strcmp(fj_str(&w[0], "how"), how);
	for (i = 0; i < n; i++)
		fj_free(&w[i]);
	return ok;
}

/* --- the states ---------------------------------------------------------- */

static void unread_bytes(const char *size, long long want_cap)
{
	const char *argv[] = { "pipe-workload", "fill", "1234", size, NULL };
	struct record r, d;
	struct workload w;
	long long pid, ino;

	workload_start(&w, argv);
	workload_resume(&w);		/* held with 1234 bytes in the ring */
	pid = fact_int(&w, "pid");
	ino = fact_int(&w, "ino");
	get_record("bpf", ino, &r);
	tap_ok(r.ok, "bpf: one record for the pipe (capacity %lld)", want_cap);
	tap_key_int(&r.obj, "buffered", 1234, "bpf: 1234 bytes buffered");
	tap_key_int(&r.obj, "slots_used", 1,
		    "bpf: in one slot (two writes merged)");
	tap_key_int(&r.obj, "capacity", want_cap, "bpf: capacity %lld",
		    want_cap);
	tap_is_int(fact_int(&w, "capacity"), want_cap,
		   "F_GETPIPE_SZ says %lld too", want_cap);
	tap_key_int(&r.obj, "slots", want_cap / 4096, "bpf: %lld slots",
		    want_cap / 4096);
	tap_key_int(&r.obj, "ring_size", want_cap / 4096,
		    "bpf: ring_size %lld", want_cap / 4096);
	tap_key_int(&r.obj, "readers", 1, "bpf: one reader");
	tap_key_int(&r.obj, "writers", 1, "bpf: one writer");
	tap_is_int(r.nholders, 2, "bpf: two holders");
	tap_ok(has_holder(&r, pid, fact_int(&w, "rfd"), "r"),
	       "bpf: the workload's read fd holds it");
	tap_ok(has_holder(&r, pid, fact_int(&w, "wfd"), "w"),
	       "bpf: the workload's write fd holds it");
	tap_key_absent(&r.obj, "rd_wait", "bpf: rd_wait absent, not invented");
	tap_key_absent(&r.obj, "wr_wait", "bpf: wr_wait absent, not invented");
	check_holders("bpf", &r, ino, NULL, &pid, 1);
	if (debugfs_ok) {
		get_record("debugfs", ino, &d);
		check_agree(&r, &d);
		tap_ok(queue_is(&d, "rd_wait", 0, NULL),
		       "debugfs: nobody asleep on rd_wait");
		tap_ok(queue_is(&d, "wr_wait", 0, NULL),
		       "debugfs: nobody asleep on wr_wait");
		free_record(&d);
	} else {
		tap_skip(3, "no kernel module on this kernel");
	}
	free_record(&r);
	workload_finish(&w);
	workload_free(&w);
}

static void blocked(const char *mode)
{
	const char *argv[] = { "pipe-workload", mode, NULL };
	bool full = !strcmp(mode, "full");
	long long pid, kid, ino, pids[2];
	struct record r, d;
	struct workload w;

	workload_start(&w, argv);	/* held: the child is asleep */
	pid = fact_int(&w, "pid");
	kid = fact_int(&w, full ? "writer" : "reader");
	ino = fact_int(&w, "ino");
	get_record("bpf", ino, &r);
	if (full) {
		tap_key_int(&r.obj, "buffered", fact_int(&w, "capacity"),
			    "full pipe: buffered = capacity = %lld",
			    fact_int(&w, "capacity"));
		tap_key_int(&r.obj, "slots_used", fj_int(&r.obj, "slots"),
			    "full pipe: every slot used");
	} else {
		tap_key_int(&r.obj, "buffered", 0,
			    "starved pipe: nothing buffered");
		tap_key_int(&r.obj, "slots_used", 0,
			    "starved pipe: no slot used");
	}
	tap_is_int(r.nholders, 4, "%s: 4 holders", mode);
	tap_ok(has_holder(&r, kid, fact_int(&w, "rfd"), "r"),
	       "%s: the child holds the read end", mode);
	tap_ok(has_holder(&r, kid, fact_int(&w, "wfd"), "w"),
	       "%s: the child holds the write end", mode);
	tap_ok(has_holder(&r, pid, fact_int(&w, "rfd"), "r"),
	       "%s: the parent holds the read end", mode);
	tap_ok(has_holder(&r, pid, fact_int(&w, "wfd"), "w"),
	       "%s: the parent holds the write end", mode);
	pids[0] = pid;
	pids[1] = kid;
	check_holders("bpf", &r, ino, NULL, pids, 2);
	if (debugfs_ok) {
		get_record("debugfs", ino, &d);
		check_agree(&r, &d);
		tap_ok(queue_is(&d, full ? "wr_wait" : "rd_wait", kid,
				full ? "write" : "read"),
		       "debugfs: the child %lld asleep on %s, in %s", kid,
		       full ? "wr_wait" : "rd_wait", full ? "write" : "read");
		tap_ok(queue_is(&d, full ? "rd_wait" : "wr_wait", 0, NULL),
		       "debugfs: nobody asleep on %s",
		       full ? "rd_wait" : "wr_wait");
		free_record(&d);
	} else {
		tap_skip(3, "no kernel module on this kernel");
	}
	free_record(&r);
	workload_finish(&w);
	workload_free(&w);
}

static void fifo_three(void)
{
	char dir[] = "/tmp/ipcscope-pipes-XXXXXX", path[128];
	const char *argv[] = { "pipe-workload", "fifo3", path, NULL };
	long long ino, pids[3];
	struct record r, d;
	struct workload w;
	struct stat st;
	int i, good = 0;

	if (!mkdtemp(dir))
		tap_bail("mkdtemp");
	snprintf(path, sizeof(path), "%s/fifo", dir);
	workload_start(&w, argv);
	if (stat(path, &st))
		tap_bail("stat %s", path);
	ino = st.st_ino;
	pids[0] = fact_int(&w, "reader");
	pids[1] = fact_int(&w, "writer1");
	pids[2] = fact_int(&w, "writer2");
	get_record("bpf", ino, &r);
	tap_key_str(&r.obj, "pipe", "fifo", "FIFO: kind fifo");
	tap_key_str(&r.obj, "path", path, "FIFO: path %s", path);
	tap_key_int(&r.obj, "readers", 1, "FIFO: one reader");
	tap_key_int(&r.obj, "writers", 2, "FIFO: two writers");
	for (i = 0; i < 3; i++) {
		const struct fj_object *f = fact_line(&w, "child", pids[i]);

		good += f && has_holder(&r, pids[i], fj_int(f, "fd"),
					fj_str(f, "mode"));
	}
	tap_is_int(good, 3,
		   "FIFO: the reader (r) and both writers (w) are holders");
	tap_is_int(r.nholders, 3, "FIFO: and nobody else");
	check_holders("bpf", &r, ino, path, pids, 3);
	if (debugfs_ok) {
		get_record("debugfs", ino, &d);
		check_agree(&r, &d);
		free_record(&d);
	} else {
		tap_skip(1, "no kernel module on this kernel");
	}
	free_record(&r);
	workload_finish(&w);
	workload_free(&w);
	rmdir(dir);
}

static void bad_input(void)
{
	const char *src[] = { ipcscope_bin(), "pipes", "--source", "procfs",
			      NULL };
	const char *ino[] = { ipcscope_bin(), "pipes", "--ino", "0", NULL };
	struct cmd_result r;

	run_cmd(src, &r, 60);
	tap_cmd_error(&r, 2, "source", "--source procfs");
	run_cmd(ino, &r, 60);
	tap_cmd_error(&r, 2, "inode", "--ino 0");
	if (!debugfs_ok) {
		const char *dbg[] = { ipcscope_bin(), "pipes", "--source",
				      "debugfs", NULL };

		run_cmd(dbg, &r, 60);
		tap_cmd_error(&r, 1, "module",
			      "--source debugfs without the module");
	} else {
		tap_skip(3, "the module is loaded here");
	}
}

/* Load the module when the matrix gave us one; unload only what we load. */
static bool load_module(bool *loaded_here)
{
	const char *ko = getenv("IPCSCOPE_KMOD");
	int status;

	*loaded_here = false;
	if (!access("/sys/kernel/debug/ipcscope/pipes", R_OK))
		return true;
	if (!ko || !*ko)
		return false;
	status = system("mount -t debugfs none /sys/kernel/debug 2>/dev/null; true");
	(void)status;
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "insmod %s", ko);
		if (system(cmd))
			tap_bail("insmod %s failed", ko);
	}
	*loaded_here = true;
	return !access("/sys/kernel/debug/ipcscope/pipes", R_OK);
}

int main(void)
{
	bool loaded_here;

	require_root();
	debugfs_ok = load_module(&loaded_here);
	tap_diag("sources: bpf%s", debugfs_ok ? " and debugfs" : " only");
	tap_plan(2 * 19 + 2 * 12 + 9 + 9);
	unread_bytes(NULL, 65536);
	unread_bytes("131072", 131072);
	blocked("full");
	blocked("starve");
	fifo_three();
	bad_input();
	if (loaded_here && system("rmmod ipcscope"))
		tap_diag("rmmod ipcscope failed");
	return tap_done();
}
