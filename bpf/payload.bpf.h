/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --payload N: the first bytes a read, write, send or receive really moved,
 * in a struct ipcscope_payload record emitted right after its event
 * (include/ipcscope.h says how the collector pairs them).
 *
 * A family notes at entry where the call's bytes are (struct payload_src,
 * in its record in flight) and calls payload_emit() at return, once the
 * event is filled and will be submitted.  The bytes are read then, in every
 * tier and both directions, from the addresses noted at entry, and only as
 * many as the call returned: a receive's bytes have landed in the caller's
 * buffer by then, and a send's are still there.  Where they are:
 *
 *  fentry, kprobe  the iov_iter the kernel function is given: ITER_UBUF
 *                  (one user buffer) or ITER_IOVEC (a kernel copy of the
 *                  caller's iovec array, pointing to user memory); other
 *                  iterators (splice, kernel I/O) are kernel buffers,
 *                  reported as IPCSCOPE_PAYLOAD_KERNEL without bytes;
 *  tracepoint      the syscall's arguments: the buffer of read, write,
 *                  sendto and recvfrom, the (user) iovec array of readv,
 *                  writev, sendmsg and recvmsg.
 *
 * The message queues' bytes are one user buffer in every tier (msgsnd's
 * and msgrcv's mtext, mq_timedsend's and mq_timedreceive's msg_ptr):
 * payload_emit_user(), without the iovec walk.
 *
 * At most PAYLOAD_SEGS iovecs are read; a call that moved bytes beyond
 * them has truncated set.
 *
 * Off (payload_max 0, rodata), the verifier prunes all of it: no record,
 * no copy, nothing noted at entry (the src is then left as it was: the
 * caller copies it only when payload_max is set).
 */
#ifndef IPCSCOPE_PAYLOAD_BPF_H
#define IPCSCOPE_PAYLOAD_BPF_H

#include "common.bpf.h"

#define PAYLOAD_SEGS	16	/* iovecs read at most */

/* --payload N; 0: off.  Set by the collector, at most IPCSCOPE_PAYLOAD_MAX. */
const volatile __u32 payload_max;

enum payload_kind {
	PAYLOAD_SRC_KERNEL	= 0,	/* not user memory: no bytes */
	PAYLOAD_SRC_USER	= 1,	/* addr: one user buffer of len bytes */
	PAYLOAD_SRC_USER_IOV	= 2,	/* addr: user array of nsegs iovecs */
	PAYLOAD_SRC_KERNEL_IOV	= 3,	/* addr: kernel array of nsegs iovecs
					 * (ITER_IOVEC), skip bytes of the
					 * first already consumed */
};

/* Where a call's bytes are, noted at entry. */
struct payload_src {
	__u64 addr;
	__u64 len;		/* PAYLOAD_SRC_USER: the buffer's size */
	__u32 nsegs;
	__u32 skip;
	__u32 kind;		/* enum payload_kind */
	__u32 pad;
};

/*
 * Per-CPU room to copy into before bpf_ringbuf_output() (a ring buffer
 * reservation must have a size known at load; this record's is the bytes
 * read).  data is three times the most a record holds so that a read at
 * any offset below IPCSCOPE_PAYLOAD_MAX of any length the verifier can
 * bound (masked below 2 * IPCSCOPE_PAYLOAD_MAX) stays inside it.
 *
 * busy guards the buffer against a second run on this CPU while a first
 * one copies: kernels that preempt fentry programs (lazy or full
 * preemption) could otherwise mix two tasks' bytes in one record.  The
 * second run then emits a record without bytes (IPCSCOPE_PAYLOAD_BUSY).
 * The mark is set without an atomic instruction (those need -mcpu=v3): only
 * a preemption between its test and its store, and another one during the
 * second run's copy, could still let the two copies interleave.
 */
struct payload_buf {
	struct ipcscope_payload p;
	__u8 data[3 * IPCSCOPE_PAYLOAD_MAX];
	__u32 busy;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct payload_buf);
} payload_bufs SEC(".maps");

struct payload_iovec {		/* struct iovec */
	__u64 base;
	__u64 len;
};

/* A syscall's user buffer (read, write, sendto, recvfrom). */
static __always_inline void payload_src_user(struct payload_src *src,
					     __u64 addr, __u64 len)
{
	if (!payload_max)
		return;
	src->addr = addr;
	src->len = len;
	src->nsegs = 0;
	src->skip = 0;
	src->kind = PAYLOAD_SRC_USER;
}

/* A syscall's user iovec array (readv, writev, sendmsg, recvmsg). */
static __always_inline void payload_src_user_iov(struct payload_src *src,
						 __u64 iov, __u64 nsegs)
{
	if (!payload_max)
		return;
	src->addr = iov;
	src->len = 0;
	src->nsegs = nsegs > PAYLOAD_SEGS ? PAYLOAD_SEGS : nsegs;
	src->skip = 0;
	src->kind = PAYLOAD_SRC_USER_IOV;
}

/*
 * A kernel function's iov_iter, at entry.  Its iovec pointer (iov before
 * 6.4, __iov since) and ubuf are members of one union in every layout, so
 * ubuf is read for both; the iterator types' values moved in 6.4 (ITER_UBUF
 * came first), which the CO-RE enum relocations follow.
 */
static __always_inline void payload_src_iter(struct payload_src *src,
					     const struct iov_iter *iter)
{
	__u8 type;

	/* first: a source left undefined when off is a register the
	 * verifier refuses to read (clang may still copy it) */
	__builtin_memset(src, 0, sizeof(*src));
	if (!payload_max)
		return;
	if (!iter)
		return;
	type = BPF_CORE_READ(iter, iter_type);
	src->addr = (__u64)BPF_CORE_READ(iter, ubuf);
	if (bpf_core_enum_value_exists(enum iter_type, ITER_UBUF) &&
	    type == bpf_core_enum_value(enum iter_type, ITER_UBUF)) {
		src->addr += BPF_CORE_READ(iter, iov_offset);
		src->len = BPF_CORE_READ(iter, count);
		src->kind = PAYLOAD_SRC_USER;
	} else if (type == bpf_core_enum_value(enum iter_type, ITER_IOVEC)) {
		__u64 nsegs = BPF_CORE_READ(iter, nr_segs);

		src->nsegs = nsegs > PAYLOAD_SEGS ? PAYLOAD_SEGS : nsegs;
		src->skip = BPF_CORE_READ(iter, iov_offset);
		src->kind = PAYLOAD_SRC_KERNEL_IOV;
	}
}

/* Bounds the verifier sees on the very register used (clang may test a
 * copy); the empty asm keeps clang from dropping the masks as no-ops. */
static __always_inline __u32 payload_off_bound(__u32 off)
{
	asm volatile("" : "+r"(off));
	return off & (IPCSCOPE_PAYLOAD_MAX - 1);
}

static __always_inline __u32 payload_len_bound(__u32 len)
{
	asm volatile("" : "+r"(len));
	return len & (2 * IPCSCOPE_PAYLOAD_MAX - 1);
}

/* Copy up to @want bytes of @src's iovecs into b->data; the bytes copied. */
static __always_inline __u32 payload_copy_iov(struct payload_buf *b,
					      const struct payload_src *src,
					      __u32 want)
{
	struct payload_iovec v;
	__u32 off = 0, n;
	void *at;
	int i;

	for (i = 0; i < PAYLOAD_SEGS; i++) {
		if (off >= want || i >= src->nsegs)
			break;
		at = (void *)src->addr + i * sizeof(v);
		if (src->kind == PAYLOAD_SRC_USER_IOV ?
		    bpf_probe_read_user(&v, sizeof(v), at) :
		    bpf_probe_read_kernel(&v, sizeof(v), at)) {
			b->p.status = IPCSCOPE_PAYLOAD_FAULT;
			break;
		}
		if (i == 0) {
			if (src->skip > v.len)
				break;
			v.base += src->skip;
			v.len -= src->skip;
		}
		n = want - off;
		if (n > v.len)
			n = v.len;
		if (bpf_probe_read_user(b->data + payload_off_bound(off),
					payload_len_bound(n),
					(void *)v.base)) {
			b->p.status = IPCSCOPE_PAYLOAD_FAULT;
			break;
		}
		off += n;
	}
	return off;
}

/*
 * The payload record of the event whose header is @ev, for a call that
 * moved @ret bytes (or failed: <= 0), its bytes at @src; @iov: @src may
 * be an iovec array (false leaves that code out, for a family whose bytes
 * are always one user buffer).
 */
static __always_inline void payload_out(const struct ipcscope_hdr *ev,
					const struct payload_src *src,
					long ret, bool iov)
{
	struct payload_buf *b;
	__u32 zero = 0, want = 0, len = 0;

	if (!payload_max)
		return;
	if (ret > 0)
		want = ret < payload_max ? ret : payload_max;
	b = bpf_map_lookup_elem(&payload_bufs, &zero);
	if (!b)
		return;
	if (b->busy) {
		/* a header without bytes, built on the stack: the buffer is
		 * the other run's */
		struct ipcscope_payload p = {
			.event_type = ev->type,
			.truncated = want > 0,
			.status = IPCSCOPE_PAYLOAD_BUSY,
		};

		__builtin_memcpy(&p.hdr, ev, sizeof(p.hdr));
		p.hdr.type = IPCSCOPE_EV_PAYLOAD;
		p.hdr.size = sizeof(p);
		if (bpf_ringbuf_output(&events, &p, sizeof(p),
				       BPF_RB_NO_WAKEUP))
			count_lost();
		return;
	}
	b->busy = 1;
	__builtin_memcpy(&b->p.hdr, ev, sizeof(b->p.hdr));
	b->p.hdr.type = IPCSCOPE_EV_PAYLOAD;
	b->p.event_type = ev->type;
	b->p.status = IPCSCOPE_PAYLOAD_OK;
	__builtin_memset(b->p.pad0, 0, sizeof(b->p.pad0));
	if (want && src->kind == PAYLOAD_SRC_USER) {
		/* never past the caller's buffer (a datagram received with
		 * MSG_TRUNC returns its whole length) */
		if (want > src->len)
			want = src->len;
		len = want;
		if (bpf_probe_read_user(b->data, payload_len_bound(len),
					(void *)src->addr)) {
			b->p.status = IPCSCOPE_PAYLOAD_FAULT;
			len = 0;
		}
	} else if (want && iov && src->kind != PAYLOAD_SRC_KERNEL) {
		len = payload_copy_iov(b, src, want);
	} else if (want) {
		b->p.status = IPCSCOPE_PAYLOAD_KERNEL;
	}
	len = payload_len_bound(len);
	b->p.len = len;
	b->p.truncated = ret > 0 && (__u64)ret > len;
	b->p.hdr.size = sizeof(b->p) + len;
	/* no wakeup: the event's own submit, next, decides that */
	if (bpf_ringbuf_output(&events, &b->p, sizeof(b->p) + len,
			       BPF_RB_NO_WAKEUP))
		count_lost();
	b->busy = 0;
}

/*
 * The payload record of the event whose header is @ev, for a call that
 * moved @ret bytes (or failed: <= 0), its bytes at @src.  @ret is what
 * read, write, send and receive return.  Call it after the event is
 * filled, just before it is submitted.
 */
static __always_inline void payload_emit(const struct ipcscope_hdr *ev,
					 const struct payload_src *src,
					 long ret)
{
	payload_out(ev, src, ret, true);
}

/*
 * The same for a call whose bytes are one user buffer, @addr of @size
 * bytes, noted at entry (the message queues: msgsnd's mtext, msgrcv's
 * after the mtype, mq_timedsend's and mq_timedreceive's msg_ptr).  A
 * family whose calls return 0 on success (msgsnd, mq_timedsend) passes
 * the size sent as @ret.  No iovec walk: a smaller program.
 */
static __always_inline void payload_emit_user(const struct ipcscope_hdr *ev,
					      __u64 addr, __u64 size,
					      long ret)
{
	struct payload_src src = {
		.addr = addr,
		.len = size,
		.kind = PAYLOAD_SRC_USER,
	};

	payload_out(ev, &src, ret, false);
}

#endif /* IPCSCOPE_PAYLOAD_BPF_H */
