// SPDX-License-Identifier: GPL-2.0
/*
 * Pins the event ABI (include/ipcscope.h): the BPF programs and the
 * collector are compiled separately, so a layout change must be deliberate
 * (and bump IPCSCOPE_ABI_VERSION), never an accident of padding.
 */
#include <stddef.h>
#include "ipcscope.h"
#include "tap.h"

#define OFF(type, field) offsetof(struct type, field)

int main(void)
{
	tap_plan(69);
	tap_is_int(IPCSCOPE_ABI_VERSION, 2, "ABI version 2");
	tap_is_int(sizeof(struct ipcscope_hdr), 40, "header is 40 bytes");
	tap_is_int(OFF(ipcscope_hdr, ts_ns), 0, "hdr.ts_ns at 0");
	tap_is_int(OFF(ipcscope_hdr, type), 8, "hdr.type at 8");
	tap_is_int(OFF(ipcscope_hdr, size), 12, "hdr.size at 12");
	tap_is_int(OFF(ipcscope_hdr, pid), 16, "hdr.pid at 16");
	tap_is_int(OFF(ipcscope_hdr, tid), 20, "hdr.tid at 20");
	tap_is_int(OFF(ipcscope_hdr, comm), 24, "hdr.comm at 24");
	tap_is_int(sizeof(struct ipcscope_pipe_event), 96,
		   "pipe event is 96 bytes");
	tap_is_int(OFF(ipcscope_pipe_event, ino), 40, "ino at 40");
	tap_is_int(OFF(ipcscope_pipe_event, requested), 48, "requested at 48");
	tap_is_int(OFF(ipcscope_pipe_event, ret), 56, "ret at 56");
	tap_is_int(OFF(ipcscope_pipe_event, duration_ns), 64,
		   "duration_ns at 64");
	tap_is_int(OFF(ipcscope_pipe_event, dev), 72, "dev at 72");
	tap_is_int(OFF(ipcscope_pipe_event, fd), 76, "fd at 76");
	tap_is_int(OFF(ipcscope_pipe_event, buffered), 80, "buffered at 80");
	tap_is_int(OFF(ipcscope_pipe_event, capacity), 84, "capacity at 84");
	tap_is_int(OFF(ipcscope_pipe_event, slots_used), 88,
		   "slots_used at 88");
	tap_is_int(OFF(ipcscope_pipe_event, slots), 90, "slots at 90");
	tap_is_int(OFF(ipcscope_pipe_event, kind), 92, "kind at 92");
	tap_is_int(OFF(ipcscope_pipe_event, tier), 93, "tier at 93");
	/* no hidden padding: the fields cover the struct exactly */
	tap_is_int(OFF(ipcscope_pipe_event, pad0) + 1,
		   sizeof(struct ipcscope_pipe_event),
		   "explicit padding ends the struct: no hidden bytes");

	/* event type numbers are ABI too */
	tap_is_int(IPCSCOPE_EV_SEMOP, 3, "semop is type 3");
	tap_is_int(IPCSCOPE_EV_MSGSND, 4, "msgsnd is type 4");
	tap_is_int(IPCSCOPE_EV_MSGRCV, 5, "msgrcv is type 5");
	tap_is_int(IPCSCOPE_EV_SIGNAL_GENERATE, 6, "signal_generate is type 6");
	tap_is_int(IPCSCOPE_EV_SIGNAL_DELIVER, 7, "signal_deliver is type 7");

	tap_is_int(sizeof(struct ipcscope_sembuf), 6,
		   "sembuf is 6 bytes, as the kernel's");
	tap_is_int(IPCSCOPE_SEM_MAX_OPS, 8, "8 semaphore ops copied at most");
	tap_is_int(sizeof(struct ipcscope_semop_event), 128,
		   "semop event is 128 bytes");
	tap_is_int(OFF(ipcscope_semop_event, ret), 40, "semop ret at 40");
	tap_is_int(OFF(ipcscope_semop_event, duration_ns), 48,
		   "semop duration_ns at 48");
	tap_is_int(OFF(ipcscope_semop_event, timeout_ns), 56,
		   "semop timeout_ns at 56");
	tap_is_int(OFF(ipcscope_semop_event, semid), 64, "semid at 64");
	tap_is_int(OFF(ipcscope_semop_event, nsops), 68, "nsops at 68");
	tap_is_int(OFF(ipcscope_semop_event, ops), 72, "ops at 72");
	tap_is_int(OFF(ipcscope_semop_event, ops_copied), 120,
		   "ops_copied at 120");
	tap_is_int(OFF(ipcscope_semop_event, has_timeout), 121,
		   "has_timeout at 121");
	tap_is_int(OFF(ipcscope_semop_event, tier), 122, "semop tier at 122");
	tap_is_int(OFF(ipcscope_semop_event, pad0) + 5,
		   sizeof(struct ipcscope_semop_event),
		   "semop: explicit padding ends the struct");

	tap_is_int(sizeof(struct ipcscope_msg_event), 96,
		   "msg event is 96 bytes");
	tap_is_int(OFF(ipcscope_msg_event, ret), 40, "msg ret at 40");
	tap_is_int(OFF(ipcscope_msg_event, duration_ns), 48,
		   "msg duration_ns at 48");
	tap_is_int(OFF(ipcscope_msg_event, mtype), 56, "mtype at 56");
	tap_is_int(OFF(ipcscope_msg_event, msgtyp), 64, "msgtyp at 64");
	tap_is_int(OFF(ipcscope_msg_event, size), 72, "size at 72");
	tap_is_int(OFF(ipcscope_msg_event, msqid), 80, "msqid at 80");
	tap_is_int(OFF(ipcscope_msg_event, msgflg), 84, "msgflg at 84");
	tap_is_int(OFF(ipcscope_msg_event, mtype_valid), 88,
		   "mtype_valid at 88");
	tap_is_int(OFF(ipcscope_msg_event, tier), 89, "msg tier at 89");
	tap_is_int(OFF(ipcscope_msg_event, pad0) + 6,
		   sizeof(struct ipcscope_msg_event),
		   "msg: explicit padding ends the struct");

	tap_is_int(sizeof(struct ipcscope_signal_generate_event), 80,
		   "signal_generate event is 80 bytes");
	tap_is_int(OFF(ipcscope_signal_generate_event, target_comm), 40,
		   "target_comm at 40");
	tap_is_int(OFF(ipcscope_signal_generate_event, target_pid), 56,
		   "target_pid at 56");
	tap_is_int(OFF(ipcscope_signal_generate_event, target_tid), 60,
		   "target_tid at 60");
	tap_is_int(OFF(ipcscope_signal_generate_event, sig), 64,
		   "generate sig at 64");
	tap_is_int(OFF(ipcscope_signal_generate_event, code), 68,
		   "generate code at 68");
	tap_is_int(OFF(ipcscope_signal_generate_event, result), 72,
		   "result at 72");
	tap_is_int(OFF(ipcscope_signal_generate_event, group), 76,
		   "group at 76");
	tap_is_int(OFF(ipcscope_signal_generate_event, pad0) + 2,
		   sizeof(struct ipcscope_signal_generate_event),
		   "signal_generate: explicit padding ends the struct");

	tap_is_int(sizeof(struct ipcscope_signal_deliver_event), 80,
		   "signal_deliver event is 80 bytes");
	tap_is_int(OFF(ipcscope_signal_deliver_event, handler), 40,
		   "handler at 40");
	tap_is_int(OFF(ipcscope_signal_deliver_event, sa_flags), 48,
		   "sa_flags at 48");
	tap_is_int(OFF(ipcscope_signal_deliver_event, latency_ns), 56,
		   "latency_ns at 56");
	tap_is_int(OFF(ipcscope_signal_deliver_event, sig), 64,
		   "deliver sig at 64");
	tap_is_int(OFF(ipcscope_signal_deliver_event, code), 68,
		   "deliver code at 68");
	tap_is_int(OFF(ipcscope_signal_deliver_event, action), 72,
		   "action at 72");
	tap_is_int(OFF(ipcscope_signal_deliver_event, latency_known), 73,
		   "latency_known at 73");
	tap_is_int(OFF(ipcscope_signal_deliver_event, pad0) + 5,
		   sizeof(struct ipcscope_signal_deliver_event),
		   "signal_deliver: explicit padding ends the struct");
	return tap_done();
}
