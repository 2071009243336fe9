// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "writer.h"

#define INITIAL_CAP	(IPCS_W_FLUSH_AT * 2)

int ipcs_w_init(struct ipcs_writer *w, int fd)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->buf = malloc(INITIAL_CAP);
	if (!w->buf)
		return -ENOMEM;
	w->cap = INITIAL_CAP;
	return 0;
}

void ipcs_w_free(struct ipcs_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

bool ipcs_w_grow(struct ipcs_writer *w, size_t n)
{
	size_t cap;
	char *grown;

	if (w->len + n <= w->cap)
		return true;
	if (w->error)
		return false;
	for (cap = w->cap ? w->cap : 4096; cap < w->len + n; cap *= 2)
		;
	grown = realloc(w->buf, cap);
	if (!grown) {
		w->error = ENOMEM;
		return false;
	}
	w->buf = grown;
	w->cap = cap;
	return true;
}

void ipcs_w_set_stop(struct ipcs_writer *w, volatile sig_atomic_t *stop,
		     const sigset_t *unblocked)
{
	w->stop = stop;
	w->unblocked = unblocked;
}

/* Wait until @fd takes more; false when stopping and it did not in 1 s. */
static bool wait_writable(const struct ipcs_writer *w)
{
	struct pollfd pfd = { .fd = w->fd, .events = POLLOUT };
	bool stopping = w->stop && *w->stop;
	int n = poll(&pfd, 1, stopping ? 1000 : -1);

	if (n < 0 && errno == EINTR)
		return !(w->stop && *w->stop) || stopping;
	return n == 1;
}

int ipcs_w_flush(struct ipcs_writer *w)
{
	size_t off = 0, chunk;
	sigset_t saved;
	ssize_t n;

	if (w->fd < 0)
		return -w->error;
	if (w->unblocked)
		sigprocmask(SIG_SETMASK, w->unblocked, &saved);
	while (off < w->len && !w->error) {
		chunk = w->len - off;
		if (w->stop && *w->stop) {
			/* stopping: a write that fits the room poll saw
			 * never blocks, so a reader that does not read can
			 * hold the exit up for a second at most */
			if (!wait_writable(w)) {
				w->error = EAGAIN;
				break;
			}
			if (chunk > 4096)
				chunk = 4096;
		}
		n = write(w->fd, w->buf + off, chunk);
		if (n > 0)
			off += n;
		else if (n < 0 && errno == EAGAIN)
			wait_writable(w);	/* a non-blocking stdout */
		else if (n < 0 && errno != EINTR)
			w->error = errno;
		else if (n == 0)
			w->error = EIO;
	}
	if (w->unblocked)
		sigprocmask(SIG_SETMASK, &saved, NULL);
	w->len = 0;
	return -w->error;
}

int ipcs_w_end_record(struct ipcs_writer *w)
{
	if (w->len >= IPCS_W_FLUSH_AT)
		return ipcs_w_flush(w);
	return -w->error;
}

const char *ipcs_w_cstr(struct ipcs_writer *w)
{
	if (!ipcs_w_reserve(w, 1))
		return "";
	w->buf[w->len] = '\0';
	return w->buf;
}

void ipcs_w_reset(struct ipcs_writer *w)
{
	w->len = 0;
	w->depth = 0;
	w->has_member = 0;
}

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Decimal digits of @v, ending at @end; returns the first. */
static char *format_u64(char *end, uint64_t v)
{
	char *p = end;

	while (v >= 100) {
		unsigned int i = (v % 100) * 2;

		v /= 100;
		*--p = digit_pairs[i + 1];
		*--p = digit_pairs[i];
	}
	if (v >= 10) {
		*--p = digit_pairs[v * 2 + 1];
		*--p = digit_pairs[v * 2];
	} else {
		*--p = (char)('0' + v);
	}
	return p;
}

static inline unsigned int count_digits(uint64_t v)
{
	unsigned int n = 1;

	for (;;) {
		if (v < 10)
			return n;
		if (v < 100)
			return n + 1;
		if (v < 1000)
			return n + 2;
		if (v < 10000)
			return n + 3;
		v /= 10000;
		n += 4;
	}
}

void ipcs_w_u64(struct ipcs_writer *w, uint64_t v)
{
	unsigned int n = count_digits(v);

	if (!ipcs_w_reserve(w, n))
		return;
	format_u64(w->buf + w->len + n, v);
	w->len += n;
}

void ipcs_w_s64(struct ipcs_writer *w, int64_t v)
{
	if (v < 0) {
		ipcs_w_char(w, '-');
		/* -(INT64_MIN) overflows: negate in unsigned arithmetic */
		ipcs_w_u64(w, -(uint64_t)v);
	} else {
		ipcs_w_u64(w, (uint64_t)v);
	}
}

void ipcs_w_cell(struct ipcs_writer *w, const char *s, int width)
{
	size_t n = strlen(s), pad = 0;
	size_t cells = width < 0 ? (size_t)-width : (size_t)width;

	if (n < cells)
		pad = cells - n;
	if (!ipcs_w_reserve(w, n + pad))
		return;
	if (width < 0) {
		memset(w->buf + w->len, ' ', pad);
		w->len += pad;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	if (width > 0) {
		memset(w->buf + w->len, ' ', pad);
		w->len += pad;
	}
}

void ipcs_w_printf(struct ipcs_writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ipcs_w_reserve(w, 256))
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= w->cap - w->len) {
		if (!ipcs_w_reserve(w, n + 1))
			return;
		va_start(ap, fmt);
		vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
		va_end(ap);
	}
	w->len += n;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned int cp;

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

/* Printable ASCII other than quote and backslash: copied as it is. */
static inline bool json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

void ipcs_w_json_string(struct ipcs_writer *w, const char *str,
			size_t maxlen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strnlen(str, maxlen), i = 0, run, len;
	char *p;

	/* the worst case: every byte as \u00XX, and the quotes */
	if (!ipcs_w_reserve(w, n * 6 + 2))
		return;
	p = w->buf + w->len;
	*p++ = '"';
	while (i < n) {
		unsigned char c = s[i];

		/* names are short: a byte loop beats a call to memcpy */
		for (run = i; run < n && json_plain(s[run]); run++)
			*p++ = (char)s[run];
		if (run > i) {
			i = run;
			continue;
		}
		switch (c) {
		case '"':  *p++ = '\\'; *p++ = '"'; i++; continue;
		case '\\': *p++ = '\\'; *p++ = '\\'; i++; continue;
		case '\n': *p++ = '\\'; *p++ = 'n'; i++; continue;
		case '\r': *p++ = '\\'; *p++ = 'r'; i++; continue;
		case '\t': *p++ = '\\'; *p++ = 't'; i++; continue;
		}
		len = c >= 0x80 ? utf8_seq_len(s + i, n - i) : 0;
		if (len) {
			memcpy(p, s + i, len);
			p += len;
			i += len;
			continue;
		}
		/* control characters, DEL and invalid UTF-8 bytes */
		memcpy(p, "\\u00", 4);
		p[4] = hex[c >> 4];
		p[5] = hex[c & 0xf];
		p += 6;
		i++;
	}
	*p++ = '"';
	w->len = p - w->buf;
}

/* ---- JSON structure ------------------------------------------------------ */

static void open_container(struct ipcs_writer *w, const char *key, char c)
{
	ipcs_jw_key(w, key);
	ipcs_w_char(w, c);
	if (w->depth < IPCS_W_MAX_DEPTH) {
		w->depth++;
		w->has_member &= ~(1U << (w->depth - 1));
	}
}

static void close_container(struct ipcs_writer *w, char c)
{
	ipcs_w_char(w, c);
	if (w->depth)
		w->depth--;
	if (!w->depth && c == '}')
		ipcs_w_char(w, '\n');
}

void ipcs_jw_begin_object(struct ipcs_writer *w, const char *key)
{
	open_container(w, key, '{');
}

void ipcs_jw_end_object(struct ipcs_writer *w)
{
	close_container(w, '}');
}

void ipcs_jw_begin_array(struct ipcs_writer *w, const char *key)
{
	open_container(w, key, '[');
}

void ipcs_jw_end_array(struct ipcs_writer *w)
{
	close_container(w, ']');
}
