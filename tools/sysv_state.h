/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ipcscope sysv`: every SysV semaphore set and message queue, with the
 * tasks asleep on it now (bpf/sysv_iter.bpf.c).
 */
#ifndef IPCSCOPE_SYSV_STATE_H
#define IPCSCOPE_SYSV_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"
#include "output.h"
#include "ipcscope_sysv.h"

struct sysv_opts {
	enum ipcs_format format;
	unsigned int kinds;	/* 1 << IPCSCOPE_SYSV_SEM | ...; 0: both */
	int64_t id;		/* -1: every object */
	bool blocked;		/* only objects somebody waits on */
	const char *btf_path;
	bool verbose;
};

/* One semaphore set or message queue as /proc/sysvipc shows it. */
struct sysv_obj {
	enum ipcscope_sysv_kind kind;
	int32_t id;
	int32_t key;
	uint32_t perms;
	uint32_t uid;
	uint64_t nsems;		/* sem */
	uint64_t cbytes, qnum;	/* msg */
};

/* A receiver's msgtyp and msgflg as passed to msgrcv(2), from the kernel's
 * r_mode, r_msgtype and r_maxsize (ipc/msg.c, convert_mode()). */
void sysv_receiver_args(const struct ipcscope_sysv_waiter *w,
			int64_t *msgtyp, unsigned int *msgflg);
/* Parse one line of /proc/sysvipc/sem or /proc/sysvipc/msg; 0 when it is
 * an object, -1 for the heading or anything else. */
int sysv_parse_line(enum ipcscope_sysv_kind kind, const char *line,
		    struct sysv_obj *o);

int sysv_parse_args(int argc, char **argv, struct sysv_opts *opts,
		    struct ipcs_error *err);
int sysv_run(const struct sysv_opts *opts, struct ipcs_error *err);

#endif /* IPCSCOPE_SYSV_STATE_H */
