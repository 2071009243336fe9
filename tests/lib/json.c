// SPDX-License-Identifier: GPL-2.0
#include "json.h"

const char FJ_MISSING_STR[] = "<missing>";

static char last_error[JSON_ERROR_TEXT_LENGTH + 32];

int fj_parse(const char *line, struct fj_object *obj)
{
	json_error_t err;

	obj->json = json_loads(line, JSON_REJECT_DUPLICATES, &err);
	if (!obj->json) {
		snprintf(last_error, sizeof(last_error), "%s (column %d)",
			 err.text, err.column);
		return -1;
	}
	if (!json_is_object(obj->json)) {
		snprintf(last_error, sizeof(last_error), "not an object");
		fj_free(obj);
		return -1;
	}
	return 0;
}

const char *fj_error(void)
{
	return last_error;
}

void fj_free(struct fj_object *obj)
{
	json_decref(obj->json);
	obj->json = NULL;
}

json_t *fj_get(const struct fj_object *obj, const char *key)
{
	return obj ? json_object_get(obj->json, key) : NULL;
}

long long fj_int(const struct fj_object *obj, const char *key)
{
	json_t *v = fj_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : FJ_MISSING;
}

const char *fj_str(const struct fj_object *obj, const char *key)
{
	json_t *v = fj_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : FJ_MISSING_STR;
}

bool fj_has(const struct fj_object *obj, const char *key)
{
	return fj_get(obj, key) != NULL;
}

bool fj_true(const struct fj_object *obj, const char *key)
{
	return json_is_true(fj_get(obj, key));
}

bool fj_false(const struct fj_object *obj, const char *key)
{
	return json_is_false(fj_get(obj, key));
}

bool fj_is_null(const struct fj_object *obj, const char *key)
{
	return json_is_null(fj_get(obj, key));
}

bool fj_is_int(const struct fj_object *obj, const char *key)
{
	return json_is_integer(fj_get(obj, key));
}

bool fj_is_str(const struct fj_object *obj, const char *key)
{
	return json_is_string(fj_get(obj, key));
}

int fj_array(const struct fj_object *obj, const char *key,
	     struct fj_object *out, int max)
{
	json_t *arr = fj_get(obj, key), *v;
	size_t i;
	int n = 0;

	if (!json_is_array(arr))
		return -1;
	json_array_foreach(arr, i, v)
		if (!json_is_object(v))
			return -1;
	json_array_foreach(arr, i, v) {
		if (n == max)
			break;
		out[n++].json = json_incref(v);
	}
	return n;
}

int fj_int_array(const struct fj_object *obj, const char *key,
		 long long *out, int max)
{
	json_t *arr = fj_get(obj, key), *v;
	size_t i;
	int n = 0;

	if (!json_is_array(arr))
		return -1;
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v))
			return -1;
		if (n < max)
			out[n++] = json_integer_value(v);
	}
	return n;
}

struct fj_object fj_child(const struct fj_object *obj, const char *key)
{
	json_t *v = fj_get(obj, key);

	return (struct fj_object){ json_is_object(v) ? v : NULL };
}

const char *fj_kind(const struct fj_object *obj, const char *key)
{
	json_t *v = fj_get(obj, key);

	if (!v)
		return "missing";
	switch (json_typeof(v)) {
	case JSON_OBJECT:	return "an object";
	case JSON_ARRAY:	return "an array";
	case JSON_STRING:	return "a string";
	case JSON_INTEGER:	return "an integer";
	case JSON_REAL:		return "a real";
	case JSON_TRUE:		return "true";
	case JSON_FALSE:	return "false";
	case JSON_NULL:		return "null";
	}
	return "missing";
}

const char *fj_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	if (len < 8)
		return "";
	buf[o++] = '"';
	for (; *s && o < len - 6; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = c;
		} else if (c == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else if (c < 0x20 || c == 0x7f) {
			o += snprintf(buf + o, len - o, "\\x%02x", c);
		} else {
			buf[o++] = c;
		}
	}
	if (*s)
		o += snprintf(buf + o, len - o, "...");
	else
		buf[o++] = '"';
	buf[o < len ? o : len - 1] = '\0';
	return buf;
}
