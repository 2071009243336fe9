// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope features: which probe tiers work on this kernel and why not,
 * found the way `trace` finds them, by loading and attaching each one.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "cli.h"
#include "probe_features.h"
#include "shm_state.h"
#include "family.h"
#include "trace.h"

enum { OPT_EVENTS = 0x100 };

static const struct argp_option features_options[] = {
	IPCS_OPTION_FORMAT,
	IPCS_OPTION_BTF,
	{ "events", OPT_EVENTS, NULL, 0,
	  "List the families and the event types they emit (the registry), "
	  "without touching the kernel", 0 },
	IPCS_OPTION_VERBOSE,
	{ 0 }
};

/* The shared options, and --events for @opts. */
struct features_args {
	struct ipcs_state_args common;
	struct features_opts *opts;
};

static error_t features_parser(int key, char *arg, struct argp_state *state)
{
	const struct features_args *fa = state->input;

	if (key != OPT_EVENTS)
		return ipcs_state_option(key, arg, state, &fa->common);
	fa->opts->events = true;
	return 0;
}

int features_parse_args(int argc, char **argv, struct features_opts *opts,
			struct ipcs_error *err)
{
	static const struct argp argp = {
		.options = features_options,
		.parser = features_parser,
		.doc = "Report which probe tiers this kernel offers, by loading "
		       "and attaching each, the hook each uses, and why a tier "
		       "is unavailable.  With --events, list the event types "
		       "of every family instead.",
	};
	struct features_args fa = {
		.common = { .format = &opts->format,
			    .btf_path = &opts->btf_path,
			    .verbose = &opts->verbose, .err = err },
		.opts = opts,
	};

	memset(opts, 0, sizeof(*opts));
	return ipcs_argp_parse(&argp, argc, argv, &fa, err);
}

static const char *pipe_layout(const struct kernel_info *ki)
{
	/* a diagnostic verb: parsing the whole BTF once is fine here */
	struct btf *btf = btf__parse(ki->btf_path, NULL);
	const char *layout = "unknown";
	const struct btf_type *t;
	const struct btf_member *m;
	int id, i;

	id = btf ? btf__find_by_name_kind(btf, "pipe_inode_info",
					  BTF_KIND_STRUCT) : -1;
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	m = t ? btf_members(t) : NULL;
	for (i = 0; t && i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);

		if (name && !strcmp(name, "head")) {
			layout = "head/tail";
			break;
		}
		/* head_tail lives in an anonymous union */
		if (name && !*name) {
			layout = "head_tail";
			break;
		}
	}
	btf__free(btf);
	return layout;
}

/* Try every tier of one family; report each, and the tier auto picks. */
static void report_family(struct ipcs_output *o,
			  const struct ipcs_family *family,
			  const struct kernel_info *ki,
			  const struct trace_config *cfg)
{
	static const enum ipcscope_tier tiers[] = {
		IPCSCOPE_TIER_FENTRY, IPCSCOPE_TIER_KPROBE,
		IPCSCOPE_TIER_TRACEPOINT,
	};
	bool json = o->format == IPCS_FMT_JSON;
	struct ipcs_writer *w = &o->w;
	const struct ipcs_event_type *t;
	const char *best = NULL;
	unsigned int i;

	if (json)
		ipcs_jw_begin_object(w, family->name);
	for (i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++) {
		const char *tname = ipcs_tier_name(tiers[i]);
		struct ipcs_error err = {};
		struct family_probe probe;
		bool ok = !family_probe_attach(&probe, family, ki, cfg,
					       tiers[i], NULL, &err);
		const char *what = ok ? probe.desc : err.msg;
		const char *hook = ok ? ipcs_hook_name(probe.hook) : NULL;
		size_t tlen = strlen(tname);

		/* the reason starts with the tier's name: said already */
		if (!ok && !strncmp(what, tname, tlen) && what[tlen] == ':')
			what += tlen + 2;
		if (ok && !best)
			best = tname;
		if (json) {
			ipcs_jw_begin_object(w, tname);
			ipcs_jw_bool(w, "available", ok);
			if (ok)
				ipcs_jw_str(w, "hook", hook);
			ipcs_jw_string(w, ok ? "probes" : "reason", what, 1024);
			ipcs_jw_end_object(w);
		} else if (ok) {
			ipcs_w_printf(w, "%-7s %-11s yes, hook %s: %s\n",
				      family->name, tname, hook, what);
		} else {
			ipcs_w_printf(w, "%-7s %-11s no: %s\n", family->name,
				      tname, what);
		}
		if (ok)
			family_probe_destroy(&probe);
	}
	if (json) {
		ipcs_jw_str(w, "auto", best ? best : "none");
		ipcs_jw_begin_array(w, "events");
		for (t = family->events; t->name; t++)
			ipcs_jw_str(w, NULL, t->name);
		ipcs_jw_end_array(w);
		ipcs_jw_end_object(w);
		return;
	}
	ipcs_w_printf(w, "%-7s %-11s %s\n", family->name, "auto",
		      best ? best : "none");
	ipcs_w_printf(w, "%-7s %-11s", family->name, "events");
	for (t = family->events; t->name; t++)
		ipcs_w_printf(w, "%s %s", t == family->events ? "" : ",",
			      t->name);
	ipcs_w_char(w, '\n');
}

/*
 * The registry, no kernel needed.  The text is an RST simple table, so the
 * man page includes it as it is (make man: $(OUTPUT)/families.rst).
 */
static void list_events(struct ipcs_output *o)
{
	static const char rule[] =
		"======  ===============  =====  ======  ========\n";
	struct ipcs_writer *w = &o->w;
	const struct ipcs_event_type *t;
	unsigned int f;

	if (o->format == IPCS_FMT_JSON) {
		ipcs_jw_begin_object(w, NULL);
		ipcs_jw_begin_array(w, "families");
		for (f = 0; f < ipcs_nfamilies; f++) {
			const struct ipcs_family *fam = ipcs_families[f];

			ipcs_jw_begin_object(w, NULL);
			ipcs_jw_str(w, "name", fam->name);
			ipcs_jw_u64(w, "id", fam->id);
			ipcs_jw_str(w, "what", fam->what);
			ipcs_jw_begin_array(w, "events");
			for (t = fam->events; t->name; t++) {
				ipcs_jw_begin_object(w, NULL);
				ipcs_jw_str(w, "type", t->name);
				ipcs_jw_u64(w, "id", t->type);
				ipcs_jw_str(w, "object", t->object);
				ipcs_jw_u64(w, "min_size", t->min_size);
				ipcs_jw_end_object(w);
			}
			ipcs_jw_end_array(w);
			ipcs_jw_end_object(w);
		}
		ipcs_jw_end_array(w);
		ipcs_jw_end_object(w);
		return;
	}
	ipcs_w_str(w, rule);
	ipcs_w_printf(w, "%-6s  %-15s  %-5s  %-6s  %s\n", "FAMILY", "EVENT",
		      "ID", "OBJECT", "FAMILY TRACES");
	ipcs_w_str(w, rule);
	for (f = 0; f < ipcs_nfamilies; f++) {
		const struct ipcs_family *fam = ipcs_families[f];

		for (t = fam->events; t->name; t++) {
			ipcs_w_printf(w, "%-6s  %-15s  0x%03x  ",
				      fam->name,
				      t->name, t->type);
			if (t == fam->events)
				ipcs_w_printf(w, "%-6s  %s\n", t->object,
					      fam->what);
			else
				ipcs_w_printf(w, "%s\n", t->object);
		}
	}
	ipcs_w_str(w, rule);
}

int features_run(const struct features_opts *opts, struct ipcs_error *err)
{
	struct trace_config cfg = { .btf_path = opts->btf_path,
				    .verbose = opts->verbose };
	struct kernel_info ki = {};
	struct ipcs_output o;
	struct ipcs_writer *w = &o.w;
	struct utsname uts;
	bool json = opts->format == IPCS_FMT_JSON;
	bool shm_iter;
	char why[160];
	unsigned int f;

	if (ipcs_output_init(&o, STDOUT_FILENO, opts->format))
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	if (opts->events) {
		list_events(&o);
		goto out;
	}
	ipcs_libbpf_logging(opts->verbose);
	if (ipcs_check_privilege(err) ||
	    kernel_info_open(&ki, opts->btf_path, err)) {
		ipcs_output_free(&o);
		return -1;
	}
	uname(&uts);
	shm_iter = !shm_iter_available(why, sizeof(why));
	if (json) {
		ipcs_jw_begin_object(w, NULL);
		ipcs_jw_string(w, "kernel", uts.release, sizeof(uts.release));
		ipcs_jw_str(w, "btf", ki.btf_path);
		ipcs_jw_str(w, "pipe_layout", pipe_layout(&ki));
		ipcs_jw_str(w, "shm_mappers", shm_iter ? "task_vma" : "smaps");
		if (!shm_iter)
			ipcs_jw_str(w, "shm_mappers_reason", why);
		ipcs_jw_begin_object(w, "families");
	} else {
		ipcs_w_printf(w, "kernel  %s\nbtf     %s\npipes   %s layout\n",
			      uts.release, ki.btf_path, pipe_layout(&ki));
		/* where `ipcscope shm` finds who maps what */
		if (shm_iter)
			ipcs_w_printf(w, "shm     mappers from the task_vma "
				      "iterator\n");
		else
			ipcs_w_printf(w, "shm     mappers from /proc/PID/smaps:"
				      " the task_vma iterator: %s\n", why);
	}
	for (f = 0; f < ipcs_nfamilies; f++) {
		report_family(&o, ipcs_families[f], &ki, &cfg);
		/* a slow kernel: show each family as it is done */
		ipcs_w_flush(w);
	}
	if (json) {
		ipcs_jw_end_object(w);
		ipcs_jw_end_object(w);
	}
	kernel_info_close(&ki);
out:
	ipcs_w_flush(w);
	ipcs_output_free(&o);
	return 0;
}
