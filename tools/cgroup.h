/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup v2 ids, as bpf_get_current_cgroup_id() gives them, turned into
 * the paths that name a container or a service ("/system.slice/foo").
 * A cgroup v2 id is the inode number of its directory in cgroupfs (kernfs
 * numbers inodes by node id on 64-bit kernels), so the paths are found by
 * walking the cgroup2 mount and matching inode numbers; the walk is cached
 * and repeated only for an id it has not seen.
 */
#ifndef IPCSCOPE_CGROUP_H
#define IPCSCOPE_CGROUP_H

#include <stdbool.h>
#include <linux/types.h>

struct ipcs_cgroup_name {
	__u64 id;
	char *path;		/* from the mount's root: "/", "/a/b" */
};

struct ipcs_cgroup_names {
	char *root;		/* the cgroup2 mount; NULL: none mounted */
	struct ipcs_cgroup_name *names;	/* sorted by id */
	unsigned int n, cap;
	bool may_walk;		/* a miss may walk the tree again */
	unsigned int walks;	/* how many walks so far (tests) */
};

/* @root: a directory tree to walk, or NULL for the first cgroup2 mount in
 * /proc/self/mounts.  No mount is no error: then only the root cgroup,
 * id 1, where every task is, has a name ("/"). */
void ipcs_cgroup_names_init(struct ipcs_cgroup_names *c, const char *root);
void ipcs_cgroup_names_free(struct ipcs_cgroup_names *c);

/* Allow one more walk of the tree: once per scrape, so cgroups made since
 * the last walk are found, and a storm of unknown ids walks once. */
static inline void ipcs_cgroup_names_expire(struct ipcs_cgroup_names *c)
{
	c->may_walk = true;
}

/* The path of cgroup @id, or NULL (removed before it was first seen). */
const char *ipcs_cgroup_path(struct ipcs_cgroup_names *c, __u64 id);

#endif /* IPCSCOPE_CGROUP_H */
