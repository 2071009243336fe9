/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What `ipcscope sysv` and its BPF program (bpf/sysv_iter.bpf.c) exchange.
 *
 * User space puts one struct ipcscope_sysv_object per semaphore set or
 * message queue of /proc/sysvipc into an array map (id and kind); the
 * iterator over that map finds each object in the reader's IPC namespace,
 * walks the kernel's own wait queues of it, fills the object's "out"
 * fields in place and writes one struct ipcscope_sysv_waiter per queued
 * task into a second array map.
 */
#ifndef IPCSCOPE_SYSV_H
#define IPCSCOPE_SYSV_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Operations of one semop(2) kept per waiter; more are counted (nsops). */
#define IPCSCOPE_SYSV_MAX_SOPS	16
/* sem_array lists walked at most: two global, two per semaphore. */
#define IPCSCOPE_SYSV_MAX_SEMS	65536

enum ipcscope_sysv_kind {
	IPCSCOPE_SYSV_SEM = 1,
	IPCSCOPE_SYSV_MSG = 2,
};

/* ipcscope_sysv_object.status bits */
enum {
	IPCSCOPE_SYSV_FOUND	= 1,	/* the id names a live object */
	IPCSCOPE_SYSV_TRUNCATED	= 2,	/* waiters map full, or walk bound hit */
};

/* ipcscope_sysv_waiter.role */
enum ipcscope_sysv_role {
	IPCSCOPE_SYSV_SEM_WAITER	= 1,
	IPCSCOPE_SYSV_MSG_RECEIVER	= 2,
	IPCSCOPE_SYSV_MSG_SENDER	= 3,
};

#define IPCSCOPE_SYSV_NO_BLOCKING	0xff

struct ipcscope_sysv_object {
	__u64 qbytes;		/* out, msg: msg_qbytes, the queue's limit */
	__s32 id;		/* in: semid or msqid, as /proc/sysvipc has it */
	__u32 kind;		/* in: enum ipcscope_sysv_kind */
	__u32 status;		/* out: IPCSCOPE_SYSV_FOUND, ..._TRUNCATED */
	__u32 nsems;		/* out, sem: sem_nsems */
	__u32 waiters;		/* out: waiter records written for it */
	__u32 waking;		/* out: queued tasks left out: running again */
};

struct ipcscope_sysv_sembuf {	/* struct sembuf */
	__u16 sem_num;
	__s16 sem_op;
	__s16 sem_flg;
};

struct ipcscope_sysv_waiter {
	__s64 msgtype;		/* receiver: the kernel's r_msgtype */
	__u64 size;		/* sender: msgsz; receiver: r_maxsize */
	__u32 object;		/* key of its object in the objects map */
	__u32 pid;		/* tgid, as the initial pid namespace sees it */
	__u32 tid;
	__u32 nsops;		/* sem: operations of the semop(2) */
	__u8  role;		/* enum ipcscope_sysv_role */
	__u8  blocking;		/* sem: index of the operation that blocks */
	__u8  r_mode;		/* receiver: SEARCH_* of ipc/msg.c (below) */
	__u8  pad0[5];
	char  comm[16];		/* the waiting thread's comm */
	struct ipcscope_sysv_sembuf sops[IPCSCOPE_SYSV_MAX_SOPS];
};

/* How a receiver matches a type (ipc/msg.c, convert_mode()): r_msgtype
 * is msgtyp, or -msgtyp for SEARCH_LESSEQUAL (LONG_MAX for LONG_MIN). */
enum ipcscope_sysv_search {
	IPCSCOPE_SYSV_SEARCH_ANY	= 1,	/* msgtyp 0 */
	IPCSCOPE_SYSV_SEARCH_EQUAL	= 2,	/* msgtyp > 0 */
	IPCSCOPE_SYSV_SEARCH_NOTEQUAL	= 3,	/* msgtyp > 0, MSG_EXCEPT */
	IPCSCOPE_SYSV_SEARCH_LESSEQUAL	= 4,	/* msgtyp < 0 */
	IPCSCOPE_SYSV_SEARCH_NUMBER	= 5,	/* MSG_COPY (never sleeps) */
};

_Static_assert(sizeof(struct ipcscope_sysv_object) == 32,
	       "ipcscope_sysv_object is 32 bytes");
_Static_assert(sizeof(struct ipcscope_sysv_sembuf) == 6,
	       "ipcscope_sysv_sembuf is struct sembuf");
_Static_assert(sizeof(struct ipcscope_sysv_waiter) == 152,
	       "ipcscope_sysv_waiter is 152 bytes");
_Static_assert(__builtin_offsetof(struct ipcscope_sysv_waiter, comm) == 40,
	       "ipcscope_sysv_waiter.comm at 40");
_Static_assert(__builtin_offsetof(struct ipcscope_sysv_waiter, sops) == 56,
	       "ipcscope_sysv_waiter.sops at 56");

#endif /* IPCSCOPE_SYSV_H */
