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
#include "json.h"
#include "msg_decode.h"
#include "sem_decode.h"
#include "signal_decode.h"
#include "tap.h"

/* Everything goes through the registry, as in the collector. */
typedef int (*print_fn)(struct ipcs_output *, const void *, size_t);

static char *render(print_fn fn, const void *e, size_t size,
		    enum ipcs_format fmt, int *rc)
{
	struct ipcs_output o;
	char *buf;

	ipcs_output_init(&o, -1, fmt);
	o.mono_to_real_ns = 1000;
	*rc = fn(&o, e, size);
	buf = strdup(ipcs_w_cstr(&o.w));
	ipcs_output_free(&o);
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
	struct fj_object obj, ops[IPCSCOPE_SEM_MAX_OPS + 1], *op1;
	int i, rc;

	for (i = 0; i < IPCSCOPE_SEM_MAX_OPS; i++)
		e.ops[i] = (struct ipcscope_sembuf){ .num = 65535 - i,
						     .op = -32768 + i,
						     .flg = IPC_NOWAIT | SEM_UNDO };
	json(ipcs_event_write, &e, sizeof(e), &obj);
	tap_key_str(&obj, "type", "semop", "semop: type");
	tap_key_int(&obj, "ts_ns", 8000, "semop: ts_ns (wall clock)");
	tap_key_int(&obj, "pid", 4194304, "semop: pid");
	tap_key_int(&obj, "tid", 4194305, "semop: tid");
	tap_key_str(&obj, "comm", "a-long-name-15c", "semop: comm");
	tap_key_int(&obj, "semid", 2147483647, "semop: semid");
	tap_key_int(&obj, "nsops", 500, "semop: nsops");
	rc = fj_array(&obj, "ops", ops, IPCSCOPE_SEM_MAX_OPS + 1);
	tap_is_int(rc, IPCSCOPE_SEM_MAX_OPS, "semop: ops cut at %d",
		   IPCSCOPE_SEM_MAX_OPS);
	/* ops[1] exists only if the array had two objects */
	op1 = rc > 1 ? &ops[1] : NULL;
	tap_key_int(op1, "num", 65534, "semop: ops[1] num");
	tap_key_int(op1, "op", -32767, "semop: ops[1] op");
	tap_key_int(op1, "flg", IPC_NOWAIT | SEM_UNDO, "semop: ops[1] flg");
	tap_key_true(&obj, "ops_truncated", "semop: ops_truncated flagged");
	for (i = 0; i < rc; i++)
		fj_free(&ops[i]);
	tap_key_int(&obj, "timeout_ns", 1500000000, "semop: timeout_ns");
	tap_key_int(&obj, "errno", EAGAIN, "semop: errno EAGAIN");
	tap_key_int(&obj, "duration_ns", 123456789012LL, "semop: duration_ns");
	tap_key_str(&obj, "tier", "fentry", "semop: tier");
	fj_free(&obj);
	tap_ok(text_width(ipcs_event_write, &e, sizeof(e)) < 100,
	       "semop: text under 100 columns with the widest values (%zu)",
	       text_width(ipcs_event_write, &e, sizeof(e)));

	e.has_timeout = 0;
	e.ret = 0;
	e.nsops = 1;
	e.ops_copied = 1;
	json(ipcs_event_write, &e, sizeof(e), &obj);
	tap_key_null(&obj, "timeout_ns", "semop: timeout_ns null without one");
	tap_key_int(&obj, "errno", 0, "semop: errno 0");
	tap_ok(!fj_true(&obj, "ops_truncated"), "semop: not truncated");
	fj_free(&obj);
	tap_is_int(ipcs_event_write(NULL, &e, sizeof(e) - 1), -1,
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

	json(ipcs_event_write, &e, sizeof(e), &obj);
	tap_key_str(&obj, "type", "msgrcv", "msgrcv: type");
	tap_key_int(&obj, "msqid", 7, "msgrcv: msqid");
	tap_key_int(&obj, "msgtyp", -9, "msgrcv: msgtyp");
	tap_key_int(&obj, "mtype", 3, "msgrcv: mtype received");
	tap_key_int(&obj, "requested", 8192, "msgrcv: requested");
	tap_key_int(&obj, "bytes", 100, "msgrcv: bytes");
	tap_key_int(&obj, "errno", 0, "msgrcv: errno 0");
	tap_ok(!fj_has(&obj, "restart"), "msgrcv: no restart key on success");
	tap_key_int(&obj, "msgflg", IPC_NOWAIT | MSG_EXCEPT, "msgrcv: msgflg");
	tap_key_str(&obj, "flags", "IPC_NOWAIT|MSG_EXCEPT",
		    "msgrcv: flags by name");
	tap_key_int(&obj, "duration_ns", 5, "msgrcv: duration_ns");
	tap_key_str(&obj, "tier", "tracepoint", "msgrcv: tier");
	fj_free(&obj);

	e.ret = -ENOMSG;
	e.mtype_valid = 0;
	json(ipcs_event_write, &e, sizeof(e), &obj);
	tap_key_null(&obj, "mtype", "msgrcv failed: mtype null");
	tap_key_int(&obj, "bytes", 0, "msgrcv failed: bytes 0");
	tap_key_int(&obj, "errno", ENOMSG, "msgrcv failed: errno ENOMSG");
	fj_free(&obj);

	e.ret = -514;	/* ERESTARTNOHAND: interrupted by a signal */
	json(ipcs_event_write, &e, sizeof(e), &obj);
	tap_key_int(&obj, "errno", EINTR, "msgrcv interrupted: errno EINTR");
	tap_key_int(&obj, "restart", 514,
		    "msgrcv interrupted: restart 514 (ERESTARTNOHAND)");
	fj_free(&obj);

	e.hdr.type = IPCSCOPE_EV_MSGSND;
	e.ret = 0;
	e.mtype = 9223372036854775807LL;
	e.mtype_valid = 1;
	e.size = 64;
	e.msgflg = 0;
	json(ipcs_event_write, &e, sizeof(e), &obj);
	tap_key_str(&obj, "type", "msgsnd", "msgsnd: type");
	tap_key_absent(&obj, "msgtyp", "msgsnd: no msgtyp");
	tap_key_int(&obj, "mtype", e.mtype, "msgsnd: mtype sent");
	tap_key_int(&obj, "bytes", 64, "msgsnd: bytes");
	tap_key_int(&obj, "requested", 64, "msgsnd: requested = bytes");
	tap_key_str(&obj, "flags", "", "msgsnd: no flags");
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
	tap_ok(text_width(ipcs_event_write, &e, sizeof(e)) < 100,
	       "msg: text under 100 columns with wide values (%zu)",
	       text_width(ipcs_event_write, &e, sizeof(e)));
	tap_is_int(ipcs_event_write(NULL, &e, sizeof(e) - 1), -1,
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

	json(ipcs_event_write, &g, sizeof(g), &obj);
	tap_key_str(&obj, "type", "signal_generate", "generate: type");
	tap_key_int(&obj, "pid", 10, "generate: sender pid");
	tap_key_str(&obj, "comm", "sender", "generate: sender comm");
	tap_key_int(&obj, "target_pid", 20, "generate: target_pid");
	tap_key_int(&obj, "target_tid", 21, "generate: target_tid");
	tap_key_str(&obj, "target_comm", "receiver", "generate: target_comm");
	tap_key_int(&obj, "sig", SIGRTMIN + 3, "generate: sig");
	tap_key_str(&obj, "signame", "SIGRTMIN+3", "generate: signame");
	tap_key_int(&obj, "code", SI_QUEUE, "generate: code");
	tap_key_str(&obj, "code_name", "SI_QUEUE", "generate: code_name");
	tap_key_true(&obj, "group", "generate: group");
	tap_key_str(&obj, "result", "already_pending", "generate: result");
	tap_key_str(&obj, "tier", "kprobe", "generate: tier");
	fj_free(&obj);

	json(ipcs_event_write, &d, sizeof(d), &obj);
	tap_key_str(&obj, "type", "signal_deliver", "deliver: type");
	tap_key_int(&obj, "pid", 20, "deliver: receiver pid");
	tap_key_str(&obj, "signame", "SIGCHLD", "deliver: signame");
	tap_key_str(&obj, "code_name", "CLD_EXITED", "deliver: code_name");
	tap_key_str(&obj, "action", "handler", "deliver: action");
	tap_key_str(&obj, "sa_handler", "0x401000", "deliver: sa_handler");
	tap_key_int(&obj, "sa_flags", 0x14000000, "deliver: sa_flags");
	tap_key_int(&obj, "latency_ns", 1000, "deliver: latency_ns");
	fj_free(&obj);
	d.latency_known = 0;
	d.action = IPCSCOPE_SIG_ACT_IGNORE;
	json(ipcs_event_write, &d, sizeof(d), &obj);
	tap_key_null(&obj, "latency_ns",
		     "deliver: latency_ns null when its generate is unknown");
	tap_key_str(&obj, "action", "ignore", "deliver: action ignore");
	fj_free(&obj);

	memcpy(g.target_comm, "fifteen-chars-x", 16);
	g.target_pid = 4194304;
	g.hdr.pid = 4194304;
	g.result = IPCSCOPE_SIG_OVERFLOW_FAIL;
	g.sig = SIGRTMAX - 1;
	g.code = SI_ASYNCIO;
	tap_ok(text_width(ipcs_event_write, &g, sizeof(g)) < 100,
	       "generate: text under 100 columns with the widest values (%zu)",
	       text_width(ipcs_event_write, &g, sizeof(g)));
	d.latency_known = 1;
	d.latency_ns = 999999999999999ULL;
	tap_ok(text_width(ipcs_event_write, &d, sizeof(d)) < 100,
	       "deliver: text under 100 columns (%zu)",
	       text_width(ipcs_event_write, &d, sizeof(d)));
	tap_is_int(ipcs_event_write(NULL, &g, sizeof(g) - 1), -1,
		   "signal: a short record is refused");

	/* signal names as kill -l gives them; SIG32 for glibc's own */
	tap_is_str(signal_name(SIGUSR1, buf, sizeof(buf)), "SIGUSR1",
		   "signal name SIGUSR1");
	tap_is_str(signal_name(SIGRTMIN, buf, sizeof(buf)), "SIGRTMIN",
		   "signal name SIGRTMIN");
	tap_is_str(signal_name(SIGRTMIN + 15, buf, sizeof(buf)), "SIGRTMIN+15",
		   "signal name SIGRTMIN+15");
	tap_is_str(signal_name(SIGRTMAX - 14, buf, sizeof(buf)), "SIGRTMAX-14",
		   "signal name SIGRTMAX-14");
	tap_is_str(signal_name(SIGRTMAX, buf, sizeof(buf)), "SIGRTMAX",
		   "signal name SIGRTMAX");
	tap_is_str(signal_name(32, buf, sizeof(buf)), "SIG32",
		   "signal name SIG32, glibc's own");
	/* a signal-specific code of another signal is a number */
	tap_is_str(signal_code_name(SIGUSR1, SI_USER, buf, sizeof(buf)),
		   "SI_USER", "si_code name SI_USER");
	tap_is_str(signal_code_name(SIGUSR1, SI_TKILL, buf, sizeof(buf)),
		   "SI_TKILL", "si_code name SI_TKILL");
	tap_is_str(signal_code_name(SIGUSR1, 0x80, buf, sizeof(buf)),
		   "SI_KERNEL", "si_code name SI_KERNEL");
	tap_is_str(signal_code_name(SIGUSR1, 3, buf, sizeof(buf)), "3",
		   "si_code 3 of SIGUSR1 as a number");
}

int main(void)
{
	tap_plan(82);
	test_sem();
	test_msg();
	test_signal();
	return tap_done();
}
