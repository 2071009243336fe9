// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "flatjson.h"

struct cursor {
	const char *p;
};

static void skip_ws(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')
		c->p++;
}

static void put_utf8(char **o, unsigned int cp)
{
	char *out = *o;

	if (cp < 0x80) {
		*out++ = cp;
	} else if (cp < 0x800) {
		*out++ = 0xc0 | cp >> 6;
		*out++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*out++ = 0xe0 | cp >> 12;
		*out++ = 0x80 | ((cp >> 6) & 0x3f);
		*out++ = 0x80 | (cp & 0x3f);
	} else {
		*out++ = 0xf0 | cp >> 18;
		*out++ = 0x80 | ((cp >> 12) & 0x3f);
		*out++ = 0x80 | ((cp >> 6) & 0x3f);
		*out++ = 0x80 | (cp & 0x3f);
	}
	*o = out;
}

/* Decode a string literal; \u00XX escapes of bytes come back as bytes so
 * the tests can compare with what the kernel held. */
static char *parse_string(struct cursor *c)
{
	const char *p = c->p;
	char *buf, *o;

	if (*p != '"')
		return NULL;
	p++;
	buf = malloc(strlen(p) * 4 + 1);
	if (!buf)
		return NULL;
	o = buf;
	while (*p && *p != '"') {
		unsigned char ch = *p;

		if (ch < 0x20)
			goto bad;	/* control characters must be escaped */
		if (ch != '\\') {
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			char hex[5] = {0};
			unsigned int cp;
			char *end;

			memcpy(hex, p + 1, 4);
			if (strlen(hex) != 4)
				goto bad;
			cp = strtoul(hex, &end, 16);
			if (*end)
				goto bad;
			if (cp < 0x100 && cp >= 0x80)
				*o++ = (char)cp;	/* a raw byte */
			else
				put_utf8(&o, cp);
			p += 4;
			break;
		}
		default:
			goto bad;
		}
		p++;
	}
	if (*p != '"')
		goto bad;
	*o = '\0';
	c->p = p + 1;
	return buf;
bad:
	free(buf);
	return NULL;
}

/* Skip a nested array/object, respecting strings; return its raw text. */
static char *parse_raw(struct cursor *c)
{
	const char *start = c->p;
	int depth = 0;
	bool in_str = false;

	for (; *c->p; c->p++) {
		char ch = *c->p;

		if (in_str) {
			if (ch == '\\' && c->p[1])
				c->p++;
			else if (ch == '"')
				in_str = false;
			continue;
		}
		if (ch == '"')
			in_str = true;
		else if (ch == '[' || ch == '{')
			depth++;
		else if (ch == ']' || ch == '}') {
			if (--depth == 0) {
				c->p++;
				return strndup(start, c->p - start);
			}
		}
	}
	return NULL;
}

static int parse_value(struct cursor *c, struct fj_value *v)
{
	char *end;

	skip_ws(c);
	if (*c->p == '"') {
		v->kind = FJ_STRING;
		v->str = parse_string(c);
		return v->str ? 0 : -1;
	}
	if (*c->p == '[' || *c->p == '{') {
		v->kind = FJ_RAW;
		v->str = parse_raw(c);
		return v->str ? 0 : -1;
	}
	if (!strncmp(c->p, "true", 4) || !strncmp(c->p, "false", 5)) {
		v->kind = FJ_BOOL;
		v->boolean = *c->p == 't';
		c->p += v->boolean ? 4 : 5;
		return 0;
	}
	if (!strncmp(c->p, "null", 4)) {
		v->kind = FJ_NULL;
		c->p += 4;
		return 0;
	}
	if (*c->p == '-' || isdigit((unsigned char)*c->p)) {
		v->kind = FJ_NUMBER;
		v->num = strtod(c->p, &end);
		if (end == c->p)
			return -1;
		v->ival = strtoll(c->p, NULL, 10);
		c->p = end;
		return 0;
	}
	return -1;
}

int fj_parse(const char *line, struct fj_object *obj)
{
	struct cursor c = { line };

	memset(obj, 0, sizeof(*obj));
	skip_ws(&c);
	if (*c.p++ != '{')
		return -1;
	skip_ws(&c);
	if (*c.p == '}')
		goto end;
	for (;;) {
		struct fj_value *v;

		if (obj->n == FJ_MAX_KEYS)
			goto bad;
		v = &obj->v[obj->n++];
		skip_ws(&c);
		v->key = parse_string(&c);
		if (!v->key)
			goto bad;
		skip_ws(&c);
		if (*c.p++ != ':')
			goto bad;
		if (parse_value(&c, v))
			goto bad;
		skip_ws(&c);
		if (*c.p == ',') {
			c.p++;
			continue;
		}
		if (*c.p == '}')
			break;
		goto bad;
	}
end:
	c.p++;
	skip_ws(&c);
	if (*c.p)
		goto bad;
	return 0;
bad:
	fj_free(obj);
	return -1;
}

void fj_free(struct fj_object *obj)
{
	int i;

	for (i = 0; i < obj->n; i++) {
		free(obj->v[i].key);
		free(obj->v[i].str);
	}
	obj->n = 0;
}

const struct fj_value *fj_get(const struct fj_object *obj, const char *key)
{
	int i;

	for (i = 0; i < obj->n; i++)
		if (obj->v[i].key && !strcmp(obj->v[i].key, key))
			return &obj->v[i];
	return NULL;
}

long long fj_int(const struct fj_object *obj, const char *key)
{
	const struct fj_value *v = fj_get(obj, key);

	return v && v->kind == FJ_NUMBER ? v->ival : -1;
}

const char *fj_str(const struct fj_object *obj, const char *key)
{
	const struct fj_value *v = fj_get(obj, key);

	return v && v->kind == FJ_STRING ? v->str : NULL;
}

bool fj_has(const struct fj_object *obj, const char *key)
{
	return fj_get(obj, key) != NULL;
}

bool fj_true(const struct fj_object *obj, const char *key)
{
	const struct fj_value *v = fj_get(obj, key);

	return v && v->kind == FJ_BOOL && v->boolean;
}

bool fj_is_null(const struct fj_object *obj, const char *key)
{
	const struct fj_value *v = fj_get(obj, key);

	return v && v->kind == FJ_NULL;
}

int fj_array_objects(const char *raw, struct fj_object *out, int max)
{
	struct cursor c = { raw };
	int n = 0;

	skip_ws(&c);
	if (*c.p++ != '[')
		return -1;
	skip_ws(&c);
	if (*c.p == ']')
		return 0;
	while (n < max) {
		char *obj;

		skip_ws(&c);
		obj = parse_raw(&c);
		if (!obj)
			return -1;
		if (fj_parse(obj, &out[n])) {
			free(obj);
			return -1;
		}
		free(obj);
		n++;
		skip_ws(&c);
		if (*c.p == ',') {
			c.p++;
			continue;
		}
		if (*c.p == ']')
			return n;
		return -1;
	}
	return n;
}
