// SPDX-License-Identifier: GPL-2.0
/*
 * --payload in the collector: events joined to the payload records that
 * follow them (tools/payload.c), and the keys and text preview printed.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "family.h"
#include "json.h"
#include "payload.h"
#include "tap.h"

struct rec {
	struct ipcscope_payload p;
	unsigned char data[64];
};

static struct ipcs_output out;
static struct fj_object lines[16];
static int nlines;

/* The join's printer: one line per event, parsed back. */
static int print(void *ctx, const void *ev, size_t size,
		 const struct ipcscope_payload *pl, size_t plsize)
{
	const struct ipcscope_hdr *hdr = ev;

	(void)ctx;
	ipcs_w_reset(&out.w);
	/* as trace.c does: the keys for the types that carry bytes */
	if (ipcs_type_has_payload(hdr->type) ?
	    ipcs_event_write_payload(&out, ev, size, pl, plsize) :
	    ipcs_event_write(&out, ev, size))
		return 0;
	if (out.format == IPCS_FMT_JSON && nlines < 16 &&
	    fj_parse(ipcs_w_cstr(&out.w), &lines[nlines++]))
		tap_bail("not JSON: %s", ipcs_w_cstr(&out.w));
	return 0;
}

static struct ipcscope_pipe_event pipe_ev(__u32 tid, __u64 ts, long ret)
{
	struct ipcscope_pipe_event e = {
		.hdr = { .ts_ns = ts, .type = IPCSCOPE_EV_PIPE_WRITE,
			 .size = sizeof(e), .pid = 7, .tid = tid,
			 .comm = "w" },
		.ino = 1000 + tid, .requested = ret, .ret = ret,
		.kind = IPCSCOPE_PIPE_ANON, .tier = IPCSCOPE_HOOK_FENTRY,
	};
	return e;
}

static struct rec payload(__u32 tid, __u64 ts, const char *bytes,
			  size_t len, bool trunc, int status)
{
	struct rec r = {
		.p = {
			.hdr = { .ts_ns = ts, .type = IPCSCOPE_EV_PAYLOAD,
				 .size = sizeof(r.p) + len, .pid = 7,
				 .tid = tid, .comm = "w" },
			.event_type = IPCSCOPE_EV_PIPE_WRITE,
			.len = len, .truncated = trunc, .status = status,
		},
	};
	memcpy(r.data, bytes, len);
	return r;
}

static void reset(void)
{
	while (nlines)
		fj_free(&lines[--nlines]);
}

int main(void)
{
	struct ipcscope_pipe_event a = pipe_ev(10, 100, 3), b = pipe_ev(11, 200, 70);
	struct ipcscope_signal_generate_event sig = {
		.hdr = { .ts_ns = 300, .type = IPCSCOPE_EV_SIGNAL_GENERATE,
			 .size = sizeof(sig), .pid = 7, .tid = 10 },
		.sig = 10,
	};
	struct rec pa = payload(10, 100, "hi\n", 3, false, 0);
	struct rec pb = payload(11, 200, "\x00\xff" "abc", 5, true, 0);
	struct payload_join j;

	tap_plan(27);
	ipcs_output_init(&out, -1, IPCS_FMT_JSON);
	payload_join_init(&j, print, NULL);

	/* an event, another task's, then their payloads, crossed */
	payload_join_record(&j, &a, sizeof(a), 1.0);
	payload_join_record(&j, &b, sizeof(b), 1.0);
	tap_is_int(nlines, 0, "events wait for their payload");
	payload_join_record(&j, &pb, sizeof(pb.p) + 5, 1.0);
	payload_join_record(&j, &pa, sizeof(pa.p) + 3, 1.0);
	tap_is_int(nlines, 2, "each printed once its payload came");
	tap_is_int(fj_int(&lines[0], "tid"), 11, "in the order they completed");
	tap_is_str(fj_str(&lines[0], "data"), "00ff616263",
		   "data: every byte as two hex digits");
	tap_ok(fj_true(&lines[0], "data_truncated"), "data_truncated: true");
	tap_is_str(fj_str(&lines[1], "data"), "68690a", "data of the other");
	tap_ok(fj_false(&lines[1], "data_truncated"),
	       "data_truncated: false");
	tap_ok(!fj_has(&lines[1], "data_unavailable"),
	       "no data_unavailable with data");
	tap_is_int(fj_int(&lines[1], "ino"), 1010, "the event's own keys stay");
	reset();

	/* the payload never comes: the task's next record ends the wait */
	payload_join_record(&j, &a, sizeof(a), 2.0);
	payload_join_record(&j, &sig, sizeof(sig), 2.0);
	tap_is_int(nlines, 2, "the next record of the task releases the event");
	tap_ok(fj_is_null(&lines[0], "data"), "data: null");
	tap_is_str(fj_str(&lines[0], "data_unavailable"), "lost",
		   "data_unavailable: lost");
	tap_ok(!fj_has(&lines[1], "data"), "a signal has no data key");
	reset();

	/* a payload whose event was lost is dropped */
	payload_join_record(&j, &pa, sizeof(pa.p) + 3, 3.0);
	tap_is_int(nlines, 0, "an orphan payload prints nothing");

	/* held too long; held at the end */
	payload_join_record(&j, &a, sizeof(a), 4.0);
	payload_join_flush(&j, 4.0);
	tap_is_int(nlines, 0, "not released before its time");
	payload_join_flush(&j, 5.5);
	tap_is_int(nlines, 1, "released after it");
	payload_join_record(&j, &b, sizeof(b), 6.0);
	payload_join_flush(&j, INFINITY);
	tap_is_int(nlines, 2, "and all at the end");
	tap_ok(fj_is_null(&lines[1], "data"), "without data");
	reset();

	/* more events than the table holds: the oldest goes out first */
	{
		struct ipcscope_pipe_event e;
		int i;

		for (i = 0; i < PAYLOAD_HELD_MAX + 1; i++) {
			e = pipe_ev(100 + i, 1000 + i, 1);
			payload_join_record(&j, &e, sizeof(e), 7.0 + i);
		}
		tap_is_int(nlines, 1, "a full table releases one");
		tap_is_int(fj_int(&lines[0], "tid"), 100, "the oldest");
		payload_join_free(&j);
		reset();
	}

	/* kernel buffers; a record whose len claims more than it holds */
	{
		struct rec k = payload(10, 100, "", 0, true,
				       IPCSCOPE_PAYLOAD_KERNEL);
		struct rec liar = payload(10, 100, "abcd", 4, false, 0);

		print(NULL, &a, sizeof(a), &k.p, sizeof(k.p));
		tap_ok(fj_is_null(&lines[0], "data"), "kernel: data null");
		tap_is_str(fj_str(&lines[0], "data_unavailable"), "kernel",
			   "data_unavailable: kernel");
		liar.p.len = 60;
		print(NULL, &a, sizeof(a), &liar.p, sizeof(liar.p) + 4);
		tap_is_str(fj_str(&lines[1], "data"), "61626364",
			   "never past the record's hdr.size");
		tap_ok(fj_true(&lines[1], "data_truncated"),
		       "and then truncated");
		reset();
	}

	/* text: a printable preview */
	ipcs_output_free(&out);
	ipcs_output_init(&out, -1, IPCS_FMT_TEXT);
	print(NULL, &b, sizeof(b), &pb.p, sizeof(pb.p) + 5);
	tap_ok(strstr(ipcs_w_cstr(&out.w), " |..abc|+\n") != NULL,
	       "text: |..abc|+ (non-printable as '.', '+': more moved)");
	print(NULL, &a, sizeof(a), &pa.p, sizeof(pa.p) + 3);
	tap_ok(strstr(ipcs_w_cstr(&out.w), " |hi.|\n") != NULL,
	       "text: |hi.|");
	print(NULL, &a, sizeof(a), NULL, 0);
	tap_ok(!strchr(ipcs_w_cstr(&out.w), '|'), "text: no bytes, no preview");
	ipcs_output_free(&out);
	return tap_done();
}
