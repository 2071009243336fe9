/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kernel module's tests: load and unload ipcscope.ko,
 * read its debugfs files, pick fields out of their key=value records.
 */
#ifndef IPCSCOPE_KMOD_TEST_H
#define IPCSCOPE_KMOD_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tap.h"

#define KT_DIR "/sys/kernel/debug/ipcscope"

/* insmod $IPCSCOPE_KMOD: 0, or -1 with errno. */
static inline int kt_load(void)
{
	const char *ko = getenv("IPCSCOPE_KMOD");
	int fd, r, e;

	fd = ko ? open(ko, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return -1;
	r = syscall(SYS_finit_module, fd, "", 0);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

/*
 * Load the module named by $IPCSCOPE_KMOD with module parameters params
 * ("name=value ..."), or skip the whole program with
 * the reason.  A copy left loaded by an earlier run is unloaded first, so
 * that this run tests a fresh load and its own rmmod.
 */
static inline void kt_load_params_or_skip(const char *params)
{
	const char *ko = getenv("IPCSCOPE_KMOD");
	int fd, r;

	if (!ko || !*ko)
		tap_skip_all("IPCSCOPE_KMOD is not set: no kernel module for this kernel");
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		tap_skip_all("cannot open %s: %s", ko, strerror(errno));
	r = syscall(SYS_finit_module, fd, params, 0);
	if (r && errno == EEXIST) {
		syscall(SYS_delete_module, "ipcscope", O_NONBLOCK);
		r = syscall(SYS_finit_module, fd, params, 0);
	}
	if (r) {
		int e = errno;

		close(fd);
		tap_skip_all("cannot load %s: %s", ko, strerror(e));
	}
	close(fd);
	if (access(KT_DIR, F_OK))
		mount("none", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (access(KT_DIR, F_OK))
		tap_bail("module loaded but %s is missing", KT_DIR);
}

/* The same with the module's default parameters. */
static inline void kt_load_or_skip(void)
{
	kt_load_params_or_skip("");
}

/* rmmod: 0, or -1 with errno (EBUSY/EAGAIN while a file is open). */
static inline int kt_unload(void)
{
	return syscall(SYS_delete_module, "ipcscope", O_NONBLOCK);
}

/* Read a whole debugfs file into a NUL-terminated buffer (free() it). */
static inline char *kt_read(const char *name)
{
	char path[256];
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), KT_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			char *p = realloc(buf, cap * 2 + 1);

			if (!p)
				break;
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/*
 * Copy the value of "key=" in one record (a line, or the rest of the text:
 * the search stops at the line's end) into val.  Returns 0 when found.
 */
static inline int kt_field(const char *line, const char *key, char *val,
			   size_t len)
{
	size_t klen = strlen(key);
	const char *p = line;

	while (*p && *p != '\n') {
		const char *end = p + strcspn(p, " \n");

		if ((size_t)(end - p) > klen && !strncmp(p, key, klen) &&
		    p[klen] == '=') {
			size_t n = end - p - klen - 1;

			if (n >= len)
				n = len - 1;
			memcpy(val, p + klen + 1, n);
			val[n] = '\0';
			return 0;
		}
		p = *end == ' ' ? end + 1 : end;
	}
	return -1;
}

/* A numeric field, or -1 when missing. */
static inline long long kt_num(const char *line, const char *key)
{
	char v[64];

	if (kt_field(line, key, v, sizeof(v)))
		return -1;
	return strtoll(v, NULL, 10);
}

/* The "dev=" text of a file, as the module prints it: MAJOR:MINOR. */
static inline void kt_dev(dev_t dev, char *buf, size_t len)
{
	snprintf(buf, len, "%u:%u", major(dev), minor(dev));
}

/* The record of the pipe with this inode in a pipes/fds/waiters text. */
static inline const char *kt_find(const char *text, const struct stat *st,
				  const char *after)
{
	char key[96];
	const char *p = after ? after : text;

	snprintf(key, sizeof(key), "ino=%lu dev=%u:%u ",
		 (unsigned long)st->st_ino, major(st->st_dev),
		 minor(st->st_dev));
	while (p && *p) {
		const char *q = strstr(p, key);

		if (!q)
			return NULL;
		if (q == text || q[-1] == '\n' || q[-1] == ' ')
			return q;
		p = q + 1;
	}
	return NULL;
}

/* Start of the line that contains p. */
static inline const char *kt_line_start(const char *text, const char *p)
{
	while (p > text && p[-1] != '\n')
		p--;
	return p;
}

/* The comm escaping the module applies (Documentation/debugfs.rst). */
static inline void kt_escape(const char *comm, char *out, size_t len)
{
	size_t o = 0;

	for (; *comm && o + 5 < len; comm++) {
		unsigned char c = *comm;

		if (c <= ' ' || c >= 0x7f || c == '\\' || c == ',' ||
		    c == '/' || c == '=')
			o += snprintf(out + o, len - o, "\\%03o", c);
		else
			out[o++] = c;
	}
	out[o] = '\0';
}

#endif /* IPCSCOPE_KMOD_TEST_H */
