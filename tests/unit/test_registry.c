// SPDX-License-Identifier: GPL-2.0
/*
 * The event registry: every family's table is ordered, every type is found
 * in its family's range, unknown types and short records print nothing,
 * --summary's names come from it, hook names.
 */
#define _GNU_SOURCE
#include <string.h>
#include "family.h"
#include "output.h"
#include "summary.h"
#include "tap.h"

static void every_type_found(void)
{
	const struct ipcs_event_type *t;
	unsigned int f, n = 0, bad = 0;

	for (f = 0; f < ipcs_nfamilies; f++) {
		const struct ipcs_family *fam = ipcs_families[f];
		unsigned int i = 0;

		for (t = fam->events; t->name; t++, i++, n++) {
			bad += ipcs_event_type_find(t->type) != t;
			bad += IPCSCOPE_EV_FAMILY(t->type) != fam->id;
			bad += t->type != ((unsigned int)fam->id <<
					   IPCSCOPE_EV_FAMILY_SHIFT | (i + 1));
			bad += ipcs_family_of_type(t->type) != fam;
			bad += t->min_size < sizeof(struct ipcscope_hdr);
			bad += !t->object || !t->json || !t->text;
		}
	}
	tap_is_int(n, 20, "20 event types registered");
	tap_is_int(bad, 0, "each found in its family's range, in order");
}

static void names(void)
{
	const struct ipcs_event_type *t;

	/* a type not found fails both of its assertions (NULL strings) */
	t = ipcs_event_type_find(IPCSCOPE_EV_PIPE_WRITE);
	tap_is_str(t ? t->name : NULL, "pipe_write", "pipe_write: name");
	tap_is_str(t ? t->object : NULL, "ino", "pipe_write: object ino");
	t = ipcs_event_type_find(IPCSCOPE_EV_SEMOP);
	tap_is_str(t ? t->object : NULL, "semid", "semop, object semid");
	t = ipcs_event_type_find(IPCSCOPE_EV_MSGRCV);
	tap_is_str(t ? t->name : NULL, "msgrcv", "msgrcv: name");
	tap_is_str(t ? t->object : NULL, "msqid", "msgrcv: object msqid");
	t = ipcs_event_type_find(IPCSCOPE_EV_SIGNAL_DELIVER);
	tap_is_str(t ? t->name : NULL, "signal_deliver",
		   "signal_deliver: name");
	tap_is_str(t ? t->object : NULL, "sig", "signal_deliver: object sig");
	tap_is_str(summary_event_name(IPCSCOPE_EV_MSGSND), "msgsnd",
		   "--summary event name comes from the registry");
	tap_is_str(summary_object_name(IPCSCOPE_EV_MSGSND), "msqid",
		   "--summary object name comes from the registry");
	tap_ok(!strcmp(summary_event_name(0x999), "unknown"),
	       "--summary: an unknown type is 'unknown'");
}

static void unknown_types(void)
{
	static const unsigned int unknown[] = {
		0, 1, 2, 0x100, 0x103, 0x1ff, 0x202, 0x403, 0x503, 0x604, 0x709,
		0x801,
		0xff01, 0xffffffff,
	};
	unsigned int i, found = 0;

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		found += ipcs_event_type_find(unknown[i]) != NULL;
	tap_is_int(found, 0, "unknown type ids (old ABI, n = 0, past a "
		   "family's table, unregistered families) are not found");
}

static void records(void)
{
	struct ipcscope_msg_event e = {
		.hdr = { .type = IPCSCOPE_EV_MSGSND, .size = sizeof(e),
			 .comm = "x" },
	};
	struct ipcs_output o;

	ipcs_output_init(&o, -1, IPCS_FMT_JSON);
	tap_is_int(ipcs_event_write(&o, &e, sizeof(e)), 0, "a msgsnd prints");
	tap_ok(!strncmp(ipcs_w_cstr(&o.w), "{\"type\":\"msgsnd\",\"ts_ns\":", 25),
	       "under its registered name");
	ipcs_w_reset(&o.w);
	tap_is_int(ipcs_event_write(&o, &e, sizeof(e.hdr) - 1), -1,
		   "less than a header: refused");
	tap_is_int(ipcs_event_write(&o, &e, sizeof(e) - 1), -1,
		   "a record below min_size: refused");
	e.hdr.size = sizeof(e) - 8;
	tap_is_int(ipcs_event_write(&o, &e, sizeof(e)), -1,
		   "hdr.size below min_size: refused");
	e.hdr.size = sizeof(e);
	e.hdr.type = IPCSCOPE_EV(MSG, 9);
	tap_is_int(ipcs_event_write(&o, &e, sizeof(e)), -1,
		   "an unknown type: ignored");
	tap_ok(o.w.len == 0, "nothing printed for any of them");
	ipcs_output_free(&o);

	/* text: TIME PID COMM, the same 40 columns in every family */
	ipcs_output_init(&o, -1, IPCS_FMT_TEXT);
	e.hdr.type = IPCSCOPE_EV_MSGSND;
	e.hdr.pid = 42;
	ipcs_event_write(&o, &e, sizeof(e));
	tap_ok(!strncmp(ipcs_w_cstr(&o.w) + 15, "      42 x               msgsnd",
			31), "text: the common columns, then OP: %s",
	       ipcs_w_cstr(&o.w));
	ipcs_w_reset(&o.w);
	ipcs_print_mixed_header(&o);
	tap_ok(!strncmp(ipcs_w_cstr(&o.w), "TIME(local)         PID COMM"
			"            OP     DETAILS", 47),
	       "text: the mixed-family header names the same columns");
	ipcs_output_free(&o);
}

static void hooks(void)
{
	tap_is_str(ipcs_hook_name(IPCSCOPE_HOOK_FENTRY), "fentry",
		   "hook name fentry");
	tap_is_str(ipcs_hook_name(IPCSCOPE_HOOK_KPROBE), "kprobe",
		   "hook name kprobe");
	tap_is_str(ipcs_hook_name(IPCSCOPE_HOOK_TRACEPOINT), "tracepoint",
		   "hook name tracepoint");
	tap_is_str(ipcs_hook_name(IPCSCOPE_HOOK_TP_BTF), "tp_btf",
		   "hook name tp_btf");
	tap_is_str(ipcs_hook_name(IPCSCOPE_HOOK_RAW_TP), "raw_tp",
		   "hook name raw_tp");
	tap_is_int(ipcs_tier_hook(IPCSCOPE_TIER_FENTRY), IPCSCOPE_HOOK_FENTRY,
		   "the fentry tier's own hook");
	tap_is_int(ipcs_tier_hook(IPCSCOPE_TIER_KPROBE), IPCSCOPE_HOOK_KPROBE,
		   "the kprobe tier's own hook");
	tap_is_int(ipcs_tier_hook(IPCSCOPE_TIER_TRACEPOINT),
		   IPCSCOPE_HOOK_TRACEPOINT, "the tracepoint tier's own hook");
}

int main(void)
{
	tap_plan(30);
	every_type_found();
	names();
	unknown_types();
	records();
	hooks();
	return tap_done();
}
