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

	tap_ok(parse(&o, &err, args) != 0, "refused: %s", needle);
	tap_is_int(err.status, IPCS_EXIT_USAGE, "%s: status 2", needle);
	if (!tap_ok(strstr(err.msg, needle) != NULL, "%s: in the message",
		    needle))
		tap_diag("  message: %s", err.msg);
}

int main(void)
{
	struct ipcs_error err;
	struct trace_opts o;
	char self[16];

	tap_plan(99);
	snprintf(self, sizeof(self), "%d", getpid());
	tap_is_int(parse(&o, &err, (const char *[]){ NULL }), 0, "no options");
	tap_is_int(o.format, IPCS_FMT_TEXT, "defaults: text");
	tap_is_int(o.cfg.tier, IPCSCOPE_TIER_NONE, "defaults: auto tier");
	tap_is_int(o.cfg.npids, 0, "defaults: no pid filter");
	tap_is_int(o.max_events, 0, "defaults: no event limit");
	tap_ok(!o.duration_s, "defaults: no duration");
	tap_is_int(parse(&o, &err, (const char *[]){ "-p", self, "--pid", self,
		   "-c", "sort", "--ino", "99", "-f", "json", "-d", "2.5",
		   "-n", "10", "--probe", "kprobe", "--ringbuf-size", "1024",
		   NULL }), 0, "every option at once");
	tap_is_int(o.cfg.npids, 2, "-p repeatable: two pids");
	tap_is_int(o.cfg.pids[0], (unsigned)getpid(), "-p: the pid given");
	tap_ok(!strcmp(o.cfg.comm, "sort"), "-c");
	tap_ok(o.cfg.ino == 99, "--ino");
	tap_ok(o.format == IPCS_FMT_JSON, "-f json");
	tap_ok(o.duration_s == 2.5, "-d 2.5");
	tap_is_int(o.max_events, 10, "-n 10");
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

	/* --max-delay: how long an event may wait in the kernel */
	tap_is_int(parse(&o, &err, (const char *[]){ NULL }), 0,
		   "no --max-delay: accepted");
	tap_is_int(o.max_delay_ms, 100, "--max-delay defaults to 100 ms");
	tap_is_int(parse(&o, &err, (const char *[]){ "--max-delay", "250",
		   NULL }), 0, "--max-delay 250: accepted");
	tap_is_int(o.max_delay_ms, 250, "--max-delay 250");
	refused((const char *[]){ "--max-delay", "0", NULL }, "invalid delay");
	refused((const char *[]){ "--max-delay", "60001", NULL },
		"from 1 to 60000");
	refused((const char *[]){ "--max-delay", "0.5", NULL }, "invalid delay");

	/* -t and --sig */
	tap_is_int(parse(&o, &err, (const char *[]){ NULL }), 0, "defaults again");
	tap_is_int(o.cfg.sig_mask, 0, "default: every signal");
	tap_is_int(o.cfg.families, (1U << ipcs_nfamilies) - 1,
		   "default: every family");
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
	refused((const char *[]){ "-t", "pipe,shmem", NULL }, "unknown IPC type 'shmem'");
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

	/* --payload N: off by default, 1 to 4096, not with --summary */
	tap_is_int(parse(&o, &err, (const char *[]){ NULL }), 0, "no --payload");
	tap_is_int(o.cfg.payload_max, 0, "--payload is off by default");
	tap_is_int(parse(&o, &err, (const char *[]){ "--payload", "4096",
		   NULL }), 0, "--payload 4096: accepted");
	tap_is_int(o.cfg.payload_max, 4096, "--payload 4096");
	tap_is_int(parse(&o, &err, (const char *[]){ "--payload=1", NULL }), 0,
		   "--payload=1: accepted");
	tap_is_int(o.cfg.payload_max, 1, "--payload=1");
	refused((const char *[]){ "--payload", "0", NULL },
		"invalid payload size '0'");
	refused((const char *[]){ "--payload", "4097", NULL },
		"want bytes from 1 to 4096");
	refused((const char *[]){ "--payload", "64k", NULL },
		"invalid payload size '64k'");
	refused((const char *[]){ "--payload", "64", "--summary", NULL },
		"--payload and --summary conflict");
	return tap_done();
}
