/* SPDX-License-Identifier: GPL-2.0 */
/* What every printer shares: the format, the clock, the writer. */
#ifndef IPCSCOPE_OUTPUT_H
#define IPCSCOPE_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "ipcscope.h"
#include "writer.h"

enum ipcs_format {
	IPCS_FMT_TEXT,
	IPCS_FMT_JSON,
};

struct ipcs_output {
	struct ipcs_writer w;
	enum ipcs_format format;
	/* CLOCK_REALTIME - CLOCK_MONOTONIC, to turn BPF timestamps into
	 * wall-clock time */
	int64_t mono_to_real_ns;
	/* text: "HH:MM:SS" of clock_sec, so localtime runs once a second */
	time_t clock_sec;
	char clock_hms[16];
	/* --peers: the note of the event being written (woken_by), or NULL;
	 * the event loop sets it, ipcs_event_end() writes it */
	const struct ipcscope_wake_event *wake;
	/* --peers: whose bytes a pipe read returned, or NULL */
	const struct ipcscope_from_event *from;
};

/* Output to @fd (-1: kept in memory, for tests) in @fmt. */
int ipcs_output_init(struct ipcs_output *o, int fd, enum ipcs_format fmt);
void ipcs_output_free(struct ipcs_output *o);
int64_t ipcs_wall_ns(const struct ipcs_output *o, uint64_t mono_ns);

/* "HH:MM:SS.uuuuuu" local time of a wall-clock nanosecond stamp. */
void ipcs_format_clock(int64_t wall_ns, char *buf, size_t len);

/*
 * The start of every event, the same for every family.  JSON: opens the
 * object and writes "type" (@type), "ts_ns" (wall clock), "pid", "tid",
 * "comm"; the decoder adds its keys and calls ipcs_event_end().  Text: the
 * TIME, PID and COMM columns (IPCS_TEXT_COMMON_COLS wide) and a space.
 */
void ipcs_event_begin(struct ipcs_output *o, const char *type,
		      const struct ipcscope_hdr *hdr);
void ipcs_event_end(struct ipcs_output *o);

/* Columns "%-15s %7s %-15s " of ipcs_event_begin's text. */
#define IPCS_TEXT_COMMON_COLS	40

/* Text heading when several families share the stream: the common columns
 * and their units; what follows OP is each family's own. */
void ipcs_print_mixed_header(struct ipcs_output *o);

/* Copy for a text cell: control bytes become '?', so a hostile comm or
 * path cannot break the columns or drive the terminal. */
void ipcs_text_sanitize(char *dst, size_t dstlen, const char *src,
			size_t maxlen);

/* Errno name (EAGAIN) into buf, or E<number> when libc has none. */
const char *ipcs_errno_name(int errnum, char *buf, size_t len);

/* Text RET column: @ret (bytes or -errno) as the number, or the errno the
 * caller sees (EINTR for a kernel restart code). */
const char *ipcs_ret_text(long long ret, char *buf, size_t len);

/* Text LAT(us) column: tenths of a microsecond while they fit. */
const char *ipcs_lat_text(uint64_t ns, char *buf, size_t len);

/* "errno": the errno the caller sees (0 for @ret >= 0); "restart": the
 * kernel's restart code, only when @ret was one (errno is then EINTR). */
void ipcs_jw_errno(struct ipcs_writer *w, long long ret);

/* "dev":"major:minor" of a kernel dev_t (major 12 bits, minor 20). */
void ipcs_jw_dev(struct ipcs_writer *w, const char *key, unsigned int major,
		 unsigned int minor);

/* "fentry", "kprobe", "tracepoint" for enum ipcscope_tier; "auto" for none */
const char *ipcs_tier_name(unsigned int tier);

/* "fentry", "kprobe", "tracepoint", "tp_btf", "raw_tp" for enum
 * ipcscope_hook: what the `tier` key of an event says; "unknown" else. */
const char *ipcs_hook_name(unsigned int hook);

#endif /* IPCSCOPE_OUTPUT_H */
