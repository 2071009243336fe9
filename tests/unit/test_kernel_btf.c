// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_has_btf_type(): the collector reads the raw BTF file piecewise
 * instead of parsing it whole.  Checked on a BTF file built here with
 * every kind of record, larger than the reader's 64 KiB chunks so records
 * and strings straddle them, and against libbpf on this kernel's BTF.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "probe.h"
#include "tap.h"

#define NFILL 6000

static struct btf *build_btf(void)
{
	struct btf *btf = btf__new_empty();
	char name[64];
	int i, int_id, st, proto, en;

	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	/* fill: records of every size, so the interesting ones land past
	 * several chunk boundaries of both sections */
	for (i = 0; i < NFILL; i++) {
		snprintf(name, sizeof(name), "fill_struct_%d", i);
		st = btf__add_struct(btf, name, 8);
		btf__add_field(btf, "a", int_id, 0, 0);
		btf__add_field(btf, "b", int_id, 32, 0);
		snprintf(name, sizeof(name), "fill_enum_%d", i);
		en = btf__add_enum(btf, name, 4);
		btf__add_enum_value(btf, "FILL_A", 0);
		btf__add_enum_value(btf, "FILL_B", 1);
		btf__add_ptr(btf, st);
		btf__add_array(btf, int_id, int_id, 4);
		btf__add_typedef(btf, "fill_t", en);
	}
	proto = btf__add_func_proto(btf, int_id);
	btf__add_func_param(btf, "fd", int_id);
	btf__add_func(btf, "pipe_read", BTF_FUNC_GLOBAL, proto);
	btf__add_typedef(btf, "btf_trace_signal_generate", proto);
	btf__add_struct(btf, "pipe_inode_info", 4);
	btf__add_field(btf, "head", int_id, 0, 0);
	btf__add_var(btf, "some_var", BTF_VAR_GLOBAL_ALLOCATED, int_id);
	btf__add_float(btf, "double", 8);
	btf__add_func(btf, "last_func", BTF_FUNC_STATIC, proto);
	return btf;
}

static int write_raw(struct btf *btf, char *path)
{
	const void *data;
	__u32 size;
	FILE *f;
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	data = btf__raw_data(btf, &size);
	f = fdopen(fd, "w");
	if (!f || fwrite(data, 1, size, f) != size)
		return -1;
	return fclose(f);
}

static void test_built(void)
{
	char path[] = "/tmp/ipcscope-btf-XXXXXX";
	struct btf *btf = build_btf();
	struct ipcs_error err = {};
	struct kernel_info ki = {};
	__u32 size;

	btf__raw_data(btf, &size);
	if (write_raw(btf, path) || kernel_info_open(&ki, path, &err))
		tap_bail("cannot write or open a BTF file: %s", err.msg);
	tap_ok(size > 4 * 64 * 1024, "the built BTF spans several chunks (%u bytes)",
	       size);
	tap_ok(kernel_has_btf_func(&ki, "pipe_read"), "a FUNC is found");
	tap_ok(!kernel_has_btf_func(&ki, "pipe_write"), "a missing name is not");
	tap_ok(!kernel_has_btf_func(&ki, "pipe_rea"), "nor a prefix of one");
	tap_ok(!kernel_has_btf_func(&ki, "ipe_read"), "nor a suffix of one");
	tap_ok(!kernel_has_btf_func(&ki, "pipe_inode_info"),
	       "the kind must match: a STRUCT is no FUNC");
	tap_ok(kernel_has_btf_type(&ki, "pipe_inode_info", BTF_KIND_STRUCT),
	       "and is found as a STRUCT");
	tap_ok(kernel_has_btf_type(&ki, "btf_trace_signal_generate",
				   BTF_KIND_TYPEDEF), "a TYPEDEF is found");
	tap_ok(kernel_has_btf_func(&ki, "last_func"),
	       "the last record, after every kind of record, is found");
	/* records deep in the file, across chunk boundaries */
	tap_ok(kernel_has_btf_type(&ki, "fill_enum_4321", BTF_KIND_ENUM),
	       "an ENUM deep in the file is found");
	tap_ok(kernel_has_btf_type(&ki, "fill_struct_5999", BTF_KIND_STRUCT),
	       "a STRUCT deeper still is found");
	kernel_info_close(&ki);
	unlink(path);
	btf__free(btf);
}

/* The same answers as libbpf's full parse, on this kernel's own BTF. */
static void test_vmlinux(void)
{
	static const struct {
		const char *name;
		int kind;
	} q[] = {
		{ "pipe_read", BTF_KIND_FUNC },
		{ "anon_pipe_read", BTF_KIND_FUNC },
		{ "fifo_pipe_write", BTF_KIND_FUNC },
		{ "do_semtimedop", BTF_KIND_FUNC },
		{ "__do_semtimedop", BTF_KIND_FUNC },
		{ "do_msgsnd", BTF_KIND_FUNC },
		{ "btf_trace_signal_deliver", BTF_KIND_TYPEDEF },
		{ "btf_trace_sys_enter", BTF_KIND_TYPEDEF },
		{ "pipe_inode_info", BTF_KIND_STRUCT },
		{ "task_struct", BTF_KIND_STRUCT },
		{ "task_struct", BTF_KIND_FUNC },
		{ "no_such_function_here", BTF_KIND_FUNC },
	};
	const char *path = "/sys/kernel/btf/vmlinux";
	struct ipcs_error err = {};
	struct kernel_info ki = {};
	struct btf *btf;
	unsigned int i, same = 0;

	if (access(path, R_OK)) {
		tap_skip(1, "no %s", path);
		return;
	}
	btf = btf__parse(path, NULL);
	if (!btf || kernel_info_open(&ki, NULL, &err))
		tap_bail("cannot read %s: %s", path, err.msg);
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		bool want = btf__find_by_name_kind(btf, q[i].name,
						   q[i].kind) > 0;

		if (kernel_has_btf_type(&ki, q[i].name, q[i].kind) == want)
			same++;
		else
			tap_diag("  %s (kind %d): libbpf says %d", q[i].name,
				 q[i].kind, want);
	}
	tap_is_int(same, (int)(sizeof(q) / sizeof(q[0])),
		   "this kernel's BTF: the same answers as libbpf's parse");
	kernel_info_close(&ki);
	btf__free(btf);
}

int main(void)
{
	tap_plan(12);
	test_built();
	test_vmlinux();
	return tap_done();
}
