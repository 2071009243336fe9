// SPDX-License-Identifier: GPL-2.0
/*
 * Pipe and FIFO reads and writes, in three tiers:
 *
 *  fentry/fexit  on the kernel's pipe read/write functions (pipe_read and
 *                pipe_write before 6.16; anon_ and fifo_ variants after);
 *  kprobe/kretprobe on the same functions;
 *  tracepoints   handlers of read, write, readv and writev for the
 *                syscall dispatcher (syscalls.bpf.c, on the raw sys_enter
 *                and sys_exit tracepoints), which resolve the fd to its
 *                file and keep pipes and FIFOs only.
 *
 * The collector loads exactly one tier (autoload off for the others) and
 * points the fentry/kprobe programs at the functions it found in BTF and
 * kallsyms.  Every tier records the call at entry in `inflight` (task
 * storage, see inflight.bpf.h) and emits one event at return, so each read
 * or write costs one ring-buffer record.
 */
#include "common.bpf.h"
#include "inflight.bpf.h"
#include "pipe_ring.bpf.h"
#define SYSCALL_FAMILY	IPCSCOPE_FAM_PIPE	/* its slot in the dispatcher */
#include "syscalls.bpf.h"
#include "path.bpf.h"
#include "pipe_peers.bpf.h"
#include "payload.bpf.h"

#define MAX_IOVECS	64

/* One call in flight on a task, from entry to return. */
struct inflight {
	__u64 start_ns;		/* first: nonzero while in flight */
	__u64 requested;
	__u64 ino;
	struct pipe_inode_info *pipe;
	struct file *file;
	__u32 dev;
	__s32 fd;
	__u16 type;		/* IPCSCOPE_EV_PIPE_READ/WRITE */
	__u8 kind;
	__u8 outer;		/* entered through a fifo_ function */
	__u8 depth;		/* nested pipe functions: fifo_ calls anon_ */
	__u8 quiet;		/* --peers: counted for `from`, not printed */
	__u8 overlap;		/* --peers: another call was in flight */
	__u64 seq;		/* --peers: its number among the pipe's calls */
	struct payload_src payload;	/* --payload: where the bytes are */
};

DEFINE_INFLIGHT_MAP(struct inflight);

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
				      __u16 type, __s32 fd, bool outer,
				      const struct payload_src *src)
{
	struct inflight *cur, rec = {};
	struct inode *inode;

	/* the filters first: an unwanted task has no record to look up (the
	 * syscall dispatcher ran them already for the tracepoint tier).
	 * --peers counts every task's bytes for `from`, printing only the
	 * wanted tasks' calls. */
	if (!task_filtered() && !task_wanted()) {
		if (!peers_mode ||
		    bpf_get_current_pid_tgid() >> 32 == self_tgid)
			return 0;
		rec.quiet = 1;
	}
	cur = inflight_find(&inflight);
	if (cur) {
		if (cur->outer && cur->file == file) {
			cur->depth++;
			return 0;
		}
		count_lost();
		inflight_done(&inflight, cur);
	}
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
	if (peers_mode)
		stream_enter(rec.pipe, rec.ino,
			     type == IPCSCOPE_EV_PIPE_WRITE, &rec.seq,
			     &rec.overlap);
	if (payload_max)
		rec.payload = *src;
	inflight_start(&inflight, &rec);
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

/*
 * One event at return.  A FIFO's event is the larger path event, its path
 * walked here from the file recorded at entry (path.bpf.h): anonymous
 * pipes pay nothing for it.  Walking at return rather than entry keeps the
 * in-flight record small, and the file is still pinned then: by the caller
 * in the fentry and kprobe tiers; in the tracepoint tier, past the
 * syscall's fdput, by the descriptor table, or, if another thread closed
 * the fd meanwhile, by the final fput, which task_work defers to the
 * return to user space, after sys_exit.
 */
static __always_inline int pipe_exit(long ret)
{
	struct ipcscope_pipe_path_event *pe = NULL;
	struct ipcscope_from_event *from = NULL;
	struct ipcscope_wake_event *note;
	__u64 have_note = 0, have_from = 0;
	struct ipcscope_pipe_event *e;
	struct inflight *rec;
	__u32 size;

	rec = inflight_find(&inflight);
	if (!rec)
		return 0;
	if (rec->depth) {
		rec->depth--;
		return 0;
	}
	/* top --peers: the summary and the events both (summary_events) */
	if (summary_mode && !rec->quiet)
		summary_add(rec->type, rec->ino, ret,
			    bpf_ktime_get_ns() - rec->start_ns);
	if (summary_mode && !summary_events)
		goto out;
	note = rec->quiet ? NULL : peers_wake_note(&have_note);
	if (peers_mode && rec->type == IPCSCOPE_EV_PIPE_WRITE)
		stream_write_exit(rec->pipe, rec->ino, rec->seq, rec->overlap,
				  ret);
	else if (peers_mode)
		from = stream_read_exit(rec->pipe, rec->ino, rec->seq,
					rec->overlap, ret, !rec->quiet,
					&have_from);
	if (rec->quiet) {
		/* none reserved, but the verifier cannot tell */
		peers_note_done(note, have_note, false);
		peers_note_done(from, have_from, false);
		goto out;
	}
	if (rec->kind == IPCSCOPE_PIPE_FIFO) {
		size = sizeof(*pe);
		pe = bpf_ringbuf_reserve(&events, size, 0);
		e = pe ? &pe->ev : NULL;
	} else {
		size = sizeof(*e);
		e = bpf_ringbuf_reserve(&events, size, 0);
	}
	if (!e) {
		count_lost();
		peers_note_done(note, have_note, false);
		peers_note_done(from, have_from, false);
		goto out;
	}
	fill_hdr(&e->hdr, rec->type, size);
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
	e->path_status = IPCSCOPE_PATH_NONE;
	if (pe)
		fifo_path_fill(rec->file, pe);
	read_ring(rec->pipe, e);
	payload_emit(&e->hdr, &rec->payload, ret);
	peers_note_done(note, have_note, true);
	peers_note_done(from, have_from, true);
	submit_event(e);
out:
	inflight_done(&inflight, rec);
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
	struct payload_src src = {};					\
									\
	payload_src_iter(&src, iter);					\
	return pipe_enter(BPF_CORE_READ(iocb, ki_filp),			\
			  BPF_CORE_READ(iter, count), TYPE, -1, slot,	\
			  &src);					\
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
	struct payload_src src = {};					\
									\
	payload_src_iter(&src, iter);					\
	return pipe_enter(BPF_CORE_READ(iocb, ki_filp),			\
			  BPF_CORE_READ(iter, count), TYPE, -1, slot,	\
			  &src);					\
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

/* Tier 3: the syscall dispatcher's handlers.  The fd is resolved in the
 * task's table: with direct (BTF) loads in tp_btf programs, with
 * bpf_probe_read_kernel in raw_tp ones; the array of files is read with it
 * in both (the verifier allows no variable index into BTF memory). */
static __always_inline struct file *fd_to_file(int fd, bool btf)
{
	struct file **fds;
	struct file *file = NULL;
	struct fdtable *fdt;
	unsigned int max_fds;

	if (fd < 0)
		return NULL;
	if (btf) {
		fdt = bpf_get_current_task_btf()->files->fdt;
		max_fds = fdt->max_fds;
		fds = fdt->fd;
	} else {
		struct task_struct *task = (void *)bpf_get_current_task();

		fdt = BPF_CORE_READ(task, files, fdt);
		max_fds = BPF_CORE_READ(fdt, max_fds);
		fds = BPF_CORE_READ(fdt, fd);
	}
	if ((unsigned int)fd >= max_fds)
		return NULL;
	bpf_core_read(&file, sizeof(file), &fds[fd]);
	return file;
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

/* read/write(fd, buf, count) and readv/writev(fd, iov, iovcnt) */
static __always_inline int sys_enter(struct pt_regs *regs, bool btf,
				     __u16 type, bool vec)
{
	int fd = sc_arg(regs, 0, btf);
	struct file *file = fd_to_file(fd, btf);
	struct payload_src src = {};
	__u64 requested;

	if (!file)
		return 0;
	if (vec) {
		requested = iov_total((void *)sc_arg(regs, 1, btf),
				      sc_arg(regs, 2, btf));
		payload_src_user_iov(&src, sc_arg(regs, 1, btf),
				     sc_arg(regs, 2, btf));
	} else {
		requested = sc_arg(regs, 2, btf);
		payload_src_user(&src, sc_arg(regs, 1, btf), requested);
	}
	return pipe_enter(file, requested, type, fd, false, &src);
}

static __always_inline int enter_read(struct pt_regs *regs, bool btf)
{
	return sys_enter(regs, btf, IPCSCOPE_EV_PIPE_READ, false);
}

static __always_inline int enter_write(struct pt_regs *regs, bool btf)
{
	return sys_enter(regs, btf, IPCSCOPE_EV_PIPE_WRITE, false);
}

static __always_inline int enter_readv(struct pt_regs *regs, bool btf)
{
	return sys_enter(regs, btf, IPCSCOPE_EV_PIPE_READ, true);
}

static __always_inline int enter_writev(struct pt_regs *regs, bool btf)
{
	return sys_enter(regs, btf, IPCSCOPE_EV_PIPE_WRITE, true);
}

SYSCALL_ENTER(pipe_sys_enter_read, enter_read)
SYSCALL_ENTER(pipe_sys_enter_write, enter_write)
SYSCALL_ENTER(pipe_sys_enter_readv, enter_readv)
SYSCALL_ENTER(pipe_sys_enter_writev, enter_writev)
SYSCALL_EXIT(pipe_sys_exit, pipe_exit)
