// SPDX-License-Identifier: GPL-2.0
/*
 * `ipcscope sysv`'s pure parts: /proc/sysvipc/{sem,msg} lines (the
 * kernel's formats, headings refused, keys signed) and the msgtyp and
 * msgflg of a receiver from the kernel's r_mode, r_msgtype, r_maxsize.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include "sysv_state.h"
#include "tap.h"

static void receiver(int mode, long long type, unsigned long long maxsize,
		     long long want_typ, unsigned int want_flg,
		     const char *what)
{
	struct ipcscope_sysv_waiter w = {
		.role = IPCSCOPE_SYSV_MSG_RECEIVER,
		.r_mode = mode,
		.msgtype = type,
		.size = maxsize,
	};
	unsigned int flg;
	int64_t typ;

	sysv_receiver_args(&w, &typ, &flg);
	tap_is_int(typ, want_typ, "%s: msgtyp %lld", what, want_typ);
	tap_is_int(flg, want_flg, "%s: msgflg %#o", what, want_flg);
}

int main(void)
{
	struct sysv_obj o;

	tap_plan(28);
	tap_is_int(sysv_parse_line(IPCSCOPE_SYSV_SEM,
		"       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n",
		&o), -1, "sem heading refused");
	tap_is_int(sysv_parse_line(IPCSCOPE_SYSV_SEM,
		"-480263526     196650   644          2     0     0     0     0          0 1764538576\n",
		&o), 0, "sem line parses");
	tap_is_int(o.kind, IPCSCOPE_SYSV_SEM, "sem: kind");
	tap_is_int(o.key, -480263526, "sem: key, signed as /proc prints it");
	tap_is_int(o.id, 196650, "sem: semid");
	tap_is_int(o.perms, 0644, "sem: perms read as octal");
	tap_is_int(o.nsems, 2, "sem: nsems");
	tap_is_int(o.uid, 0, "sem: uid");
	tap_is_int(sysv_parse_line(IPCSCOPE_SYSV_MSG,
		"       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n",
		&o), -1, "msg heading refused");
	tap_is_int(sysv_parse_line(IPCSCOPE_SYSV_MSG,
		"         0    1867777   600          60          1  4321     0  1000  1000  1000  1000 1764538576          0 1764538576\n",
		&o), 0, "msg line parses");
	tap_is_int(o.kind, IPCSCOPE_SYSV_MSG, "msg: kind");
	tap_is_int(o.id, 1867777, "msg: msqid");
	tap_is_int(o.perms, 0600, "msg: perms");
	tap_is_int(o.cbytes, 60, "msg: cbytes");
	tap_is_int(o.qnum, 1, "msg: qnum");
	tap_is_int(o.uid, 1000, "msg: uid (after lspid, lrpid)");

	receiver(IPCSCOPE_SYSV_SEARCH_ANY, 0, 128, 0, 0, "any");
	receiver(IPCSCOPE_SYSV_SEARCH_EQUAL, 3, 128, 3, 0, "equal");
	receiver(IPCSCOPE_SYSV_SEARCH_NOTEQUAL, 5, 64, 5, MSG_EXCEPT,
		 "not equal");
	receiver(IPCSCOPE_SYSV_SEARCH_LESSEQUAL, 2, INT_MAX, -2, MSG_NOERROR,
		 "less or equal, MSG_NOERROR");
	receiver(IPCSCOPE_SYSV_SEARCH_LESSEQUAL, LONG_MAX, 8, -LONG_MAX, 0,
		 "LONG_MIN (kept as LONG_MAX)");
	receiver(IPCSCOPE_SYSV_SEARCH_NUMBER, 4, 8, 4,
		 MSG_COPY | IPC_NOWAIT, "MSG_COPY");
	return tap_done();
}
