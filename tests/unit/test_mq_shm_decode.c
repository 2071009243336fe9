// SPDX-License-Identifier: GPL-2.0
/*
 * The mq and shm decoders: the documented JSON keys, nulls where a value
 * is unknown (not a queue, a failed call, a sender not seen), names of
 * flags and commands, short records refused; msgrcv's sender keys.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include "json.h"
#include "family.h"
#include "mq_decode.h"
#include "shm_decode.h"
#include "tap.h"

static int json(const void *e, size_t size, struct fj_object *obj)
{
	struct ipcs_output o;
	int rc;

	ipcs_output_init(&o, -1, IPCS_FMT_JSON);
	o.mono_to_real_ns = 1000;
	rc = ipcs_event_write(&o, e, size);
	if (rc || fj_parse(ipcs_w_cstr(&o.w), obj))
		tap_bail("not one JSON object: %s", ipcs_w_cstr(&o.w));
	ipcs_output_free(&o);
	return rc;
}

static int text_rc(const void *e, size_t size)
{
	struct ipcs_output o;
	int rc;

	ipcs_output_init(&o, -1, IPCS_FMT_TEXT);
	rc = ipcs_event_write(&o, e, size);
	ipcs_output_free(&o);
	return rc;
}

#define HDR(t) { .ts_ns = 7000, .type = (t), .size = sizeof(e), .pid = 42, \
		 .tid = 43, .comm = "worker" }

static void test_mq(void)
{
	struct ipcscope_mq_event e = {
		.hdr = HDR(IPCSCOPE_EV_MQ_SEND), .ret = 0, .duration_ns = 5,
		.requested = 33, .queued = 3, .ino = 187007, .mqd = 3,
		.prio = 5, .prio_valid = 1, .tier = IPCSCOPE_HOOK_FENTRY,
		.name_status = IPCSCOPE_PATH_FULL, .name = "/jobs",
	};
	struct ipcscope_mq_notify_event n = {
		.hdr = { .type = IPCSCOPE_EV_MQ_NOTIFY, .size = sizeof(n),
			 .pid = 42 },
		.mqd = 3, .signo = SIGUSR1, .notify = SIGEV_SIGNAL,
		.owner_pid = 41, .action = IPCSCOPE_MQ_NOTIFY_FIRE,
		.tier = IPCSCOPE_HOOK_TP_BTF,
		.name_status = IPCSCOPE_PATH_FULL, .name = "/jobs",
	};
	struct fj_object obj;

	json(&e, sizeof(e), &obj);
	tap_key_str(&obj, "type", "mq_send", "mq_send: type");
	tap_key_str(&obj, "name", "/jobs", "mq_send: name");
	tap_key_int(&obj, "ino", 187007, "mq_send: ino");
	tap_key_int(&obj, "mqd", 3, "mq_send: mqd");
	tap_key_int(&obj, "prio", 5, "mq_send: prio");
	tap_key_int(&obj, "bytes", 33, "mq_send: bytes = requested");
	tap_key_int(&obj, "queued", 3, "mq_send: queued");
	tap_key_str(&obj, "tier", "fentry", "mq_send: tier");
	fj_free(&obj);

	e.hdr.type = IPCSCOPE_EV_MQ_RECEIVE;
	e.ret = -EBADF;
	e.prio_valid = 0;
	e.queued = -1;
	e.ino = 0;
	e.name_status = IPCSCOPE_PATH_NONE;
	json(&e, sizeof(e), &obj);
	tap_key_str(&obj, "type", "mq_receive", "bad fd: mq_receive");
	tap_key_null(&obj, "name", "bad fd: no name");
	tap_key_null(&obj, "ino", "bad fd: no ino");
	tap_key_null(&obj, "prio", "bad fd: no prio");
	tap_key_null(&obj, "queued", "bad fd: queued unknown");
	tap_key_int(&obj, "errno", EBADF, "bad fd: EBADF");
	tap_key_int(&obj, "bytes", 0, "bad fd: 0 bytes");
	fj_free(&obj);

	json(&n, sizeof(n), &obj);
	tap_key_str(&obj, "action", "fire", "notify: fire");
	tap_key_str(&obj, "notify", "SIGEV_SIGNAL", "notify: SIGEV_SIGNAL");
	tap_key_int(&obj, "signo", SIGUSR1, "notify: signo");
	tap_key_int(&obj, "owner_pid", 41, "notify: owner_pid");
	fj_free(&obj);
	n.action = IPCSCOPE_MQ_NOTIFY_UNREGISTER;
	n.notify = -1;
	json(&n, sizeof(n), &obj);
	tap_key_str(&obj, "action", "unregister", "notify: unregister");
	tap_key_null(&obj, "notify", "unregister: no sigevent");
	fj_free(&obj);
	tap_is_int(text_rc(&e, sizeof(e)), 0, "mq text prints");
	tap_is_int(text_rc(&e, sizeof(e) - 1), -1,
		   "a short mq record is refused");
}

static void test_shm(void)
{
	struct ipcscope_shm_event e = {
		.hdr = HDR(IPCSCOPE_EV_SHMGET), .ret = -EEXIST, .size = 4096,
		.key = 0x5eed0001, .shmid = -1,
		.flags = IPC_CREAT | IPC_EXCL | 0640,
		.tier = IPCSCOPE_HOOK_TP_BTF,
	};
	struct ipcscope_memfd_event m = {
		.hdr = { .type = IPCSCOPE_EV_MEMFD_CREATE, .size = sizeof(m) },
		.ret = 3, .flags = 1, .tier = IPCSCOPE_HOOK_RAW_TP,
		.name_status = IPCSCOPE_PATH_FULL, .name = "buf",
	};
	struct fj_object obj;

	json(&e, sizeof(e), &obj);
	tap_key_int(&obj, "key", 0x5eed0001, "shmget: key");
	tap_key_int(&obj, "size", 4096, "shmget: size");
	tap_key_str(&obj, "flags", "IPC_CREAT|IPC_EXCL", "shmget: flags");
	tap_key_int(&obj, "mode", 0640, "shmget: mode");
	tap_key_null(&obj, "shmid", "shmget failed: no shmid");
	tap_key_int(&obj, "errno", EEXIST, "shmget: EEXIST");
	tap_key_str(&obj, "tier", "tp_btf", "shmget: tier");
	fj_free(&obj);

	e.hdr.type = IPCSCOPE_EV_SHMAT;
	e.ret = 0x7f0000001000LL;
	e.shmid = 7;
	e.flags = SHM_RDONLY;
	json(&e, sizeof(e), &obj);
	tap_key_int(&obj, "addr", 0x7f0000001000LL, "shmat: addr");
	tap_key_str(&obj, "flags", "SHM_RDONLY", "shmat: SHM_RDONLY");
	fj_free(&obj);

	e.hdr.type = IPCSCOPE_EV_SHMCTL;
	e.ret = 0;
	e.cmd = IPC_RMID | 0x100;	/* IPC_64 */
	json(&e, sizeof(e), &obj);
	tap_key_str(&obj, "cmd_name", "IPC_RMID", "shmctl: IPC_64|IPC_RMID");
	fj_free(&obj);
	e.cmd = 99;
	json(&e, sizeof(e), &obj);
	tap_key_null(&obj, "cmd_name", "shmctl: unknown cmd");
	fj_free(&obj);

	json(&m, sizeof(m), &obj);
	tap_key_str(&obj, "name", "buf", "memfd_create: name");
	tap_key_str(&obj, "flags", "MFD_CLOEXEC", "memfd_create: flags");
	tap_key_int(&obj, "fd", 3, "memfd_create: fd");
	tap_key_str(&obj, "tier", "raw_tp", "memfd_create: tier");
	fj_free(&obj);
	tap_is_int(text_rc(&m, sizeof(m)), 0, "memfd text prints");

	m.hdr.type = IPCSCOPE_EV_SHM_OPEN;
	m.flags = 02 | 0100 | 0200 | 0400000 | 02000000 | 0100000;
	snprintf(m.name, sizeof(m.name), "/seg");
	json(&m, sizeof(m), &obj);
	tap_key_str(&obj, "type", "shm_open", "shm_open: type");
	tap_key_str(&obj, "name", "/seg", "shm_open: name");
	tap_key_str(&obj, "flags", "O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC",
		    "shm_open: flags by name, O_LARGEFILE left out");
	fj_free(&obj);
}

/* The senders of received messages: mq_receive and msgrcv alike. */
static void test_senders(void)
{
	struct ipcscope_mq_event e = {
		.hdr = { .ts_ns = 9000, .type = IPCSCOPE_EV_MQ_RECEIVE,
			 .size = sizeof(e), .pid = 42 },
		.ret = 8, .requested = 64, .mqd = 3, .prio = 7, .prio_valid = 1,
		.sent_ts_ns = 5000, .queued_ns = 3000, .sender_pid = 40,
		.sender_tid = 41, .sender_comm = "producer",
		.sender_known = 1, .tier = IPCSCOPE_HOOK_KPROBE,
		.name_status = IPCSCOPE_PATH_FULL, .name = "/jobs",
	};
	struct ipcscope_msg_event m = {
		.hdr = { .type = IPCSCOPE_EV_MSGRCV, .size = sizeof(m) },
		.ret = 10, .msqid = 1, .mtype_valid = 1, .mtype = 2,
		.tier = IPCSCOPE_HOOK_TRACEPOINT,
	};
	struct fj_object obj;

	json(&e, sizeof(e), &obj);
	tap_key_int(&obj, "sender_pid", 40, "mq_receive: sender_pid");
	tap_key_int(&obj, "sender_tid", 41, "mq_receive: sender_tid");
	tap_key_str(&obj, "sender_comm", "producer", "mq_receive: sender_comm");
	tap_key_int(&obj, "sent_ts_ns", 5000 + 1000,
		    "mq_receive: sent_ts_ns on the wall clock, like ts_ns");
	tap_key_int(&obj, "queued_ns", 3000, "mq_receive: queued_ns");
	fj_free(&obj);
	e.sender_known = 0;
	json(&e, sizeof(e), &obj);
	tap_key_null(&obj, "sender_pid", "mq_receive, sender unknown: null");
	tap_key_null(&obj, "queued_ns", "mq_receive, sender unknown: no queued_ns");
	fj_free(&obj);
	e.hdr.type = IPCSCOPE_EV_MQ_SEND;
	json(&e, sizeof(e), &obj);
	tap_ok(!fj_has(&obj, "sender_pid"), "mq_send: no sender keys");
	fj_free(&obj);

	json(&m, sizeof(m), &obj);
	tap_key_null(&obj, "sender_pid", "msgrcv, sender unknown: null");
	fj_free(&obj);
	m.sender_known = 1;
	m.sender_pid = 77;
	memcpy(m.sender_comm, "sysv-sender", 12);
	json(&m, sizeof(m), &obj);
	tap_key_int(&obj, "sender_pid", 77, "msgrcv: sender_pid");
	tap_key_str(&obj, "sender_comm", "sysv-sender", "msgrcv: sender_comm");
	tap_ok(fj_false(&obj, "sender_approx"), "msgrcv: sender_approx false");
	fj_free(&obj);
	m.sender_approx = 1;
	json(&m, sizeof(m), &obj);
	tap_ok(fj_true(&obj, "sender_approx"), "msgrcv: sender_approx true");
	fj_free(&obj);
	e.hdr.type = IPCSCOPE_EV_MQ_RECEIVE;
	e.sender_known = 1;
	e.sender_approx = 1;
	json(&e, sizeof(e), &obj);
	tap_ok(fj_true(&obj, "sender_approx"), "mq_receive: sender_approx true");
	fj_free(&obj);
}

/* MAP_SHARED mmap of a shm object, munmap of it. */
static void test_mmap(void)
{
	struct ipcscope_mmap_event e = {
		.hdr = HDR(IPCSCOPE_EV_MMAP),
		.ret = 0x7f0000001000LL, .addr = 0, .size = 12288,
		.offset = 4096, .ino = 35, .fd = 4, .prot = 3, .flags = 0x8001,
		.tier = IPCSCOPE_HOOK_TP_BTF, .kind = IPCSCOPE_SHM_POSIX,
		.name_status = IPCSCOPE_PATH_FULL, .name = "/seg",
	};
	struct fj_object obj;

	json(&e, sizeof(e), &obj);
	tap_key_str(&obj, "type", "mmap", "mmap: type");
	tap_key_str(&obj, "name", "/seg", "mmap: name");
	tap_key_str(&obj, "kind", "posix", "mmap: kind");
	tap_key_int(&obj, "ino", 35, "mmap: ino");
	tap_key_int(&obj, "size", 12288, "mmap: size");
	tap_key_int(&obj, "offset", 4096, "mmap: offset");
	tap_key_int(&obj, "fd", 4, "mmap: fd");
	tap_key_str(&obj, "prot_flags", "PROT_READ|PROT_WRITE", "mmap: prot");
	tap_key_str(&obj, "flags", "MAP_SHARED|MAP_POPULATE", "mmap: flags");
	tap_key_int(&obj, "addr", 0x7f0000001000LL, "mmap: the address mapped");
	tap_key_int(&obj, "errno", 0, "mmap: errno 0");
	fj_free(&obj);
	tap_is_int(text_rc(&e, sizeof(e)), 0, "mmap text prints");
	e.ret = -EBADF;
	json(&e, sizeof(e), &obj);
	tap_key_null(&obj, "addr", "mmap failed: addr null");
	tap_key_int(&obj, "errno", EBADF, "mmap failed: errno");
	fj_free(&obj);
	e.hdr.type = IPCSCOPE_EV_MUNMAP;
	e.ret = 0;
	e.addr = 0x7f0000001000LL;
	e.kind = IPCSCOPE_SHM_MEMFD;
	snprintf(e.name, sizeof(e.name), "memfd:buf");
	json(&e, sizeof(e), &obj);
	tap_key_str(&obj, "type", "munmap", "munmap: type");
	tap_key_int(&obj, "addr", 0x7f0000001000LL, "munmap: addr");
	tap_key_str(&obj, "name", "memfd:buf", "munmap: name");
	tap_key_str(&obj, "kind", "memfd", "munmap: kind");
	tap_ok(!fj_has(&obj, "prot"), "munmap: no mmap keys");
	fj_free(&obj);
	tap_is_int(text_rc(&e, sizeof(e)), 0, "munmap text prints");
	tap_is_int(text_rc(&e, sizeof(e) - 1), -1, "a short mmap record: refused");
}

int main(void)
{
	tap_plan(77);
	test_mq();
	test_shm();
	test_senders();
	test_mmap();
	return tap_done();
}
