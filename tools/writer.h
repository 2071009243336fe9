/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output writer: every byte ipcscope prints to stdout goes through one
 * of these.  Like bpftool's json_writer it knows objects, arrays and typed
 * fields and puts the commas in; unlike it, it formats into one in-memory
 * buffer with no stdio (integers and JSON escaping are done by hand), and
 * the caller writes the buffer out once per batch of events
 * (ipcs_w_flush), or when a record leaves more than IPCS_W_FLUSH_AT bytes
 * pending (ipcs_w_end_record).  A failed write(2) (EPIPE: the reader is
 * gone) is kept in ->error and further output is dropped, so the caller
 * checks once per record or batch and stops.
 */
#ifndef IPCSCOPE_WRITER_H
#define IPCSCOPE_WRITER_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#define IPCS_W_FLUSH_AT		(64 * 1024)
#define IPCS_W_MAX_DEPTH	32	/* nested objects and arrays */

struct ipcs_writer {
	char *buf;
	size_t len;			/* bytes pending */
	size_t cap;
	int fd;				/* -1: keep everything in memory */
	int error;			/* errno of the first failure, sticky */
	unsigned int depth;		/* open objects and arrays */
	uint32_t has_member;		/* bit d: container d is not empty */
	/* ipcs_w_set_stop(): NULL, or how a stop request reaches a flush */
	volatile sig_atomic_t *stop;
	const sigset_t *unblocked;
};

/* Write to @fd (-1: memory only, for tests: see ipcs_w_cstr). */
int ipcs_w_init(struct ipcs_writer *w, int fd);
void ipcs_w_free(struct ipcs_writer *w);
/*
 * Let a stop request end a flush that waits on a reader who does not read:
 * flushes run with the signal mask @unblocked (where the stop signals are
 * not blocked, so they interrupt a blocking write), and once *@stop is set
 * a flush waits at most a second for room before it gives the rest up.
 */
void ipcs_w_set_stop(struct ipcs_writer *w, volatile sig_atomic_t *stop,
		     const sigset_t *unblocked);
/* Write out what is pending: 0, or -errno (also kept in w->error). */
int ipcs_w_flush(struct ipcs_writer *w);
/* The end of one record: flush when more than IPCS_W_FLUSH_AT is pending.
 * 0, or -errno of a failed write. */
int ipcs_w_end_record(struct ipcs_writer *w);
/* The pending bytes as a C string (memory writers, tests). */
const char *ipcs_w_cstr(struct ipcs_writer *w);
/* Forget what is pending (memory writers, tests). */
void ipcs_w_reset(struct ipcs_writer *w);

/* ---- raw output: text mode and the pieces of JSON ---------------------- */

/* Grow the buffer for @n more bytes; false (output dropped) without. */
bool ipcs_w_grow(struct ipcs_writer *w, size_t n);

static inline bool ipcs_w_reserve(struct ipcs_writer *w, size_t n)
{
	return w->len + n <= w->cap || ipcs_w_grow(w, n);
}

static inline void ipcs_w_mem(struct ipcs_writer *w, const void *s, size_t n)
{
	if (!ipcs_w_reserve(w, n))
		return;
	__builtin_memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void ipcs_w_str(struct ipcs_writer *w, const char *s)
{
	ipcs_w_mem(w, s, __builtin_strlen(s));
}

static inline void ipcs_w_char(struct ipcs_writer *w, char c)
{
	if (!ipcs_w_reserve(w, 1))
		return;
	w->buf[w->len++] = c;
}

void ipcs_w_u64(struct ipcs_writer *w, uint64_t v);
void ipcs_w_s64(struct ipcs_writer *w, int64_t v);
/* @s left-justified (width > 0) or right-justified (width < 0) in a cell
 * of |width| columns, never cut. */
void ipcs_w_cell(struct ipcs_writer *w, const char *s, int width);
/* printf into the buffer; for text columns with floating point. */
void ipcs_w_printf(struct ipcs_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * A JSON string literal, quotes included, of at most @maxlen bytes of @s
 * (up to its NUL): quote, backslash and control characters escaped (\n,
 * \t, \r, else \u00XX), DEL as \u007f, valid UTF-8 passed through and
 * every byte of invalid UTF-8 as \u00XX.
 */
void ipcs_w_json_string(struct ipcs_writer *w, const char *s, size_t maxlen);

/* ---- JSON: commas and nesting handled; @key NULL in arrays and at top --- */

/*
 * The comma before a member, and its key ("key":), which must need no
 * escaping (keys are the program's own literals).  Inline, so that a
 * literal key's length is known at compile time: the hot path of every
 * field of every event.
 */
static inline void ipcs_jw_key(struct ipcs_writer *w, const char *key)
{
	size_t n = key ? __builtin_strlen(key) : 0;
	char *p;

	if (!ipcs_w_reserve(w, n + 4))
		return;
	p = w->buf + w->len;
	if (w->depth) {
		uint32_t bit = 1U << (w->depth - 1);

		if (w->has_member & bit)
			*p++ = ',';
		w->has_member |= bit;
	}
	if (key) {
		*p++ = '"';
		__builtin_memcpy(p, key, n);
		p += n;
		*p++ = '"';
		*p++ = ':';
	}
	w->len = p - w->buf;
}

void ipcs_jw_begin_object(struct ipcs_writer *w, const char *key);
/* Closing the outermost object ends the record with a newline (NDJSON). */
void ipcs_jw_end_object(struct ipcs_writer *w);
void ipcs_jw_begin_array(struct ipcs_writer *w, const char *key);
void ipcs_jw_end_array(struct ipcs_writer *w);

static inline void ipcs_jw_u64(struct ipcs_writer *w, const char *key,
			       uint64_t v)
{
	ipcs_jw_key(w, key);
	ipcs_w_u64(w, v);
}

static inline void ipcs_jw_s64(struct ipcs_writer *w, const char *key,
			       int64_t v)
{
	ipcs_jw_key(w, key);
	ipcs_w_s64(w, v);
}

static inline void ipcs_jw_bool(struct ipcs_writer *w, const char *key,
				bool v)
{
	ipcs_jw_key(w, key);
	if (v)
		ipcs_w_mem(w, "true", 4);
	else
		ipcs_w_mem(w, "false", 5);
}

static inline void ipcs_jw_null(struct ipcs_writer *w, const char *key)
{
	ipcs_jw_key(w, key);
	ipcs_w_mem(w, "null", 4);
}

/* An escaped string of at most @maxlen bytes (see ipcs_w_json_string). */
static inline void ipcs_jw_string(struct ipcs_writer *w, const char *key,
				  const char *s, size_t maxlen)
{
	ipcs_jw_key(w, key);
	ipcs_w_json_string(w, s, maxlen);
}

/* A NUL-terminated string, escaped. */
static inline void ipcs_jw_str(struct ipcs_writer *w, const char *key,
			       const char *s)
{
	ipcs_jw_key(w, key);
	ipcs_w_json_string(w, s, (size_t)-1);
}

#endif /* IPCSCOPE_WRITER_H */
