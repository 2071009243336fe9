// SPDX-License-Identifier: GPL-2.0
/* JSON string escaping, text sanitising, errno names. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "output.h"
#include "tap.h"

/* @s escaped by the writer, as a C string (malloc'ed). */
static char *escape(const char *s)
{
	struct ipcs_writer w;
	char *out;

	ipcs_w_init(&w, -1);
	ipcs_w_json_string(&w, s, 4096);
	out = strdup(ipcs_w_cstr(&w));
	ipcs_w_free(&w);
	return out;
}

/* Escape @s, wrap it as {"k":...}, parse it back. */
static int roundtrip(const char *s, char **json, char **back)
{
	struct fj_object obj;
	char *lit = escape(s);

	if (asprintf(json, "{\"k\":%s}", lit) < 0)
		*json = NULL;
	free(lit);
	if (!*json || fj_parse(*json, &obj))
		return -1;
	*back = strdup(fj_str(&obj, "k"));
	fj_free(&obj);
	return 0;
}

/* @s escaped, then parsed by a JSON library, reads @want. */
static void check_decoded(const char *s, const char *want, const char *what)
{
	char *json = NULL, *back = NULL;
	int ok = !roundtrip(s, &json, &back) && !strcmp(back, want);

	tap_ok(ok, "JSON round trip: %s", what);
	if (!ok)
		tap_diag("  json: %s", json);
	free(json);
	free(back);
}

static void check_roundtrip(const char *s, const char *what)
{
	check_decoded(s, s, what);
}

static void check_escaped(const char *s, const char *want, const char *what)
{
	char *buf = escape(s);

	if (!tap_ok(!strcmp(buf, want), "escaped as %s: %s", want, what))
		tap_diag("  got %s", buf);
	free(buf);
}

int main(void)
{
	char text[32], name[32];

	tap_plan(15);
	check_roundtrip("plain", "plain ASCII");
	check_roundtrip("a\"b\\c", "quote and backslash");
	check_roundtrip("tab\there\nnewline\r", "tab, newline, CR");
	check_roundtrip("\x01\x1f\x7f", "control bytes");
	check_roundtrip("p\xc3\xa9t\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7",
			"valid UTF-8 (2, 3, 4 bytes)");
	/* an invalid byte is written \u00XX: JSON readers see U+00XX */
	check_decoded("bad\xff\xfe", "bad\xc3\xbf\xc3\xbe",
		      "invalid bytes read as U+00FF U+00FE");
	check_escaped("x\"y", "\"x\\\"y\"", "quote");
	check_escaped("\x01", "\"\\u0001\"", "control byte");
	check_escaped("\xff", "\"\\u00ff\"", "invalid UTF-8 byte");
	check_escaped("\xc0\xaf", "\"\\u00c0\\u00af\"", "overlong UTF-8");
	check_escaped("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"",
		      "UTF-16 surrogate in UTF-8");

	ipcs_text_sanitize(text, sizeof(text), "ev\x1b[2Jil\n", 16);
	tap_ok(!strcmp(text, "ev?[2Jil?"),
	       "text: escape and newline become '?' (%s)", text);
	ipcs_text_sanitize(text, 4, "abcdef", 16);
	tap_ok(!strcmp(text, "abc"), "text: truncated to the cell");
	tap_ok(!strcmp(ipcs_errno_name(EAGAIN, name, sizeof(name)), "EAGAIN"),
	       "errno name EAGAIN");
	tap_ok(!strcmp(ipcs_errno_name(4095, name, sizeof(name)), "E4095"),
	       "unknown errno as E<number>");
	return tap_done();
}
