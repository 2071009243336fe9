// SPDX-License-Identifier: GPL-2.0
/*
 * Unix domain sockets: one event per send or receive, in three tiers:
 *
 *  fentry/fexit  on unix_stream_sendmsg/recvmsg, unix_dgram_sendmsg/recvmsg
 *                and unix_seqpacket_sendmsg/recvmsg;
 *  kprobe/kretprobe on the same functions;
 *  tracepoints   handlers of read, write, readv, writev, sendto,
 *                recvfrom, sendmsg and recvmsg for the syscall dispatcher
 *                (syscalls.bpf.c), which resolve the fd to its socket and
 *                keep AF_UNIX ones; they share read/write/readv/writev
 *                with the pipe family (a fd is one or the other).
 *
 * The seqpacket functions call the datagram ones on the same socket: the
 * nested call only deepens the record in flight, so an operation counts
 * once (as fifo_pipe_read calling anon_pipe_read in pipe.bpf.c).
 *
 * In every tier, a receive learns each datagram's sender from the
 * skb:skb_copy_datagram_iovec tracepoint, which fires in the receive
 * while the skb is still there: UNIXCB(skb).pid is the sender's tgid
 * (its credentials as attached by the kernel), skb->sk its socket, and
 * UNIXCB(skb).fp the descriptors passed with it.
 */
#include "common.bpf.h"
#include "inflight.bpf.h"
#define SYSCALL_FAMILY	IPCSCOPE_FAM_UNIX	/* its slot in the dispatcher */
#include "syscalls.bpf.h"
#include "payload.bpf.h"

#define AF_UNIX		1
#define SOL_SOCKET	1
#define SCM_RIGHTS	1
#define SCM_CREDENTIALS	2
#define S_IFMT		00170000
#define S_IFSOCK	0140000
#define MAX_CMSGS	4	/* control messages parsed per send */
#define MAX_IOVECS	64
#define QUEUE_WALK	32	/* skbs summed for `queued` */
#define SUN_PATH_OFF	2	/* offsetof(struct sockaddr_un, sun_path) */

struct inflight {
	__u64 start_ns;		/* first: nonzero while in flight */
	__u64 requested;
	struct sock *sk;
	void *dest;		/* send: the destination address, or NULL */
	struct pid *skb_pid;	/* receive: the last datagram's sender */
	struct sock *skb_sk;	/* and its socket */
	struct payload_src payload;	/* --payload: where the bytes are */
	__u64 ino;
	__s32 fd;
	__s32 creds_pid;
	__u32 creds_uid;
	__u32 creds_gid;
	__u32 dest_len;
	__u16 type;		/* IPCSCOPE_EV_UNIX_SEND/RECV */
	__u16 fds;
	__u8 sock;
	__u8 outer;		/* entered through a seqpacket function */
	__u8 depth;		/* nested: seqpacket calls dgram */
	__u8 creds;		/* SCM_CREDENTIALS seen */
	__u8 dest_user;		/* dest is user memory */
};

DEFINE_INFLIGHT_MAP(struct inflight);

/*
 * The task last seen sending on each unix socket, for datagrams that
 * carry no credentials: kernels since 6.16 attach the sender's pid to a
 * datagram only when the receiver asked (SO_PASSCRED, SO_PASSPIDFD).
 */
struct sender {
	__u32 tgid;
	char comm[IPCSCOPE_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);		/* struct sock * */
	__type(value, struct sender);
} senders SEC(".maps");

const volatile __u8 tier = IPCSCOPE_TIER_NONE;

/* --path: keep only operations whose path is this (path_len bytes) */
const volatile __u16 target_path_len;
const volatile char target_path[IPCSCOPE_UNIX_PATH_MAX];

struct cmsghdr_u {
	__u64 len;
	__s32 level;
	__s32 type;
};

/* The inode of @sock: struct socket is the head of struct socket_alloc. */
static __always_inline __u64 sock_ino(struct socket *sock)
{
	struct socket_alloc *sa = (void *)sock;

	if (!sock)
		return 0;
	return BPF_CORE_READ(sa, vfs_inode.i_ino);
}

static __always_inline __u64 sk_ino(struct sock *sk)
{
	return sk ? sock_ino(BPF_CORE_READ(sk, sk_socket)) : 0;
}

static __always_inline struct sock *unix_peer(struct sock *sk)
{
	return BPF_CORE_READ((struct unix_sock *)sk, peer);
}

/* SCM_RIGHTS and SCM_CREDENTIALS of a send's control buffer. */
static __always_inline void parse_cmsgs(struct inflight *rec, void *ctl,
					__u64 len, bool user)
{
	struct cmsghdr_u h;
	__u64 off = 0;
	__s32 cred[3];
	int i;

	if (!ctl)
		return;
	for (i = 0; i < MAX_CMSGS; i++) {
		if (off + sizeof(h) > len)
			break;
		if ((user ? bpf_probe_read_user(&h, sizeof(h), ctl + off) :
			    bpf_probe_read_kernel(&h, sizeof(h), ctl + off)) ||
		    h.len < sizeof(h) || off + h.len > len)
			break;
		if (h.level == SOL_SOCKET && h.type == SCM_RIGHTS)
			rec->fds += (h.len - sizeof(h)) / sizeof(int);
		if (h.level == SOL_SOCKET && h.type == SCM_CREDENTIALS &&
		    h.len >= sizeof(h) + sizeof(cred) &&
		    !(user ? bpf_probe_read_user(cred, sizeof(cred),
						 ctl + off + sizeof(h)) :
			     bpf_probe_read_kernel(cred, sizeof(cred),
						   ctl + off + sizeof(h)))) {
			rec->creds = 1;
			rec->creds_pid = cred[0];
			rec->creds_uid = cred[1];
			rec->creds_gid = cred[2];
		}
		off += (h.len + 7) & ~7ULL;	/* CMSG_ALIGN */
	}
}

/*
 * Start of an operation on @sock.  A nested dgram call under a seqpacket
 * one (@outer) on the same socket only deepens the record.  Any other
 * record still here lost its return: counted as lost.
 */
static __always_inline struct inflight *
unix_enter(struct socket *sock, __u64 requested, __u16 type, __s32 fd,
	   bool outer, struct inflight *rec)
{
	struct inflight *cur;
	struct sock *sk = BPF_CORE_READ(sock, sk);

	cur = inflight_find(&inflight);
	if (cur) {
		if (cur->outer && cur->sk == sk) {
			cur->depth++;
			return NULL;
		}
		count_lost();
		inflight_done(&inflight, cur);
	}
	if (!sk || !task_wanted())
		return NULL;
	if (BPF_CORE_READ(sk, __sk_common.skc_family) != AF_UNIX)
		return NULL;
	__builtin_memset(rec, 0, sizeof(*rec));
	rec->sk = sk;
	rec->ino = sock_ino(sock);
	rec->sock = BPF_CORE_READ(sock, type);
	rec->requested = requested;
	rec->type = type;
	rec->fd = fd;
	rec->outer = outer;
	rec->start_ns = bpf_ktime_get_ns();
	if (type == IPCSCOPE_EV_UNIX_SEND && rec->sock == SOCK_DGRAM) {
		struct sender snd = {
			.tgid = bpf_get_current_pid_tgid() >> 32,
		};
		__u64 key = (__u64)sk;

		bpf_get_current_comm(snd.comm, sizeof(snd.comm));
		bpf_map_update_elem(&senders, &key, &snd, BPF_ANY);
	}
	return rec;
}

/* The msghdr of a sendmsg-level function (kernel memory: the syscalls
 * have copied the control buffer and the address in). */
static __always_inline void kernel_msg(struct inflight *rec,
				       struct msghdr *msg)
{
	if (rec->type != IPCSCOPE_EV_UNIX_SEND)
		return;
	rec->dest = BPF_CORE_READ(msg, msg_name);
	rec->dest_len = BPF_CORE_READ(msg, msg_namelen);
	parse_cmsgs(rec, BPF_CORE_READ(msg, msg_control),
		    BPF_CORE_READ(msg, msg_controllen), false);
}

static __always_inline int fn_enter(struct socket *sock, struct msghdr *msg,
				    __u64 len, __u16 type, bool outer)
{
	struct inflight rec, *r;

	r = unix_enter(sock, len, type, -1, outer, &rec);
	if (!r)
		return 0;
	kernel_msg(r, msg);
	payload_src_iter(&r->payload, &msg->msg_iter);
	inflight_start(&inflight, r);
	return 0;
}

/* The bound name of @sk into e->path; false when it has none. */
static __always_inline bool read_addr(struct sock *sk,
				      struct ipcscope_unix_event *e)
{
	struct unix_address *addr;
	int len;

	if (!sk)
		return false;
	addr = BPF_CORE_READ((struct unix_sock *)sk, addr);
	if (!addr)
		return false;
	len = BPF_CORE_READ(addr, len) - SUN_PATH_OFF;
	if (len <= 0 || len > IPCSCOPE_UNIX_PATH_MAX)
		return false;
	if (bpf_probe_read_kernel(e->path, sizeof(e->path),
				  (void *)addr->name + SUN_PATH_OFF))
		return false;
	e->path_len = len;
	return true;
}

/* A send's destination address (sendto, or sendmsg's msg_name). */
static __always_inline bool read_dest(const struct inflight *rec,
				      struct ipcscope_unix_event *e)
{
	int len = (int)rec->dest_len - SUN_PATH_OFF;
	__u16 family = 0;
	void *src = rec->dest;

	if (!src || len <= 0 || len > IPCSCOPE_UNIX_PATH_MAX)
		return false;
	/* only the caller's bytes: the address may end a mapped page */
	if (rec->dest_user ?
	    bpf_probe_read_user(&family, sizeof(family), src) ||
	    bpf_probe_read_user(e->path, len, src + SUN_PATH_OFF) :
	    bpf_probe_read_kernel(&family, sizeof(family), src) ||
	    bpf_probe_read_kernel(e->path, len, src + SUN_PATH_OFF))
		return false;
	if (family != AF_UNIX)
		return false;
	e->path_len = len;
	return true;
}

/* tgid and comm of the task a struct pid (a tgid's) names */
static __always_inline void read_pid(struct pid *pid,
				     struct ipcscope_unix_event *e)
{
	struct hlist_node *first;
	struct task_struct *task;

	if (!pid)
		return;
	e->peer_pid = BPF_CORE_READ(pid, numbers[0].nr);
	if (!e->peer_pid)
		return;
	e->flags |= IPCSCOPE_UNIX_PEER_PID;
	first = BPF_CORE_READ(pid, tasks[PIDTYPE_PID].first);
	if (!first)
		return;
	task = container_of(first, struct task_struct, pid_links[PIDTYPE_PID]);
	if (bpf_probe_read_kernel_str(e->peer_comm, sizeof(e->peer_comm),
				      &task->comm) < 0)
		return;
	e->flags |= IPCSCOPE_UNIX_PEER_COMM;
}

/* Bytes waiting in @sk's receive queue (a stream's minus what has been
 * read of its head skb). */
static __always_inline void read_queue(struct sock *sk,
				       struct ipcscope_unix_event *e)
{
	struct sk_buff_head *q;
	struct sk_buff *skb;
	__u64 total = 0;
	int i;

	if (!sk)
		return;
	q = &sk->sk_receive_queue;
	skb = BPF_CORE_READ(sk, sk_receive_queue.next);
	for (i = 0; i < QUEUE_WALK; i++) {
		if (!skb || skb == (void *)q)
			break;
		total += BPF_CORE_READ(skb, len);
		if (bpf_core_field_exists(struct unix_skb_parms, consumed) &&
		    e->sock != SOCK_DGRAM) {
			struct unix_skb_parms *cb = (void *)skb->cb;

			total -= BPF_CORE_READ(cb, consumed);
		}
		skb = BPF_CORE_READ(skb, next);
	}
	if (skb && skb != (void *)q)
		e->flags |= IPCSCOPE_UNIX_QUEUED_PARTIAL;
	e->queued = total;
	e->flags |= IPCSCOPE_UNIX_QUEUED;
}

/*
 * --path: an abstract name matches byte for byte; a path name up to its
 * NUL, which a sendto() destination need not include in its length.
 */
static __always_inline bool path_matches(const struct ipcscope_unix_event *e)
{
	bool pathname = target_path[0] != 0;
	int i;

	if (!target_path_len)
		return true;
	if (pathname ? e->path_len + 1 < target_path_len :
		       e->path_len != target_path_len)
		return false;
	for (i = 0; i < IPCSCOPE_UNIX_PATH_MAX; i++) {
		if (i >= target_path_len)
			break;
		if (pathname && i == target_path_len - 1)
			return e->path_len == i || e->path[i] == 0;
		if (e->path[i] != target_path[i])
			return false;
	}
	return true;
}

static __always_inline int unix_exit(long ret)
{
	struct ipcscope_wake_event *note;
	__u64 have_note = 0;
	struct ipcscope_unix_event *e;
	struct sock *sk, *peer;
	struct inflight *rec;
	bool recv;

	rec = inflight_find(&inflight);
	if (!rec)
		return 0;
	if (rec->depth) {
		rec->depth--;
		return 0;
	}
	note = peers_wake_note(&have_note);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		peers_note_done(note, have_note, false);
		goto out;
	}
	fill_hdr(&e->hdr, rec->type, sizeof(*e));
	sk = rec->sk;
	recv = rec->type == IPCSCOPE_EV_UNIX_RECV;
	peer = unix_peer(sk);
	e->ino = rec->ino;
	e->requested = rec->requested;
	e->ret = ret;
	e->duration_ns = e->hdr.ts_ns - rec->start_ns;
	e->queued = 0;
	e->peer_pid = 0;
	e->creds_pid = rec->creds_pid;
	e->creds_uid = rec->creds_uid;
	e->creds_gid = rec->creds_gid;
	e->fds = rec->fds;
	e->path_len = 0;
	e->sock = rec->sock;
	e->tier = tier;
	e->flags = rec->creds ? IPCSCOPE_UNIX_CREDS : 0;
	e->path_peer = 0;
	e->fd = rec->fd;
	__builtin_memset(e->peer_comm, 0, sizeof(e->peer_comm));
	__builtin_memset(e->path, 0, sizeof(e->path));
	__builtin_memset(e->pad0, 0, sizeof(e->pad0));
	/* a datagram's sender, per message; else the connection's peer */
	if (recv && rec->sock == SOCK_DGRAM && rec->skb_sk)
		peer = rec->skb_sk;
	e->peer_ino = sk_ino(peer);
	if (e->peer_ino)
		e->flags |= IPCSCOPE_UNIX_PEER_INO;
	if (recv && rec->sock == SOCK_DGRAM && rec->skb_pid) {
		read_pid(rec->skb_pid, e);
		e->flags |= IPCSCOPE_UNIX_PEER_SKB;
	} else if (recv && rec->sock == SOCK_DGRAM) {
		__u64 key = (__u64)rec->skb_sk;
		struct sender *snd = key ? bpf_map_lookup_elem(&senders, &key) :
				     NULL;

		if (snd) {
			e->peer_pid = snd->tgid;
			__builtin_memcpy(e->peer_comm, snd->comm,
					 sizeof(e->peer_comm));
			e->flags |= IPCSCOPE_UNIX_PEER_PID |
				    IPCSCOPE_UNIX_PEER_COMM |
				    IPCSCOPE_UNIX_PEER_SENDER;
		}
	} else
		read_pid(BPF_CORE_READ(sk, sk_peer_pid), e);
	if (!read_addr(sk, e)) {
		e->path_peer = 1;
		if (!read_addr(peer, e) && !(!recv && read_dest(rec, e)))
			e->path_peer = 0;
	}
	read_queue(recv ? sk : peer, e);
	if (!path_matches(e) ||
	    (target_ino && e->ino != target_ino && e->peer_ino != target_ino)) {
		peers_note_done(note, have_note, false);
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		goto out;
	}
	if (summary_mode)
		summary_add(rec->type, rec->ino, ret, e->duration_ns);
	if (summary_mode && !summary_events) {
		peers_note_done(note, have_note, false);
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		goto out;
	}
	payload_emit(&e->hdr, &rec->payload, ret);
	peers_note_done(note, have_note, true);
	submit_event(e);
out:
	inflight_done(&inflight, rec);
	return 0;
}

/*
 * Each datagram (or stream skb) a receive copies out, while it is still
 * queued: its sender and the descriptors it carries.  Fires for every
 * socket family; only a receive of ours in flight on this task counts.
 */
static __always_inline int skb_copied(const struct sk_buff *skb)
{
	/* UNIXCB(skb): struct unix_skb_parms starts { struct pid *pid;
	 * kuid_t uid; kgid_t gid; struct scm_fp_list *fp; } in every
	 * kernel we know; a kernel whose BTF lacks the type reads these */
	struct {
		struct pid *pid;
		__u32 uid;
		__u32 gid;
		struct scm_fp_list *fp;
	} cb;
	struct scm_fp_list *fp;
	struct inflight *rec;

	rec = inflight_find(&inflight);
	if (!rec || rec->type != IPCSCOPE_EV_UNIX_RECV)
		return 0;
	if (bpf_probe_read_kernel(&cb, sizeof(cb), (void *)&skb->cb))
		return 0;
	rec->skb_sk = BPF_CORE_READ(skb, sk);
	rec->skb_pid = cb.pid;
	fp = cb.fp;
	if (fp)
		rec->fds += BPF_CORE_READ(fp, count);
	return 0;
}

SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(unix_skb_copy, const struct sk_buff *skb, int len)
{
	return skb_copied(skb);
}

SEC("raw_tp/skb_copy_datagram_iovec")
int BPF_PROG(unix_skb_copy_raw, const struct sk_buff *skb, int len)
{
	return skb_copied(skb);
}

/* Tier 1: fentry/fexit. */
#define FENTRY_PAIR(name, TYPE, outer)					\
SEC("fentry/unix_" #name)						\
int BPF_PROG(unix_##name##_fentry, struct socket *sock,		\
	     struct msghdr *msg, size_t len)				\
{									\
	return fn_enter(sock, msg, len, TYPE, outer);			\
}									\
SEC("fexit/unix_" #name)						\
int BPF_PROG(unix_##name##_fexit, struct socket *sock,			\
	     struct msghdr *msg, size_t len, long ret)			\
{									\
	return unix_exit(ret);						\
}

#define FEXIT_RECV_PAIR(name, outer)					\
SEC("fentry/unix_" #name)						\
int BPF_PROG(unix_##name##_fentry, struct socket *sock,		\
	     struct msghdr *msg, size_t len, int flags)			\
{									\
	return fn_enter(sock, msg, len, IPCSCOPE_EV_UNIX_RECV, outer);	\
}									\
SEC("fexit/unix_" #name)						\
int BPF_PROG(unix_##name##_fexit, struct socket *sock,			\
	     struct msghdr *msg, size_t len, int flags, long ret)	\
{									\
	return unix_exit(ret);						\
}

FENTRY_PAIR(stream_sendmsg, IPCSCOPE_EV_UNIX_SEND, false)
FENTRY_PAIR(dgram_sendmsg, IPCSCOPE_EV_UNIX_SEND, false)
FENTRY_PAIR(seqpacket_sendmsg, IPCSCOPE_EV_UNIX_SEND, true)
FEXIT_RECV_PAIR(stream_recvmsg, false)
FEXIT_RECV_PAIR(dgram_recvmsg, false)
FEXIT_RECV_PAIR(seqpacket_recvmsg, true)

/* Tier 2: kprobes; one kretprobe program on every function. */
#define KPROBE_ENTRY(name, TYPE, outer)					\
SEC("kprobe/unix_" #name)						\
int BPF_KPROBE(unix_##name##_kprobe, struct socket *sock,		\
	       struct msghdr *msg, size_t len)				\
{									\
	return fn_enter(sock, msg, len, TYPE, outer);			\
}

KPROBE_ENTRY(stream_sendmsg, IPCSCOPE_EV_UNIX_SEND, false)
KPROBE_ENTRY(dgram_sendmsg, IPCSCOPE_EV_UNIX_SEND, false)
KPROBE_ENTRY(seqpacket_sendmsg, IPCSCOPE_EV_UNIX_SEND, true)
KPROBE_ENTRY(stream_recvmsg, IPCSCOPE_EV_UNIX_RECV, false)
KPROBE_ENTRY(dgram_recvmsg, IPCSCOPE_EV_UNIX_RECV, false)
KPROBE_ENTRY(seqpacket_recvmsg, IPCSCOPE_EV_UNIX_RECV, true)

SEC("kretprobe")
int BPF_KRETPROBE(unix_kretprobe, long ret)
{
	return unix_exit(ret);
}

/*
 * Tier 3: the syscall dispatcher's handlers.  The fd is resolved in the
 * task's table (as in pipe.bpf.c); a sockfs inode's file holds its struct
 * socket in private_data.
 */
static __always_inline struct socket *fd_to_socket(int fd, bool btf)
{
	struct file **fds, *file = NULL;
	struct fdtable *fdt;
	unsigned int max_fds;
	umode_t mode;

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
	if (!file)
		return NULL;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	return BPF_CORE_READ(file, private_data);
}

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

enum sc_kind {
	SC_PLAIN,	/* read/write(fd, buf, count) */
	SC_VEC,		/* readv/writev(fd, iov, iovcnt) */
	SC_TO,		/* sendto/recvfrom(fd, buf, len, flags, addr, alen) */
	SC_MSG,		/* sendmsg/recvmsg(fd, msg, flags) */
};

static __always_inline int sys_enter(struct pt_regs *regs, bool btf,
				     __u16 type, enum sc_kind kind)
{
	int fd = sc_arg(regs, 0, btf);
	struct socket *sock = fd_to_socket(fd, btf);
	struct inflight rec, *r;
	struct user_msghdr m;
	__u64 requested;

	if (!sock)
		return 0;
	if (kind == SC_MSG) {
		if (bpf_probe_read_user(&m, sizeof(m),
					(void *)sc_arg(regs, 1, btf)))
			return 0;
		requested = iov_total(m.msg_iov, m.msg_iovlen);
	} else if (kind == SC_VEC) {
		requested = iov_total((void *)sc_arg(regs, 1, btf),
				      sc_arg(regs, 2, btf));
	} else {
		requested = sc_arg(regs, 2, btf);
	}
	r = unix_enter(sock, requested, type, fd, false, &rec);
	if (!r)
		return 0;
	if (kind == SC_MSG)
		payload_src_user_iov(&r->payload, (__u64)m.msg_iov,
				     m.msg_iovlen);
	else if (kind == SC_VEC)
		payload_src_user_iov(&r->payload, sc_arg(regs, 1, btf),
				     sc_arg(regs, 2, btf));
	else
		payload_src_user(&r->payload, sc_arg(regs, 1, btf), requested);
	if (type == IPCSCOPE_EV_UNIX_SEND && kind == SC_TO) {
		r->dest = (void *)sc_arg(regs, 4, btf);
		r->dest_len = sc_arg(regs, 5, btf);
		r->dest_user = 1;
	}
	if (type == IPCSCOPE_EV_UNIX_SEND && kind == SC_MSG) {
		r->dest = m.msg_name;
		r->dest_len = m.msg_namelen;
		r->dest_user = 1;
		parse_cmsgs(r, m.msg_control, m.msg_controllen, true);
	}
	inflight_start(&inflight, r);
	return 0;
}

#define SYS_HANDLER(name, TYPE, kind)					\
static __always_inline int enter_##name(struct pt_regs *regs, bool btf)\
{									\
	return sys_enter(regs, btf, TYPE, kind);			\
}									\
SYSCALL_ENTER(unix_sys_enter_##name, enter_##name)

SYS_HANDLER(read, IPCSCOPE_EV_UNIX_RECV, SC_PLAIN)
SYS_HANDLER(write, IPCSCOPE_EV_UNIX_SEND, SC_PLAIN)
SYS_HANDLER(readv, IPCSCOPE_EV_UNIX_RECV, SC_VEC)
SYS_HANDLER(writev, IPCSCOPE_EV_UNIX_SEND, SC_VEC)
SYS_HANDLER(recvfrom, IPCSCOPE_EV_UNIX_RECV, SC_TO)
SYS_HANDLER(sendto, IPCSCOPE_EV_UNIX_SEND, SC_TO)
SYS_HANDLER(recvmsg, IPCSCOPE_EV_UNIX_RECV, SC_MSG)
SYS_HANDLER(sendmsg, IPCSCOPE_EV_UNIX_SEND, SC_MSG)
SYSCALL_EXIT(unix_sys_exit, unix_exit)
