// SPDX-License-Identifier: GPL-2.0
/* cgroup v2 ids to paths: see cgroup.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroup.h"

/* The root cgroup's id: the first kernfs node of the hierarchy. */
#define CGROUP_ROOT_ID	1

static char *cgroup2_mount(void)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;
	char *dir = NULL;

	if (!f)
		return NULL;
	while (!dir && (m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2"))
			dir = strdup(m->mnt_dir);
	endmntent(f);
	return dir;
}

static void add_name(struct ipcs_cgroup_names *c, __u64 id, const char *path)
{
	struct ipcs_cgroup_name *grown;
	char *copy;

	if (c->n == c->cap) {
		unsigned int cap = c->cap ? 2 * c->cap : 64;

		grown = realloc(c->names, cap * sizeof(*grown));
		if (!grown)
			return;		/* a name less: the id is shown */
		c->names = grown;
		c->cap = cap;
	}
	copy = strdup(path);
	if (!copy)
		return;
	c->names[c->n].id = id;
	c->names[c->n].path = copy;
	c->n++;
}

static void clear_names(struct ipcs_cgroup_names *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		free(c->names[i].path);
	c->n = 0;
}

/* Every directory below @dir_fd (whose path from the root is @rel, "" for
 * the root itself), by inode number.  Cgroups nest as directories only, and
 * FTW-style recursion depth is the hierarchy's depth. */
static void walk(struct ipcs_cgroup_names *c, int dir_fd, char *rel,
		 size_t len)
{
	DIR *d = fdopendir(dir_fd);
	struct dirent *de;

	if (!d) {
		close(dir_fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		size_t nlen = strlen(de->d_name);
		int fd;

		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (len + 1 + nlen >= PATH_MAX)
			continue;
		fd = openat(dir_fd, de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;	/* removed meanwhile, or not a dir */
		if (fstat(fd, &st)) {
			close(fd);
			continue;
		}
		rel[len] = '/';
		memcpy(rel + len + 1, de->d_name, nlen + 1);
		add_name(c, st.st_ino, rel);
		walk(c, fd, rel, len + 1 + nlen);
		rel[len] = '\0';
	}
	closedir(d);
}

static int by_id(const void *a, const void *b)
{
	const struct ipcs_cgroup_name *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void walk_all(struct ipcs_cgroup_names *c)
{
	char rel[PATH_MAX] = "";
	struct stat st;
	int fd;

	clear_names(c);
	c->walks++;
	if (!c->root) {
		add_name(c, CGROUP_ROOT_ID, "/");
		return;
	}
	fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!fstat(fd, &st))
		add_name(c, st.st_ino, "/");
	walk(c, fd, rel, 0);
	if (c->n)
		qsort(c->names, c->n, sizeof(c->names[0]), by_id);
}

void ipcs_cgroup_names_init(struct ipcs_cgroup_names *c, const char *root)
{
	memset(c, 0, sizeof(*c));
	c->root = root ? strdup(root) : cgroup2_mount();
	c->may_walk = true;
}

void ipcs_cgroup_names_free(struct ipcs_cgroup_names *c)
{
	clear_names(c);
	free(c->names);
	free(c->root);
	memset(c, 0, sizeof(*c));
}

static const char *lookup(const struct ipcs_cgroup_names *c, __u64 id)
{
	struct ipcs_cgroup_name key = { .id = id }, *hit;

	if (!c->n)
		return NULL;
	hit = bsearch(&key, c->names, c->n, sizeof(key), by_id);
	return hit ? hit->path : NULL;
}

const char *ipcs_cgroup_path(struct ipcs_cgroup_names *c, __u64 id)
{
	const char *path = lookup(c, id);

	if (path || !c->may_walk)
		return path;
	c->may_walk = false;
	walk_all(c);
	return lookup(c, id);
}
