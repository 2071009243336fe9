// SPDX-License-Identifier: GPL-2.0
/* `ipcscope trace` option parsing: values accepted and refused. */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "trace.h"
#include "family.h"

static int parse(struct trace_opts *o, struct ipcs_error *err,
		 const char *const *args)
{
	char *argv[32] = { "ipcscope trace" };
	int argc = 1;

	while (*args)
		argv[argc++] = (char *)*args++;
	memset(err, 0, sizeof(*err));
	return trace_parse_args(argc, argv, o, err);
}

static void refused(const char *const *args, const char *needle)
{
	struct ipcs_error err;
	struct trace_opts o;

	tap_ok(parse(&o, &err, args) && err.status == IPCS_EXIT_USAGE &&
	       strstr(err.msg, needle),
	       "refused with status 2: %s", err.msg);
}

int main(void)
{
	struct ipcs_error err;
	struct trace_opts o;
	char self[16];

	tap_plan(31);
	snprintf(self, sizeof(self), "%d", getpid());
	tap_is_int(parse(&o, &err, (const char *[]){ NULL }), 0, "no options");
	tap_ok(o.format == IPCS_FMT_TEXT && o.cfg.tier == IPCSCOPE_TIER_NONE &&
	       o.cfg.npids == 0 && !o.max_events && !o.duration_s,
	       "defaults: text, auto tier, no filters, no limits");
	tap_is_int(parse(&o, &err, (const char *[]){ "-p", self, "--pid", self,
		   "-c", "sort", "--ino", "99", "-f", "json", "-d", "2.5",
		   "-n", "10", "--probe", "kprobe", "--ringbuf-size", "1024",
		   NULL }), 0, "every option at once");
	tap_ok(o.cfg.npids == 2 && o.cfg.pids[0] == (unsigned)getpid(),
	       "-p repeatable");
	tap_ok(!strcmp(o.cfg.comm, "sort"), "-c");
	tap_ok(o.cfg.ino == 99, "--ino");
	tap_ok(o.format == IPCS_FMT_JSON, "-f json");
	tap_ok(o.duration_s == 2.5 && o.max_events == 10, "-d 2.5 -n 10");
	tap_ok(o.cfg.tier == IPCSCOPE_TIER_KPROBE, "--probe kprobe");
	tap_ok(o.cfg.ringbuf_bytes == 1024 * 1024, "--ringbuf-size in KiB");
	refused((const char *[]){ "-p", "12abc", NULL }, "invalid PID");
	refused((const char *[]){ "-p", "99999999999", NULL }, "invalid PID");
	refused((const char *[]){ "-n", "0", NULL }, "invalid count");
	refused((const char *[]){ "-d", "soon", NULL }, "invalid duration");
	refused((const char *[]){ "--ringbuf-size", "3", NULL },
		"power of two");
	refused((const char *[]){ "--probe", "FENTRY", NULL },
		"unknown probe tier");
	refused((const char *[]){ "-c", "", NULL }, "empty command name");

	/* -t and --sig */
	tap_is_int(parse(&o, &err, (const char *[]){ NULL }), 0, "defaults again");
	tap_ok(o.cfg.sig_mask == 0 && o.cfg.families == (1U << ipcs_nfamilies) - 1,
	       "default: every family, every signal");
	tap_is_int(parse(&o, &err, (const char *[]){ "-t", "sem,signal", NULL }),
		   0, "-t sem,signal");
	tap_ok(o.cfg.families == ((1U << 1) | (1U << 3)),
	       "-t sem,signal: the sem and signal families");
	tap_is_int(parse(&o, &err, (const char *[]){ "--sig",
		   "usr1,SIGTERM,9,SIGRTMIN,rtmin+3,SIGRTMAX-1,SIGRTMAX,iot",
		   NULL }), 0, "--sig with names, numbers, real-time forms");
	tap_ok(o.cfg.sig_mask == ((1ULL << (SIGUSR1 - 1)) |
				  (1ULL << (SIGTERM - 1)) | (1ULL << 8) |
				  (1ULL << (SIGRTMIN - 1)) |
				  (1ULL << (SIGRTMIN + 3 - 1)) |
				  (1ULL << (SIGRTMAX - 2)) |
				  (1ULL << (SIGRTMAX - 1)) |
				  (1ULL << (SIGABRT - 1))),
	       "--sig: mask 0x%llx has exactly those signals",
	       (unsigned long long)o.cfg.sig_mask);
	refused((const char *[]){ "-t", "pipe,shm", NULL }, "unknown IPC type 'shm'");
	refused((const char *[]){ "-t", ",", NULL }, "empty IPC type list");
	refused((const char *[]){ "--sig", "KILLME", NULL },
		"unknown signal 'KILLME'");
	refused((const char *[]){ "--sig", "0", NULL }, "unknown signal '0'");
	refused((const char *[]){ "--sig", "SIGRTMIN-1", NULL },
		"unknown signal 'SIGRTMIN-1'");
	refused((const char *[]){ "--sig", "SIGRTMAX+1", NULL },
		"unknown signal 'SIGRTMAX+1'");
	refused((const char *[]){ "--sig", "SIGRTMIN+", NULL },
		"unknown signal 'SIGRTMIN+'");
	refused((const char *[]){ "--sig", ",", NULL }, "empty --sig list");
	return tap_done();
}
