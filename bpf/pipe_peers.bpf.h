/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --peers for pipes: whose bytes a read returned.  A pipe is a byte
 * stream; per pipe we keep two positions, written (bytes accounted to
 * writers) and read, and a ring of the last FROM_SEGS writer segments
 * (start, length, writer).  A write that returns ret takes
 * [written, written + ret); a read that returns ret takes [read,
 * read + ret) and is attributed to the segments it overlaps, in stream
 * order.  Exact while the calls on the pipe do not overlap in time; the
 * rule for from_approx is in Documentation/design.rst, "Pipe peers".
 */
#ifndef IPCSCOPE_PIPE_PEERS_BPF_H
#define IPCSCOPE_PIPE_PEERS_BPF_H

#include "common.bpf.h"
#include "pipe_ring.bpf.h"

#ifndef READ_ONCE
#define READ_ONCE(x)	(*(const volatile typeof(x) *)&(x))
#endif
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, v)	(*(volatile typeof(x) *)&(x) = (v))
#endif

#define FROM_SEGS	16		/* a power of two */
#define SEG_APPROX	(1U << 31)	/* in len: the write overlapped another */
#define STREAMS		4096		/* pipes tracked at once (LRU) */

struct pipe_seg {
	__u64 start;			/* stream position of its first byte */
	__u32 len;			/* bytes, | SEG_APPROX */
	__u32 pid;			/* writer's tgid; 0: before tracing */
	char comm[IPCSCOPE_COMM_LEN];
};

struct pipe_stream {
	__u64 written;			/* bytes accounted to writes so far */
	__u64 read;			/* bytes read so far */
	__u64 nseg;			/* segments ever appended */
	__u64 write_entries;		/* writes ever entered */
	__u64 read_entries;
	__u32 writers;			/* writes in flight */
	__u32 readers;
	/*
	 * The writer that entered alone: its tgid, and in the high half the
	 * low 32 bits of write_entries as it saw them.  One word, one store:
	 * a write that enters later moves write_entries past it (or stores
	 * 0), even when its store lands before the first one's, which a
	 * vCPU stalled between the two programs' steps can make happen.
	 */
	__u64 solo;
	char solo_comm[IPCSCOPE_COMM_LEN];
	struct pipe_seg seg[FROM_SEGS];
};

/* A pipe is its pipe_inode_info and its inode number: a freed pipe's
 * memory reused by a new pipe is a new stream. */
struct stream_key {
	__u64 pipe;
	__u64 ino;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, STREAMS);	/* a token size without --peers */
	__type(key, struct stream_key);
	__type(value, struct pipe_stream);
} pipe_streams SEC(".maps");

/* An all-zero stream to insert from (too big for the BPF stack; an
 * array's element, so the skeleton need not know the type). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pipe_stream);
} zero_stream SEC(".maps");

static __always_inline struct pipe_stream *
stream_find(struct pipe_inode_info *pipe, __u64 ino)
{
	struct stream_key key = { .pipe = (__u64)pipe, .ino = ino };

	return bpf_map_lookup_elem(&pipe_streams, &key);
}

/*
 * The pipe's stream, created at first sight: what the ring holds then was
 * written before tracing began, a segment with no writer.
 */
static __always_inline struct pipe_stream *
stream_get(struct pipe_inode_info *pipe, __u64 ino)
{
	struct stream_key key = { .pipe = (__u64)pipe, .ino = ino };
	struct pipe_stream *st, *zero;
	struct pipe_ring r;
	__u32 idx = 0;

	st = bpf_map_lookup_elem(&pipe_streams, &key);
	if (st)
		return st;
	zero = bpf_map_lookup_elem(&zero_stream, &idx);
	if (!zero)
		return NULL;
	if (bpf_map_update_elem(&pipe_streams, &key, zero, BPF_NOEXIST))
		return bpf_map_lookup_elem(&pipe_streams, &key); /* raced */
	st = bpf_map_lookup_elem(&pipe_streams, &key);
	if (!st)
		return NULL;
	pipe_ring_read(pipe, &r);
	if (r.buffered) {
		st->seg[0].start = 0;
		st->seg[0].len = r.buffered;
		st->seg[0].pid = 0;
		st->nseg = 1;
		st->written = r.buffered;
	}
	return st;
}

/* A read or write enters: count it in flight; *seq and *overlap for its
 * return. */
static __always_inline void stream_enter(struct pipe_inode_info *pipe,
					 __u64 ino, bool write, __u64 *seq,
					 __u8 *overlap)
{
	struct pipe_stream *st = stream_get(pipe, ino);

	if (!st)
		return;
	/*
	 * Atomic adds whose result is not used (BPF_XADD, any kernel), then
	 * plain loads: entries before the in-flight count.  Two calls that
	 * enter together both see the other in flight, or the later one
	 * moved entries past what the earlier saw, which its return notices.
	 */
	if (write) {
		__sync_fetch_and_add(&st->writers, 1);
		__sync_fetch_and_add(&st->write_entries, 1);
		*seq = READ_ONCE(st->write_entries);
		*overlap = READ_ONCE(st->writers) > 1;
		if (!*overlap) {
			bpf_get_current_comm(st->solo_comm,
					     sizeof(st->solo_comm));
			WRITE_ONCE(st->solo, (*seq << 32) |
				   (bpf_get_current_pid_tgid() >> 32));
		} else {
			WRITE_ONCE(st->solo, 0);	/* no longer alone */
		}
	} else {
		__sync_fetch_and_add(&st->readers, 1);
		__sync_fetch_and_add(&st->read_entries, 1);
		*seq = READ_ONCE(st->read_entries);
		*overlap = READ_ONCE(st->readers) > 1;
	}
}

/* A write returns @ret: its bytes are the stream's next ones. */
static __always_inline void stream_write_exit(struct pipe_inode_info *pipe,
					      __u64 ino, __u64 seq,
					      bool overlap, long ret)
{
	struct pipe_stream *st = stream_find(pipe, ino);
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct pipe_seg *seg;
	__u64 pos, n;

	if (!st)
		return;
	/* another write entered while this one was in flight */
	overlap |= READ_ONCE(st->write_entries) != seq;
	if (ret <= 0) {
		__sync_fetch_and_add(&st->writers, -1);
		return;
	}
	/* no other write in flight: nothing races these (and when one is,
	 * the segment is marked approximate) */
	pos = st->written;
	n = st->nseg;
	if (!overlap && n) {
		seg = &st->seg[(n - 1) & (FROM_SEGS - 1)];
		/* the same writer again, right after itself: one segment */
		if (seg->pid == tgid && !(seg->len & SEG_APPROX) &&
		    seg->start + seg->len == pos &&
		    seg->len + (__u64)ret < SEG_APPROX) {
			seg->len += ret;
			__sync_fetch_and_add(&st->written, ret);
			__sync_fetch_and_add(&st->writers, -1);
			return;
		}
	}
	seg = &st->seg[n & (FROM_SEGS - 1)];
	seg->start = pos;
	seg->len = (__u32)ret | (overlap ? SEG_APPROX : 0);
	seg->pid = tgid;
	bpf_get_current_comm(seg->comm, sizeof(seg->comm));
	st->nseg = n + 1;
	/* a reader that sees the bytes finds their segment */
	__sync_fetch_and_add(&st->written, ret);
	/*
	 * Last: out of flight only once the bytes are in written, so a reader
	 * that loads writers, then written (stream_read_exit), never sees
	 * this write gone and its bytes not yet counted -- bytes it would
	 * give to a writer entering alone meanwhile.
	 */
	__sync_fetch_and_add(&st->writers, -1);
}

/* Add @bytes of writer @pid to the note, after the entries so far. */
static __always_inline void from_add(struct ipcscope_from_event *f, __u32 pid,
				     const char *comm, __u64 bytes)
{
	__u32 i = f->nfrom;
	struct ipcscope_from_seg *s;

	if (i && i <= IPCSCOPE_FROM_MAX) {
		s = &f->from[(i - 1) & (IPCSCOPE_FROM_MAX - 1)];
		if (s->pid == pid) {
			s->bytes += bytes;
			return;
		}
	}
	if (i >= IPCSCOPE_FROM_MAX) {
		/* the rest, writer unknown */
		s = &f->from[IPCSCOPE_FROM_MAX - 1];
		if (!f->truncated) {
			f->truncated = 1;
			s->pid = 0;
			__builtin_memset(s->comm, 0, sizeof(s->comm));
		}
		s->bytes += bytes;
		return;
	}
	s = &f->from[i & (IPCSCOPE_FROM_MAX - 1)];
	s->pid = pid;
	s->bytes = bytes;
	if (comm)
		bpf_probe_read_kernel(s->comm, sizeof(s->comm), comm);
	else
		__builtin_memset(s->comm, 0, sizeof(s->comm));
	f->nfrom = i + 1;
}

/*
 * A read returns @ret: take [read, read + ret) from the stream and, when
 * @note is wanted, reserve the note that says whose bytes they were.
 */
static __always_inline struct ipcscope_from_event *
stream_read_exit(struct pipe_inode_info *pipe, __u64 ino, __u64 seq,
		 bool overlap, long ret, bool note, __u64 *have)
{
	struct pipe_stream *st = stream_find(pipe, ino);
	struct ipcscope_from_event *f;
	__u64 start, end, written, covered, cursor, n, first, i, solo;
	__u32 writers, solo_pid;

	*have = 0;
	if (!st)
		return NULL;
	/* another read entered while this one was in flight */
	overlap |= READ_ONCE(st->read_entries) != seq;
	__sync_fetch_and_add(&st->readers, -1);
	if (ret <= 0)
		return NULL;
	start = st->read;
	__sync_fetch_and_add(&st->read, ret);
	end = start + ret;
	if (!note)
		return NULL;
	f = bpf_ringbuf_reserve(&events, sizeof(*f), 0);
	if (!f) {
		count_lost();
		return NULL;
	}
	*have = 1;
	fill_hdr(&f->hdr, IPCSCOPE_EV_PEER_FROM, sizeof(*f));
	__builtin_memset(&f->nfrom, 0, sizeof(*f) - sizeof(f->hdr));
	f->approx = overlap;
	/* writers first: a write that returns between the two loads has
	 * then been counted in written */
	writers = READ_ONCE(st->writers);
	written = READ_ONCE(st->written);
	covered = end < written ? end : written;
	n = st->nseg;
	first = n > FROM_SEGS ? n - FROM_SEGS : 0;
	/* segments in stream order; the cursor keeps overlapping ones (of
	 * racing writes) from counting a byte twice */
	cursor = start;
	for (i = 0; i < FROM_SEGS; i++) {
		struct pipe_seg *seg;
		__u64 lo, hi, s, len;

		if (first + i >= n || cursor >= covered)
			break;
		seg = &st->seg[(first + i) & (FROM_SEGS - 1)];
		s = seg->start;
		len = seg->len & ~SEG_APPROX;
		if (s > cursor)
			break;		/* a gap: bytes of no known segment */
		lo = cursor;
		hi = s + len < covered ? s + len : covered;
		if (lo >= hi)
			continue;
		if (seg->len & SEG_APPROX)
			f->approx = 1;
		from_add(f, seg->pid, seg->pid ? seg->comm : NULL, hi - lo);
		cursor = hi;
	}
	if (cursor < covered) {
		/* segments already overwritten in the ring, or out of order */
		from_add(f, 0, NULL, covered - cursor);
		f->approx = 1;
	}
	if (end > covered) {
		/* bytes of a write still in flight: exact if it is alone */
		__u64 ahead = end - (start > covered ? start : covered);

		/* lockless: solo is one word, and only the writer it names
		 * is in flight if no write entered since (write_entries) */
		solo = READ_ONCE(st->solo);
		solo_pid = (__u32)solo;
		if (writers == 1 && solo_pid &&
		    (__u32)READ_ONCE(st->write_entries) == (__u32)(solo >> 32)) {
			from_add(f, solo_pid, st->solo_comm, ahead);
		} else {
			from_add(f, 0, NULL, ahead);
			f->approx = 1;
		}
	}
	return f;
}

#endif /* IPCSCOPE_PIPE_PEERS_BPF_H */
