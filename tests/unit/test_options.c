// SPDX-License-Identifier: GPL-2.0
/* `ipcscope trace` option parsing: values accepted and refused. */
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "trace.h"

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

	tap_plan(17);
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
	return tap_done();
}
