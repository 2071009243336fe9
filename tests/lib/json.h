/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON for the tests, parsed by jansson (Debian's libjansson-dev): what a
 * user's JSON library makes of ipcscope's output is what the tests see.
 * One object per NDJSON line.
 *
 * The accessors never crash on a missing key or a NULL object: fj_int()
 * gives FJ_MISSING and fj_str() gives FJ_MISSING_STR, values no assertion
 * expects.  The tap_key_*() helpers make one assertion of one key and say
 * "key X missing" when it is not there.
 */
#ifndef IPCSCOPE_JSON_H
#define IPCSCOPE_JSON_H

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "tap.h"

/* One parsed JSON object (a jansson reference, owned). */
struct fj_object {
	json_t *json;
};

#define FJ_MISSING	LLONG_MIN	/* fj_int(): absent or not an integer */
extern const char FJ_MISSING_STR[];	/* fj_str(): absent or not a string */

/* 0 on success; -1 if @line is not exactly one JSON object (the reason is
 * in fj_error()).  Duplicate keys are an error. */
int fj_parse(const char *line, struct fj_object *obj);
const char *fj_error(void);
void fj_free(struct fj_object *obj);

/* The value of @key, or NULL (also for a NULL @obj). */
json_t *fj_get(const struct fj_object *obj, const char *key);
long long fj_int(const struct fj_object *obj, const char *key);
const char *fj_str(const struct fj_object *obj, const char *key);
bool fj_has(const struct fj_object *obj, const char *key);
/* The key is there and is true / false / null. */
bool fj_true(const struct fj_object *obj, const char *key);
bool fj_false(const struct fj_object *obj, const char *key);
bool fj_is_null(const struct fj_object *obj, const char *key);
/* The key is there and holds an integer / a string. */
bool fj_is_int(const struct fj_object *obj, const char *key);
bool fj_is_str(const struct fj_object *obj, const char *key);

/* The objects of the array @key, as new references in @out (at most @max;
 * fj_free() each); how many, or -1 unless @key is an array of objects. */
int fj_array(const struct fj_object *obj, const char *key,
	     struct fj_object *out, int max);
/* The integers of the array @key into @out (at most @max); how many, or
 * -1 unless @key is an array of integers. */
int fj_int_array(const struct fj_object *obj, const char *key,
		 long long *out, int max);
/* Object @key as an fj_object borrowing from @obj (not to be freed);
 * .json is NULL when @key is not an object. */
struct fj_object fj_child(const struct fj_object *obj, const char *key);

/* "missing", "a string", ...: what @key holds, for messages. */
const char *fj_kind(const struct fj_object *obj, const char *key);
/* @s quoted, C-escaped and cut to fit @buf, for one-line messages. */
const char *fj_quote(const char *s, char *buf, size_t len);

/*
 * One assertion about one key.  These live in the header, like tap.h,
 * so they count in the test program's own TAP plan.
 */
static inline __attribute__((format(printf, 5, 0)))
int fj_tap_check(int pass, const struct fj_object *obj, const char *key,
		 const char *want_kind, const char *fmt, va_list ap)
{
	char what[512];

	vsnprintf(what, sizeof(what), fmt, ap);
	pass = tap_ok(pass, "%s", what);
	if (!pass && !obj)
		tap_diag("  no such object, so no key \"%s\"", key);
	else if (!pass && !fj_has(obj, key))
		tap_diag("  key \"%s\" missing", key);
	else if (!pass && strcmp(fj_kind(obj, key), want_kind))
		tap_diag("  key \"%s\" is %s, not %s", key,
			 fj_kind(obj, key), want_kind);
	return pass;
}

/* @key is the integer @want. */
static inline __attribute__((format(printf, 4, 5)))
int tap_key_int(const struct fj_object *obj, const char *key, long long want,
		const char *fmt, ...)
{
	long long got = fj_int(obj, key);
	va_list ap;
	int pass;

	va_start(ap, fmt);
	pass = fj_tap_check(got == want && fj_is_int(obj, key), obj, key,
			    "an integer", fmt, ap);
	va_end(ap);
	if (!pass && fj_is_int(obj, key))
		tap_diag("  \"%s\": got %lld, expected %lld", key, got, want);
	return pass;
}

/* @key is an integer in [@lo, @hi]. */
static inline __attribute__((format(printf, 5, 6)))
int tap_key_range(const struct fj_object *obj, const char *key, long long lo,
		  long long hi, const char *fmt, ...)
{
	long long got = fj_int(obj, key);
	va_list ap;
	int pass;

	va_start(ap, fmt);
	pass = fj_tap_check(fj_is_int(obj, key) && got >= lo && got <= hi,
			    obj, key, "an integer", fmt, ap);
	va_end(ap);
	if (!pass && fj_is_int(obj, key))
		tap_diag("  \"%s\": got %lld, expected %lld..%lld", key, got,
			 lo, hi);
	return pass;
}

/* @key is the string @want. */
static inline __attribute__((format(printf, 4, 5)))
int tap_key_str(const struct fj_object *obj, const char *key,
		const char *want, const char *fmt, ...)
{
	const char *got = fj_str(obj, key);
	va_list ap;
	int pass;

	va_start(ap, fmt);
	pass = fj_tap_check(fj_is_str(obj, key) && !strcmp(got, want), obj,
			    key, "a string", fmt, ap);
	va_end(ap);
	if (!pass && fj_is_str(obj, key)) {
		char g[128], w[128];

		tap_diag("  \"%s\": got %s, expected %s", key,
			 fj_quote(got, g, sizeof(g)),
			 fj_quote(want, w, sizeof(w)));
	}
	return pass;
}

/* @key is true. */
static inline __attribute__((format(printf, 3, 4)))
int tap_key_true(const struct fj_object *obj, const char *key,
		 const char *fmt, ...)
{
	va_list ap;
	int pass;

	va_start(ap, fmt);
	pass = fj_tap_check(fj_true(obj, key), obj, key, "true", fmt, ap);
	va_end(ap);
	return pass;
}

/* @key is null. */
static inline __attribute__((format(printf, 3, 4)))
int tap_key_null(const struct fj_object *obj, const char *key,
		 const char *fmt, ...)
{
	va_list ap;
	int pass;

	va_start(ap, fmt);
	pass = fj_tap_check(fj_is_null(obj, key), obj, key, "null", fmt, ap);
	va_end(ap);
	return pass;
}

/* @key is not there at all. */
static inline __attribute__((format(printf, 3, 4)))
int tap_key_absent(const struct fj_object *obj, const char *key,
		   const char *fmt, ...)
{
	char what[512];
	va_list ap;
	int pass;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pass = tap_ok(obj && !fj_has(obj, key), "%s", what);
	if (!pass && !obj)
		tap_diag("  no such object");
	else if (!pass)
		tap_diag("  key \"%s\" is there (%s)", key, fj_kind(obj, key));
	return pass;
}

#endif /* IPCSCOPE_JSON_H */
