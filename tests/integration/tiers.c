// SPDX-License-Identifier: GPL-2.0
/*
 * Probe tiers: `features` says which tiers this kernel offers; each offered
 * tier, when forced, traces and stamps its events with its name; each tier
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
	const char *raw = NULL;
	char key[64];
	const char *p;

	if (fj_get(f, "families"))
		raw = fj_get(f, "families")->str;
	if (!raw || !(raw = strstr(raw, "\"pipe\":{")))
		return -1;
	snprintf(key, sizeof(key), "\"%s\":{\"available\":", name);
	p = strstr(raw, key);
	if (!p)
		return -1;
	return !strncmp(p + strlen(key), "true", 4);
}

static void forced_tier_traces(const char *tier)
{
	const char *wargv[] = { "pipe-workload", "rw", "25", NULL };
	struct workload w;
	struct tracer t;
	char arg[16];
	int i, wrong = 0;

	workload_start(&w, wargv);
	snprintf(arg, sizeof(arg), "%lld", fact_int(&w, "pid"));
	setenv("IPCSCOPE_PROBE", tier, 1);
	tracer_start(&t, (const char *[]){ "-p", arg, NULL });
	workload_finish(&w);
	tracer_stop(&t);
	for (i = 0; i < t.events.n; i++) {
		const char *got = fj_str(&t.events.ev[i], "tier");

		wrong += !got || strcmp(got, tier);
	}
	tap_is_int(events_count(&t.events, "pipe_write", fact_int(&w, "pid"),
				fact_int(&w, "ino")), 25,
		   "--probe %s: all 25 writes traced", tier);
	tap_is_int(wrong, 0, "--probe %s: every event says \"tier\":\"%s\"",
		   tier, tier);
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
	tap_ok(r.status == 1 && r.err_lines == 1 && strstr(r.err, tier) &&
	       !strstr(r.err, "tracing"),
	       "--probe %s (not offered): status 1, one line, no fallback",
	       tier);
	if (r.status != 1)
		tap_diag("  status %d: %s", r.status, r.err);
	tap_skip(2, "%s is not offered by this kernel", tier);
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
	tap_plan(2 + 3 * 3);
	run_cmd(argv, &r, 300);
	tap_ok(r.status == 0 && !fj_parse(r.out, &f),
	       "features -f json: status 0, one JSON object");
	if (r.status != 0)
		tap_bail("features failed: %s", r.err);
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
		if (avail == 1)
			forced_tier_traces(tiers[i]);
		else
			forced_tier_fails(tiers[i]);
	}
	fj_free(&f);
	return tap_done();
}
