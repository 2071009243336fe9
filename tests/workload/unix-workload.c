// SPDX-License-Identifier: GPL-2.0
/*
 * Unix domain socket traffic whose numbers are known in advance, for the
 * integration tests.  Facts go to $IPCSCOPE_FACTS.
 *
 *   unix-workload stream      a socketpair: send()s of known sizes one way,
 *                             received in 1000-byte recv()s; write()s the
 *                             other way, one read(); and 3 writes to a
 *                             pipe (read/write are shared with pipe)
 *   unix-workload dgram PATH  a datagram server bound at PATH, two
 *                             clients (children) sendto() it 3 datagrams
 *                             each, of sizes that say who sent them
 *   unix-workload seqpacket   an abstract seqpacket listener and a client:
 *                             messages of 5, 50 and 500 bytes, and a 40
 *                             byte one received into 3 bytes
 *   unix-workload rights      SCM_RIGHTS with 3 descriptors, then
 *                             SCM_CREDENTIALS, on a stream socketpair
 *   unix-workload block MS    a child's recv() sleeps on an empty socket
 *                             until a send MS ms after it is seen asleep
 *   unix-workload hold PATH   holds, for `ipcscope sockets`: a listener at
 *                             PATH (backlog 4) with one accepted client and
 *                             one waiting, and a datagram socketpair with
 *                             2 datagrams (10 and 20 bytes) queued
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include "workload.h"

static const size_t stream_sizes[] = { 100, 2000, 7, 4096, 333 };
#define NSTREAM (sizeof(stream_sizes) / sizeof(stream_sizes[0]))
#define CHUNK 1000
#define BACK_WRITES 3
#define BACK_SIZE 64

static char buf[8192];

static unsigned long long ino_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	return st.st_ino;
}

static int cmd_stream(void)
{
	unsigned long long total = 0, got = 0;
	int sv[2], p[2], i, nrecv = 0;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(p))
		die("socketpair");
	for (i = 0; i < (int)NSTREAM; i++)
		total += stream_sizes[i];
	fact("{\"pid\":%d,\"ino_a\":%llu,\"ino_b\":%llu,\"sent\":%llu,"
	     "\"pipe_ino\":%llu}", getpid(), ino_of(sv[0]), ino_of(sv[1]),
	     total, ino_of(p[0]));
	pause_for_test();
	for (i = 0; i < (int)NSTREAM; i++)
		if (send(sv[0], buf, stream_sizes[i], 0) !=
		    (ssize_t)stream_sizes[i])
			die("send");
	/* all queued: each recv takes min(CHUNK, what is left) */
	while (got < total) {
		n = recv(sv[1], buf, CHUNK, 0);
		if (n <= 0)
			die("recv");
		if (n != (ssize_t)(total - got < CHUNK ? total - got : CHUNK))
			die("recv returned %zd", n);
		got += n;
		nrecv++;
	}
	for (i = 0; i < BACK_WRITES; i++)
		if (write(sv[1], buf, BACK_SIZE) != BACK_SIZE)
			die("write");
	n = read(sv[0], buf, sizeof(buf));
	if (n != BACK_WRITES * BACK_SIZE)
		die("read returned %zd", n);
	for (i = 0; i < 3; i++)
		if (write(p[1], buf, 10) != 10)
			die("pipe write");
	fact("{\"recvs\":%d,\"received\":%llu,\"back\":%d}", nrecv, got,
	     BACK_WRITES * BACK_SIZE);
	return 0;
}

static void fill_addr(struct sockaddr_un *sa, socklen_t *len,
		      const char *name, bool abstract)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (abstract) {
		/* sun_path[0] stays NUL; no trailing NUL in the length */
		memcpy(sa->sun_path + 1, name, strlen(name));
		*len = offsetof(struct sockaddr_un, sun_path) + 1 +
		       strlen(name);
	} else {
		strcpy(sa->sun_path, name);
		*len = offsetof(struct sockaddr_un, sun_path) +
		       strlen(name) + 1;
	}
}

/* client i sends datagrams of sizes 10*(i+1) + k, k = 0..2 */
static int cmd_dgram(const char *path)
{
	struct sockaddr_un sa;
	socklen_t len;
	pid_t kids[2];
	int srv, i, k;

	unlink(path);
	fill_addr(&sa, &len, path, false);
	srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&sa, len))
		die("bind %s", path);
	fact("{\"pid\":%d,\"server_ino\":%llu}", getpid(), ino_of(srv));
	pause_for_test();
	for (i = 0; i < 2; i++) {
		fflush(NULL);
		kids[i] = fork();
		if (kids[i] < 0)
			die("fork");
		if (kids[i] == 0) {
			int c = socket(AF_UNIX, SOCK_DGRAM, 0);

			for (k = 0; k < 3; k++)
				if (sendto(c, buf, 10 * (i + 1) + k, 0,
					   (struct sockaddr *)&sa, len) < 0)
					die("sendto");
			_exit(0);
		}
	}
	if (reap_clean(kids, 2) != 2)
		die("a client failed");
	for (k = 0; k < 6; k++)
		if (recv(srv, buf, sizeof(buf), 0) < 0)
			die("recv");
	fact("{\"client1\":%d,\"client2\":%d}", kids[0], kids[1]);
	close(srv);
	unlink(path);
	return 0;
}

static int cmd_seqpacket(void)
{
	static const int sizes[] = { 5, 50, 500 };
	struct sockaddr_un sa;
	char name[64];
	socklen_t len;
	int lst, cli, srv, i;

	snprintf(name, sizeof(name), "ipcscope-seqpacket-%d", getpid());
	fill_addr(&sa, &len, name, true);
	lst = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	cli = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (lst < 0 || cli < 0 || bind(lst, (struct sockaddr *)&sa, len) ||
	    listen(lst, 1) || connect(cli, (struct sockaddr *)&sa, len))
		die("seqpacket setup");
	srv = accept(lst, NULL, NULL);
	if (srv < 0)
		die("accept");
	fact("{\"pid\":%d,\"client_ino\":%llu,\"server_ino\":%llu,"
	     "\"name\":\"@%s\"}", getpid(), ino_of(cli), ino_of(srv), name);
	pause_for_test();
	for (i = 0; i < 3; i++)
		if (send(cli, buf, sizes[i], 0) != sizes[i])
			die("send");
	if (send(cli, buf, 40, 0) != 40)
		die("send");
	for (i = 0; i < 3; i++)
		if (recv(srv, buf, sizeof(buf), 0) != sizes[i])
			die("recv: a message boundary moved");
	if (recv(srv, buf, 3, 0) != 3)	/* the rest of the 40 is dropped */
		die("recv 3");
	return 0;
}

static int cmd_rights(void)
{
	struct ucred cred = { getpid(), getuid(), getgid() };
	int sv[2], fds[3], got[3] = { -1, -1, -1 }, one = 1, i;
	union {		/* room for what SO_PASSCRED adds on receipt */
		char buf[CMSG_SPACE(sizeof(fds)) +
			 CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = CMSG_SPACE(sizeof(fds)) };
	struct cmsghdr *c;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	if (setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
		die("SO_PASSCRED");
	for (i = 0; i < 3; i++)
		fds[i] = dup(0);
	fact("{\"pid\":%d,\"ino_a\":%llu,\"ino_b\":%llu,\"uid\":%d,"
	     "\"gid\":%d}", getpid(), ino_of(sv[0]), ino_of(sv[1]), getuid(),
	     getgid());
	pause_for_test();
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	if (sendmsg(sv[0], &m, 0) != 1)
		die("sendmsg SCM_RIGHTS");
	memset(ctl.buf, 0, sizeof(ctl.buf));
	m.msg_controllen = sizeof(ctl.buf);
	if (recvmsg(sv[1], &m, 0) != 1)
		die("recvmsg SCM_RIGHTS");
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_type == SCM_RIGHTS)
			memcpy(got, CMSG_DATA(c), sizeof(got));
	if (got[2] < 0)
		die("no descriptors received");
	/* then the credentials, alone */
	memset(ctl.buf, 0, sizeof(ctl.buf));
	m.msg_controllen = CMSG_SPACE(sizeof(cred));
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(c), &cred, sizeof(cred));
	if (sendmsg(sv[0], &m, 0) != 1)
		die("sendmsg SCM_CREDENTIALS");
	m.msg_controllen = sizeof(ctl.buf);
	if (recvmsg(sv[1], &m, 0) != 1)
		die("recvmsg SCM_CREDENTIALS");
	return 0;
}

static int cmd_block(int ms)
{
	struct timespec nap = { ms / 1000, (ms % 1000) * 1000000L };
	int sv[2], status;
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	fflush(NULL);
	child = fork();
	if (child == 0) {
		raise(SIGSTOP);
		if (recv(sv[1], buf, sizeof(buf), 0) != 8)
			die("blocking recv");
		_exit(0);
	}
	waitpid(child, &status, WUNTRACED);
	fact("{\"pid\":%d,\"child\":%d,\"sleep_ms\":%d}", getpid(), child, ms);
	pause_for_test();
	kill(child, SIGCONT);
	wait_blocked_in(child, SYS_recvfrom, -1);
	nanosleep(&nap, NULL);
	if (send(sv[0], "wake up", 8, 0) != 8)
		die("send");
	waitpid(child, &status, 0);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}

static int cmd_hold(const char *path)
{
	int lst, cli, acc, waiting, sv[2];
	struct sockaddr_un sa;
	socklen_t len;

	unlink(path);
	fill_addr(&sa, &len, path, false);
	lst = socket(AF_UNIX, SOCK_STREAM, 0);
	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	waiting = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lst < 0 || cli < 0 || waiting < 0 ||
	    bind(lst, (struct sockaddr *)&sa, len) || listen(lst, 4) ||
	    connect(cli, (struct sockaddr *)&sa, len))
		die("listener setup");
	acc = accept(lst, NULL, NULL);
	if (acc < 0 || connect(waiting, (struct sockaddr *)&sa, len))
		die("accept");
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) ||
	    send(sv[0], buf, 10, 0) != 10 || send(sv[0], buf, 20, 0) != 20)
		die("datagram pair");
	fact("{\"pid\":%d,\"listener\":%llu,\"listener_fd\":%d,"
	     "\"client\":%llu,\"client_fd\":%d,\"accepted\":%llu,"
	     "\"accepted_fd\":%d,\"waiting\":%llu,\"pair_a\":%llu,"
	     "\"pair_b\":%llu,\"pair_b_fd\":%d}",
	     getpid(), ino_of(lst), lst, ino_of(cli), cli, ino_of(acc), acc,
	     ino_of(waiting), ino_of(sv[0]), ino_of(sv[1]), sv[1]);
	pause_for_test();
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "stream") && argc == 2)
		return cmd_stream();
	if (!strcmp(mode, "dgram") && argc == 3)
		return cmd_dgram(argv[2]);
	if (!strcmp(mode, "seqpacket") && argc == 2)
		return cmd_seqpacket();
	if (!strcmp(mode, "rights") && argc == 2)
		return cmd_rights();
	if (!strcmp(mode, "block") && argc == 3)
		return cmd_block(atoi(argv[2]));
	if (!strcmp(mode, "hold") && argc == 3)
		return cmd_hold(argv[2]);
	fprintf(stderr, "usage: unix-workload stream | dgram PATH | seqpacket | rights | block MS | hold PATH\n");
	return 2;
}
