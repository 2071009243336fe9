// SPDX-License-Identifier: GPL-2.0
/*
 * Probe tiers: `features` says which tiers this kernel offers; each offered
 * tier, when forced, traces and stamps each event with the hook it really
 * came through, one of that tier's (harness.c's tier_hooks); each tier
 * not offered, when forced, is one clear error and never a fallback.  The
 * matrix cell's own tier (IPCSCOPE_PROBE) must be offered: a cell whose
 * tier silently does not work would test nothing.
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"

static const char *const tiers[] = { "fentry", "kprobe", "tracepoint" };

/* "available" of the pipe family's tier @name in the features JSON. */
static int tier_available(const struct fj_object *f, const char *name)
{
	struct fj_object families = fj_child(f, "families");
	struct fj_object pipe = fj_child(&families, "pipe");
	struct fj_object tier = fj_child(&pipe, name);

	if (!fj_true(&tier, "available") && !fj_false(&tier, "available")) {
		tap_diag("features: families.pipe.%s.available is %s", name,
			 fj_kind(&tier, "available"));
		return -1;
	}
	return fj_true(&tier, "available");
}

static void forced_tier_traces(const char *tier)
{
	const char *wargv[] = { "pipe-workload", "rw", "25", NULL };
	struct workload w;
	struct tracer t;
	char arg[16];

	workload_start(&w, wargv);
	snprintf(arg, sizeof(arg), "%lld", fact_int(&w, "pid"));
	setenv("IPCSCOPE_PROBE", tier, 1);
	tracer_start(&t, (const char *[]){ "-t", "pipe", "-p", arg, NULL });
	workload_finish(&w);
	tracer_stop(&t);
	tap_is_int(t.status, 0, "--probe %s: the tracer exits 0", tier);
	tap_is_int(events_count(&t.events, "pipe_write", fact_int(&w, "pid"),
				fact_int(&w, "ino")), 25,
		   "--probe %s: all 25 writes traced", tier);
	tap_is_int(events_wrong_tier_for(&t.events, tier), 0,
		   "--probe %s: every event's \"tier\" is a hook of the tier",
		   tier);
	tap_ok(strstr(t.err_text, tier) != NULL,
	       "--probe %s: the tracing line names the tier", tier);
	tracer_free(&t);
	workload_free(&w);
}

static void forced_tier_fails(const char *tier)
{
	const char *argv[] = { ipcscope_bin(), "trace", "--probe", tier,
			       NULL };
	struct cmd_result r;

	run_cmd(argv, &r, 120);
	tap_cmd_error(&r, 1, tier, "--probe %s (not offered)", tier);
	tap_ok(!strstr(r.err, "tracing"),
	       "--probe %s (not offered): no fallback to another tier", tier);
}

int main(void)
{
	const char *argv[] = { ipcscope_bin(), "features", "-f", "json",
			       NULL };
	const char *cell = getenv("IPCSCOPE_PROBE");
	struct fj_object f;
	struct cmd_result r;
	unsigned int i;
	int avail;

	require_root();
	tap_plan(3 + 3 * 4);
	run_cmd(argv, &r, 300);
	tap_is_int(r.status, 0, "features -f json: status 0");
	if (r.status != 0)
		tap_bail("features failed: %s", r.err);
	if (!tap_ok(!fj_parse(r.out, &f), "features -f json: one JSON object"))
		tap_bail("features -f json: %s", fj_error());
	for (i = 0; i < 3; i++)
		tap_diag("%s: %s", tiers[i],
			 tier_available(&f, tiers[i]) == 1 ? "offered" :
			 "not offered");
	if (cell && *cell && strcmp(cell, "auto"))
		tap_is_int(tier_available(&f, cell), 1,
			   "this cell's tier, %s, is offered by the kernel",
			   cell);
	else
		tap_skip(1, "no tier forced for this run (IPCSCOPE_PROBE)");
	for (i = 0; i < 3; i++) {
		avail = tier_available(&f, tiers[i]);
		if (avail != 1)
			forced_tier_fails(tiers[i]);
		else if (!cell || !*cell || !strcmp(cell, "auto") ||
			 !strcmp(cell, tiers[i]))
			forced_tier_traces(tiers[i]);
		else
			/* each offered tier traces in its own cell */
			tap_skip(4, "--probe %s: traced in this kernel's %s cell",
				 tiers[i], tiers[i]);
	}
	fj_free(&f);
	return tap_done();
}
