/* SPDX-License-Identifier: GPL-2.0 */
/* Shared text and JSON formatting for every event decoder. */
#ifndef IPCSCOPE_OUTPUT_H
#define IPCSCOPE_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum ipcs_format {
	IPCS_FMT_TEXT,
	IPCS_FMT_JSON,
};

struct ipcs_output {
	FILE *out;
	enum ipcs_format format;
	/* CLOCK_REALTIME - CLOCK_MONOTONIC, to turn BPF timestamps into
	 * wall-clock time */
	int64_t mono_to_real_ns;
};

int ipcs_output_init(struct ipcs_output *o, FILE *out, enum ipcs_format fmt);
int64_t ipcs_wall_ns(const struct ipcs_output *o, uint64_t mono_ns);

/* "HH:MM:SS.uuuuuu" local time of a wall-clock nanosecond stamp. */
void ipcs_format_clock(int64_t wall_ns, char *buf, size_t len);

/* JSON string literal, quotes included; escapes control characters and
 * passes valid UTF-8 through; invalid bytes become \u00XX. */
void ipcs_json_string(FILE *out, const char *s, size_t maxlen);

/* Copy for a text cell: control bytes become '?', so a hostile comm or
 * path cannot break the columns or drive the terminal. */
void ipcs_text_sanitize(char *dst, size_t dstlen, const char *src,
			size_t maxlen);

/* Errno name (EAGAIN) into buf, or E<number> when libc has none. */
const char *ipcs_errno_name(int errnum, char *buf, size_t len);

/* "fentry", "kprobe", "tracepoint" for enum ipcscope_tier; "auto" for none */
const char *ipcs_tier_name(unsigned int tier);

#endif /* IPCSCOPE_OUTPUT_H */
