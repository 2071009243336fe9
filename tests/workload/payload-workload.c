// SPDX-License-Identifier: GPL-2.0
/*
 * Known bytes through a pipe, a FIFO, a stream socketpair and a datagram
 * socketpair, for the --payload test (tests/lib/payload_data.h has the
 * bytes).  One process, in this order; facts go to $IPCSCOPE_FACTS.
 *
 *   pipe    write 256 bytes 0..255, read them with read(4096);
 *           write PAYLOAD_BIG, read(PAYLOAD_BIG);
 *           writev the UTF-8 text in 3 iovecs, readv it into 4 + 200;
 *           a non-blocking read of the empty pipe (EAGAIN)
 *   fifo    write the UTF-8 text, read(100)
 *   stream  send 0..255, recv(4096); sendmsg the text in 3 iovecs,
 *           recvmsg into 3 + 200; write PAYLOAD_BIG, read(PAYLOAD_BIG)
 *   dgram   send PAYLOAD_DGRAM, recv(100): 100 bytes;
 *           send PAYLOAD_DGRAM, recv(10, MSG_TRUNC): returns 300
 *
 *   payload-workload FIFO_PATH
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include "payload_data.h"
#include "workload.h"

static unsigned char all256[256], big[PAYLOAD_BIG], buf[8192];
static const char utf8[] = PAYLOAD_UTF8;
#define UTF8_LEN (sizeof(utf8) - 1)

static unsigned long long ino_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	return st.st_ino;
}

static void must(ssize_t got, ssize_t want, const char *what)
{
	if (got != want)
		die("%s returned %zd, not %zd", what, got, want);
}

/* The text in 3 iovecs: 5, 7 and the rest. */
static void utf8_iov(struct iovec *iov)
{
	iov[0] = (struct iovec){ (void *)utf8, 5 };
	iov[1] = (struct iovec){ (void *)(utf8 + 5), 7 };
	iov[2] = (struct iovec){ (void *)(utf8 + 12), UTF8_LEN - 12 };
}

static void pipe_ops(int r, int w)
{
	struct iovec iov[3];

	must(write(w, all256, 256), 256, "write");
	must(read(r, buf, 4096), 256, "read");
	must(write(w, big, PAYLOAD_BIG), PAYLOAD_BIG, "write");
	must(read(r, buf, PAYLOAD_BIG), PAYLOAD_BIG, "read");
	utf8_iov(iov);
	must(writev(w, iov, 3), UTF8_LEN, "writev");
	iov[0] = (struct iovec){ buf, 4 };
	iov[1] = (struct iovec){ buf + 4, 200 };
	must(readv(r, iov, 2), UTF8_LEN, "readv");
	if (fcntl(r, F_SETFL, O_NONBLOCK))
		die("fcntl");
	if (read(r, buf, 10) != -1 || errno != EAGAIN)
		die("read of an empty pipe");
}

static void stream_ops(int a, int b)
{
	struct msghdr msg = { 0 };
	struct iovec iov[3];

	must(send(a, all256, 256, 0), 256, "send");
	must(recv(b, buf, 4096, 0), 256, "recv");
	utf8_iov(iov);
	msg.msg_iov = iov;
	msg.msg_iovlen = 3;
	must(sendmsg(a, &msg, 0), UTF8_LEN, "sendmsg");
	iov[0] = (struct iovec){ buf, 3 };
	iov[1] = (struct iovec){ buf + 3, 200 };
	msg.msg_iovlen = 2;
	must(recvmsg(b, &msg, 0), UTF8_LEN, "recvmsg");
	must(write(a, big, PAYLOAD_BIG), PAYLOAD_BIG, "write");
	must(read(b, buf, PAYLOAD_BIG), PAYLOAD_BIG, "read");
}

static void dgram_ops(int a, int b)
{
	must(send(a, big, PAYLOAD_DGRAM, 0), PAYLOAD_DGRAM, "send");
	must(recv(b, buf, 100, 0), 100, "recv");
	must(send(a, big, PAYLOAD_DGRAM, 0), PAYLOAD_DGRAM, "send");
	must(recv(b, buf, 10, MSG_TRUNC), PAYLOAD_DGRAM, "recv(MSG_TRUNC)");
}

int main(int argc, char **argv)
{
	int p[2], s[2], d[2], fifo;

	if (argc != 2)
		die("usage: payload-workload FIFO_PATH");
	payload_all256(all256);
	payload_big(big);
	unlink(argv[1]);
	if (pipe(p) || mkfifo(argv[1], 0600) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, s) ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, d))
		die("setup");
	fifo = open(argv[1], O_RDWR);
	if (fifo < 0)
		die("open %s", argv[1]);
	fact("{\"pid\":%d,\"pipe\":%llu,\"fifo\":%llu,\"stream_a\":%llu,"
	     "\"stream_b\":%llu,\"dgram_a\":%llu,\"dgram_b\":%llu}",
	     getpid(), ino_of(p[0]), ino_of(fifo), ino_of(s[0]),
	     ino_of(s[1]), ino_of(d[0]), ino_of(d[1]));
	pause_for_test();
	pipe_ops(p[0], p[1]);
	must(write(fifo, utf8, UTF8_LEN), UTF8_LEN, "write");
	must(read(fifo, buf, 100), UTF8_LEN, "read");
	stream_ops(s[0], s[1]);
	dgram_ops(d[0], d[1]);
	unlink(argv[1]);
	return 0;
}
