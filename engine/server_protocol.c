/* SPDX-License-Identifier: MIT */
/*
 * engine/server_protocol.c - the requests of a fork server, the runner's
 * side: the ready byte while it loads, a test's job page and streams sent
 * (SCM_RIGHTS), and the pid of the child it made read back.  A server that
 * fails any of them is stopped (pyn__server_stop): its tests go on in
 * spawn mode (server.c).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "server.h"
#include "server_internal.h"

enum pyn__server_state pyn__server_state(const struct pyn__server *s)
{
	return s ? s->state : PYN__SERVER_FAILED;
}

/*
 * While loading: the ready byte (or EOF: it died), or the loading
 * deadline.  Once ready, the socket is no longer watched.
 */
enum pyn__server_state pyn__server_event(struct pyn__server *s,
					 struct pyn_engine *e)
{
	char c = 0;
	ssize_t n;

	if (s->state != PYN__SERVER_LOADING)
		return s->state;
	n = recv(s->sock, &c, 1, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		/* Not the socket: the loading deadline passed. */
		pyn__server_stop(s, e);
		return s->state;
	}
	if (n != 1 || c != 'R') {
		pyn__server_stop(s, e);
		return s->state;
	}
	/* The socket stays watched: replies (pids) come on it now. */
	s->state = PYN__SERVER_READY;
	if (s->timerfd >= 0) {
		pyn__io_stop(e, s->timerfd);
		close(s->timerfd);
		s->timerfd = -1;
	}
	return s->state;
}

int pyn__server_send_test(struct pyn__server *s, struct pyn_engine *e,
			  int page_fd, int result_fd, int out_fd, int err_fd,
			  int cgroup_fd, const char *cgroup, int watch_events,
			  int keep_pidfd, uint32_t *request)
{
	struct pyn__server_request req;
	union {
		char buf[CMSG_SPACE(6 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg;
	struct cmsghdr *cm;
	struct iovec iov;
	int fds[6], nfds = 0;
	ssize_t n;

	if (!s || s->state != PYN__SERVER_READY)
		return -1;
	memset(&req, 0, offsetof(struct pyn__server_request, cgroup));
	req.cgroup[0] = '\0';
	req.magic = PYN__PAGE_MAGIC;
	fds[nfds++] = page_fd;
	fds[nfds++] = result_fd;
	if (out_fd >= 0 && err_fd >= 0) {
		fds[nfds++] = out_fd;
		fds[nfds++] = err_fd;
		req.has_out = req.has_err = 1;
	}
	if (cgroup_fd >= 0 && cgroup && strlen(cgroup) < sizeof(req.cgroup)) {
		fds[nfds++] = cgroup_fd;
		req.has_cgroup = 1;
		strcpy(req.cgroup, cgroup);
	}
	if (watch_events >= 0) {
		fds[nfds++] = watch_events;
		req.has_watch = 1;
	}
	req.keep_pidfd = !!keep_pidfd;
	req.n_fds = (uint32_t)nfds;
	memset(&msg, 0, sizeof(msg));
	memset(&u, 0, sizeof(u));
	iov.iov_base = &req;
	/* The header and the path: a few hundred bytes, not the buffer. */
	iov.iov_len = offsetof(struct pyn__server_request, cgroup) +
		      strlen(req.cgroup) + 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, (size_t)nfds * sizeof(int));
	do
		n = sendmsg(s->sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)iov.iov_len) {
		/* The server died under us: its tests go on in spawn mode. */
		pyn__server_stop(s, e);
		return -1;
	}
	*request = ++s->sent;
	return 0;
}

pid_t pyn__server_made(const struct pyn__server *s, uint32_t request)
{
	/* The server is gone: nothing writes the page any more. */
	if (!s || !s->own || !request ||
	    __atomic_load_n(&s->own->served, __ATOMIC_ACQUIRE) != request)
		return 0;
	return s->own->child_pid;
}

int pyn__server_reply(struct pyn__server *s, struct pyn_engine *e, pid_t *pid,
		      int *placed, int wait)
{
	struct pyn__server_reply reply;
	ssize_t n;

	*pid = 0;
	if (placed)
		*placed = 0;
	if (!s || s->state != PYN__SERVER_READY)
		return -1;
	do
		n = recv(s->sock, &reply, sizeof(reply),
			 wait ? 0 : MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	/* Gone, or it could not clone: its tests go on in spawn mode. */
	if (n != (ssize_t)sizeof(reply) || reply.pid <= 0) {
		pyn__server_stop(s, e);
		return -1;
	}
	*pid = reply.pid;
	if (placed)
		*placed = reply.placed;
	return 1;
}
