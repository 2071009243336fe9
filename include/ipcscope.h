/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ipcscope event ABI, shared by the BPF programs (bpf/) and the collector
 * (tools/).  Every record that crosses the ring buffer starts with
 * struct ipcscope_hdr; hdr.type says which body follows.
 *
 * Rules that keep the two sides in step (the IPCSCOPE_ABI_* checks at the
 * end of this file pin them, in clang -target bpf and gcc alike):
 *  - fixed-width types only, naturally aligned, explicit padding fields;
 *  - a change of any layout bumps IPCSCOPE_ABI_VERSION;
 *  - new fields go at the end of a body, never in the middle.
 */
#ifndef IPCSCOPE_H
#define IPCSCOPE_H

#ifdef __bpf__
/* vmlinux.h provides __u8 ... __u64 */
#else
#include <linux/types.h>
#endif

/* 2: semop, msgsnd/msgrcv, signals; 3: per-family type ranges, hooks,
 * FIFO paths (the payload record came later: a new type, no layout
 * changed) */
#define IPCSCOPE_ABI_VERSION	3

#define IPCSCOPE_COMM_LEN	16
#define IPCSCOPE_MAX_PIDS	64	/* -p may be given this many times */

/*
 * Each family owns a range of 256 event type ids, so families developed in
 * parallel never collide: type = family << IPCSCOPE_EV_FAMILY_SHIFT | n.
 */
#define IPCSCOPE_EV_FAMILY_SHIFT	8
#define IPCSCOPE_EV_FAMILY(type)	((type) >> IPCSCOPE_EV_FAMILY_SHIFT)

enum ipcscope_family_id {
	IPCSCOPE_FAM_PIPE	= 1,	/* pipes and FIFOs */
	IPCSCOPE_FAM_SEM	= 2,	/* SysV semaphores */
	IPCSCOPE_FAM_MSG	= 3,	/* SysV message queues */
	IPCSCOPE_FAM_SIGNAL	= 4,
	IPCSCOPE_FAM_UNIX	= 5,	/* unix domain sockets */
	IPCSCOPE_FAM_MQ		= 6,	/* POSIX message queues */
	IPCSCOPE_FAM_SHM	= 7,	/* shared memory */
	IPCSCOPE_FAM_PEER	= 8,	/* --peers: notes on the next event */
};

#define IPCSCOPE_EV(fam, n)	((IPCSCOPE_FAM_##fam << IPCSCOPE_EV_FAMILY_SHIFT) | (n))

enum ipcscope_event_type {
	IPCSCOPE_EV_PIPE_READ		= IPCSCOPE_EV(PIPE, 1),
	IPCSCOPE_EV_PIPE_WRITE		= IPCSCOPE_EV(PIPE, 2),
	IPCSCOPE_EV_SEMOP		= IPCSCOPE_EV(SEM, 1),
	IPCSCOPE_EV_MSGSND		= IPCSCOPE_EV(MSG, 1),
	IPCSCOPE_EV_MSGRCV		= IPCSCOPE_EV(MSG, 2),
	IPCSCOPE_EV_SIGNAL_GENERATE	= IPCSCOPE_EV(SIGNAL, 1),
	IPCSCOPE_EV_SIGNAL_DELIVER	= IPCSCOPE_EV(SIGNAL, 2),
	IPCSCOPE_EV_UNIX_SEND		= IPCSCOPE_EV(UNIX, 1),
	IPCSCOPE_EV_UNIX_RECV		= IPCSCOPE_EV(UNIX, 2),
	IPCSCOPE_EV_MQ_SEND		= IPCSCOPE_EV(MQ, 1),
	IPCSCOPE_EV_MQ_RECEIVE		= IPCSCOPE_EV(MQ, 2),
	IPCSCOPE_EV_MQ_NOTIFY		= IPCSCOPE_EV(MQ, 3),
	IPCSCOPE_EV_SHMGET		= IPCSCOPE_EV(SHM, 1),
	IPCSCOPE_EV_SHMAT		= IPCSCOPE_EV(SHM, 2),
	IPCSCOPE_EV_SHMDT		= IPCSCOPE_EV(SHM, 3),
	IPCSCOPE_EV_SHMCTL		= IPCSCOPE_EV(SHM, 4),
	IPCSCOPE_EV_MEMFD_CREATE	= IPCSCOPE_EV(SHM, 5),
	IPCSCOPE_EV_SHM_OPEN		= IPCSCOPE_EV(SHM, 6),
	IPCSCOPE_EV_MMAP		= IPCSCOPE_EV(SHM, 7),
	IPCSCOPE_EV_MUNMAP		= IPCSCOPE_EV(SHM, 8),
	/* family 0: records that belong to the event before them */
	IPCSCOPE_EV_PAYLOAD		= 0x0001,
	IPCSCOPE_EV_PEER_WAKE		= IPCSCOPE_EV(PEER, 1),
	IPCSCOPE_EV_PEER_FROM		= IPCSCOPE_EV(PEER, 2),
};

/*
 * Probe tiers, as --probe chooses them.  Which tier a family runs in is
 * decided per family at attach time.
 */
enum ipcscope_tier {
	IPCSCOPE_TIER_NONE	= 0,	/* auto */
	IPCSCOPE_TIER_FENTRY	= 1,
	IPCSCOPE_TIER_KPROBE	= 2,
	IPCSCOPE_TIER_TRACEPOINT = 3,
};

/*
 * The hook an event really came through, stamped in every event's `tier`
 * byte and printed as the `tier` key.  The first three equal the tiers of
 * the same name; a tier may use other hooks where its own is missing or
 * refused (signals come from tp_btf or raw_tp in every tier; the
 * tracepoint tier's syscalls from tp_btf/sys_enter).
 */
enum ipcscope_hook {
	IPCSCOPE_HOOK_NONE	= 0,
	IPCSCOPE_HOOK_FENTRY	= 1,	/* fentry/fexit (BPF trampolines) */
	IPCSCOPE_HOOK_KPROBE	= 2,	/* kprobe/kretprobe */
	IPCSCOPE_HOOK_TRACEPOINT = 3,	/* tracepoint/ (perf tracepoints) */
	IPCSCOPE_HOOK_TP_BTF	= 4,	/* tp_btf/ (BTF-typed raw tracepoint) */
	IPCSCOPE_HOOK_RAW_TP	= 5,	/* raw_tp/ */
};

enum ipcscope_pipe_kind {
	IPCSCOPE_PIPE_ANON	= 1,	/* pipe(2): inode on pipefs */
	IPCSCOPE_PIPE_FIFO	= 2,	/* mkfifo(3): inode on a real fs */
};

struct ipcscope_hdr {
	__u64 ts_ns;			/* bpf_ktime_get_ns() at the end */
	__u32 type;			/* enum ipcscope_event_type */
	__u32 size;			/* bytes of the whole record */
	__u32 pid;			/* tgid */
	__u32 tid;
	char  comm[IPCSCOPE_COMM_LEN];
};

struct ipcscope_pipe_event {
	struct ipcscope_hdr hdr;
	__u64 ino;			/* pipe inode number (fstat st_ino) */
	__u64 requested;		/* bytes asked for (iov_iter_count) */
	__s64 ret;			/* bytes moved, or -errno */
	__u64 duration_ns;		/* entry to return, sleeps included */
	__u32 dev;			/* inode->i_sb->s_dev (kernel encoding) */
	__s32 fd;			/* fd used, or -1 when the tier can't tell */
	__u32 buffered;			/* bytes in the ring after the call */
	__u32 capacity;			/* max_usage * PAGE_SIZE (F_GETPIPE_SZ) */
	__u16 slots_used;		/* head - tail after the call */
	__u16 slots;			/* max_usage */
	__u8  kind;			/* enum ipcscope_pipe_kind */
	__u8  tier;			/* enum ipcscope_hook */
	__u8  buffered_partial;		/* 1: more slots than the BPF loop walks */
	__u8  path_status;		/* enum ipcscope_path_status */
};

/*
 * A FIFO's path, resolved in the kernel at the time of the event from the
 * event's struct file (dentry chain, crossing mounts), as the mount
 * namespace of the traced task sees it.  hdr.size says whether it follows
 * the pipe event: only FIFO events carry it.
 */
#define IPCSCOPE_PATH_MAX	256	/* bytes, NUL included */
#define IPCSCOPE_PATH_DEPTH	16	/* dentries walked at most */

/*
 * Calls in flight in the LRU hash of tids that stands in for task storage
 * where the kernel lacks it (bpf/inflight.bpf.h): more tasks than this in
 * traced calls at once evict the oldest records, and those calls' events
 * are not reported (Documentation/design.rst).
 */
#define IPCSCOPE_INFLIGHT_LRU_ENTRIES	16384

enum ipcscope_path_status {
	IPCSCOPE_PATH_NONE	= 0,	/* no path: an anonymous pipe */
	IPCSCOPE_PATH_FULL	= 1,	/* path[] is the whole path */
	IPCSCOPE_PATH_TRUNCATED	= 2,	/* deeper or longer than the limits:
					 * path[] holds the last components */
	IPCSCOPE_PATH_UNREADABLE = 3,	/* the dentry chain could not be read */
};

struct ipcscope_pipe_path_event {
	struct ipcscope_pipe_event ev;
	char  path[IPCSCOPE_PATH_MAX];	/* NUL-terminated */
};

/*
 * SysV semaphores: one event per semop(2)/semtimedop(2).  The first
 * IPCSCOPE_SEM_MAX_OPS operations are copied; ops_copied says how many,
 * and fewer than nsops means the list was cut (or could not be read).
 */
#define IPCSCOPE_SEM_MAX_OPS	8

struct ipcscope_sembuf {		/* struct sembuf, as the kernel has it */
	__u16 num;
	__s16 op;
	__s16 flg;
};

struct ipcscope_semop_event {
	struct ipcscope_hdr hdr;
	__s64 ret;			/* 0, or -errno */
	__u64 duration_ns;		/* entry to return: time blocked */
	__s64 timeout_ns;		/* semtimedop's timeout (has_timeout), as
				 * passed: negative when invalid */
	__s32 semid;
	__u32 nsops;			/* as passed by the caller */
	struct ipcscope_sembuf ops[IPCSCOPE_SEM_MAX_OPS];
	__u8  ops_copied;		/* valid entries of ops[] */
	__u8  has_timeout;		/* 0: semop, or semtimedop with NULL */
	__u8  tier;			/* enum ipcscope_hook */
	__u8  pad0[5];
};

/* SysV message queues: IPCSCOPE_EV_MSGSND and IPCSCOPE_EV_MSGRCV. */
struct ipcscope_msg_event {
	struct ipcscope_hdr hdr;
	__s64 ret;			/* msgsnd: 0; msgrcv: bytes; or -errno */
	__u64 duration_ns;		/* entry to return: time blocked */
	__s64 mtype;			/* sent, or received (mtype_valid) */
	__s64 msgtyp;			/* msgrcv: the type asked for */
	__u64 size;			/* msgsnd: msgsz; msgrcv: bufsz (msgsz) */
	__s32 msqid;
	__u32 msgflg;			/* IPC_NOWAIT, MSG_EXCEPT, ... */
	__u8  mtype_valid;		/* mtype could be read */
	__u8  tier;
	__u8  sender_approx;		/* the collector's queue model (tracepoint
					 * tier) could not order overlapping
					 * calls: the sender is a best guess */
	__u8  unwanted;			/* outside -p/-c: fed to the model only */
	__u8  pad0[4];
	/* msgrcv, sender_known: the send of the message received */
	__u64 sent_ts_ns;		/* when it was queued (ktime) */
	__u64 queued_ns;		/* queued until taken off the queue */
	__u32 sender_pid;
	__u32 sender_tid;
	char  sender_comm[IPCSCOPE_COMM_LEN];
	__u8  sender_known;		/* the send was seen (fentry, kprobe) */
	__u8  pad1[7];
};

/*
 * Signals, from the signal:signal_generate and signal:signal_deliver
 * tracepoints in every tier.  hdr is the sender (the task current when the
 * signal was generated) for generate, and the receiver for deliver.
 */
enum ipcscope_sig_result {		/* TRACE_SIGNAL_* of the tracepoint */
	IPCSCOPE_SIG_DELIVERED		= 0,
	IPCSCOPE_SIG_IGNORED		= 1,
	IPCSCOPE_SIG_ALREADY_PENDING	= 2,
	IPCSCOPE_SIG_OVERFLOW_FAIL	= 3,
	IPCSCOPE_SIG_LOSE_INFO		= 4,
};

enum ipcscope_sig_action {
	IPCSCOPE_SIG_ACT_DEFAULT	= 0,	/* SIG_DFL */
	IPCSCOPE_SIG_ACT_IGNORE		= 1,	/* SIG_IGN */
	IPCSCOPE_SIG_ACT_HANDLER	= 2,
};

struct ipcscope_signal_generate_event {
	struct ipcscope_hdr hdr;	/* the sender */
	char  target_comm[IPCSCOPE_COMM_LEN];
	__u32 target_pid;		/* tgid */
	__u32 target_tid;
	__s32 sig;
	__s32 code;			/* si_code: SI_USER, SI_QUEUE, ... */
	__s32 result;			/* enum ipcscope_sig_result */
	__u8  group;			/* 1: to the process, 0: to the thread */
	__u8  tier;
	__u8  pad0[2];
};

struct ipcscope_signal_deliver_event {
	struct ipcscope_hdr hdr;	/* the receiver */
	__u64 handler;			/* ka->sa.sa_handler (not named so: libc macro) */
	__u64 sa_flags;
	__u64 latency_ns;		/* since its generate (latency_known) */
	__s32 sig;
	__s32 code;
	__u8  action;			/* enum ipcscope_sig_action */
	__u8  latency_known;
	__u8  tier;
	__u8  pad0[5];
};

/*
 * Unix domain sockets: one event per sendmsg/recvmsg-level operation
 * (IPCSCOPE_EV_UNIX_SEND/RECV).  Documentation/events-unix.rst says where
 * each field comes from in each tier; `flags` says which are known.
 */
#define IPCSCOPE_UNIX_PATH_MAX	108	/* sizeof(sun_path) */

enum ipcscope_unix_flag {
	IPCSCOPE_UNIX_PEER_INO	= 1 << 0,	/* peer_ino is known */
	IPCSCOPE_UNIX_PEER_PID	= 1 << 1,	/* peer_pid (and peer_comm) */
	IPCSCOPE_UNIX_QUEUED	= 1 << 2,	/* queued is known */
	IPCSCOPE_UNIX_CREDS	= 1 << 3,	/* SCM_CREDENTIALS was attached */
	IPCSCOPE_UNIX_PEER_COMM	= 1 << 4,	/* peer_comm could be read */
	IPCSCOPE_UNIX_QUEUED_PARTIAL = 1 << 5,	/* longer queue than walked */
	IPCSCOPE_UNIX_PEER_SENDER = 1 << 6,	/* peer_pid: the task last seen
						 * sending on the datagram's
						 * socket (no skb credentials) */
	IPCSCOPE_UNIX_PEER_SKB	= 1 << 7,	/* peer_pid: the datagram's
						 * own credentials */
};

struct ipcscope_unix_event {
	struct ipcscope_hdr hdr;
	__u64 ino;			/* this socket's inode (fstat st_ino) */
	__u64 peer_ino;			/* the other end's (IPCSCOPE_UNIX_PEER_INO) */
	__u64 requested;		/* bytes asked for */
	__s64 ret;			/* bytes moved, or -errno */
	__u64 duration_ns;		/* entry to return, sleeps included */
	__u32 queued;			/* bytes in the receiving queue after */
	__u32 peer_pid;			/* tgid: see events-unix.rst */
	char  peer_comm[IPCSCOPE_COMM_LEN];
	__s32 creds_pid;		/* SCM_CREDENTIALS, as attached */
	__u32 creds_uid;
	__u32 creds_gid;
	__u16 fds;			/* descriptors passed with SCM_RIGHTS */
	__u16 path_len;			/* bytes of path[]; 0: no name */
	__u8  sock;			/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	__u8  tier;			/* enum ipcscope_hook */
	__u8  flags;			/* enum ipcscope_unix_flag */
	__u8  path_peer;		/* 1: path is the peer's (or the
					 * destination's), not this end's */
	__s32 fd;			/* fd used, or -1 when the tier can't tell */
	char  path[IPCSCOPE_UNIX_PATH_MAX];	/* sun_path bytes: abstract
						 * names start with a NUL */
	__u8  pad0[4];
};

/*
 * POSIX message queues: IPCSCOPE_EV_MQ_SEND and IPCSCOPE_EV_MQ_RECEIVE,
 * one per mq_timedsend(2)/mq_timedreceive(2) (mq_send/mq_receive in libc).
 * name is the queue's dentry name with the leading '/' mq_open was given
 * (name_status: enum ipcscope_path_status; NONE when the descriptor is not
 * a message queue).
 */
#define IPCSCOPE_MQ_NAME_MAX	256	/* bytes, NUL included */

struct ipcscope_mq_event {
	struct ipcscope_hdr hdr;
	__s64 ret;			/* send: 0; receive: bytes; or -errno */
	__u64 duration_ns;		/* entry to return: time blocked */
	__u64 requested;		/* msg_len as passed */
	__s64 queued;			/* mq_curmsgs after the call, -1: unknown */
	__u64 ino;			/* the queue's inode, 0: not a queue */
	/* receive, sender_known: the send of the message received */
	__u64 sent_ts_ns;		/* when it was queued (ktime) */
	__u64 queued_ns;		/* queued until taken off the queue */
	__s32 mqd;
	__u32 prio;			/* sent, or received (prio_valid) */
	__u32 sender_pid;		/* tgid */
	__u32 sender_tid;
	char  sender_comm[IPCSCOPE_COMM_LEN];
	__u8  prio_valid;
	__u8  tier;			/* enum ipcscope_hook */
	__u8  name_status;		/* enum ipcscope_path_status */
	__u8  sender_known;		/* the send was seen (fentry, kprobe) */
	__u8  sender_approx;		/* as in struct ipcscope_msg_event */
	__u8  unwanted;			/* outside -p/-c: fed to the model only */
	__u8  pad0[2];
	char  name[IPCSCOPE_MQ_NAME_MAX];
};

enum ipcscope_mq_notify_action {
	IPCSCOPE_MQ_NOTIFY_REGISTER	= 1,	/* mq_notify(mqd, sevp) */
	IPCSCOPE_MQ_NOTIFY_UNREGISTER	= 2,	/* mq_notify(mqd, NULL) */
	IPCSCOPE_MQ_NOTIFY_FIRE		= 3,	/* a send to the empty queue
						 * consumed the registration */
};

/* IPCSCOPE_EV_MQ_NOTIFY.  For FIRE, hdr is the sender and owner_pid the
 * process that had registered; mqd is the sender's descriptor. */
struct ipcscope_mq_notify_event {
	struct ipcscope_hdr hdr;
	__s64 ret;			/* 0, or -errno (register, unregister) */
	__u64 ino;
	__s32 mqd;
	__s32 signo;			/* sigev_signo */
	__s32 notify;			/* sigev_notify: SIGEV_SIGNAL, ... */
	__u32 owner_pid;		/* FIRE: the registered tgid */
	__u8  action;			/* enum ipcscope_mq_notify_action */
	__u8  tier;
	__u8  name_status;
	__u8  pad0[5];
	char  name[IPCSCOPE_MQ_NAME_MAX];
};

/*
 * Shared memory: SysV shmget, shmat, shmdt, shmctl (struct
 * ipcscope_shm_event), and memfd_create (struct ipcscope_memfd_event).
 */
struct ipcscope_shm_event {
	struct ipcscope_hdr hdr;
	__s64 ret;			/* shmget: shmid; shmat: address;
					 * shmdt, shmctl: 0; or -errno */
	__u64 size;			/* shmget */
	__u64 addr;			/* shmat: as asked; shmdt: detached */
	__s64 key;			/* shmget */
	__s32 shmid;			/* shmat, shmctl */
	__s32 cmd;			/* shmctl */
	__u32 flags;			/* shmget, shmat: shmflg */
	__u8  tier;
	__u8  pad0[3];
};

#define IPCSCOPE_MEMFD_NAME_MAX	256	/* the kernel takes 249 + NUL */

/* memfd_create, and shm_open (an openat of a path under /dev/shm: name
 * is the part after "/dev/shm", the name shm_open was given). */
struct ipcscope_memfd_event {
	struct ipcscope_hdr hdr;
	__s64 ret;			/* the new fd, or -errno */
	__u32 flags;			/* MFD_CLOEXEC, ...; shm_open: O_* */
	__u8  tier;
	__u8  name_status;		/* FULL, TRUNCATED or UNREADABLE */
	__u8  pad0[2];
	char  name[IPCSCOPE_MEMFD_NAME_MAX];
};

/*
 * MAP_SHARED mmap(2) of a POSIX shm object (a file of the tmpfs mounted
 * on /dev/shm) or a memfd, and munmap(2) of such a mapping made while
 * tracing (the collector's BPF side remembers them by process and
 * address; other munmaps are not reported).
 */
enum ipcscope_shm_kind {
	IPCSCOPE_SHM_POSIX	= 1,	/* name: "/NAME", as shm_open had it */
	IPCSCOPE_SHM_MEMFD	= 2,	/* name: "memfd:NAME", the dentry's */
};

struct ipcscope_mmap_event {
	struct ipcscope_hdr hdr;
	__s64 ret;			/* mmap: the address; munmap: 0; or
					 * -errno */
	__u64 addr;			/* mmap: as asked; munmap: unmapped */
	__u64 size;			/* length */
	__u64 offset;			/* mmap: file offset */
	__u64 ino;			/* the object's inode */
	__s32 fd;			/* mmap: the descriptor mapped */
	__u32 prot;			/* mmap: PROT_* */
	__u32 flags;			/* mmap: MAP_* */
	__u8  tier;
	__u8  name_status;		/* enum ipcscope_path_status */
	__u8  kind;			/* enum ipcscope_shm_kind */
	__u8  pad0;
	char  name[IPCSCOPE_MEMFD_NAME_MAX];
};

/*
 * Payload capture (--payload N, off by default): the first bytes a call
 * of a byte-carrying family (pipe, unix, msg, mq) really moved, at most N (the
 * collector's payload_max, IPCSCOPE_PAYLOAD_MAX at most), in a record of
 * their own.  It follows its event in the ring: the BPF program emits it
 * after filling the event and before submitting it, so the collector
 * always consumes the event first, then, perhaps after other CPUs'
 * records, its payload.  They share hdr.ts_ns, hdr.pid, hdr.tid and
 * hdr.comm; event_type is the event's hdr.type.  Keeping the bytes out of
 * the event records leaves every event layout (and its size variants, such
 * as the FIFO path event) as it is, and costs nothing when off.
 *
 * data[] follows the fixed part: hdr.size = sizeof(struct
 * ipcscope_payload) + len.  It holds the first len bytes the call moved:
 * len is min(bytes moved, N), or less when truncated says the copy was cut
 * short (see status, and the iovec limit in Documentation/ipcscope.rst).
 */
#define IPCSCOPE_PAYLOAD_MAX	4096	/* --payload N: N at most */

enum ipcscope_payload_status {
	IPCSCOPE_PAYLOAD_OK	= 0,	/* data[] as described above */
	IPCSCOPE_PAYLOAD_FAULT	= 1,	/* user memory could not be read
					 * (paged out): data[] stops there */
	IPCSCOPE_PAYLOAD_KERNEL	= 2,	/* the bytes did not move through user
					 * memory (splice, kernel I/O): none */
	IPCSCOPE_PAYLOAD_BUSY	= 3,	/* this CPU's copy buffer was in use
					 * (a preempted probe): none */
};

struct ipcscope_payload {
	struct ipcscope_hdr hdr;	/* type IPCSCOPE_EV_PAYLOAD; the rest
					 * the event's */
	__u32 event_type;		/* the event's hdr.type */
	__u32 len;			/* bytes of data[] */
	__u8  truncated;		/* the call moved more than len bytes */
	__u8  status;			/* enum ipcscope_payload_status */
	__u8  pad0[6];
	/* __u8 data[len] */
};

/*
 * --peers.  A note is not an event of its own: it annotates the next
 * event of the same tid (hdr.tid), which the same program run reserves
 * right after it, so the two are adjacent in that CPU's order of the ring
 * (another CPU's records may fall between).  A note whose event could not
 * be reserved is discarded.  Collectors that do not know the type skip it.
 *
 * IPCSCOPE_EV_PEER_WAKE: the call that follows slept, and this task made
 * it runnable (sched_waking), or an interrupt did (from_irq: no task).
 */
struct ipcscope_wake_event {
	struct ipcscope_hdr hdr;	/* the woken task's, like its event's */
	__u32 waker_pid;		/* tgid; 0 with from_irq */
	__u32 waker_tid;
	char  waker_comm[IPCSCOPE_COMM_LEN];
	__u8  from_irq;			/* woken from hardirq, NMI or softirq */
	__u8  pad0[7];
};

/*
 * IPCSCOPE_EV_PEER_FROM, ahead of a pipe_read that returned bytes: whose
 * bytes they were, in stream order (Documentation/design.rst, "Pipe
 * peers").  pid 0: no known writer (in the pipe before tracing began, or
 * not attributable: then approx is set).  The bytes add up to the read's
 * return value.
 */
#define IPCSCOPE_FROM_MAX	8

struct ipcscope_from_seg {
	__u32 pid;			/* the writer's tgid; 0: unknown */
	__u32 bytes;
	char  comm[IPCSCOPE_COMM_LEN];
};

struct ipcscope_from_event {
	struct ipcscope_hdr hdr;	/* the reader's, like its event's */
	__u8  nfrom;			/* entries used in from[] */
	__u8  approx;			/* order not recoverable (see design) */
	__u8  truncated;		/* more writers than IPCSCOPE_FROM_MAX:
					 * the last entry holds the rest, pid 0 */
	__u8  pad0[5];
	struct ipcscope_from_seg from[IPCSCOPE_FROM_MAX];
};

/*
 * The layout, checked wherever this header is compiled: clang -target bpf
 * for the programs, gcc for the collector.  A change that moves a field
 * fails the build on both sides instead of garbling events at run time.
 */
#ifdef __cplusplus
#define IPCSCOPE_ABI_ASSERT static_assert
#else
#define IPCSCOPE_ABI_ASSERT _Static_assert
#endif
#define IPCSCOPE_ABI_SIZE(type, n) \
	IPCSCOPE_ABI_ASSERT(sizeof(struct type) == (n), #type " is " #n " bytes")
#define IPCSCOPE_ABI_OFF(type, field, n) \
	IPCSCOPE_ABI_ASSERT(__builtin_offsetof(struct type, field) == (n), \
			    #type "." #field " at " #n)

IPCSCOPE_ABI_SIZE(ipcscope_hdr, 40);
IPCSCOPE_ABI_OFF(ipcscope_hdr, ts_ns, 0);
IPCSCOPE_ABI_OFF(ipcscope_hdr, type, 8);
IPCSCOPE_ABI_OFF(ipcscope_hdr, size, 12);
IPCSCOPE_ABI_OFF(ipcscope_hdr, pid, 16);
IPCSCOPE_ABI_OFF(ipcscope_hdr, tid, 20);
IPCSCOPE_ABI_OFF(ipcscope_hdr, comm, 24);

IPCSCOPE_ABI_SIZE(ipcscope_pipe_event, 96);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, ino, 40);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, requested, 48);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, ret, 56);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, duration_ns, 64);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, dev, 72);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, fd, 76);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, buffered, 80);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, capacity, 84);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, slots_used, 88);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, slots, 90);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, kind, 92);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, tier, 93);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, buffered_partial, 94);
IPCSCOPE_ABI_OFF(ipcscope_pipe_event, path_status, 95);
IPCSCOPE_ABI_SIZE(ipcscope_pipe_path_event, 96 + IPCSCOPE_PATH_MAX);
IPCSCOPE_ABI_OFF(ipcscope_pipe_path_event, path, 96);

IPCSCOPE_ABI_SIZE(ipcscope_sembuf, 6);
IPCSCOPE_ABI_SIZE(ipcscope_semop_event, 128);
IPCSCOPE_ABI_OFF(ipcscope_semop_event, ret, 40);
IPCSCOPE_ABI_OFF(ipcscope_semop_event, duration_ns, 48);
IPCSCOPE_ABI_OFF(ipcscope_semop_event, timeout_ns, 56);
IPCSCOPE_ABI_OFF(ipcscope_semop_event, semid, 64);
IPCSCOPE_ABI_OFF(ipcscope_semop_event, nsops, 68);
IPCSCOPE_ABI_OFF(ipcscope_semop_event, ops, 72);
IPCSCOPE_ABI_OFF(ipcscope_semop_event, ops_copied, 120);
IPCSCOPE_ABI_OFF(ipcscope_semop_event, has_timeout, 121);
IPCSCOPE_ABI_OFF(ipcscope_semop_event, tier, 122);
IPCSCOPE_ABI_OFF(ipcscope_semop_event, pad0, 123);

IPCSCOPE_ABI_SIZE(ipcscope_msg_event, 144);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, ret, 40);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, duration_ns, 48);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, mtype, 56);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, msgtyp, 64);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, size, 72);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, msqid, 80);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, msgflg, 84);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, mtype_valid, 88);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, tier, 89);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, sender_approx, 90);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, unwanted, 91);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, pad0, 92);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, sent_ts_ns, 96);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, queued_ns, 104);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, sender_pid, 112);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, sender_tid, 116);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, sender_comm, 120);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, sender_known, 136);
IPCSCOPE_ABI_OFF(ipcscope_msg_event, pad1, 137);

IPCSCOPE_ABI_SIZE(ipcscope_signal_generate_event, 80);
IPCSCOPE_ABI_OFF(ipcscope_signal_generate_event, target_comm, 40);
IPCSCOPE_ABI_OFF(ipcscope_signal_generate_event, target_pid, 56);
IPCSCOPE_ABI_OFF(ipcscope_signal_generate_event, target_tid, 60);
IPCSCOPE_ABI_OFF(ipcscope_signal_generate_event, sig, 64);
IPCSCOPE_ABI_OFF(ipcscope_signal_generate_event, code, 68);
IPCSCOPE_ABI_OFF(ipcscope_signal_generate_event, result, 72);
IPCSCOPE_ABI_OFF(ipcscope_signal_generate_event, group, 76);
IPCSCOPE_ABI_OFF(ipcscope_signal_generate_event, tier, 77);
IPCSCOPE_ABI_OFF(ipcscope_signal_generate_event, pad0, 78);

IPCSCOPE_ABI_SIZE(ipcscope_signal_deliver_event, 80);
IPCSCOPE_ABI_OFF(ipcscope_signal_deliver_event, handler, 40);
IPCSCOPE_ABI_OFF(ipcscope_signal_deliver_event, sa_flags, 48);
IPCSCOPE_ABI_OFF(ipcscope_signal_deliver_event, latency_ns, 56);
IPCSCOPE_ABI_OFF(ipcscope_signal_deliver_event, sig, 64);
IPCSCOPE_ABI_OFF(ipcscope_signal_deliver_event, code, 68);
IPCSCOPE_ABI_OFF(ipcscope_signal_deliver_event, action, 72);
IPCSCOPE_ABI_OFF(ipcscope_signal_deliver_event, latency_known, 73);
IPCSCOPE_ABI_OFF(ipcscope_signal_deliver_event, tier, 74);
IPCSCOPE_ABI_OFF(ipcscope_signal_deliver_event, pad0, 75);

IPCSCOPE_ABI_SIZE(ipcscope_unix_event, 240);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, ino, 40);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, peer_ino, 48);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, requested, 56);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, ret, 64);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, duration_ns, 72);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, queued, 80);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, peer_pid, 84);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, peer_comm, 88);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, creds_pid, 104);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, creds_uid, 108);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, creds_gid, 112);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, fds, 116);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, path_len, 118);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, sock, 120);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, tier, 121);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, flags, 122);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, path_peer, 123);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, fd, 124);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, path, 128);
IPCSCOPE_ABI_OFF(ipcscope_unix_event, pad0, 236);
IPCSCOPE_ABI_SIZE(ipcscope_mq_event, 136 + IPCSCOPE_MQ_NAME_MAX);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, ret, 40);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, duration_ns, 48);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, requested, 56);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, queued, 64);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, ino, 72);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, sent_ts_ns, 80);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, queued_ns, 88);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, mqd, 96);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, prio, 100);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, sender_pid, 104);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, sender_tid, 108);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, sender_comm, 112);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, prio_valid, 128);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, tier, 129);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, name_status, 130);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, sender_known, 131);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, sender_approx, 132);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, unwanted, 133);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, pad0, 134);
IPCSCOPE_ABI_OFF(ipcscope_mq_event, name, 136);

IPCSCOPE_ABI_SIZE(ipcscope_mq_notify_event, 80 + IPCSCOPE_MQ_NAME_MAX);
IPCSCOPE_ABI_OFF(ipcscope_mq_notify_event, ret, 40);
IPCSCOPE_ABI_OFF(ipcscope_mq_notify_event, ino, 48);
IPCSCOPE_ABI_OFF(ipcscope_mq_notify_event, mqd, 56);
IPCSCOPE_ABI_OFF(ipcscope_mq_notify_event, signo, 60);
IPCSCOPE_ABI_OFF(ipcscope_mq_notify_event, notify, 64);
IPCSCOPE_ABI_OFF(ipcscope_mq_notify_event, owner_pid, 68);
IPCSCOPE_ABI_OFF(ipcscope_mq_notify_event, action, 72);
IPCSCOPE_ABI_OFF(ipcscope_mq_notify_event, tier, 73);
IPCSCOPE_ABI_OFF(ipcscope_mq_notify_event, name_status, 74);
IPCSCOPE_ABI_OFF(ipcscope_mq_notify_event, pad0, 75);
IPCSCOPE_ABI_OFF(ipcscope_mq_notify_event, name, 80);

IPCSCOPE_ABI_SIZE(ipcscope_shm_event, 88);
IPCSCOPE_ABI_OFF(ipcscope_shm_event, ret, 40);
IPCSCOPE_ABI_OFF(ipcscope_shm_event, size, 48);
IPCSCOPE_ABI_OFF(ipcscope_shm_event, addr, 56);
IPCSCOPE_ABI_OFF(ipcscope_shm_event, key, 64);
IPCSCOPE_ABI_OFF(ipcscope_shm_event, shmid, 72);
IPCSCOPE_ABI_OFF(ipcscope_shm_event, cmd, 76);
IPCSCOPE_ABI_OFF(ipcscope_shm_event, flags, 80);
IPCSCOPE_ABI_OFF(ipcscope_shm_event, tier, 84);
IPCSCOPE_ABI_OFF(ipcscope_shm_event, pad0, 85);

IPCSCOPE_ABI_SIZE(ipcscope_memfd_event, 56 + IPCSCOPE_MEMFD_NAME_MAX);
IPCSCOPE_ABI_OFF(ipcscope_memfd_event, ret, 40);
IPCSCOPE_ABI_OFF(ipcscope_memfd_event, flags, 48);
IPCSCOPE_ABI_OFF(ipcscope_memfd_event, tier, 52);
IPCSCOPE_ABI_OFF(ipcscope_memfd_event, name_status, 53);
IPCSCOPE_ABI_OFF(ipcscope_memfd_event, pad0, 54);
IPCSCOPE_ABI_OFF(ipcscope_memfd_event, name, 56);

IPCSCOPE_ABI_SIZE(ipcscope_mmap_event, 96 + IPCSCOPE_MEMFD_NAME_MAX);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, ret, 40);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, addr, 48);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, size, 56);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, offset, 64);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, ino, 72);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, fd, 80);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, prot, 84);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, flags, 88);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, tier, 92);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, name_status, 93);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, kind, 94);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, pad0, 95);
IPCSCOPE_ABI_OFF(ipcscope_mmap_event, name, 96);

IPCSCOPE_ABI_SIZE(ipcscope_wake_event, 72);
IPCSCOPE_ABI_OFF(ipcscope_wake_event, waker_pid, 40);
IPCSCOPE_ABI_OFF(ipcscope_wake_event, waker_tid, 44);
IPCSCOPE_ABI_OFF(ipcscope_wake_event, waker_comm, 48);
IPCSCOPE_ABI_OFF(ipcscope_wake_event, from_irq, 64);
IPCSCOPE_ABI_OFF(ipcscope_wake_event, pad0, 65);

IPCSCOPE_ABI_SIZE(ipcscope_from_seg, 24);
IPCSCOPE_ABI_SIZE(ipcscope_from_event, 48 + 24 * IPCSCOPE_FROM_MAX);
IPCSCOPE_ABI_OFF(ipcscope_from_event, nfrom, 40);
IPCSCOPE_ABI_OFF(ipcscope_from_event, approx, 41);
IPCSCOPE_ABI_OFF(ipcscope_from_event, truncated, 42);
IPCSCOPE_ABI_OFF(ipcscope_from_event, from, 48);

IPCSCOPE_ABI_SIZE(ipcscope_payload, 56);
IPCSCOPE_ABI_OFF(ipcscope_payload, event_type, 40);
IPCSCOPE_ABI_OFF(ipcscope_payload, len, 44);
IPCSCOPE_ABI_OFF(ipcscope_payload, truncated, 48);
IPCSCOPE_ABI_OFF(ipcscope_payload, status, 49);
IPCSCOPE_ABI_OFF(ipcscope_payload, pad0, 50);

#endif /* IPCSCOPE_H */
