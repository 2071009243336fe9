// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include "shm_decode.h"

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC		0x0001U
#define MFD_ALLOW_SEALING	0x0002U
#define MFD_HUGETLB		0x0004U
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL		0x0008U
#define MFD_EXEC		0x0010U
#endif
#define IPC_64_FLAG		0x0100	/* "new" IPC structs, or'ed into cmd */

void shm_print_header(struct ipcs_output *o)
{
	ipcs_w_printf(&o->w, "%-15s %7s %-15s %-12s %s\n", "TIME", "PID",
		      "COMM", "OP", "DETAILS");
}

struct flag_name {
	unsigned int bit;
	const char *name;
};

static const struct flag_name shmflg_names[] = {
	{ IPC_CREAT, "IPC_CREAT" },
	{ IPC_EXCL, "IPC_EXCL" },
	{ SHM_HUGETLB, "SHM_HUGETLB" },
	{ SHM_NORESERVE, "SHM_NORESERVE" },
	{ 0, NULL },
};

static const struct flag_name shmat_names[] = {
	{ SHM_RDONLY, "SHM_RDONLY" },
	{ SHM_RND, "SHM_RND" },
	{ SHM_REMAP, "SHM_REMAP" },
	{ SHM_EXEC, "SHM_EXEC" },
	{ 0, NULL },
};

static const struct flag_name memfd_names[] = {
	{ MFD_CLOEXEC, "MFD_CLOEXEC" },
	{ MFD_ALLOW_SEALING, "MFD_ALLOW_SEALING" },
	{ MFD_HUGETLB, "MFD_HUGETLB" },
	{ MFD_NOEXEC_SEAL, "MFD_NOEXEC_SEAL" },
	{ MFD_EXEC, "MFD_EXEC" },
	{ 0, NULL },
};

/* "IPC_CREAT|IPC_EXCL"; unknown bits in hex; "" for none. */
static void flag_names(const struct flag_name *t, unsigned int flags,
		       char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (; t->name && off < len; t++) {
		if (!(flags & t->bit))
			continue;
		off += snprintf(buf + off, len - off, "%s%s", off ? "|" : "",
				t->name);
		flags &= ~t->bit;
	}
	if (flags && off < len)
		snprintf(buf + off, len - off, "%s0x%x", off ? "|" : "", flags);
}

const char *shm_cmd_name(int cmd)
{
	switch (cmd & ~IPC_64_FLAG) {
	case IPC_RMID:
		return "IPC_RMID";
	case IPC_SET:
		return "IPC_SET";
	case IPC_STAT:
		return "IPC_STAT";
	case IPC_INFO:
		return "IPC_INFO";
	case SHM_LOCK:
		return "SHM_LOCK";
	case SHM_UNLOCK:
		return "SHM_UNLOCK";
	case SHM_STAT:
		return "SHM_STAT";
	case SHM_INFO:
		return "SHM_INFO";
	case SHM_STAT_ANY:
		return "SHM_STAT_ANY";
	}
	return NULL;
}

static void print_text(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_shm_event *e = data;
	struct ipcs_writer *w = &o->w;
	const char *cmd;
	char ret[24];

	(void)size;
	ipcs_ret_text(e->ret, ret, sizeof(ret));
	switch (e->hdr.type) {
	case IPCSCOPE_EV_SHMGET:
		ipcs_w_printf(w, "%-12s key 0x%08x size %" PRIu64
			      " flg 0%o -> %s", "shmget", (unsigned int)e->key,
			      (uint64_t)e->size, e->flags, ret);
		break;
	case IPCSCOPE_EV_SHMAT:
		ipcs_w_printf(w, "%-12s shmid %d at 0x%" PRIx64 " flg 0%o -> %s",
			      "shmat", e->shmid, (uint64_t)e->addr, e->flags,
			      e->ret < 0 ? ret : "");
		if (e->ret >= 0)
			ipcs_w_printf(w, "0x%" PRIx64, (uint64_t)e->ret);
		break;
	case IPCSCOPE_EV_SHMDT:
		ipcs_w_printf(w, "%-12s 0x%" PRIx64 " -> %s", "shmdt",
			      (uint64_t)e->addr, ret);
		break;
	default:
		cmd = shm_cmd_name(e->cmd);
		if (cmd)
			ipcs_w_printf(w, "%-12s shmid %d %s -> %s", "shmctl",
				      e->shmid, cmd, ret);
		else
			ipcs_w_printf(w, "%-12s shmid %d cmd %d -> %s",
				      "shmctl", e->shmid, e->cmd, ret);
	}
}

/* The call's result as @key when it succeeded, null when it failed. */
static void jw_result(struct ipcs_writer *w, const char *key, int64_t ret)
{
	if (ret >= 0)
		ipcs_jw_s64(w, key, ret);
	else
		ipcs_jw_null(w, key);
}

static void print_json(struct ipcs_output *o, const void *data, size_t size)
{
	const struct ipcscope_shm_event *e = data;
	struct ipcs_writer *w = &o->w;
	const char *cmd;
	char flags[128];

	(void)size;
	switch (e->hdr.type) {
	case IPCSCOPE_EV_SHMGET:
		flag_names(shmflg_names, e->flags & ~0777U, flags,
			   sizeof(flags));
		ipcs_jw_s64(w, "key", e->key);
		ipcs_jw_u64(w, "size", e->size);
		ipcs_jw_u64(w, "shmflg", e->flags);
		ipcs_jw_str(w, "flags", flags);
		ipcs_jw_u64(w, "mode", e->flags & 0777U);
		jw_result(w, "shmid", e->ret);
		break;
	case IPCSCOPE_EV_SHMAT:
		flag_names(shmat_names, e->flags, flags, sizeof(flags));
		ipcs_jw_s64(w, "shmid", e->shmid);
		ipcs_jw_u64(w, "shmaddr", e->addr);
		ipcs_jw_u64(w, "shmflg", e->flags);
		ipcs_jw_str(w, "flags", flags);
		jw_result(w, "addr", e->ret);
		break;
	case IPCSCOPE_EV_SHMDT:
		ipcs_jw_u64(w, "addr", e->addr);
		break;
	default:
		cmd = shm_cmd_name(e->cmd);
		ipcs_jw_s64(w, "shmid", e->shmid);
		ipcs_jw_s64(w, "cmd", e->cmd);
		if (cmd)
			ipcs_jw_str(w, "cmd_name", cmd);
		else
			ipcs_jw_null(w, "cmd_name");
	}
	ipcs_jw_errno(w, e->ret);
	ipcs_jw_str(w, "tier", ipcs_hook_name(e->tier));
}

static const char *memfd_name(const struct ipcscope_memfd_event *e)
{
	if (e->name_status != IPCSCOPE_PATH_FULL &&
	    e->name_status != IPCSCOPE_PATH_TRUNCATED)
		return NULL;
	return e->name;
}

static bool is_shm_open(const struct ipcscope_memfd_event *e)
{
	return e->hdr.type == IPCSCOPE_EV_SHM_OPEN;
}

static void print_memfd_text(struct ipcs_output *o, const void *data,
			     size_t size)
{
	const struct ipcscope_memfd_event *e = data;
	const char *name = memfd_name(e);
	char safe[IPCSCOPE_MEMFD_NAME_MAX], ret[24];

	(void)size;
	if (name)
		ipcs_text_sanitize(safe, sizeof(safe), name, sizeof(e->name));
	ipcs_w_printf(&o->w, "%-12s %s flg 0x%x -> %s",
		      is_shm_open(e) ? "shm_open" : "memfd_create",
		      name ? safe : "-", e->flags,
		      ipcs_ret_text(e->ret, ret, sizeof(ret)));
}

/* open(2) flags that say how a shm object is opened, by name. */
static void oflag_names(unsigned int flags, char *buf, size_t len)
{
	static const struct flag_name names[] = {
		{ O_CREAT, "O_CREAT" },
		{ O_EXCL, "O_EXCL" },
		{ O_TRUNC, "O_TRUNC" },
		{ O_NOFOLLOW, "O_NOFOLLOW" },
		{ O_CLOEXEC, "O_CLOEXEC" },
		{ 0, NULL },
	};
	const char *acc = (flags & O_ACCMODE) == O_RDWR ? "O_RDWR" :
			  (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY" :
			  "O_RDONLY";
	size_t off = snprintf(buf, len, "%s", acc);

	/* O_LARGEFILE (0100000 on x86-64; 0 in 64-bit libc headers) is
	 * the kernel's default there: not worth a name */
	flags &= ~(O_ACCMODE | 0100000U);
	if (flags && off < len) {
		buf[off++] = '|';
		flag_names(names, flags, buf + off, len - off);
	}
}

static void print_memfd_json(struct ipcs_output *o, const void *data,
			     size_t size)
{
	const struct ipcscope_memfd_event *e = data;
	const char *name = memfd_name(e);
	struct ipcs_writer *w = &o->w;
	char flags[128];

	(void)size;
	if (name)
		ipcs_jw_string(w, "name", name, sizeof(e->name));
	else
		ipcs_jw_null(w, "name");
	if (e->name_status == IPCSCOPE_PATH_TRUNCATED)
		ipcs_jw_bool(w, "name_truncated", true);
	if (is_shm_open(e)) {
		oflag_names(e->flags, flags, sizeof(flags));
		ipcs_jw_u64(w, "oflag", e->flags);
	} else {
		flag_names(memfd_names, e->flags, flags, sizeof(flags));
		ipcs_jw_u64(w, "mfd_flags", e->flags);
	}
	ipcs_jw_str(w, "flags", flags);
	jw_result(w, "fd", e->ret);
	ipcs_jw_errno(w, e->ret);
	ipcs_jw_str(w, "tier", ipcs_hook_name(e->tier));
}

static const struct flag_name prot_names[] = {
	{ 0x1, "PROT_READ" },
	{ 0x2, "PROT_WRITE" },
	{ 0x4, "PROT_EXEC" },
	{ 0, NULL },
};

static const struct flag_name mmap_names[] = {
	{ 0x01, "MAP_SHARED" },		/* MAP_SHARED_VALIDATE: both bits */
	{ 0x02, "MAP_PRIVATE" },
	{ 0x10, "MAP_FIXED" },
	{ 0x20, "MAP_ANONYMOUS" },
	{ 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" },
	{ 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" },
	{ 0, NULL },
};

static const char *mmap_name(const struct ipcscope_mmap_event *e)
{
	if (e->name_status != IPCSCOPE_PATH_FULL &&
	    e->name_status != IPCSCOPE_PATH_TRUNCATED)
		return NULL;
	return e->name;
}

static const char *kind_name(unsigned int kind)
{
	switch (kind) {
	case IPCSCOPE_SHM_POSIX:
		return "posix";
	case IPCSCOPE_SHM_MEMFD:
		return "memfd";
	}
	return NULL;
}

static void print_mmap_text(struct ipcs_output *o, const void *data,
			    size_t size)
{
	const struct ipcscope_mmap_event *e = data;
	const char *name = mmap_name(e);
	char safe[IPCSCOPE_MEMFD_NAME_MAX], ret[24];
	bool map = e->hdr.type == IPCSCOPE_EV_MMAP;

	(void)size;
	if (name)
		ipcs_text_sanitize(safe, sizeof(safe), name, sizeof(e->name));
	ipcs_w_printf(&o->w, "%-12s %s size %" PRIu64 " ", map ? "mmap" : "munmap",
		      name ? safe : "-", (uint64_t)e->size);
	if (map && e->ret >= 0)
		ipcs_w_printf(&o->w, "fd %d -> 0x%" PRIx64, e->fd,
			      (uint64_t)e->ret);
	else if (map)
		ipcs_w_printf(&o->w, "fd %d -> %s", e->fd,
			      ipcs_ret_text(e->ret, ret, sizeof(ret)));
	else
		ipcs_w_printf(&o->w, "0x%" PRIx64 " -> %s", (uint64_t)e->addr,
			      ipcs_ret_text(e->ret, ret, sizeof(ret)));
}

static void print_mmap_json(struct ipcs_output *o, const void *data,
			    size_t size)
{
	const struct ipcscope_mmap_event *e = data;
	const char *name = mmap_name(e), *kind = kind_name(e->kind);
	struct ipcs_writer *w = &o->w;
	char flags[160];

	(void)size;
	if (name)
		ipcs_jw_string(w, "name", name, sizeof(e->name));
	else
		ipcs_jw_null(w, "name");
	if (e->name_status == IPCSCOPE_PATH_TRUNCATED)
		ipcs_jw_bool(w, "name_truncated", true);
	if (kind)
		ipcs_jw_str(w, "kind", kind);
	else
		ipcs_jw_null(w, "kind");
	if (e->ino)
		ipcs_jw_u64(w, "ino", e->ino);
	else
		ipcs_jw_null(w, "ino");
	ipcs_jw_u64(w, "size", e->size);
	if (e->hdr.type == IPCSCOPE_EV_MMAP) {
		ipcs_jw_s64(w, "fd", e->fd);
		ipcs_jw_u64(w, "offset", e->offset);
		ipcs_jw_u64(w, "hint", e->addr);
		ipcs_jw_u64(w, "prot", e->prot);
		flag_names(prot_names, e->prot, flags, sizeof(flags));
		ipcs_jw_str(w, "prot_flags", e->prot ? flags : "PROT_NONE");
		ipcs_jw_u64(w, "mmap_flags", e->flags);
		flag_names(mmap_names, e->flags, flags, sizeof(flags));
		ipcs_jw_str(w, "flags", flags);
		jw_result(w, "addr", e->ret);
	} else {
		ipcs_jw_u64(w, "addr", e->addr);
	}
	ipcs_jw_errno(w, e->ret);
	ipcs_jw_str(w, "tier", ipcs_hook_name(e->tier));
}

const struct ipcs_event_type shm_event_types[] = {
	{ IPCSCOPE_EV_SHMGET, "shmget", "shmid",
	  sizeof(struct ipcscope_shm_event), print_json, print_text,
	  NULL },
	{ IPCSCOPE_EV_SHMAT, "shmat", "shmid",
	  sizeof(struct ipcscope_shm_event), print_json, print_text,
	  NULL },
	{ IPCSCOPE_EV_SHMDT, "shmdt", "shmid",
	  sizeof(struct ipcscope_shm_event), print_json, print_text,
	  NULL },
	{ IPCSCOPE_EV_SHMCTL, "shmctl", "shmid",
	  sizeof(struct ipcscope_shm_event), print_json, print_text,
	  NULL },
	{ IPCSCOPE_EV_MEMFD_CREATE, "memfd_create", "fd",
	  sizeof(struct ipcscope_memfd_event), print_memfd_json,
	  print_memfd_text,
	  NULL },
	{ IPCSCOPE_EV_SHM_OPEN, "shm_open", "fd",
	  sizeof(struct ipcscope_memfd_event), print_memfd_json,
	  print_memfd_text,
	  NULL },
	{ IPCSCOPE_EV_MMAP, "mmap", "ino",
	  sizeof(struct ipcscope_mmap_event), print_mmap_json,
	  print_mmap_text,
	  NULL },
	{ IPCSCOPE_EV_MUNMAP, "munmap", "ino",
	  sizeof(struct ipcscope_mmap_event), print_mmap_json,
	  print_mmap_text,
	  NULL },
	{ 0 }
};
