/* SPDX-License-Identifier: MIT */
/*
 * engine/worker_server.c - the fork server, inside pyntest-worker.
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
#include <linux/sched.h>
#include <pthread.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine.h"
#include "harness.h"
#include "server.h"
#include "sys.h"
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

/* The fds of a request, in order; the optional ones are -1 when absent. */
struct request_fds {
	int all[6];
	int n;
	int cgroup, watch_events;
};

static int recv_request(int sock, struct pyn__server_request *req,
			struct request_fds *f)
{
	union {
		char buf[CMSG_SPACE(6 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg;
	struct cmsghdr *cm;
	struct iovec iov;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = req;
	iov.iov_len = sizeof(*req);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	/* The path is sent up to its NUL only. */
	if (n < (ssize_t)offsetof(struct pyn__server_request, cgroup) + 1 ||
	    req->magic != PYN__PAGE_MAGIC)
		return -1;
	((char *)req)[n < (ssize_t)sizeof(*req) ? n : n - 1] = '\0';
	f->n = 0;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	f->n = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	if (f->n < 2 || f->n > 6)
		return -1;
	memcpy(f->all, CMSG_DATA(cm), (size_t)f->n * sizeof(int));
	if (f->n !=
	    2 + 2 * !!req->has_out + !!req->has_cgroup + !!req->has_watch)
		return -1;
	n = 2 + 2 * !!req->has_out;
	f->cgroup = req->has_cgroup ? f->all[n++] : -1;
	f->watch_events = req->has_watch ? f->all[n] : -1;
	req->cgroup[sizeof(req->cgroup) - 1] = '\0';
	return 0;
}

/*
 * What the server learns of a request's page.  It reads the page with
 * pread and never maps it: a mapping made and unmapped per test would be
 * an munmap, with its TLB flush, per test in the process every test is
 * cloned from.  The child maps it.
 */
struct lookups {
	uint32_t n;
	uint32_t off[PYN__PRESOLVED_MAX];
	void *p[PYN__PRESOLVED_MAX];
};

/*
 * Check the page on `fd` and look up its task's functions (page.h,
 * `presolved_*`): 0, or -1 when it is not a job page.  A name longer
 * than the buffer is left to the child.
 */
static int look_up(int fd, struct pyn__module *module, struct lookups *lu)
{
	struct pyn__page_task head;
	uint32_t magic, offs[PYN__PRESOLVED_MAX];
	char name[256];
	size_t n_head = offsetof(struct pyn__page_task, n_register);
	ssize_t n;
	void *p;

	lu->n = 0;
	if (pread(fd, &magic, sizeof(magic), 0) != (ssize_t)sizeof(magic) ||
	    magic != PYN__PAGE_MAGIC ||
	    pread(fd, &head, n_head, offsetof(struct pyn__page, task)) !=
		    (ssize_t)n_head)
		return -1;
	if (head.kind != PYN_TASK_SYMBOL)
		return 0;
	offs[0] = head.symbol;
	offs[1] = head.setup;
	offs[2] = head.teardown;
	for (unsigned i = 0; i < PYN__PRESOLVED_MAX; i++) {
		if (!offs[i] || offs[i] >= PYN__PAGE_STRINGS)
			continue;
		n = pread(fd, name, sizeof(name),
			  (off_t)(offsetof(struct pyn__page, task.strings) +
				  offs[i]));
		if (n <= 0 || !memchr(name, '\0', (size_t)n))
			continue;
		p = pyn__child_presolve(module, name);
		if (p) {
			lu->off[lu->n] = offs[i];
			lu->p[lu->n++] = p;
		}
	}
	return 0;
}

static int clone3_missing;

/*
 * One CPU for the server (pin_server), and for each test's process up to
 * its gate: `given`, the CPUs the server was given, for the test.
 */
static struct {
	int on;
	cpu_set_t given;
} pin;

/*
 * Keep the server on the CPU it is on.  Each clone and each page the
 * server then writes flushes its TLB on every CPU it ran on, and a test's
 * process pays the same for every CPU it ran on by its exit: on a VM
 * each such flush is an interrupt of another vCPU (docs/performance.md,
 * "Seventh round").  The tests get their CPUs back at their gate
 * (test_child).  PYNTEST_PIN=0 leaves the server free.
 */
static void pin_server(void)
{
	const char *env = getenv("PYNTEST_PIN");
	cpu_set_t one;
	int cpu;

	if (env && strcmp(env, "0") == 0)
		return;
	/* More CPUs than a cpu_set_t holds: EINVAL, left alone. */
	if (sched_getaffinity(0, sizeof(pin.given), &pin.given) != 0 ||
	    CPU_COUNT(&pin.given) < 2)
		return;
	cpu = sched_getcpu();
	if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &pin.given))
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	pin.on = sched_setaffinity(0, sizeof(one), &one) == 0;
}

/*
 * The test's process, a child of the runner: created in the cgroup of
 * `cgroup_fd` when it is >= 0 and the kernel can (5.7+; *placed = 1),
 * which costs nothing, where joining it from inside takes a lock that
 * every exiting process of the machine waits for.
 */
PYN__CHILD_TEXT static long clone_test(pid_t *tid_slot,
				       volatile int32_t *pid_out, int cgroup_fd,
				       int *placed, int *pidfd, int keep_pidfd)
{
	struct clone_args ca;
	unsigned long flags;
	long pid;

	*placed = 0;
	*pidfd = -1;
	if (cgroup_fd >= 0 && !clone3_missing) {
		memset(&ca, 0, sizeof(ca));
		ca.flags = CLONE_PARENT | CLONE_CHILD_SETTID |
			   CLONE_INTO_CGROUP | (keep_pidfd ? CLONE_PIDFD : 0) |
			   (pid_out ? CLONE_PARENT_SETTID : 0);
		ca.parent_tid = (uint64_t)(uintptr_t)pid_out;
		ca.pidfd = (uint64_t)(uintptr_t)pidfd;
		ca.child_tid = (uint64_t)(uintptr_t)tid_slot;
		/* CLONE_PARENT: the kernel takes the server's own (SIGCHLD). */
		ca.exit_signal = 0;
		ca.cgroup = (uint64_t)cgroup_fd;
		/* Inline: the child's first code is the server's own. */
		pid = pyn__sys(SYS_clone3, &ca, sizeof(ca));
		if (pid >= 0) {
			*placed = 1;
			return pid;
		}
		*pidfd = -1;
		/* No clone3 (< 5.3), or no CLONE_INTO_CGROUP (< 5.7). */
		if (pid == -ENOSYS || pid == -E2BIG || pid == -EINVAL)
			clone3_missing = 1;
		/* EBUSY, EACCES, ...: the child joins by itself. */
	}
	flags = CLONE_PARENT | CLONE_CHILD_SETTID | SIGCHLD |
		(pid_out ? CLONE_PARENT_SETTID : 0);
	/* clone(2), "C library/kernel differences": the raw argument order. */
#if defined(__i386__) || defined(__arm__) || defined(__aarch64__) ||           \
	defined(__powerpc__) || defined(__mips__)
	return pyn__sys(SYS_clone, flags, NULL, pid_out, NULL, tid_slot);
#elif defined(__s390__)
	return pyn__sys(SYS_clone, NULL, flags, pid_out, tid_slot, NULL);
#else
	return pyn__sys(SYS_clone, flags, NULL, pid_out, tid_slot, NULL);
#endif
}

PYN__CHILD_TEXT static __attribute__((noreturn)) void
test_child(struct pyn__module *module, const struct lookups *lu,
	   const struct pyn__server_request *req, const struct request_fds *f,
	   int sock, pid_t runner, int placed, int last_pidfd,
	   const pid_t *tid_slot)
{
	/*
	 * Populated: one system call instead of a page fault for each page
	 * of it the child touches.
	 */
	struct pyn__page *page = (struct pyn__page *)pyn__sys(
		SYS_mmap, NULL, sizeof(*page), PROT_READ | PROT_WRITE,
		MAP_SHARED | MAP_POPULATE, f->all[0], 0);

	if ((unsigned long)page > -4096UL)
		pyn__sys(SYS_exit_group, PYN__EXIT_SETUP);
	/* First, as the kernel did in the server's own page (`served`). */
	page->child_pid = *tid_slot;
	pyn__sys(SYS_close, f->all[0]);
	page->limited = 1;
	page->presolved_n = lu->n;
	for (unsigned i = 0; i < lu->n; i++) {
		page->presolved_off[i] = lu->off[i];
		page->presolved_p[i] = lu->p[i];
	}
	/* pyn__sys(): no wrapper's code to fault in (sys.h). */
	pyn__sys(SYS_close, sock);
	if (f->cgroup >= 0)
		pyn__sys(SYS_close, f->cgroup);
	/* The last test's pidfd is this one's to watch, or not its own. */
	if (f->watch_events < 0 && last_pidfd >= 0) {
		pyn__sys(SYS_close, last_pidfd);
		last_pidfd = -1;
	}
	pyn__child_placed(placed ? req->cgroup : NULL);
	pyn__child_prepare(page, f->all[1], req->has_out ? f->all[2] : -1,
			   req->has_out ? f->all[3] : -1, runner, true);
	pyn__child_apply(page);
	pyn__child_gate(page, last_pidfd, f->watch_events);
	/* Its start: the test runs on the CPUs it was given. */
	if (pin.on)
		pyn__sys(SYS_sched_setaffinity, 0, sizeof(pin.given),
			 &pin.given);
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
		    (now.rlim_cur == RLIM_INFINITY ||
		     now.rlim_cur > now.rlim_max))
			now.rlim_cur = now.rlim_max;
		setrlimit(i, &now);
	}
}

PYN__CHILD_TEXT int pyn__server_serve(struct pyn__module *module, int sock,
				      pid_t runner, struct pyn__page *own)
{
	struct pyn__server_request req;
	struct pyn__server_reply reply;
	struct lookups lu;
	struct request_fds f;
	pid_t *tid_slot;
	/* The pidfd of the last child (CLONE_PIDFD), -1: none. */
	int i, placed, pidfd, last_pidfd = -1;
	long pid;

	tid_slot = find_tid_slot();
	if (!tid_slot)
		return 3;
	pyn__child_preset();
	/* A CUnit program's server (the shim) has no module: the program. */
	pyn__child_coverage_search(module == NULL);
	pyn__engine_forget_pid();
	pin_server();
	if (send(sock, "R", 1, MSG_NOSIGNAL) != 1)
		return 3;

	for (;;) {
		if (recv_request(sock, &req, &f) != 0)
			return 0; /* the runner is done with us */
		/*
		 * Counted where the runner reads it if we die before we
		 * answer (engine.c, lost_child): the kernel writes the pid
		 * there before the clone returns.  A shared page: writing
		 * it copies nothing.
		 */
		if (own) {
			own->child_pid = 0;
			__atomic_store_n(&own->served, own->served + 1,
					 __ATOMIC_RELEASE);
		}
		pid = -EINVAL;
		placed = 0;
		pidfd = -1;
		if (look_up(f.all[0], module, &lu) == 0) {
			/*
			 * What the child would store, stored here: the same
			 * each time, so neither process writes (and copies)
			 * the page it is on after the first clone.
			 */
			pyn__child_placed(f.cgroup >= 0 ? req.cgroup : NULL);
			pid = clone_test(tid_slot, own ? &own->child_pid : NULL,
					 f.cgroup, &placed, &pidfd,
					 req.keep_pidfd);
			if (pid == 0)
				test_child(module, &lu, &req, &f, sock, runner,
					   placed, last_pidfd, tid_slot);
			/* pid < 0: -errno (sys.h), for the reply. */
		}
		/* The next request may watch this child, and only this one. */
		if (last_pidfd >= 0)
			close(last_pidfd);
		last_pidfd = pid > 0 ? pidfd : -1;
		if (pid <= 0 && pidfd >= 0)
			close(pidfd);
		for (i = 0; i < f.n; i++)
			close(f.all[i]);
		reply.pid = (int32_t)pid;
		reply.placed = placed;
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
	module = pyn__child_load(loading, true);
	pyn__server_restore_rlimits(saved);
	loading->state = PYN_CHILD_RETURNED;
	return pyn__server_serve(module, sock, runner, loading);
}
