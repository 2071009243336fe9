// SPDX-License-Identifier: GPL-2.0
/*
 * The tests' JSON reader (tests/lib/json.c on jansson): strict parsing,
 * and a missing or mistyped key fails its assertion, naming the key,
 * without crashing the test.  And the harness's table of the hooks each
 * forced tier may report.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"

/* Run @fn in a child with stdout captured: its TAP text, and whether it
 * exited normally. */
static char *in_child(void (*fn)(const struct fj_object *),
		      const struct fj_object *obj, bool *clean)
{
	static char out[4096];
	int fds[2], status;
	size_t have = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		tap_bail("pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		tap_run = 0;
		fn(obj);
		fflush(stdout);
		_exit(0);
	}
	close(fds[1]);
	while (have < sizeof(out) - 1 &&
	       (n = read(fds[0], out + have, sizeof(out) - 1 - have)) > 0)
		have += n;
	out[have] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	*clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	return out;
}

static void missing_int(const struct fj_object *o)
{
	tap_key_int(o, "bytes", 4, "bytes");
}

static void missing_str(const struct fj_object *o)
{
	tap_key_str(o, "path", "/x", "path");
}

static void wrong_kind(const struct fj_object *o)
{
	tap_key_int(o, "comm", 4, "comm as a number");
}

static void no_object(const struct fj_object *o)
{
	(void)o;
	tap_key_int(NULL, "bytes", 4, "of an event not found");
}

static void check_fails(void (*fn)(const struct fj_object *),
			const struct fj_object *o, const char *diag,
			const char *what)
{
	bool clean;
	char *out = in_child(fn, o, &clean);

	tap_ok(clean, "%s: the test goes on", what);
	if (!tap_ok(!strncmp(out, "not ok 1 - ", 11), "%s: not ok", what))
		tap_diag("  got: %s", out);
	if (!tap_ok(strstr(out, diag) != NULL, "%s: \"%s\"", what, diag))
		tap_diag("  got: %s", out);
}

int main(void)
{
	struct fj_object o, arr[4];
	long long ints[4];

	tap_plan(29);
	tap_ok(!fj_parse("{\"type\":\"pipe_write\",\"comm\":\"a\\\"b\\\\c\\nd\","
			 "\"ops\":[{\"num\":1},{\"num\":2}],\"h\":[1,2,3],"
			 "\"n\":null,\"t\":true}", &o),
	       "an NDJSON line parses");
	tap_key_str(&o, "comm", "a\"b\\c\nd", "escapes decoded");
	tap_key_null(&o, "n", "null is null");
	tap_key_true(&o, "t", "true is true");
	tap_is_int(fj_array(&o, "ops", arr, 4), 2, "an array of objects");
	tap_key_int(&arr[1], "num", 2, "its second object");
	fj_free(&arr[0]);
	fj_free(&arr[1]);
	tap_is_int(fj_int_array(&o, "h", ints, 4), 3, "an array of integers");
	tap_is_int(fj_array(&o, "h", arr, 4), -1,
		   "integers are not an array of objects");
	tap_is_int(fj_int(&o, "nope"), FJ_MISSING, "fj_int of a missing key");
	tap_ok(!strcmp(fj_str(&o, "nope"), FJ_MISSING_STR),
	       "fj_str of a missing key: a string, not NULL");

	{
		char q[32];

		tap_ok(!strcmp(fj_quote("a\"b\\c\nd", q, sizeof(q)),
			       "\"a\\\"b\\\\c\\nd\""),
		       "messages quote a hostile string on one line: %s", q);
	}
	check_fails(missing_int, &o, "key \"bytes\" missing", "missing integer");
	check_fails(missing_str, &o, "key \"path\" missing", "missing string");
	check_fails(wrong_kind, &o, "key \"comm\" is a string, not an integer",
		    "mistyped key");
	check_fails(no_object, NULL, "no such object", "no object at all");
	fj_free(&o);

	{
		static const char *const lines[] = {
			"{\"type\":\"pipe_write\",\"tier\":\"tp_btf\"}",
			"{\"type\":\"semop\",\"tier\":\"raw_tp\"}",
			"{\"type\":\"msgrcv\",\"tier\":\"tracepoint\"}",
			"{\"type\":\"signal_deliver\",\"tier\":\"tp_btf\"}",
			"{\"type\":\"lost\",\"count\":3}",
		};
		struct fj_object ev[5];
		struct events evs = { .ev = ev, .n = 5 };
		int i;

		for (i = 0; i < 5; i++)
			if (fj_parse(lines[i], &ev[i]))
				tap_bail("%s", fj_error());
		tap_is_int(events_wrong_tier_for(&evs, "tracepoint"), 0,
			   "tracepoint tier: tp_btf, raw_tp, tracepoint hooks");
		tap_is_int(events_wrong_tier_for(&evs, "kprobe"), 3,
			   "kprobe tier: the pipe, sem and msg events are wrong, the signal one is not");
		tap_is_int(events_wrong_tier_for(&evs, "fentry"), 3,
			   "fentry tier: likewise");
		for (i = 0; i < 5; i++)
			fj_free(&ev[i]);
	}

	tap_ok(fj_parse("{\"a\":1,\"a\":2}", &o) == 0 ? (fj_free(&o), 0) : 1,
	       "a duplicate key is an error");
	tap_ok(fj_parse("{\"a\":1} {\"b\":2}", &o) ? 1 : (fj_free(&o), 0),
	       "two objects on a line are an error");
	tap_ok(fj_parse("[1]", &o) ? 1 : (fj_free(&o), 0),
	       "an array is not an object");
	return tap_done();
}
