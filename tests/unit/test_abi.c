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
	tap_plan(22);
	tap_is_int(IPCSCOPE_ABI_VERSION, 1, "ABI version 1");
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
	return tap_done();
}
