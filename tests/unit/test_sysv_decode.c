// SPDX-License-Identifier: GPL-2.0
/*
 * The semop, msgsnd/msgrcv and signal decoders: every documented JSON key,
 * nulls where a value is unknown, text lines under 100 columns even with
 * the longest values, short records refused; signal and si_code names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include "flatjson.h"
#include "msg_decode.h"
#include "sem_decode.h"
#include "signal_decode.h"
#include "tap.h"

typedef int (*print_fn)(const struct ipcs_output *, const void *, size_t);

static char *render(print_fn fn, const void *e, size_t size,
		    enum ipcs_format fmt, int *rc)
{
	struct ipcs_output o = { .format = fmt, .mono_to_real_ns = 1000 };
	char *buf = NULL;
	size_t len;

	o.out = open_memstream(&buf, &len);
	*rc = fn(&o, e, size);
	fclose(o.out);
	return buf;
}

static int json(print_fn fn, const void *e, size_t size, struct fj_object *obj)
{
	int rc;
	char *line = render(fn, e, size, IPCS_FMT_JSON, &rc);

	if (rc || fj_parse(line, obj))
		tap_bail("not one JSON object: %s", line);
	free(line);
	return rc;
}

static size_t text_width(print_fn fn, const void *e, size_t size)
{
	int rc;
	char *line = render(fn, e, size, IPCS_FMT_TEXT, &rc);
	size_t n = strlen(line);

	if (n > 100)
		tap_diag("too wide: %s", line);

	free(line);
	return n ? n - 1 : 0;	/* without the newline */
}

static bool is_null(const struct fj_object *o, const char *key)
{
	const struct fj_value *v = fj_get(o, key);

	return v && v->kind == FJ_NULL;
}

static bool is_true(const struct fj_object *o, const char *key)
{
	const struct fj_value *v = fj_get(o, key);

	return v && v->kind == FJ_BOOL && v->boolean;
}

static void test_sem(void)
{
	struct ipcscope_semop_event e = {
		.hdr = { .ts_ns = 7000, .type = IPCSCOPE_EV_SEMOP,
			 .size = sizeof(e), .pid = 4194304, .tid = 4194305,
			 .comm = "a-long-name-15c" },
		.ret = -EAGAIN, .duration_ns = 123456789012ULL,
		.timeout_ns = 1500000000, .semid = 2147483647, .nsops = 500,
		.ops_copied = IPCSCOPE_SEM_MAX_OPS, .has_timeout = 1,
		.tier = IPCSCOPE_TIER_FENTRY,
	};
	struct fj_object obj, ops[IPCSCOPE_SEM_MAX_OPS + 1];
	int i, rc;

	for (i = 0; i < IPCSCOPE_SEM_MAX_OPS; i++)
		e.ops[i] = (struct ipcscope_sembuf){ .num = 65535 - i,
						     .op = -32768 + i,
						     .flg = IPC_NOWAIT | SEM_UNDO };
	json((print_fn)sem_print_event, &e, sizeof(e), &obj);
	tap_ok(!strcmp(fj_str(&obj, "type"), "semop") &&
	       fj_int(&obj, "ts_ns") == 8000 && fj_int(&obj, "pid") == 4194304 &&
	       fj_int(&obj, "tid") == 4194305 &&
	       !strcmp(fj_str(&obj, "comm"), "a-long-name-15c"),
	       "semop: type, ts_ns (wall clock), pid, tid, comm");
	tap_ok(fj_int(&obj, "semid") == 2147483647 && fj_int(&obj, "nsops") == 500,
	       "semop: semid, nsops");
	rc = fj_array_objects(fj_get(&obj, "ops")->str, ops,
			      IPCSCOPE_SEM_MAX_OPS + 1);
	tap_ok(rc == IPCSCOPE_SEM_MAX_OPS && fj_int(&ops[1], "num") == 65534 &&
	       fj_int(&ops[1], "op") == -32767 &&
	       fj_int(&ops[1], "flg") == (IPC_NOWAIT | SEM_UNDO) &&
	       is_true(&obj, "ops_truncated"),
	       "semop: ops num/op/flg, cut at %d and flagged",
	       IPCSCOPE_SEM_MAX_OPS);
	for (i = 0; i < rc; i++)
		fj_free(&ops[i]);
	tap_ok(fj_int(&obj, "timeout_ns") == 1500000000 &&
	       fj_int(&obj, "errno") == EAGAIN &&
	       fj_int(&obj, "duration_ns") == 123456789012LL &&
	       !strcmp(fj_str(&obj, "tier"), "fentry"),
	       "semop: timeout_ns, errno, duration_ns, tier");
	fj_free(&obj);
	tap_ok(text_width((print_fn)sem_print_event, &e, sizeof(e)) < 100,
	       "semop: text under 100 columns with the widest values (%zu)",
	       text_width((print_fn)sem_print_event, &e, sizeof(e)));

	e.has_timeout = 0;
	e.ret = 0;
	e.nsops = 1;
	e.ops_copied = 1;
	json((print_fn)sem_print_event, &e, sizeof(e), &obj);
	tap_ok(is_null(&obj, "timeout_ns") && fj_int(&obj, "errno") == 0 &&
	       !is_true(&obj, "ops_truncated"),
	       "semop: timeout_ns null without one; errno 0; not truncated");
	fj_free(&obj);
	tap_is_int(sem_print_event(NULL, &e, sizeof(e) - 1), -1,
		   "semop: a short record is refused");
}

static void test_msg(void)
{
	struct ipcscope_msg_event e = {
		.hdr = { .ts_ns = 1000, .type = IPCSCOPE_EV_MSGRCV,
			 .size = sizeof(e), .pid = 42, .tid = 43,
			 .comm = "receiver" },
		.ret = 100, .duration_ns = 5, .mtype = 3, .msgtyp = -9,
		.size = 8192, .msqid = 7, .msgflg = IPC_NOWAIT | MSG_EXCEPT,
		.mtype_valid = 1, .tier = IPCSCOPE_TIER_TRACEPOINT,
	};
	struct fj_object obj;

	json((print_fn)msg_print_event, &e, sizeof(e), &obj);
	tap_ok(!strcmp(fj_str(&obj, "type"), "msgrcv") &&
	       fj_int(&obj, "msqid") == 7 && fj_int(&obj, "msgtyp") == -9 &&
	       fj_int(&obj, "mtype") == 3 && fj_int(&obj, "requested") == 8192 &&
	       fj_int(&obj, "bytes") == 100 && fj_int(&obj, "errno") == 0,
	       "msgrcv: msqid, msgtyp, mtype received, requested, bytes, errno");
	tap_ok(!fj_has(&obj, "restart"), "msgrcv: no restart key on success");
	tap_ok(fj_int(&obj, "msgflg") == (IPC_NOWAIT | MSG_EXCEPT) &&
	       !strcmp(fj_str(&obj, "flags"), "IPC_NOWAIT|MSG_EXCEPT") &&
	       fj_int(&obj, "duration_ns") == 5 &&
	       !strcmp(fj_str(&obj, "tier"), "tracepoint"),
	       "msgrcv: msgflg, flags by name, duration_ns, tier");
	fj_free(&obj);

	e.ret = -ENOMSG;
	e.mtype_valid = 0;
	json((print_fn)msg_print_event, &e, sizeof(e), &obj);
	tap_ok(is_null(&obj, "mtype") && fj_int(&obj, "bytes") == 0 &&
	       fj_int(&obj, "errno") == ENOMSG,
	       "msgrcv failed: mtype null, bytes 0, errno ENOMSG");
	fj_free(&obj);

	e.ret = -514;	/* ERESTARTNOHAND: interrupted by a signal */
	json((print_fn)msg_print_event, &e, sizeof(e), &obj);
	tap_ok(fj_int(&obj, "errno") == EINTR && fj_int(&obj, "restart") == 514,
	       "msgrcv interrupted: errno EINTR, restart 514 (ERESTARTNOHAND)");
	fj_free(&obj);

	e.hdr.type = IPCSCOPE_EV_MSGSND;
	e.ret = 0;
	e.mtype = 9223372036854775807LL;
	e.mtype_valid = 1;
	e.size = 64;
	e.msgflg = 0;
	json((print_fn)msg_print_event, &e, sizeof(e), &obj);
	tap_ok(!strcmp(fj_str(&obj, "type"), "msgsnd") &&
	       !fj_has(&obj, "msgtyp") && fj_int(&obj, "mtype") == e.mtype &&
	       fj_int(&obj, "bytes") == 64 && fj_int(&obj, "requested") == 64 &&
	       !strcmp(fj_str(&obj, "flags"), ""),
	       "msgsnd: no msgtyp, mtype sent, bytes = requested, no flags");
	fj_free(&obj);
	e.msqid = 2147483647;
	e.mtype = 999999;
	e.ret = -EAGAIN;
	e.size = 65536;
	e.hdr.pid = 4194304;
	e.hdr.type = IPCSCOPE_EV_MSGRCV;
	e.msgtyp = -9999;
	e.msgflg = IPC_NOWAIT | MSG_EXCEPT | MSG_NOERROR | 040000;
	e.duration_ns = 99999999999ULL;	/* 100 s blocked */
	tap_ok(text_width((print_fn)msg_print_event, &e, sizeof(e)) < 100,
	       "msg: text under 100 columns with wide values (%zu)",
	       text_width((print_fn)msg_print_event, &e, sizeof(e)));
	tap_is_int(msg_print_event(NULL, &e, sizeof(e) - 1), -1,
		   "msg: a short record is refused");
}

static void test_signal(void)
{
	struct ipcscope_signal_generate_event g = {
		.hdr = { .ts_ns = 1000, .type = IPCSCOPE_EV_SIGNAL_GENERATE,
			 .size = sizeof(g), .pid = 10, .tid = 11,
			 .comm = "sender" },
		.target_comm = "receiver", .target_pid = 20, .target_tid = 21,
		.sig = SIGRTMIN + 3, .code = SI_QUEUE,
		.result = IPCSCOPE_SIG_ALREADY_PENDING, .group = 1,
		.tier = IPCSCOPE_TIER_KPROBE,
	};
	struct ipcscope_signal_deliver_event d = {
		.hdr = { .ts_ns = 2000, .type = IPCSCOPE_EV_SIGNAL_DELIVER,
			 .size = sizeof(d), .pid = 20, .tid = 21,
			 .comm = "receiver" },
		.handler = 0x401000, .sa_flags = 0x14000000,
		.latency_ns = 1000, .sig = SIGCHLD, .code = CLD_EXITED,
		.action = IPCSCOPE_SIG_ACT_HANDLER, .latency_known = 1,
		.tier = IPCSCOPE_TIER_FENTRY,
	};
	struct fj_object obj;
	char buf[32];

	json((print_fn)signal_print_event, &g, sizeof(g), &obj);
	tap_ok(!strcmp(fj_str(&obj, "type"), "signal_generate") &&
	       fj_int(&obj, "pid") == 10 && !strcmp(fj_str(&obj, "comm"), "sender") &&
	       fj_int(&obj, "target_pid") == 20 &&
	       fj_int(&obj, "target_tid") == 21 &&
	       !strcmp(fj_str(&obj, "target_comm"), "receiver"),
	       "generate: sender pid/comm, target pid/tid/comm");
	tap_ok(fj_int(&obj, "sig") == SIGRTMIN + 3 &&
	       !strcmp(fj_str(&obj, "signame"), "SIGRTMIN+3") &&
	       fj_int(&obj, "code") == SI_QUEUE &&
	       !strcmp(fj_str(&obj, "code_name"), "SI_QUEUE") &&
	       is_true(&obj, "group") &&
	       !strcmp(fj_str(&obj, "result"), "already_pending") &&
	       !strcmp(fj_str(&obj, "tier"), "kprobe"),
	       "generate: sig, signame, code, code_name, group, result, tier");
	fj_free(&obj);

	json((print_fn)signal_print_event, &d, sizeof(d), &obj);
	tap_ok(!strcmp(fj_str(&obj, "type"), "signal_deliver") &&
	       fj_int(&obj, "pid") == 20 &&
	       !strcmp(fj_str(&obj, "signame"), "SIGCHLD") &&
	       !strcmp(fj_str(&obj, "code_name"), "CLD_EXITED") &&
	       !strcmp(fj_str(&obj, "action"), "handler") &&
	       !strcmp(fj_str(&obj, "sa_handler"), "0x401000") &&
	       fj_int(&obj, "sa_flags") == 0x14000000 &&
	       fj_int(&obj, "latency_ns") == 1000,
	       "deliver: receiver, signame, code_name, action, sa_handler, sa_flags, latency_ns");
	fj_free(&obj);
	d.latency_known = 0;
	d.action = IPCSCOPE_SIG_ACT_IGNORE;
	json((print_fn)signal_print_event, &d, sizeof(d), &obj);
	tap_ok(is_null(&obj, "latency_ns") &&
	       !strcmp(fj_str(&obj, "action"), "ignore"),
	       "deliver: latency_ns null when its generate is unknown");
	fj_free(&obj);

	memcpy(g.target_comm, "fifteen-chars-x", 16);
	g.target_pid = 4194304;
	g.hdr.pid = 4194304;
	g.result = IPCSCOPE_SIG_OVERFLOW_FAIL;
	g.sig = SIGRTMAX - 1;
	g.code = SI_ASYNCIO;
	tap_ok(text_width((print_fn)signal_print_event, &g, sizeof(g)) < 100,
	       "generate: text under 100 columns with the widest values (%zu)",
	       text_width((print_fn)signal_print_event, &g, sizeof(g)));
	d.latency_known = 1;
	d.latency_ns = 999999999999999ULL;
	tap_ok(text_width((print_fn)signal_print_event, &d, sizeof(d)) < 100,
	       "deliver: text under 100 columns (%zu)",
	       text_width((print_fn)signal_print_event, &d, sizeof(d)));
	tap_is_int(signal_print_event(NULL, &g, sizeof(g) - 1), -1,
		   "signal: a short record is refused");

	tap_ok(!strcmp(signal_name(SIGUSR1, buf, sizeof(buf)), "SIGUSR1") &&
	       !strcmp(signal_name(SIGRTMIN, buf, sizeof(buf)), "SIGRTMIN") &&
	       !strcmp(signal_name(SIGRTMIN + 15, buf, sizeof(buf)),
		       "SIGRTMIN+15") &&
	       !strcmp(signal_name(SIGRTMAX - 14, buf, sizeof(buf)),
		       "SIGRTMAX-14") &&
	       !strcmp(signal_name(SIGRTMAX, buf, sizeof(buf)), "SIGRTMAX") &&
	       !strcmp(signal_name(32, buf, sizeof(buf)), "SIG32"),
	       "signal names as kill -l gives them; SIG32 for glibc's own");
	tap_ok(!strcmp(signal_code_name(SIGUSR1, SI_USER, buf, sizeof(buf)),
		       "SI_USER") &&
	       !strcmp(signal_code_name(SIGUSR1, SI_TKILL, buf, sizeof(buf)),
		       "SI_TKILL") &&
	       !strcmp(signal_code_name(SIGUSR1, 0x80, buf, sizeof(buf)),
		       "SI_KERNEL") &&
	       !strcmp(signal_code_name(SIGUSR1, 3, buf, sizeof(buf)), "3"),
	       "si_code names; a signal-specific code of another signal as a number");
}

int main(void)
{
	tap_plan(24);
	test_sem();
	test_msg();
	test_signal();
	return tap_done();
}
