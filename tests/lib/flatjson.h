/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON object reader for the tests: one object per line, as
 * ipcscope writes NDJSON.  Scalars are kept decoded; nested arrays and
 * objects are kept as their raw text.  Strict: a malformed line fails.
 */
#ifndef IPCSCOPE_FLATJSON_H
#define IPCSCOPE_FLATJSON_H

#include <stdbool.h>
#include <stddef.h>

#define FJ_MAX_KEYS 48

enum fj_kind { FJ_STRING, FJ_NUMBER, FJ_BOOL, FJ_NULL, FJ_RAW };

struct fj_value {
	char *key;
	enum fj_kind kind;
	char *str;		/* FJ_STRING (decoded) and FJ_RAW */
	double num;
	long long ival;		/* FJ_NUMBER when integral */
	bool boolean;
};

struct fj_object {
	struct fj_value v[FJ_MAX_KEYS];
	int n;
};

/* 0 on success; -1 if the line is not one valid JSON object. */
int fj_parse(const char *line, struct fj_object *obj);
void fj_free(struct fj_object *obj);

const struct fj_value *fj_get(const struct fj_object *obj, const char *key);
/* Convenience accessors: -1 / NULL when missing or of another kind. */
long long fj_int(const struct fj_object *obj, const char *key);
const char *fj_str(const struct fj_object *obj, const char *key);
bool fj_has(const struct fj_object *obj, const char *key);
/* The key is there and is true / is null. */
bool fj_true(const struct fj_object *obj, const char *key);
bool fj_is_null(const struct fj_object *obj, const char *key);

/* Parse a raw array of flat objects ("[{...},{...}]") into @out (at most
 * @max); returns how many, or -1 when it is not such an array. */
int fj_array_objects(const char *raw, struct fj_object *out, int max);

#endif /* IPCSCOPE_FLATJSON_H */
