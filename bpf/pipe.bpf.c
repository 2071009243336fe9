// SPDX-License-Identifier: GPL-2.0
/*
 * Pipe and FIFO reads and writes, in three tiers:
 *
 *  fentry/fexit  on the kernel's pipe read/write functions (pipe_read and
 *                pipe_write before 6.16; anon_ and fifo_ variants after);
 *  kprobe/kretprobe on the same functions;
 *  tracepoints   syscalls:sys_{enter,exit}_{read,write,readv,writev}, which
 *                resolve the fd to its file and keep pipes and FIFOs only.
 *
 * The collector loads exactly one tier (autoload off for the others) and
 * points the fentry/kprobe programs at the functions it found in BTF and
 * kallsyms.  Every tier records the call at entry in `inflight` and emits
 * one event at return, so each read or write costs one ring-buffer record.
 */
#include "common.bpf.h"
#include "pipe_ring.bpf.h"

#define MAX_IOVECS	64

/* One call in flight on a task, from entry to return. */
struct inflight {
	__u64 start_ns;
	__u64 requested;
	__u64 ino;
	struct pipe_inode_info *pipe;
	struct file *file;
	__u32 dev;
	__s32 fd;
	__u8 type;		/* IPCSCOPE_EV_PIPE_READ/WRITE */
	__u8 kind;
	__u8 outer;		/* entered through a fifo_ function */
	__u8 depth;		/* nested pipe functions: fifo_ calls anon_ */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);	/* tid */
	__type(value, struct inflight);
} inflight SEC(".maps");

/* Which tier is loaded; stamped into every event. */
const volatile __u8 tier = IPCSCOPE_TIER_NONE;

/* The pipes the collector's own stdout and stderr go into, when they are
 * pipes: whoever reads them (| jq, | head) would otherwise be traced
 * reading the collector's output, each read an event that is more output. */
const volatile __u64 self_out_ino;
const volatile __u64 self_err_ino;

/*
 * Record the start of a read or write on @file, if the task and the pipe
 * pass the filters.  On kernels that split the functions, fifo_pipe_read
 * (@outer) may call anon_pipe_read on the same file: that nested call only
 * deepens the record, so the operation is counted once.  Any other record
 * still here is a call whose return was never seen (a kretprobe that
 * missed it): its event is lost, and counted so.
 */
static __always_inline int pipe_enter(struct file *file, __u64 requested,
				      __u8 type, __s32 fd, bool outer)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *cur, rec = {};
	struct inode *inode;

	cur = bpf_map_lookup_elem(&inflight, &tid);
	if (cur) {
		if (cur->outer && cur->file == file) {
			cur->depth++;
			return 0;
		}
		count_lost();
		bpf_map_delete_elem(&inflight, &tid);
	}
	if (!task_wanted())
		return 0;
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode || !inode_is_pipe(inode))
		return 0;
	rec.ino = BPF_CORE_READ(inode, i_ino);
	if (target_ino && rec.ino != target_ino)
		return 0;
	if (rec.ino == self_out_ino || rec.ino == self_err_ino)
		return 0;
	rec.start_ns = bpf_ktime_get_ns();
	rec.requested = requested;
	rec.pipe = BPF_CORE_READ(inode, i_pipe);
	rec.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	rec.kind = BPF_CORE_READ(inode, i_sb, s_magic) == PIPEFS_MAGIC ?
		   IPCSCOPE_PIPE_ANON : IPCSCOPE_PIPE_FIFO;
	rec.fd = fd;
	rec.type = type;
	rec.file = file;
	rec.outer = outer;
	bpf_map_update_elem(&inflight, &tid, &rec, BPF_ANY);
	return 0;
}

/* The ring after the call: slots in use, bytes buffered, capacity. */
static __always_inline void read_ring(struct pipe_inode_info *pipe,
				      struct ipcscope_pipe_event *e)
{
	struct pipe_ring r;

	pipe_ring_read(pipe, &r);
	e->slots_used = r.head - r.tail;
	e->buffered_partial = r.partial;
	e->buffered = r.buffered;
	e->slots = r.max_usage;
	e->capacity = r.max_usage * PAGE_SIZE;
}

static __always_inline int pipe_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ipcscope_pipe_event *e;
	struct inflight *rec;

	rec = bpf_map_lookup_elem(&inflight, &tid);
	if (!rec)
		return 0;
	if (rec->depth) {
		rec->depth--;
		return 0;
	}
	if (summary_mode) {
		summary_add(rec->type, rec->ino, ret,
			    bpf_ktime_get_ns() - rec->start_ns);
		goto out;
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		goto out;
	}
	fill_hdr(&e->hdr, rec->type, sizeof(*e));
	e->ino = rec->ino;
	e->requested = rec->requested;
	e->ret = ret;
	e->duration_ns = e->hdr.ts_ns - rec->start_ns;
	e->dev = rec->dev;
	e->fd = rec->fd;
	e->kind = rec->kind;
	e->tier = tier;
	e->buffered = 0;
	e->capacity = 0;
	e->slots_used = 0;
	e->slots = 0;
	e->buffered_partial = 0;
	e->pad0 = 0;
	read_ring(rec->pipe, e);
	bpf_ringbuf_submit(e, 0);
out:
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

/*
 * Tier 1: fentry/fexit.  One program is bound to one kernel function, so
 * there are two slots per direction: slot 0 is anon_pipe_read (or plain
 * pipe_read), slot 1 fifo_pipe_read, which may call slot 0's function.  On
 * kernels with a single pipe_read, slot 1 stays unloaded.
 */
#define FENTRY_PAIR(slot, dir, TYPE)					\
SEC("fentry")								\
int BPF_PROG(pipe_##dir##_fentry##slot, struct kiocb *iocb,		\
	     struct iov_iter *iter)					\
{									\
	return pipe_enter(BPF_CORE_READ(iocb, ki_filp),			\
			  BPF_CORE_READ(iter, count), TYPE, -1, slot);	\
}									\
SEC("fexit")								\
int BPF_PROG(pipe_##dir##_fexit##slot, struct kiocb *iocb,		\
	     struct iov_iter *iter, long ret)				\
{									\
	return pipe_exit(ret);						\
}

FENTRY_PAIR(0, read, IPCSCOPE_EV_PIPE_READ)
FENTRY_PAIR(1, read, IPCSCOPE_EV_PIPE_READ)
FENTRY_PAIR(0, write, IPCSCOPE_EV_PIPE_WRITE)
FENTRY_PAIR(1, write, IPCSCOPE_EV_PIPE_WRITE)

/*
 * Tier 2: kprobes, slots as for fentry.  One kretprobe program serves every
 * function; the collector gives it room for every task asleep in one.
 */
#define KPROBE_ENTRY(slot, dir, TYPE)					\
SEC("kprobe")								\
int BPF_KPROBE(pipe_##dir##_kprobe##slot, struct kiocb *iocb,		\
	       struct iov_iter *iter)					\
{									\
	return pipe_enter(BPF_CORE_READ(iocb, ki_filp),			\
			  BPF_CORE_READ(iter, count), TYPE, -1, slot);	\
}

KPROBE_ENTRY(0, read, IPCSCOPE_EV_PIPE_READ)
KPROBE_ENTRY(1, read, IPCSCOPE_EV_PIPE_READ)
KPROBE_ENTRY(0, write, IPCSCOPE_EV_PIPE_WRITE)
KPROBE_ENTRY(1, write, IPCSCOPE_EV_PIPE_WRITE)

SEC("kretprobe")
int BPF_KRETPROBE(pipe_kretprobe, long ret)
{
	return pipe_exit(ret);
}

/* Tier 3: syscall tracepoints.  The fd is resolved in the task's table. */
static __always_inline struct file *fd_to_file(int fd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct file **fds;
	struct file *file = NULL;
	unsigned int max_fds;

	if (fd < 0)
		return NULL;
	max_fds = BPF_CORE_READ(task, files, fdt, max_fds);
	if ((unsigned int)fd >= max_fds)
		return NULL;
	fds = BPF_CORE_READ(task, files, fdt, fd);
	bpf_core_read(&file, sizeof(file), &fds[fd]);
	return file;
}

static __always_inline int sys_enter(long fd, __u64 requested, __u8 type)
{
	struct file *file = fd_to_file(fd);

	if (!file)
		return 0;
	return pipe_enter(file, requested, type, fd, false);
}

/* Total length of a user iovec array, as readv/writev will ask for. */
static __always_inline __u64 iov_total(const struct iovec *iov,
				       unsigned long vlen)
{
	__u64 total = 0;
	int i;

	for (i = 0; i < MAX_IOVECS; i++) {
		struct iovec v;

		if (i >= vlen)
			break;
		if (bpf_probe_read_user(&v, sizeof(v), &iov[i]))
			break;
		total += v.iov_len;
	}
	return total;
}

SEC("tracepoint/syscalls/sys_enter_read")
int tp_enter_read(struct trace_event_raw_sys_enter *ctx)
{
	return sys_enter(ctx->args[0], ctx->args[2], IPCSCOPE_EV_PIPE_READ);
}

SEC("tracepoint/syscalls/sys_enter_write")
int tp_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	return sys_enter(ctx->args[0], ctx->args[2], IPCSCOPE_EV_PIPE_WRITE);
}

SEC("tracepoint/syscalls/sys_enter_readv")
int tp_enter_readv(struct trace_event_raw_sys_enter *ctx)
{
	struct file *file = fd_to_file(ctx->args[0]);

	if (!file)
		return 0;
	return pipe_enter(file, iov_total((void *)ctx->args[1], ctx->args[2]),
			  IPCSCOPE_EV_PIPE_READ, ctx->args[0], false);
}

SEC("tracepoint/syscalls/sys_enter_writev")
int tp_enter_writev(struct trace_event_raw_sys_enter *ctx)
{
	struct file *file = fd_to_file(ctx->args[0]);

	if (!file)
		return 0;
	return pipe_enter(file, iov_total((void *)ctx->args[1], ctx->args[2]),
			  IPCSCOPE_EV_PIPE_WRITE, ctx->args[0], false);
}

#define TP_EXIT(name)							\
SEC("tracepoint/syscalls/sys_exit_" #name)				\
int tp_exit_##name(struct trace_event_raw_sys_exit *ctx)		\
{									\
	return pipe_exit(ctx->ret);					\
}

TP_EXIT(read)
TP_EXIT(write)
TP_EXIT(readv)
TP_EXIT(writev)
