// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "fdpath.h"

#define CACHE_SLOTS 256

struct cached_path {
	dev_t dev;
	uint64_t ino;
	char path[PATH_MAX];
};

static struct cached_path cache[CACHE_SLOTS];

/* The kernel's s_dev packs major:minor as 12:20 bits (MKDEV). */
static dev_t kdev_to_dev(uint32_t kdev)
{
	return makedev(kdev >> 20, kdev & 0xfffff);
}

/* readlink of /proc/PID/fd/FD if it is the FIFO we want. */
static int link_matches(const char *link, dev_t dev, uint64_t ino,
			char *path, size_t len)
{
	struct stat st;
	ssize_t n;

	if (stat(link, &st) || st.st_ino != ino || st.st_dev != dev ||
	    !S_ISFIFO(st.st_mode))
		return 0;
	n = readlink(link, path, len - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	return path[0] == '/';
}

static int scan_fds(uint32_t pid, dev_t dev, uint64_t ino, char *path,
		    size_t len)
{
	struct dirent *de;
	char dir[64], link[64 + sizeof(de->d_name)];
	int found = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%u/fd", pid);
	d = opendir(dir);
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		found = link_matches(link, dev, ino, path, len);
	}
	closedir(d);
	return found;
}

const char *fifo_path(uint32_t pid, int fd, uint32_t kdev, uint64_t ino)
{
	dev_t dev = kdev_to_dev(kdev);
	struct cached_path *c = &cache[(ino ^ dev) % CACHE_SLOTS];
	char link[64], path[PATH_MAX];
	int found;

	if (c->ino == ino && c->dev == dev && c->path[0])
		return c->path;
	if (fd >= 0) {
		snprintf(link, sizeof(link), "/proc/%u/fd/%d", pid, fd);
		found = link_matches(link, dev, ino, path, sizeof(path));
	} else {
		found = scan_fds(pid, dev, ino, path, sizeof(path));
	}
	if (!found)
		return NULL;	/* keep whatever the slot caches */
	c->ino = ino;
	c->dev = dev;
	memcpy(c->path, path, sizeof(path));
	return c->path;
}
