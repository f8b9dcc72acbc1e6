/* SPDX-License-Identifier: MIT */
/*
 * runner/engine/worker_server.c - the fork server, inside pyntest-worker.
 *
 * Loads the library once under the loading-mode limits of the page on
 * fd 3, restores the soft rlimits it lowered, says 'R' on the socket
 * (fd 4), then clones one child per request with CLONE_PARENT, so the
 * test is a child of the runner.  The clone is raw (no fork handlers);
 * CLONE_CHILD_SETTID writes the child's tid where glibc keeps it, as
 * glibc's own fork does, so raise() and abort() in the test signal the
 * test and not the server.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine.h"
#include "harness.h"
#include "worker.h"

/*
 * Where glibc's thread descriptor keeps this thread's tid: the only int
 * in the first 2 KiB of it equal to gettid() in this single-threaded
 * process.  NULL when not found (the server then refuses to serve).
 */
static pid_t *find_tid_slot(void)
{
	unsigned char *self = (unsigned char *)pthread_self();
	pid_t tid = (pid_t)syscall(SYS_gettid), *found = NULL;
	size_t off;

	for (off = 0; off + sizeof(pid_t) <= 2048; off += sizeof(pid_t)) {
		if (*(pid_t *)(void *)(self + off) == tid) {
			if (found)
				return NULL; /* ambiguous */
			found = (pid_t *)(void *)(self + off);
		}
	}
	return found;
}

static int recv_request(int sock, int fds[4], int *nfds)
{
	struct pyn__server_request req;
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg;
	struct cmsghdr *cm;
	struct iovec iov;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(req) || req.magic != PYN__PAGE_MAGIC)
		return -1;
	*nfds = 0;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	*nfds = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	if (*nfds < 2 || *nfds > 4)
		return -1;
	memcpy(fds, CMSG_DATA(cm), (size_t)*nfds * sizeof(int));
	return 0;
}

static __attribute__((noreturn)) void test_child(struct pyn__module *module,
						 struct pyn__page *page,
						 int fds[4], int nfds,
						 int sock, pid_t runner)
{
	close(sock);
	page->limited = 1;
	pyn__child_prepare(page, fds[1], nfds == 4 ? fds[2] : -1,
			   nfds == 4 ? fds[3] : -1, runner, true);
	pyn__child_apply(page);
	pyn__child_run(page, module, NULL, NULL);
}

void pyn__server_save_rlimits(struct rlimit saved[RLIM_NLIMITS])
{
	int i;

	for (i = 0; i < RLIM_NLIMITS; i++)
		getrlimit(i, &saved[i]);
}

void pyn__server_restore_rlimits(const struct rlimit saved[RLIM_NLIMITS])
{
	struct itimerval off;
	struct rlimit now;
	int i;

	memset(&off, 0, sizeof(off));
	/*
	 * A CPU limit of loading is an interval timer (limiter.h,
	 * `loading`): the tests do not inherit it, but it would go on
	 * counting the server's own CPU and kill it while it serves.
	 */
	setitimer(ITIMER_PROF, &off, NULL);
	setitimer(ITIMER_VIRTUAL, &off, NULL);
	/* Loading limits were soft: give the tests the room back. */
	for (i = 0; i < RLIM_NLIMITS; i++) {
		if (getrlimit(i, &now) != 0)
			continue;
		now.rlim_cur = saved[i].rlim_cur;
		if (now.rlim_max != RLIM_INFINITY &&
		    (now.rlim_cur == RLIM_INFINITY || now.rlim_cur > now.rlim_max))
			now.rlim_cur = now.rlim_max;
		setrlimit(i, &now);
	}
}

int pyn__server_serve(struct pyn__module *module, int sock, pid_t runner)
{
	struct pyn__server_reply reply;
	struct pyn__page *page;
	pid_t *tid_slot;
	int fds[4], nfds, i;
	long pid;

	tid_slot = find_tid_slot();
	if (!tid_slot)
		return 3;
	pyn__child_preset();
	if (send(sock, "R", 1, MSG_NOSIGNAL) != 1)
		return 3;

	for (;;) {
		if (recv_request(sock, fds, &nfds) != 0)
			return 0; /* the runner is done with us */
		page = pyn__page_map(fds[0]);
		pid = -EINVAL;
		if (page && page->magic == PYN__PAGE_MAGIC) {
			pid = syscall(SYS_clone,
				      CLONE_PARENT | CLONE_CHILD_SETTID | SIGCHLD,
				      NULL, NULL, tid_slot, NULL);
			if (pid == 0)
				test_child(module, page, fds, nfds, sock,
					   runner);
			if (pid < 0)
				pid = -errno;
		}
		if (page)
			pyn__page_unmap(page);
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		reply.pid = (int32_t)pid;
		if (send(sock, &reply, sizeof(reply), MSG_NOSIGNAL) !=
		    (ssize_t)sizeof(reply))
			return 0;
	}
}

int pyn__server_main(struct pyn__page *loading, int sock)
{
	struct rlimit saved[RLIM_NLIMITS];
	struct pyn__module *module;
	pid_t runner = getppid();

	signal(SIGPIPE, SIG_IGN);
	pyn__server_save_rlimits(saved);
	loading->limited = 0;
	pyn__child_apply(loading);
	module = pyn__child_load(loading);
	pyn__server_restore_rlimits(saved);
	loading->state = PYN_CHILD_RETURNED;
	return pyn__server_serve(module, sock, runner);
}
