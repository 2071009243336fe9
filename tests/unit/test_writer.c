// SPDX-License-Identifier: GPL-2.0
/*
 * The output writer: JSON structure and commas, numbers at their extremes,
 * string escaping byte for byte, text cells, and what it does with its fd:
 * one write per flush, and EPIPE kept so the collector stops.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "writer.h"
#include "tap.h"

static struct ipcs_writer w;

static void is(const char *want, const char *what)
{
	const char *got = ipcs_w_cstr(&w);

	if (!tap_ok(!strcmp(got, want), "%s", what))
		tap_diag("  got  %s\n  want %s", got, want);
	ipcs_w_reset(&w);
}

static void string_is(const char *s, size_t maxlen, const char *want,
		      const char *what)
{
	ipcs_w_json_string(&w, s, maxlen);
	is(want, what);
}

static void numbers(void)
{
	ipcs_w_u64(&w, 0);
	is("0", "u64 0");
	ipcs_w_u64(&w, UINT64_MAX);
	is("18446744073709551615", "u64 UINT64_MAX");
	ipcs_w_u64(&w, 10);
	is("10", "u64 10");
	ipcs_w_u64(&w, 1000000007);
	is("1000000007", "u64 1000000007");
	ipcs_w_s64(&w, 0);
	is("0", "s64 0");
	ipcs_w_s64(&w, -1);
	is("-1", "s64 -1");
	ipcs_w_s64(&w, INT64_MIN);
	is("-9223372036854775808", "s64 INT64_MIN");
	ipcs_w_s64(&w, INT64_MAX);
	is("9223372036854775807", "s64 INT64_MAX");
}

static void strings(void)
{
	string_is("plain", 64, "\"plain\"", "plain ASCII as it is");
	string_is("a\"b", 64, "\"a\\\"b\"", "quote");
	string_is("a\\b", 64, "\"a\\\\b\"", "backslash");
	string_is("l1\nl2\r\t", 64, "\"l1\\nl2\\r\\t\"", "newline, CR, tab");
	string_is("\x01\x1f\x7f", 64, "\"\\u0001\\u001f\\u007f\"",
		  "control characters and DEL as \\u00XX");
	string_is("\xff", 64, "\"\\u00ff\"", "invalid UTF-8 byte");
	string_is("\xc3", 64, "\"\\u00c3\"", "UTF-8 cut short");
	string_is("\xc0\xaf", 64, "\"\\u00c0\\u00af\"", "overlong UTF-8");
	string_is("\xed\xa0\x80", 64, "\"\\u00ed\\u00a0\\u0080\"",
		  "UTF-16 surrogate in UTF-8");
	string_is("p\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7", 64,
		  "\"p\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7\"",
		  "valid UTF-8 (2, 3, 4 bytes) as it is");
	string_is("abcdef", 3, "\"abc\"", "at most maxlen bytes");
	string_is("", 8, "\"\"", "empty string");
}

static void structure(void)
{
	ipcs_jw_begin_object(&w, NULL);
	ipcs_jw_str(&w, "type", "x");
	ipcs_jw_u64(&w, "n", 1);
	ipcs_jw_s64(&w, "s", -2);
	ipcs_jw_bool(&w, "t", true);
	ipcs_jw_bool(&w, "f", false);
	ipcs_jw_null(&w, "z");
	ipcs_jw_begin_array(&w, "a");
	ipcs_jw_u64(&w, NULL, 1);
	ipcs_jw_begin_object(&w, NULL);
	ipcs_jw_u64(&w, "k", 2);
	ipcs_jw_end_object(&w);
	ipcs_jw_begin_array(&w, NULL);
	ipcs_jw_end_array(&w);
	ipcs_jw_end_array(&w);
	ipcs_jw_begin_object(&w, "o");
	ipcs_jw_end_object(&w);
	ipcs_jw_string(&w, "c", "q\"", 8);
	ipcs_jw_end_object(&w);
	is("{\"type\":\"x\",\"n\":1,\"s\":-2,\"t\":true,\"f\":false,\"z\":null,"
	   "\"a\":[1,{\"k\":2},[]],\"o\":{},\"c\":\"q\\\"\"}\n",
	   "objects, arrays, commas; the outer object ends the line");
	ipcs_jw_begin_object(&w, NULL);
	ipcs_jw_end_object(&w);
	ipcs_jw_begin_object(&w, NULL);
	ipcs_jw_u64(&w, "n", 2);
	ipcs_jw_end_object(&w);
	is("{}\n{\"n\":2}\n", "records in a row: no comma between them");
}

static void text(void)
{
	ipcs_w_cell(&w, "ab", 4);
	ipcs_w_char(&w, '|');
	ipcs_w_cell(&w, "ab", -4);
	ipcs_w_char(&w, '|');
	ipcs_w_cell(&w, "abcdef", 3);
	is("ab  |  ab|abcdef", "cells: left, right, never cut");
	ipcs_w_printf(&w, "%5.1f|%s", 2.25, "x");
	is("  2.2|x", "printf");
}

/* Much more than the initial buffer, in one record: it grows. */
static void big(void)
{
	size_t n = 3 * IPCS_W_FLUSH_AT, i;
	char *s = malloc(n + 1);
	const char *got;
	bool ok = true;

	memset(s, '"', n);
	s[n] = '\0';
	ipcs_w_json_string(&w, s, n);
	got = ipcs_w_cstr(&w);
	for (i = 1; i < 2 * n + 1 && ok; i += 2)
		ok = got[i] == '\\' && got[i + 1] == '"';
	tap_ok(ok, "a %zu-byte string of quotes: each one escaped", n);
	tap_is_int(w.len, 2 * n + 2, "a %zu-byte string of quotes: its length",
		   n);
	ipcs_w_reset(&w);
	free(s);
}

static void to_fd(void)
{
	struct ipcs_writer fw;
	char buf[64] = "";
	int p[2];
	ssize_t n;

	if (pipe(p))
		tap_bail("pipe: %s", strerror(errno));
	ipcs_w_init(&fw, p[1]);
	ipcs_jw_begin_object(&fw, NULL);
	ipcs_jw_u64(&fw, "a", 1);
	ipcs_jw_end_object(&fw);
	tap_is_int(ipcs_w_end_record(&fw), 0,
		   "a small record is kept, not written");
	tap_ok(fw.len == 8, "8 bytes pending");
	tap_is_int(ipcs_w_flush(&fw), 0, "flush");
	n = read(p[0], buf, sizeof(buf) - 1);
	tap_is_int(n, 8, "one write of 8 bytes");
	tap_is_str(buf, "{\"a\":1}\n", "the record as it was written");

	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	ipcs_w_str(&fw, "x\n");
	tap_is_int(ipcs_w_flush(&fw), -EPIPE, "reader gone: -EPIPE");
	tap_is_int(fw.error, EPIPE, "and it stays");
	ipcs_w_str(&fw, "y\n");
	tap_is_int(ipcs_w_end_record(&fw), -EPIPE,
		   "every later record sees it");
	close(p[1]);
	ipcs_w_free(&fw);
}

int main(void)
{
	tap_plan(34);
	ipcs_w_init(&w, -1);
	numbers();
	strings();
	structure();
	text();
	big();
	to_fd();
	ipcs_w_free(&w);
	return tap_done();
}
