// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <string.h>
#include <time.h>
#include "ipcscope.h"
#include "output.h"

int ipcs_output_init(struct ipcs_output *o, FILE *out, enum ipcs_format fmt)
{
	struct timespec mono, real;

	if (clock_gettime(CLOCK_MONOTONIC, &mono) ||
	    clock_gettime(CLOCK_REALTIME, &real))
		return -1;
	o->out = out;
	o->format = fmt;
	o->mono_to_real_ns = (real.tv_sec - mono.tv_sec) * 1000000000LL +
			     (real.tv_nsec - mono.tv_nsec);
	return 0;
}

int64_t ipcs_wall_ns(const struct ipcs_output *o, uint64_t mono_ns)
{
	return (int64_t)mono_ns + o->mono_to_real_ns;
}

void ipcs_format_clock(int64_t wall_ns, char *buf, size_t len)
{
	time_t secs = wall_ns / 1000000000LL;
	struct tm tm;

	localtime_r(&secs, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%06lld", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, (long long)(wall_ns % 1000000000LL) / 1000);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are invalid */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void ipcs_json_string(FILE *out, const char *str, size_t maxlen)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strnlen(str, maxlen), i = 0, len;

	fputc('"', out);
	while (i < n) {
		unsigned char c = s[i];

		switch (c) {
		case '"':  fputs("\\\"", out); i++; continue;
		case '\\': fputs("\\\\", out); i++; continue;
		case '\n': fputs("\\n", out); i++; continue;
		case '\r': fputs("\\r", out); i++; continue;
		case '\t': fputs("\\t", out); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			i++;
			continue;
		}
		len = utf8_seq_len(s + i, n - i);
		if (!len) {
			fprintf(out, "\\u%04x", c);
			i++;
			continue;
		}
		fwrite(s + i, 1, len, out);
		i += len;
	}
	fputc('"', out);
}

void ipcs_text_sanitize(char *dst, size_t dstlen, const char *src,
			size_t maxlen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strnlen(src, maxlen), i;

	if (!dstlen)
		return;
	if (n >= dstlen)
		n = dstlen - 1;
	for (i = 0; i < n; i++)
		dst[i] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
	dst[n] = '\0';
}

const char *ipcs_errno_name(int errnum, char *buf, size_t len)
{
	const char *name = strerrorname_np(errnum);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "E%d", errnum);
	return buf;
}

const char *ipcs_tier_name(unsigned int tier)
{
	switch (tier) {
	case IPCSCOPE_TIER_FENTRY:
		return "fentry";
	case IPCSCOPE_TIER_KPROBE:
		return "kprobe";
	case IPCSCOPE_TIER_TRACEPOINT:
		return "tracepoint";
	}
	return "auto";
}
