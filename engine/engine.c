/* SPDX-License-Identifier: MIT */
/*
 * engine/engine.c - the asynchronous engine behind <pyntest/pyntest.h>.
 *
 * One epoll loop watches, per running test, its pidfd, an absolute
 * CLOCK_MONOTONIC timerfd for the earliest limiter deadline and its two
 * output pipes; plus an eventfd for pyn_engine_interrupt() and the
 * caller's watch_fd.  No polling, no threads.  When a test's process
 * ends it is reaped with wait4 (for its rusage), the limiters' kill()
 * sweeps what it left behind, the page becomes evidence, and
 * pyn__classify() decides.
 */
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <base/isolation.h>
#include <host/loader.h>
#include <host/registry.h>
#include <pyntest/pyntest.h>

#include "abi.h"
#include "classify.h"
#include "cunit_exec.h"
#include "engine.h"
#include "harness.h"
#include "server.h"

enum ev_kind {
	EV_PID,
	EV_TIMER,
	EV_OUT,
	EV_ERR,
	EV_INTR,
	EV_WATCH,
	EV_CHLD,
	EV_PATIENCE
};

struct job;

/* `kind` first, as in struct pyn__server_tag. */
struct ev_tag {
	int kind;
	struct job *job;
	int fd; /* a lane's pipe: read and dropped when no job has it */
};

struct stream {
	int fd;
	char *buf;
	size_t len;
	size_t cap;
	size_t alloc; /* bytes in buf: grown on demand up to cap + 1 */
	uint64_t total;
	/* The other stream: output_limit is one budget for both. */
	const struct stream *other;
	struct ev_tag tag;
	/* Not NULL: fd is a lane's (struct lane), in the set with this tag. */
	struct ev_tag *lane_tag;
};

struct lim {
	size_t index;
	const struct pyn__limiter_slot *slot;
	void *state;
	int rc; /* setup(): 0 active, 1 inactive */
	double deadline_s;
	struct pyn_limiter_verdict verdict;
	char **props;
	size_t n_props;
};

struct job {
	struct job *next;
	struct pyn_engine *engine;
	void *user;
	struct pyn_limits limits;
	void (*fn)(void *);
	void *arg;
	enum pyn_isolation isolation;
	struct pyn__page *page;
	int page_fd;
	int result_fd;
	pid_t pid;
	int pidfd;
	struct ev_tag pid_tag;
	int timerfd;
	struct ev_tag timer_tag;
	struct stream out;
	struct stream err;
	int out_w; /* write ends, until the process exists */
	int err_w;
	int lane_pipes; /* out_w/err_w and the fds are its lane's */
	struct pyn__server *server; /* FORKSERVER: its server */
	struct lim lims[PYN__LIMITERS_MAX];
	size_t n_lims;
	double t_submit;
	double t_start;
	double deadline_s; /* relative to t_start, 0: none */
	const char *deadline_killer;
	int killed_by;
	const char *killer;
	int status;
	struct rusage ru;
	double wall;
	unsigned slot; /* the -j lane it ran in (res->slot), from its start */
	unsigned lane; /* its output pipes (struct lane), from its submit */
	/*
	 * Prestarted (pyn__engine_hold): made, limited, its child waiting at
	 * the page's gate, no deadline yet; pyn__engine_go() starts it.
	 * `cancelled`: dropped by pyn__engine_cancel(), never returned.
	 */
	int held;
	int cancelled;
	/*
	 * Held to start by itself (pyn__engine_hold's `autostart`): the
	 * moment a started test's processes are all gone, it takes that
	 * test's -j lane (autostart()).  `autostarted`: it did, and the
	 * scheduler was not told yet (pyn__engine_go, _cancel).
	 * `slot_passed`: this test's lane went to such a test.
	 */
	int autostart;
	int autostarted;
	int slot_passed;
	/*
	 * The test (its `seq`) whose end its process watches (page gate 2;
	 * pyn__engine_one_lane), 0: none.
	 */
	unsigned long watch_seq;
	unsigned long seq; /* 1, 2, ... in the order submitted */
	/*
	 * Its deadline came while its fork server had not said its pid:
	 * the timer waits for the server's patience instead (on_timer).
	 */
	int timer_postponed;
	unsigned token; /* of its limiters (limiter.h) */
	int reaped; /* wait4 returned for it (or someone else reaped it) */
	/*
	 * Asked of its fork server, pid not yet known (in e->running and
	 * in e->launching, in the order asked: servers answer in order).
	 */
	int launching;
	uint32_t request; /* its number among its server's requests */
	struct job *lnext;
	int cgroup_cached; /* asked with the cgroup fd of e->cgroups */
	unsigned leftover;
	char host_error[1024];
	struct pyn_result res;
};

#define PAGE_POOL 64

/*
 * How long a READY fork server may take to say a test's pid before it is
 * taken for stopped (SIGSTOP from a test) or stuck, and killed: a test's
 * own deadline when longer.  A busy server answers well within it.
 */
#define SERVER_PATIENCE_S 2.0

/*
 * The output pipes of one lane (job->slot), made once and registered in
 * the epoll set once, for every test that runs there and kills all its
 * processes at the end: nothing of an earlier test can still write.
 * Two pipes, their epoll entries and the hang-up wake-ups per test are
 * more than a small test costs.
 */
struct lane {
	int out[2];
	int err[2];
	/*
	 * Its last test left processes that were killed after its output
	 * was read: what they wrote while dying is dropped before the next.
	 */
	int dirty;
	struct ev_tag out_tag;
	struct ev_tag err_tag;
};
#define LANES 64

struct pyn_engine {
	int epfd;
	int intr_fd;
	volatile sig_atomic_t interrupted;
	struct ev_tag intr_tag;
	struct ev_tag watch_tag;
	int watch_fd; /* in the epoll set since the last pyn_engine_next */
	struct job *running;
	struct job *launching; /* asked of fork servers, oldest first */
	struct job *waiting; /* for a fork server that is still loading */
	struct job *done;
	struct job *done_tail;
	/* Held jobs that ended before their start: returned from then. */
	struct job *parked;
	unsigned pending;
	uint64_t slots; /* bit i: -j lane i busy (started jobs) */
	uint64_t lanes_busy; /* bit i: output lane i taken (held jobs too) */
	double t0;
	unsigned token;
	char worker[PATH_MAX];
	/* $PYNTEST_SPAWN_FORK=1: spawn by fork + exec, not posix_spawn. */
	bool spawn_fork;
	int warned_hook;
	void (*warn)(void *user, const char *message);
	void *warn_user;
	struct pyn__servers *servers;
	/*
	 * Pages (and result memfds) of finished tests, for the next ones: a
	 * memfd, its size and both mappings cost more than a small test.
	 */
	struct {
		struct pyn__page *page;
		int page_fd;
		int result_fd;
	} pool[PAGE_POOL];
	size_t n_pool;
	struct lane lanes[LANES];
	/*
	 * Open cgroup v2 directories of tokens, for the fork servers to
	 * create tests in: a token's cgroup is kept for its next test, so
	 * its directory is opened once.  Dropped when a server could not
	 * create a test in it (it was removed and made anew).
	 */
	struct {
		unsigned token; /* 0: free */
		int fd;
		int events; /* its cgroup.events, opened on first use, or -1 */
	} cgroups[LANES];
	/* Without pidfd_open (valgrind 3.19): SIGCHLD through a pipe. */
	int chld_on;
	int chld_pipe[2];
	struct ev_tag chld_tag;
	/* Interrupted: no held test starts by itself any more. */
	int no_autostart;
	unsigned long seq; /* of the last job submitted */
	unsigned long reaps; /* jobs reaped so far (on_exit_event) */
	int one_lane; /* pyn__engine_one_lane() */
	unsigned long last_sent; /* seq of the last job asked of a server */
	/*
	 * One timer for the tests without a deadline asked of a fork
	 * server that has not said their pids: SERVER_PATIENCE_S after
	 * the oldest (on_patience).  Made on first use.
	 */
	int patience_fd;
	int patience_armed;
	struct ev_tag patience_tag;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void warnf(struct pyn_engine *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void warnf(struct pyn_engine *e, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (e && e->warn)
		e->warn(e->warn_user, msg);
	else
		fprintf(stderr, "pyntest: warning: %s\n", msg);
}

/* ---- Finding pyntest-worker ------------------------------------------- */

static int usable(const char *path)
{
	return path && path[0] && access(path, X_OK) == 0;
}

/*
 * Given, $PYNTEST_WORKER, or PREFIX/PYN_LIBEXEC_RELDIR/pyntest-worker;
 * and how to start it in spawn mode, read once, not per test.
 */
static void find_worker(struct pyn_engine *e, const char *given)
{
	const char *spawn_fork = getenv("PYNTEST_SPAWN_FORK");

	e->spawn_fork = spawn_fork && strcmp(spawn_fork, "1") == 0;
	e->worker[0] = '\0';
	if (usable(given)) {
		snprintf(e->worker, sizeof(e->worker), "%s", given);
		return;
	}
	if (usable(getenv("PYNTEST_WORKER"))) {
		snprintf(e->worker, sizeof(e->worker), "%s",
			 getenv("PYNTEST_WORKER"));
		return;
	}
	if (pyn__install_path(PYN_LIBEXEC_RELDIR, "pyntest-worker", e->worker,
			      sizeof(e->worker)))
		e->worker[0] = '\0';
}

const char *pyn__engine_worker(struct pyn_engine *e)
{
	return e->worker;
}

int pyn__engine_intr_fd(struct pyn_engine *e)
{
	return e->intr_fd;
}

/* ---- Engine ------------------------------------------------------------ */

struct pyn_engine *pyn_engine_new(const struct pyn_engine_options *options,
				  struct pyn_error *err)
{
	struct pyn_engine_options opts;
	struct pyn_engine *e;
	struct epoll_event ev;
	struct pyn_error rerr;
	size_t i;

	if (pyn__engine_options_read(options, &opts, err))
		return NULL;
	options = &opts;
	e = calloc(1, sizeof(*e));
	if (!e) {
		pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0, "out of memory");
		return NULL;
	}
	if (pyn__registry_init(&rerr) != 0) {
		pyn_error_set(err, rerr.code, NULL, 0, 0, "%s", rerr.message);
		free(e);
		return NULL;
	}
	e->intr_fd = -1;
	e->patience_fd = -1;
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->epfd < 0)
		goto out_sys;
	e->intr_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->intr_fd < 0)
		goto out_sys;
	e->intr_tag.kind = EV_INTR;
	e->watch_tag.kind = EV_WATCH;
	e->watch_fd = -1;
	for (i = 0; i < LANES; i++)
		e->lanes[i].out[0] = e->lanes[i].out[1] = e->lanes[i].err[0] =
			e->lanes[i].err[1] = -1;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &e->intr_tag;
	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->intr_fd, &ev) != 0)
		goto out_sys;
	e->t0 = now_s();
	e->warn = options->warn;
	e->warn_user = options->warn_user;
	find_worker(e, options->worker_path);
	return e;

out_sys:
	pyn_error_set(err, PYN_ESYSTEM, NULL, 0, 0,
		      "cannot create the engine's event loop: %s",
		      strerror(errno));
	if (e->intr_fd >= 0)
		close(e->intr_fd);
	if (e->epfd >= 0)
		close(e->epfd);
	free(e);
	return NULL;
}

unsigned pyn_engine_pending(const struct pyn_engine *engine)
{
	return engine ? engine->pending : 0;
}

void pyn_engine_interrupt(struct pyn_engine *engine)
{
	uint64_t one = 1;
	ssize_t n;

	if (!engine)
		return;
	engine->interrupted = 1;
	n = write(engine->intr_fd, &one, sizeof(one));
	(void)n;
}

static int ep_add(struct pyn_engine *e, int fd, struct ev_tag *tag)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = tag;
	return epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void close_fd(struct pyn_engine *e, int *fd);

/* The stream is done with its fd: close it, unless it is a lane's. */
static void stream_close(struct pyn_engine *e, struct stream *s)
{
	if (s->lane_tag) {
		s->lane_tag->job = NULL;
		s->lane_tag = NULL;
		s->fd = -1;
		return;
	}
	close_fd(e, &s->fd);
}

static void close_fd(struct pyn_engine *e, int *fd)
{
	if (*fd < 0)
		return;
	if (e)
		epoll_ctl(e->epfd, EPOLL_CTL_DEL, *fd, NULL);
	close(*fd);
	*fd = -1;
}

/* ---- Limiters in the parent ------------------------------------------- */

static void add_property(struct pyn_limiter_verdict *v, const char *name,
			 const char *value)
{
	struct lim *l = v->host_data;
	char **p;
	size_t n;

	if (!name || !value)
		return;
	p = realloc(l->props, (l->n_props + 1) * sizeof(*p));
	if (!p)
		return;
	l->props = p;
	n = strlen(name) + strlen(value) + 2;
	p[l->n_props] = malloc(n);
	if (!p[l->n_props])
		return;
	snprintf(p[l->n_props], n, "%s=%s", name, value);
	l->n_props++;
}

/*
 * Tokens are unique in the process (fork servers' loading requests start
 * at 0x40000000).  A forked child that calls pyn_call() (nested limits)
 * inherits the counter and the registry's cgroup prefix, so it restarts
 * in a range of its own pid.
 */
static unsigned next_token;
static pid_t token_pid;

/* The earliest deadline of the job's limiters (or its wall time). */
static void pick_deadline(struct job *job)
{
	size_t i;
	struct lim *l;

	job->deadline_s = 0;
	job->deadline_killer = NULL;
	for (i = 0; i < job->n_lims; i++) {
		l = &job->lims[i];
		if (l->rc != 0 || !(l->deadline_s > 0))
			continue;
		if (!job->deadline_s || l->deadline_s < job->deadline_s) {
			job->deadline_s = l->deadline_s;
			job->deadline_killer = l->slot->limiter->name;
		}
	}
	/* No wall_time limiter took the limit: enforce it ourselves. */
	if (job->limits.wall_time_s > 0 && !pyn__registry_find("wall_time",
							       NULL)) {
		if (!job->deadline_s || job->limits.wall_time_s < job->deadline_s) {
			job->deadline_s = job->limits.wall_time_s;
			job->deadline_killer = "wall_time";
		}
	}
}

/*
 * Tokens of finished tests, for later tests: a per-test cgroup named by
 * the token is then made once and reused (limiter.h, `token`).  Slots are
 * claimed with atomics, not a lock: a child forked while another thread
 * held a lock could never take it.
 */
#define TOKENS_FREE 64
static unsigned tokens_free[TOKENS_FREE];

/*
 * This process's pid, without a system call per test: refreshed in a
 * child forked with fork() (pthread_atfork); a raw clone runs no engine.
 */
static pid_t self_pid; /* 0: ask the kernel */
static int self_atfork;

static void self_forked(void)
{
	self_pid = 0;
}

static pid_t own_pid(void)
{
	pid_t pid = __atomic_load_n(&self_pid, __ATOMIC_RELAXED);

	if (pid)
		return pid;
	if (!__atomic_exchange_n(&self_atfork, 1, __ATOMIC_ACQ_REL))
		pthread_atfork(NULL, NULL, self_forked);
	pid = getpid();
	__atomic_store_n(&self_pid, pid, __ATOMIC_RELAXED);
	return pid;
}

PYN__CHILD_TEXT void pyn__engine_forget_pid(void)
{
	/* No store when there is nothing to forget: no page to copy. */
	if (__atomic_load_n(&self_pid, __ATOMIC_RELAXED))
		__atomic_store_n(&self_pid, 0, __ATOMIC_RELAXED);
}

static unsigned new_token(void)
{
	pid_t self = own_pid();
	pid_t was = __atomic_load_n(&token_pid, __ATOMIC_ACQUIRE);
	unsigned t;
	size_t i;

	if (was != self &&
	    __atomic_compare_exchange_n(&token_pid, &was, self, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) &&
	    was != 0) {
		/* A forked child: the free tokens name its parent's cgroups. */
		for (i = 0; i < TOKENS_FREE; i++)
			__atomic_store_n(&tokens_free[i], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&next_token,
				 0x80000000u |
					 (((unsigned)self & 0x3fffffu) << 8),
				 __ATOMIC_RELEASE);
	}
	for (i = 0; i < TOKENS_FREE; i++) {
		if (!__atomic_load_n(&tokens_free[i], __ATOMIC_RELAXED))
			continue;
		t = __atomic_exchange_n(&tokens_free[i], 0, __ATOMIC_ACQ_REL);
		if (t)
			return t;
	}
	return __atomic_add_fetch(&next_token, 1, __ATOMIC_RELAXED);
}

/* The test of `token` is over and nothing of it runs: reuse the token. */
static void token_release(unsigned token)
{
	unsigned none;
	size_t i;

	if (!token || __atomic_load_n(&token_pid, __ATOMIC_ACQUIRE) != own_pid())
		return;
	for (i = 0; i < TOKENS_FREE; i++) {
		none = 0;
		if (__atomic_compare_exchange_n(&tokens_free[i], &none, token,
						0, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			return;
	}
}

/*
 * setup() of every supported limiter in registry order; the active ones
 * get a slot of the page.  Returns -1 with job->host_error on failure.
 */
static int limiters_setup(struct pyn_engine *e, struct job *job,
			  const char *test_id, int loading)
{
	struct pyn_limiter_option opts[64];
	struct pyn_limiter_request req;
	const struct pyn__limiter_slot *slot;
	struct pyn__page_limiter *pl;
	size_t i, k, n = pyn__registry_count(), nopts;
	char msg[PYN_LIMITER_MESSAGE_MAX];
	struct lim *l;
	int rc, configured;
	/*
	 * One token per test, shared by all its limiters (cgroup v2
	 * limiters share the cgroup it names), and unique in the process:
	 * engines of several threads run at once.
	 */
	unsigned token = new_token();

	(void)e;
	job->token = token;
	for (i = 0; i < n && job->n_lims < PYN__LIMITERS_MAX; i++) {
		slot = pyn__registry_get(i);
		if (!slot || !slot->supported || !slot->limiter ||
		    !slot->limiter->setup)
			continue;
		nopts = 0;
		configured = 0;
		for (k = 0; k < job->limits.n_options && nopts < 64; k++) {
			if (!job->limits.options[k].limiter ||
			    strcmp(job->limits.options[k].limiter,
				   slot->limiter->name) != 0)
				continue;
			/* A NULL key: `NAME: {}`, configured, no option. */
			configured = 1;
			if (job->limits.options[k].option.key)
				opts[nopts++] = job->limits.options[k].option;
		}
		pl = &job->page->limiters[job->page->n_limiters];
		memset(&req, 0, sizeof(req));
		req.struct_size = sizeof(req);
		req.test_id = test_id ? test_id : "";
		req.wall_time_s = job->limits.wall_time_s > 0 ?
					  job->limits.wall_time_s :
					  0;
		req.cpu_time_s = job->limits.cpu_time_s > 0 ?
					 job->limits.cpu_time_s :
					 0;
		req.memory_bytes = job->limits.memory_bytes;
		req.terminate_child_processes =
			job->limits.terminate_child_processes;
		req.options = nopts ? opts : NULL;
		req.n_options = nopts;
		req.configured = configured;
		req.child_data = pl->data;
		req.child_data_size = sizeof(pl->data);
		req.loading = loading;
		req.token = token;
		l = &job->lims[job->n_lims++];
		memset(l, 0, sizeof(*l));
		l->index = i;
		l->slot = slot;
		msg[0] = '\0';
		rc = slot->limiter->setup(&req, &l->state, msg, sizeof(msg));
		if (rc < 0) {
			snprintf(job->host_error, sizeof(job->host_error),
				 "limiter '%s' failed in setup: %s",
				 slot->limiter->name,
				 msg[0] ? msg : "unknown reason");
			return -1;
		}
		l->rc = rc ? 1 : 0;
		if (rc != 0)
			continue;
		if (req.child_data_size > sizeof(pl->data))
			req.child_data_size = sizeof(pl->data);
		pl->index = (int32_t)i;
		pl->size = (uint32_t)req.child_data_size;
		job->page->n_limiters++;
		l->deadline_s = req.deadline_s;
	}
	pick_deadline(job);
	return 0;
}

static void limiters_teardown(struct job *job)
{
	size_t i, k;
	struct lim *l;

	for (i = 0; i < job->n_lims; i++) {
		l = &job->lims[i];
		if (l->slot->limiter->teardown)
			l->slot->limiter->teardown(l->rc == 0 ? l->state : NULL);
		for (k = 0; k < l->n_props; k++)
			free(l->props[k]);
		free(l->props);
		l->props = NULL;
		l->n_props = 0;
	}
	job->n_lims = 0;
}

static unsigned limiters_kill(struct job *job)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < job->n_lims; i++)
		if (job->lims[i].rc == 0 && job->lims[i].slot->limiter->kill)
			n += job->lims[i].slot->limiter->kill(job->lims[i].state,
							     job->pid);
	return n;
}

/* ---- Starting a test ------------------------------------------------- */

static int stream_buffer(struct stream *s, size_t limit);

static int open_stream(struct stream *s, int fds[2], size_t limit)
{
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	s->fd = fds[0];
	return stream_buffer(s, limit);
}

static int stream_buffer(struct stream *s, size_t limit)
{
	s->cap = limit;
	/*
	 * Most tests print little: output_limit (1 MiB) for each stream up front
	 * is an mmap and a munmap per stream and test, for nothing.
	 */
	s->alloc = limit < 4096 ? limit + 1 : 4096;
	s->buf = malloc(s->alloc);
	if (!s->buf)
		return -1;
	s->buf[0] = '\0';
	return 0;
}

/*
 * The child of FORK mode: this process's image, limited, then the task.
 * Only async-signal-safe calls until the test runs.
 */
static __attribute__((noreturn)) void fork_child(struct job *job, pid_t parent,
						 int out_w, int err_w)
{
	struct pyn__module *module = NULL;

	if (job->out.fd >= 0)
		close(job->out.fd);
	if (job->err.fd >= 0)
		close(job->err.fd);
	job->page->limited = 1;
	pyn__child_prepare(job->page, job->result_fd, out_w, err_w, parent,
			   true);
	pyn__child_apply(job->page);
	pyn__child_gate(job->page, -1, -1);
	if (job->page->task.kind != PYN_TASK_FUNCTION)
		module = pyn__child_load(job->page, false);
	pyn__child_run(job->page, module, job->fn, job->arg);
}

/*
 * argv for `pyntest-worker`: this process (the worker's parent: it checks
 * that it still is, after setting its death signal), its probe results,
 * so the worker does not probe again, and the plug-ins, in registry
 * order.  One block: the caller frees argv only.
 */
static char **worker_argv(struct pyn_engine *e, const char *mode,
			  const char *const *extra, size_t n_extra)
{
	size_t n, i, k = 0, n_ptrs, len, got;
	const struct pyn__limiter_slot *slot;
	char **argv, *probed, *parent;

	for (;;) {
		n = pyn__registry_count();
		len = pyn__registry_probed(NULL, 0) + 1;
		n_ptrs = 2 * n + n_extra + 7;
		argv = calloc(1, n_ptrs * sizeof(*argv) + 24 + len);
		if (!argv)
			return NULL;
		parent = (char *)(argv + n_ptrs);
		probed = parent + 24;
		got = pyn__registry_probed(probed, len);
		/* A plug-in added meanwhile (API callers): take it too. */
		if (got < len && pyn__registry_count() == n)
			break;
		free(argv);
	}
	snprintf(parent, 24, "%ld", (long)getpid());
	argv[k++] = e->worker;
	argv[k++] = (char *)mode;
	for (i = 0; i < n_extra; i++)
		argv[k++] = (char *)extra[i];
	argv[k++] = "--parent";
	argv[k++] = parent;
	argv[k++] = "--probed";
	argv[k++] = probed;
	for (i = 0; i < n; i++) {
		slot = pyn__registry_get(i);
		if (!slot || slot->builtin || !slot->path[0])
			continue;
		argv[k++] = "--plugin";
		argv[k++] = (char *)slot->path;
	}
	argv[k] = NULL;
	return argv;
}

char **pyn__worker_argv(struct pyn_engine *e, const char *mode,
			const char *const *extra, size_t n_extra)
{
	return worker_argv(e, mode, extra, n_extra);
}

extern char **environ;

/*
 * SPAWN mode's worker made without a copy of the runner: posix_spawn()
 * (glibc clones with CLONE_VM | CLONE_VFORK), so no page table of the
 * runner is copied and torn down again for each test: what
 * spawn_child() does before its exec, as spawn actions.  Returns the
 * pid, or -1 when it cannot (the caller forks then, as before; an exec
 * that fails is reported from there).
 */
static pid_t spawn_worker(struct job *job, char **argv, int out_w, int err_w)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all;
	pid_t pid = -1;
	int ok, pfd, rfd;

	/* Out of the way of 3 and 4 first, as spawn_child() does. */
	pfd = fcntl(job->page_fd, F_DUPFD_CLOEXEC, 10);
	rfd = fcntl(job->result_fd, F_DUPFD_CLOEXEC, 10);
	ok = pfd >= 0 && rfd >= 0 && posix_spawn_file_actions_init(&fa) == 0;
	if (ok && posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		ok = 0;
	}
	if (ok) {
		if (out_w >= 0 && out_w != STDOUT_FILENO)
			ok &= !posix_spawn_file_actions_adddup2(&fa, out_w,
								STDOUT_FILENO);
		if (err_w >= 0 && err_w != STDERR_FILENO)
			ok &= !posix_spawn_file_actions_adddup2(&fa, err_w,
								STDERR_FILENO);
		ok &= !posix_spawn_file_actions_adddup2(&fa, pfd, 3);
		ok &= !posix_spawn_file_actions_adddup2(&fa, rfd, 4);
		ok &= !posix_spawn_file_actions_addclosefrom_np(&fa, 5);
		/* Every signal blocked, its own process group. */
		sigfillset(&all);
		ok &= !posix_spawnattr_setsigmask(&at, &all);
		ok &= !posix_spawnattr_setpgroup(&at, 0);
		ok &= !posix_spawnattr_setflags(
			&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
		if (ok &&
		    posix_spawn(&pid, argv[0], &fa, &at, argv, environ) != 0)
			pid = -1;
		posix_spawnattr_destroy(&at);
		posix_spawn_file_actions_destroy(&fa);
	}
	if (pfd >= 0)
		close(pfd);
	if (rfd >= 0)
		close(rfd);
	return ok ? pid : -1;
#else
	(void)job;
	(void)argv;
	(void)out_w;
	(void)err_w;
	return -1;
#endif
}

/*
 * The child of SPAWN mode: exec'd into pyntest-worker with the page on
 * fd 3 and the result memfd on fd 4.  Only what must come before the exec
 * happens here: the process group (the runner kills by it), the output,
 * and every signal blocked, so no handler of the runner's runs in this
 * copy of it; the worker's pyn__child_prepare() does the rest once
 * (signals, mask, stdin, death signal against `parent`, RSS at start).
 * A CUnit program runs its own main() first: it gets all of it here.
 */
static __attribute__((noreturn)) void spawn_child(struct job *job, char **argv,
						  char **envp, pid_t parent,
						  int out_w, int err_w)
{
	sigset_t all;
	int pfd, rfd;

	if (job->out.fd >= 0)
		close(job->out.fd);
	if (job->err.fd >= 0)
		close(job->err.fd);
	if (envp) {
		pyn__child_prepare(job->page, -1, out_w, err_w, parent, true);
	} else {
		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		setpgid(0, 0);
		if (out_w >= 0 && out_w != STDOUT_FILENO)
			dup2(out_w, STDOUT_FILENO);
		if (err_w >= 0 && err_w != STDERR_FILENO)
			dup2(err_w, STDERR_FILENO);
	}
	pfd = fcntl(job->page_fd, F_DUPFD, 10);
	rfd = fcntl(job->result_fd, F_DUPFD, 10);
	if (pfd < 0 || rfd < 0 || dup2(pfd, 3) < 0 || dup2(rfd, 4) < 0) {
		job->page->state = PYN_CHILD_SETUP_FAILED;
		_exit(PYN__EXIT_SETUP);
	}
	syscall(SYS_close_range, 5, ~0U, 0);
	/* A CUnit program runs its own main() under the shim. */
	if (envp)
		pyn__cunit_exec(job->page,
				pyn__page_str(job->page, job->page->task.cwd),
				argv, envp);
	execv(argv[0], argv);
	snprintf(job->page->setup_message, sizeof(job->page->setup_message),
		 "cannot run the worker '%s': %s", argv[0], strerror(errno));
	job->page->state = PYN_CHILD_SETUP_FAILED;
	_exit(PYN__EXIT_SETUP);
}

/*
 * Timer `fd` at `at` (CLOCK_MONOTONIC seconds; past: at once, never 0,
 * which would disarm it).  Returns timerfd_settime's result.
 */
static int timer_at(int fd, double at)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)at;
	its.it_value.tv_nsec = (long)((at - (double)(time_t)at) * 1e9);
	if (its.it_value.tv_nsec >= 1000000000L)
		its.it_value.tv_nsec = 999999999L;
	if (its.it_value.tv_sec <= 0 && its.it_value.tv_nsec <= 0)
		its.it_value.tv_nsec = 1;
	return timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void arm_timer_at(struct job *job, double at)
{
	timer_at(job->timerfd, at);
}

/* The job's own deadline; none (0): the timer is disarmed. */
static void arm_timer(struct job *job)
{
	struct itimerspec off;

	job->timer_postponed = 0;
	if (job->deadline_s > 0) {
		arm_timer_at(job, job->t_start + job->deadline_s);
		return;
	}
	memset(&off, 0, sizeof(off));
	timerfd_settime(job->timerfd, 0, &off, NULL);
}

static void patience_arm(struct pyn_engine *e, double at);

/*
 * The job's deadline from job->t_start.  A test without one asked of its
 * fork server gets the engine's patience timer instead (on_patience).
 */
static void set_timer(struct pyn_engine *e, struct job *job)
{
	if (job->deadline_s <= 0) {
		if (job->launching && !job->held)
			patience_arm(e, job->t_start + SERVER_PATIENCE_S);
		return;
	}
	if (job->timerfd < 0) {
		/* Non-blocking: an event of an earlier arming may come. */
		job->timerfd = timerfd_create(CLOCK_MONOTONIC,
					      TFD_CLOEXEC | TFD_NONBLOCK);
		if (job->timerfd < 0) {
			warnf(e, "cannot create a timer for '%s': %s",
			      pyn__page_str(job->page, job->page->task.name),
			      strerror(errno));
			return;
		}
		job->timer_tag.kind = EV_TIMER;
		job->timer_tag.job = job;
		ep_add(e, job->timerfd, &job->timer_tag);
	}
	arm_timer(job);
}

static void finish(struct pyn_engine *e, struct job *job);
static void autostart(struct pyn_engine *e, struct job *ended);
static void close_writers(struct job *job);
static int watch_by_sigchld(struct pyn_engine *e, struct job *job);

static void close_writers(struct job *job)
{
	if (job->out_w >= 0 && !job->lane_pipes)
		close(job->out_w);
	if (job->err_w >= 0 && !job->lane_pipes)
		close(job->err_w);
	job->out_w = job->err_w = -1;
}

/*
 * The cgroup v2 directory a limiter made for the test (named by its
 * token, limiter.h), open, with its path in `path`; -1 when there is
 * none.  The fork server creates the test in it (host->placed_in), so the
 * child need not move itself there: moving takes a lock that makes every
 * exiting process on the machine wait for an RCU grace period.
 */
static int test_cgroup(struct pyn_engine *e, struct job *job, char *path,
		       size_t len)
{
	const struct pyn_host *host = pyn__registry_host();
	const char *parent;
	size_t i, free_i = LANES;
	int n, fd;

	for (i = 0; i < job->n_lims; i++)
		if (job->lims[i].rc == 0 &&
		    strcmp(job->lims[i].slot->provider, "cgroup2") == 0)
			break;
	if (i == job->n_lims || !host || !host->cgroup_parent)
		return -1;
	parent = host->cgroup_parent("unified");
	if (!parent)
		return -1;
	n = snprintf(path, len, "%s/%s%u", parent, host->cgroup_prefix,
		     job->token);
	if (n < 0 || (size_t)n >= len)
		return -1;
	/*
	 * A memory limit makes the cgroup anew each test, and a token
	 * comes back (its cgroup kept) only when every process is killed:
	 * else never cached.
	 */
	job->cgroup_cached = 0;
	if (job->limits.memory_bytes || !job->limits.terminate_child_processes)
		return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; i < LANES; i++) {
		if (e->cgroups[i].token == job->token) {
			job->cgroup_cached = 1;
			return e->cgroups[i].fd;
		}
		if (!e->cgroups[i].token && free_i == LANES)
			free_i = i;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && free_i < LANES) {
		e->cgroups[free_i].token = job->token;
		e->cgroups[free_i].fd = fd;
		e->cgroups[free_i].events = -1;
		job->cgroup_cached = 1;
	}
	return fd;
}

/* The test was not created in its cgroup: reopen it next time. */
static void cgroup_uncache(struct pyn_engine *e, unsigned token)
{
	size_t i;

	for (i = 0; i < LANES; i++) {
		if (e->cgroups[i].token != token)
			continue;
		close(e->cgroups[i].fd);
		if (e->cgroups[i].events >= 0)
			close(e->cgroups[i].events);
		e->cgroups[i].token = 0;
	}
}

static void servers_lost(struct pyn_engine *e, struct pyn__server *server);

/*
 * A held test of one lane (pyn__engine_one_lane) may start by itself when
 * the one started test ends and leaves nothing (page.h, gate 2), if that
 * test is the last one asked of the same fork server: the server gives
 * the new child its pidfd of that test (CLONE_PIDFD), the runner the
 * cgroup.events of its cgroup (opened once per cgroup, kept with its
 * directory).  Returns that fd, or -1 (the runner starts it: autostart()).
 */
static int watch_events(struct pyn_engine *e, struct job *job)
{
	struct job *j, *ran = NULL;
	size_t i;

	job->watch_seq = 0;
	if (!job->held || !job->autostart || !e->one_lane || e->waiting)
		return -1;
	for (j = e->running; j; j = j->next) {
		if (j == job || j->held)
			continue;
		if (ran)
			return -1;
		ran = j;
	}
	if (!ran || ran->seq != e->last_sent || ran->server != job->server ||
	    ran->isolation != PYN_ISOLATION_FORKSERVER || ran->reaped ||
	    ran->killed_by || !ran->cgroup_cached)
		return -1;
	for (i = 0; i < LANES && e->cgroups[i].token != ran->token; i++)
		;
	if (i == LANES)
		return -1;
	if (e->cgroups[i].events < 0)
		e->cgroups[i].events = openat(e->cgroups[i].fd, "cgroup.events",
					      O_RDONLY | O_CLOEXEC);
	if (e->cgroups[i].events >= 0)
		job->watch_seq = ran->seq;
	return e->cgroups[i].events;
}

/*
 * Make the job's process now: forked, spawned, or cloned by its READY
 * fork server (a FAILED or missing server means spawn).  Returns 0, or -1
 * with job->host_error.
 */
static int watch_job(struct pyn_engine *e, struct job *job);

static int launch(struct pyn_engine *e, struct job *job)
{
	pid_t parent = 0;
	char **argv = NULL, **envp = NULL, shim[4096];
	int rc = -1;

	job->t_start = now_s();
	if (job->isolation == PYN_ISOLATION_FORKSERVER) {
		char cgroup[PATH_MAX];
		int cgroup_fd = test_cgroup(e, job, cgroup, sizeof(cgroup));
		struct job **pp = &e->launching;
		int events = watch_events(e, job);

		if (events >= 0)
			job->page->gate = 2;
		rc = pyn__server_send_test(job->server, e, job->page_fd,
					   job->result_fd, job->out_w,
					   job->err_w, cgroup_fd, cgroup,
					   events, e->one_lane, &job->request);
		e->last_sent = job->seq;
		if (cgroup_fd >= 0 && !job->cgroup_cached)
			close(cgroup_fd);
		if (cgroup_fd < 0)
			job->cgroup_cached = 0;
		if (rc == 0) {
			/*
			 * The pid comes as an event (on_replies): the loop
			 * starts other tests meanwhile.  The output's write
			 * ends stay open until then, for a spawn instead.
			 * The deadline counts from now: a server that does
			 * not answer by it, or by SERVER_PATIENCE_S when that
			 * is later (stopped), is killed (on_timer).
			 */
			job->launching = 1;
			if (!job->held)
				set_timer(e, job);
			while (*pp)
				pp = &(*pp)->lnext;
			job->lnext = NULL;
			*pp = job;
			return 0;
		}
		/*
		 * No server for this library: the test loads it itself.  If it
		 * died just now, what was asked of it will not be answered.
		 */
		job->isolation = PYN_ISOLATION_SPAWN;
		rc = -1;
		job->watch_seq = 0;
		servers_lost(e, job->server);
	}
	if (job->isolation == PYN_ISOLATION_SPAWN &&
	    job->page->task.program) {
		if (pyn__cunit_shim_path(e->worker, shim, sizeof(shim)) != 0) {
			snprintf(job->host_error, sizeof(job->host_error),
				 "%s", shim);
			goto out;
		}
		if (pyn__cunit_page_command(shim, "run", job->page, &argv,
					    &envp) != 0) {
			snprintf(job->host_error, sizeof(job->host_error),
				 "out of memory");
			goto out;
		}
	} else if (job->isolation == PYN_ISOLATION_SPAWN) {
		argv = worker_argv(e, "--run", NULL, 0);
		if (!argv) {
			snprintf(job->host_error, sizeof(job->host_error),
				 "out of memory");
			goto out;
		}
	}
	parent = getpid();
	/*
	 * The child would inherit, and write into the test's output,
	 * whatever the caller has buffered.
	 */
	fflush(stdout);
	fflush(stderr);
	job->pid = -1;
	if (argv && !envp && !e->spawn_fork)
		job->pid = spawn_worker(job, argv, job->out_w, job->err_w);
	if (job->pid < 0)
		job->pid = fork();
	if (job->pid < 0) {
		job->pid = 0;
		snprintf(job->host_error, sizeof(job->host_error),
			 "cannot fork: %s", strerror(errno));
		goto out;
	}
	if (job->pid == 0) {
		if (argv)
			spawn_child(job, argv, envp, parent, job->out_w,
				    job->err_w);
		fork_child(job, parent, job->out_w, job->err_w);
	}
	rc = watch_job(e, job);
out:
	close_writers(job);
	if (envp)
		pyn__cunit_command_free(argv, envp);
	else
		free(argv);
	return rc;
}

/*
 * The job's process exists (job->pid): watch its end, its output and its
 * deadline.  Returns 0, or -1 with job->host_error (then it is reaped).
 */
static int watch_job(struct pyn_engine *e, struct job *job)
{
	size_t i;

	/*
	 * The child makes its own process group first thing; until then
	 * it has no process to lose (the runner kills it by its pidfd too).
	 */
	job->pidfd = (int)syscall(SYS_pidfd_open, job->pid, 0);
	if (job->pidfd < 0 && errno == ENOSYS && watch_by_sigchld(e, job) == 0)
		goto watched;
	if (job->pidfd < 0) {
		/* Cannot watch it: kill it, and say why. */
		int why = errno;

		kill(job->pid, SIGKILL);
		waitpid(job->pid, NULL, 0);
		snprintf(job->host_error, sizeof(job->host_error),
			 "cannot watch the test's process: pidfd_open: %s",
			 strerror(why));
		job->pid = 0;
		return -1;
	}
	/* pidfd_open sets close-on-exec itself. */
watched:
	for (i = 0; i < job->n_lims; i++)
		if (job->lims[i].rc == 0 && job->lims[i].slot->limiter->started)
			job->lims[i].slot->limiter->started(job->lims[i].state,
							    job->pid);
	job->pid_tag.kind = EV_PID;
	job->pid_tag.job = job;
	if (job->pidfd >= 0)
		ep_add(e, job->pidfd, &job->pid_tag);
	if (job->out.fd >= 0 && !job->lane_pipes) {
		job->out.tag.kind = EV_OUT;
		job->out.tag.job = job;
		ep_add(e, job->out.fd, &job->out.tag);
		job->err.tag.kind = EV_ERR;
		job->err.tag.job = job;
		ep_add(e, job->err.fd, &job->err.tag);
	}
	if (!job->held && job->timerfd < 0)
		set_timer(e, job);
	return 0;
}

static void discard(int fd);

/* The lane's pipes, made and put in the epoll set on first use. */
static int lane_open(struct pyn_engine *e, struct lane *l)
{
	if (l->out[0] >= 0)
		return 0;
	if (pipe2(l->out, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(l->err, O_CLOEXEC) != 0)
		goto out_close;
	fcntl(l->out[0], F_SETFL, O_NONBLOCK);
	fcntl(l->err[0], F_SETFL, O_NONBLOCK);
	l->out_tag.kind = EV_OUT;
	l->out_tag.fd = l->out[0];
	l->err_tag.kind = EV_ERR;
	l->err_tag.fd = l->err[0];
	if (ep_add(e, l->out[0], &l->out_tag) == 0 &&
	    ep_add(e, l->err[0], &l->err_tag) == 0)
		return 0;
	close(l->err[0]);
	close(l->err[1]);
out_close:
	close(l->out[0]);
	close(l->out[1]);
	l->out[0] = l->out[1] = l->err[0] = l->err[1] = -1;
	return -1;
}

/*
 * Capture the job's output through its lane's pipes, when every process
 * of the test is killed at its end.  Returns 0, or -1: own pipes then.
 */
static int lane_take(struct pyn_engine *e, struct job *job)
{
	struct lane *l;

	if (!job->limits.terminate_child_processes || job->lane >= LANES)
		return -1;
	l = &e->lanes[job->lane];
	if (l->dirty && l->out[0] >= 0) {
		discard(l->out[0]);
		discard(l->err[0]);
	}
	l->dirty = 0;
	if (lane_open(e, l) != 0 ||
	    stream_buffer(&job->out, job->limits.output_limit) != 0 ||
	    stream_buffer(&job->err, job->limits.output_limit) != 0)
		return -1;
	job->lane_pipes = 1;
	job->out.fd = l->out[0];
	job->err.fd = l->err[0];
	job->out.lane_tag = &l->out_tag;
	job->err.lane_tag = &l->err_tag;
	job->out_w = l->out[1];
	job->err_w = l->err[1];
	l->out_tag.job = job;
	l->err_tag.job = job;
	/* The stream's own tag is not in the epoll set: the lane's is. */
	return 0;
}

/*
 * Start a job: its output pipes, then its process - or, when its fork
 * server is still loading, a place in e->waiting.  Puts the job in
 * e->running, e->waiting, or (failed) e->done.
 */
static void start(struct pyn_engine *e, struct job *job)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };

	if (job->limits.capture_output && lane_take(e, job) == 0) {
		job->out.other = &job->err;
		job->err.other = &job->out;
	} else if (job->limits.capture_output) {
		if (open_stream(&job->out, outp, job->limits.output_limit) ||
		    open_stream(&job->err, errp, job->limits.output_limit)) {
			snprintf(job->host_error, sizeof(job->host_error),
				 "cannot capture output: %s", strerror(errno));
			if (outp[1] >= 0)
				close(outp[1]);
			if (errp[1] >= 0)
				close(errp[1]);
			finish(e, job);
			return;
		}
		job->out_w = outp[1];
		job->err_w = errp[1];
		job->out.other = &job->err;
		job->err.other = &job->out;
	}
	if (job->isolation == PYN_ISOLATION_FORKSERVER) {
		job->server = pyn__servers_get(e->servers, e, job->page,
					       &job->limits);
		if (pyn__server_state(job->server) == PYN__SERVER_LOADING) {
			/*
			 * At the tail: tests start in the order they came
			 * (the scheduler submits the longest known first).
			 */
			struct job **pp = &e->waiting;

			while (*pp)
				pp = &(*pp)->next;
			job->next = NULL;
			*pp = job;
			return;
		}
	}
	if (launch(e, job) != 0) {
		finish(e, job);
		return;
	}
	job->next = e->running;
	e->running = job;
}

/* Take `job` out of the list at *pp (e->running, e->waiting, ...). */
static void unlink_from(struct job **pp, struct job *job)
{
	for (; *pp; pp = &(*pp)->next) {
		if (*pp == job) {
			*pp = job->next;
			break;
		}
	}
	job->next = NULL;
}

static void unlink_running(struct pyn_engine *e, struct job *job)
{
	unlink_from(&e->running, job);
}

/* Its result is ready for pyn_engine_next(), after the ones before. */
static void to_done(struct pyn_engine *e, struct job *job)
{
	job->next = NULL;
	if (e->done_tail)
		e->done_tail->next = job;
	else
		e->done = job;
	e->done_tail = job;
}

/* The oldest job asked of `server` and not yet answered, taken out. */
static struct job *launching_pop(struct pyn_engine *e,
				 struct pyn__server *server)
{
	struct job **pp, *job;

	for (pp = &e->launching; *pp; pp = &(*pp)->lnext) {
		if ((*pp)->server != server)
			continue;
		job = *pp;
		*pp = job->lnext;
		job->lnext = NULL;
		job->launching = 0;
		return job;
	}
	return NULL;
}

static int has_launching(const struct pyn_engine *e,
			 const struct pyn__server *server)
{
	const struct job *job;

	for (job = e->launching; job; job = job->lnext)
		if (job->server == server)
			return 1;
	return 0;
}

/* Its fork server is gone: the test loads the library itself. */
static void relaunch(struct pyn_engine *e, struct job *job)
{
	/* Interrupted meanwhile: it never runs. */
	if (job->killed_by) {
		close_writers(job);
		unlink_running(e, job);
		job->wall = now_s() - job->t_start;
		finish(e, job);
		return;
	}
	job->isolation = PYN_ISOLATION_SPAWN;
	if (launch(e, job) != 0) {
		unlink_running(e, job);
		finish(e, job);
		return;
	}
	/* Its deadline counted from the request: now from the spawn. */
	if (!job->held && job->timerfd >= 0)
		arm_timer(job);
}

static void kill_job(struct job *job, int reason, const char *killer);

/* `pid`, a child of ours, has ended (not reaped yet). */
static int has_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
		       0 &&
	       si.si_pid == pid;
}

/* The process of a launching job exists: watch it. */
static void launched(struct pyn_engine *e, struct job *job, pid_t pid)
{
	close_writers(job);
	job->pid = pid;
	if (watch_job(e, job) != 0) {
		unlink_running(e, job);
		finish(e, job);
		return;
	}
	/*
	 * Interrupted, or past its deadline, while being started: killed
	 * now (unless interrupted and it ended already: kill_job()).
	 */
	if (job->killed_by) {
		int reason = job->killed_by;

		job->killed_by = 0;
		kill_job(job, reason, job->killer);
	}
	/*
	 * Its own deadline again (at once, if it passed meanwhile), unless
	 * it ended already: found after its server was killed, it may be
	 * what stopped it.  Its exit tells how it ended.
	 */
	else if (job->timer_postponed && job->timerfd >= 0 &&
		 !has_exited(pid))
		arm_timer(job);
}

/*
 * The pid of a job whose fork server died before it said: the one the
 * kernel wrote into the server's own page at the clone (the request it
 * took last), or its child into the job's page first thing, if it is a
 * child of ours (both pages are the tests' to scribble on), else 0: no
 * child was made.
 */
static pid_t lost_child(const struct job *job)
{
	pid_t pid = pyn__server_made(job->server, job->request);
	const struct job *other;
	siginfo_t si;

	if (pid <= 0)
		pid = job->page->child_pid;
	if (pid <= 0 || pyn__servers_own(job->engine->servers, pid))
		return 0;
	/* Not the process of another test (the page is the test's). */
	for (other = job->engine->running; other; other = other->next)
		if (other != job && other->pid == pid)
			return 0;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0)
		return 0;
	return pid;
}

/*
 * Its fork server died with this job asked and not answered (a test
 * may kill it): the child it made is the test, else it starts anew.
 */
static void server_lost(struct pyn_engine *e, struct job *job)
{
	pid_t pid = lost_child(job);

	if (pid > 0)
		launched(e, job, pid);
	else
		relaunch(e, job);
}

/* `server` is gone: every job asked of it and not answered. */
static void servers_lost(struct pyn_engine *e, struct pyn__server *server)
{
	struct job *job;

	if (!server || pyn__server_state(server) == PYN__SERVER_READY)
		return;
	while ((job = launching_pop(e, server)))
		server_lost(e, job);
}

/*
 * A READY server did not answer for a test within the test's deadline
 * and SERVER_PATIENCE_S, or the run was interrupted meanwhile: stopped
 * (SIGSTOP from a test), or stuck.  Killed, every test asked of it is
 * then found (its child wrote its pid into the page) or started anew
 * without it (spawned, or finished unstarted when it was killed
 * meanwhile).
 */
static void server_unresponsive(struct pyn_engine *e,
				struct pyn__server *server, int late)
{
	if (late)
		warnf(e, "a fork server did not start a test within %.0f s "
			 "or its deadline (stopped?): killed; later tests of "
			 "its library are spawned", SERVER_PATIENCE_S);
	pyn__server_stop(server, e);
	servers_lost(e, server);
}

/* The patience timer at `at`, unless it is armed already (earlier). */
static void patience_arm(struct pyn_engine *e, double at)
{
	if (e->patience_armed)
		return;
	if (e->patience_fd < 0) {
		e->patience_fd = timerfd_create(CLOCK_MONOTONIC,
						TFD_CLOEXEC | TFD_NONBLOCK);
		if (e->patience_fd < 0)
			return;
		e->patience_tag.kind = EV_PATIENCE;
		if (ep_add(e, e->patience_fd, &e->patience_tag) != 0) {
			close(e->patience_fd);
			e->patience_fd = -1;
			return;
		}
	}
	if (timer_at(e->patience_fd, at) == 0)
		e->patience_armed = 1;
}

/*
 * The patience timer: a server that has not said the pid of a test
 * without a deadline for SERVER_PATIENCE_S is given up; then the timer
 * waits for the oldest such test left.
 */
static void on_patience(struct pyn_engine *e)
{
	struct job *job;
	double now = now_s(), oldest = 0;
	uint64_t v;

	if (read(e->patience_fd, &v, sizeof(v)) < 0)
		return;
	e->patience_armed = 0;
again:
	for (job = e->launching; job; job = job->lnext) {
		if (job->deadline_s > 0 || job->held || job->killed_by)
			continue;
		if (now - job->t_start >= SERVER_PATIENCE_S) {
			server_unresponsive(e, job->server, 1);
			goto again; /* e->launching changed */
		}
		if (!oldest || job->t_start < oldest)
			oldest = job->t_start;
	}
	if (oldest)
		patience_arm(e, oldest + SERVER_PATIENCE_S);
}

/* The pids of started tests, from a READY server. */
static void on_replies(struct pyn_engine *e, struct pyn__server *server)
{
	struct job *job;
	pid_t pid;
	int rc, placed;

	for (;;) {
		rc = pyn__server_reply(server, e, &pid, &placed, 0);
		if (rc == 0)
			return;
		if (rc < 0) {
			servers_lost(e, server);
			return;
		}
		job = launching_pop(e, server);
		if (!job) {
			/* Nobody asked for it: never let it run. */
			kill(pid, SIGKILL);
			waitpid(pid, NULL, __WALL);
			continue;
		}
		if (job->cgroup_cached && !placed)
			cgroup_uncache(e, job->token);
		launched(e, job, pid);
		/*
		 * Nothing more asked of it: no read to see EAGAIN (its end,
		 * if it comes, wakes the loop again).
		 */
		if (!has_launching(e, server))
			return;
	}
}

/*
 * A server's socket or loading deadline: replies once it is READY; else
 * it finished loading (or failed), so start the tests waiting for it.
 */
static void on_server(struct pyn_engine *e, struct pyn__server *server)
{
	struct job **pp = &e->waiting, *job;

	if (pyn__server_state(server) == PYN__SERVER_READY) {
		on_replies(e, server);
		return;
	}
	if (pyn__server_event(server, e) == PYN__SERVER_LOADING)
		return;
	while (*pp) {
		job = *pp;
		if (job->server != server) {
			pp = &job->next;
			continue;
		}
		*pp = job->next;
		job->next = NULL;
		if (launch(e, job) != 0) {
			finish(e, job);
			continue;
		}
		job->next = e->running;
		e->running = job;
	}
}

int pyn__engine_watch(struct pyn_engine *e, int fd, void *tag)
{
	return ep_add(e, fd, tag);
}

void pyn__engine_unwatch(struct pyn_engine *e, int fd)
{
	if (e && fd >= 0)
		epoll_ctl(e->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* The lowest clear bit of *bits, set; 64 when all 64 are taken. */
static unsigned take_bit(uint64_t *bits)
{
	unsigned i;

	for (i = 0; i < 64; i++) {
		if (!(*bits & ((uint64_t)1 << i))) {
			*bits |= (uint64_t)1 << i;
			return i;
		}
	}
	return 64;
}

/*
 * Keep the page of a finished test for a later one: when nothing of the
 * test can still write into it (its processes were killed) and its
 * result memfd holds no returned bytes (still mapped by the result).
 */
static bool page_keep(struct pyn_engine *e, struct job *job)
{
	if (!job->page || job->page_fd < 0 || job->result_fd < 0 ||
	    e->n_pool >= PAGE_POOL || !job->limits.terminate_child_processes ||
	    job->page->returned || job->page->return_size)
		return false;
	e->pool[e->n_pool].page = job->page;
	e->pool[e->n_pool].page_fd = job->page_fd;
	e->pool[e->n_pool].result_fd = job->result_fd;
	e->n_pool++;
	job->page = NULL;
	job->page_fd = job->result_fd = -1;
	return true;
}

/* A page for a new test: a kept one, else a new memfd. */
static int page_take(struct pyn_engine *e, struct job *job,
		     struct pyn_error *err)
{
	if (e->n_pool) {
		e->n_pool--;
		job->page = e->pool[e->n_pool].page;
		job->page_fd = e->pool[e->n_pool].page_fd;
		job->result_fd = e->pool[e->n_pool].result_fd;
		pyn__page_reset(job->page);
		return 0;
	}
	if (pyn__page_new(&job->page, &job->page_fd, err) != 0)
		return -1;
	job->result_fd = memfd_create("pyntest-result", MFD_CLOEXEC);
	if (job->result_fd < 0)
		return pyn_error_set(err, PYN_ESYSTEM, NULL, 0, 0,
				     "cannot create the result memfd: %s",
				     strerror(errno));
	return 0;
}

static void job_free(struct job *job)
{
	if (!job)
		return;
	free(job->out.buf);
	free(job->err.buf);
	close_writers(job);
	if (job->pid <= 0 || job->reaped)
		page_keep(job->engine, job);
	if (job->result_fd >= 0)
		close(job->result_fd);
	if (job->page_fd >= 0)
		close(job->page_fd);
	pyn__page_unmap(job->page);
	pyn_result_release(&job->res);
	free(job);
}

static int submit(struct pyn_engine *e, const struct pyn_task *task,
		  const struct pyn_limits *limits, void *user, int held,
		  struct pyn_error *err)
{
	struct pyn_limits lim;
	struct job *job;
	int rc;

	if (!e || !task)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "no engine or no task");
	rc = pyn__limits_read(limits, &lim, err);
	if (rc)
		return rc;
	limits = &lim;
	if (task->kind == PYN_TASK_FUNCTION && !task->fn)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "task '%s' has no function",
				     task->name ? task->name : "?");
	if (task->kind != PYN_TASK_FUNCTION && !task->library &&
	    !task->program)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "task '%s' has no library",
				     task->name ? task->name : "?");
	job = calloc(1, sizeof(*job));
	if (!job)
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "out of memory");
	job->engine = e;
	job->user = user;
	job->seq = ++e->seq;
	job->page_fd = job->result_fd = job->pidfd = job->timerfd = -1;
	job->out.fd = job->err.fd = -1;
	job->out_w = job->err_w = -1;
	job->t_submit = now_s();
	job->limits = *limits;
	job->res.struct_size = sizeof(job->res);
	job->limits.options = NULL; /* only read during setup, below */
	job->fn = task->fn;
	job->arg = task->arg;
	rc = page_take(e, job, err);
	if (rc)
		goto out_free;
	rc = pyn__page_set_task(job->page, task, err);
	if (rc)
		goto out_free;
	job->page->limited = 1;

	job->isolation = job->limits.isolation;
	if (task->kind == PYN_TASK_FUNCTION)
		job->isolation = PYN_ISOLATION_FORK;
	else if (job->isolation == PYN_ISOLATION_DEFAULT)
		job->isolation = PYN__LIBRARY_ISOLATION;
	/* A CUnit program's image is not ours to fork: it runs its own. */
	if (task->program && job->isolation == PYN_ISOLATION_FORK)
		job->isolation = PYN_ISOLATION_SPAWN;
	if (job->isolation == PYN_ISOLATION_FORK &&
	    task->kind != PYN_TASK_FUNCTION && e->worker[0] &&
	    !dlsym(RTLD_DEFAULT, "pyn__cunit_hook_present")) {
		if (!e->warned_hook)
			warnf(e, "this program does not export the CUnit hook "
				 "(pyntest_cunit_hook): running library tests "
				 "in spawn mode instead of fork");
		e->warned_hook = 1;
		job->isolation = PYN_ISOLATION_SPAWN;
	}
	if (job->isolation != PYN_ISOLATION_FORK && !e->worker[0] &&
	    !task->program) {
		warnf(e,
		      "cannot find pyntest-worker (set PYNTEST_WORKER): "
		      "running '%s' in fork mode",
		      task->name ? task->name : "?");
		job->isolation = PYN_ISOLATION_FORK;
	}
	if (job->isolation == PYN_ISOLATION_FORKSERVER && !e->servers) {
		e->servers = pyn__servers_new();
		if (!e->servers)
			job->isolation = PYN_ISOLATION_SPAWN;
	}

	/* Options are borrowed: use them now, during setup. */
	job->limits.options = limits ? limits->options : NULL;
	job->lane = take_bit(&e->lanes_busy);
	if (held) {
		job->held = 1;
		job->autostart = held == 2;
		job->slot = 64;
		job->page->gate = 1;
	} else {
		job->slot = take_bit(&e->slots);
		e->pending++;
	}
	if (limiters_setup(e, job, task->name, 0) == 0) {
		job->limits.options = NULL;
		job->limits.n_options = 0;
		start(e, job);
	} else {
		job->limits.options = NULL;
		job->limits.n_options = 0;
		finish(e, job);
	}
	return 0;

out_free:
	job_free(job);
	return rc;
}

int pyn_engine_submit(struct pyn_engine *e, const struct pyn_task *task,
		      const struct pyn_limits *limits, void *user,
		      struct pyn_error *err)
{
	return submit(e, task, limits, user, 0, err);
}

/* ---- Prestarting ------------------------------------------------------ */

/*
 * With every -j lane busy, the scheduler hands the engine the next test
 * ahead of its start: its limiters are set up and its process is made
 * (forked, spawned, or cloned by its fork server) while the running tests
 * run, and its child waits at the page's gate, after its limits are
 * applied and before it loads the library or runs anything of the test.
 * Starting it is then a store and a futex wake instead of a fork; the
 * deadline and the wall time count from the start.  Only library tests:
 * a CUnit program's main() runs before any test (cunit_exec.c).
 */
/*
 * The subreaper tree provider tells a test's orphans from the runner's
 * children it did not have when the test started: a process made ahead
 * (or a fork server it starts) would be taken for the running test's.
 */
static int tree_by_subreaper(void)
{
	const struct pyn__limiter_slot *slot;
	size_t i, n = pyn__registry_count();

	for (i = 0; i < n; i++) {
		slot = pyn__registry_get(i);
		if (slot && slot->supported && slot->limiter &&
		    (slot->limiter->provides & PYN_PROVIDES_PROCESS_TREE) &&
		    strcmp(slot->provider, "subreaper") == 0)
			return 1;
	}
	return 0;
}

int pyn__engine_hold(struct pyn_engine *e, const struct pyn_task *task,
		     const struct pyn_limits *limits, void *user, int autostart,
		     struct pyn_error *err)
{
	enum pyn_isolation iso =
		limits ? limits->isolation : PYN_ISOLATION_DEFAULT;

	if (!e || !task || !task->library || task->program ||
	    (task->kind != PYN_TASK_SYMBOL && task->kind != PYN_TASK_CUNIT) ||
	    tree_by_subreaper())
		return 1;
	/*
	 * The first test of a library would start its fork server, which
	 * loads the library (its constructors run) while others run.
	 */
	if ((iso == PYN_ISOLATION_DEFAULT || iso == PYN_ISOLATION_FORKSERVER) &&
	    !pyn__servers_ready(e->servers, task->library))
		return 2;
	return submit(e, task, limits, user, autostart ? 2 : 1, err);
}

void pyn__engine_one_lane(struct pyn_engine *e, int yes)
{
	if (e)
		e->one_lane = !!yes;
}

static struct job *find_held(struct job *list, void *user, int parked)
{
	for (; list; list = list->next)
		if ((list->held || parked) && !list->cancelled &&
		    list->user == user)
			return list;
	return NULL;
}

/* The held job's child started by itself (page.h, gate 2 -> 0). */
static int self_started(const struct job *job)
{
	return job->held && job->watch_seq &&
	       __atomic_load_n(&job->page->gate, __ATOMIC_ACQUIRE) == 0;
}

/*
 * Take the gate back from a child that may start by itself: 1 when it
 * had started already (it is to be started, go()), else 0: it waits for
 * go() from now on.
 */
static int gate_take(struct job *job)
{
	uint32_t want = 2;

	if (!job->held || !job->watch_seq)
		return 0;
	if (__atomic_compare_exchange_n(&job->page->gate, &want, 1, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return 0;
	return want == 0;
}

static void go(struct pyn_engine *e, struct job *job)
{
	uint32_t was;

	job->held = 0;
	job->slot = take_bit(&e->slots);
	e->pending++;
	job->t_submit = job->t_start = now_s();
	was = __atomic_exchange_n(&job->page->gate, 0, __ATOMIC_ACQ_REL);
	if (was == 0 && job->watch_seq) {
		/* It started by itself, when the test before it ended. */
		job->t_submit = job->t_start =
			(double)job->page->started_ns / 1e9;
	} else {
		syscall(SYS_futex, &job->page->gate, FUTEX_WAKE, INT_MAX,
			NULL, NULL, 0);
	}
	/* Made, or asked of its fork server: its deadline counts from now.
	 * Else (its server still loading) launch() arms it. */
	if (job->pid > 0 || job->launching)
		set_timer(e, job);
}

static struct job *find_autostart(struct job *list)
{
	for (; list; list = list->next)
		if (list->held && list->autostart && !list->cancelled &&
		    !list->killed_by)
			return list;
	return NULL;
}

/*
 * `ended`, a started test, has no process left (killed and waited for,
 * unless it asked to keep them): a held test set to start by itself
 * takes its -j lane now, before `ended`'s result is read, classified and
 * handed to the scheduler, which is then told (pyn__engine_go).  At
 * -j 1 that takes the runner's whole reading of a result off the time
 * between two tests.  Never after an interrupt.
 */
static void autostart(struct pyn_engine *e, struct job *ended)
{
	struct job *job;

	if (!ended->reaped || ended->held || ended->cancelled ||
	    ended->slot >= 64 || ended->slot_passed)
		return;
	/* One that watched `ended` may have started already: it has. */
	for (job = e->running; job; job = job->next)
		if (job->watch_seq == ended->seq && self_started(job))
			break;
	if (!job && (e->no_autostart || e->interrupted))
		return;
	if (!job)
		job = find_autostart(e->running);
	if (!job)
		job = find_autostart(e->waiting);
	if (!job)
		return;
	e->slots &= ~((uint64_t)1 << ended->slot);
	ended->slot_passed = 1;
	job->autostarted = 1;
	go(e, job);
}

static void on_exit_event(struct pyn_engine *e, struct job *job);

/*
 * A held job whose child started by itself: the test it watched ended,
 * so that test's end is taken first (which starts this job in its lane,
 * autostart()); when that was taken already, it starts in a lane of its
 * own.  The scheduler learns it as of autostart().
 */
static void settle(struct pyn_engine *e, struct job *job)
{
	struct job *before;

	if (!self_started(job))
		return;
	for (before = e->running; before; before = before->next)
		if (before->seq == job->watch_seq && !before->held &&
		    !before->reaped)
			break;
	/* Its pid not said yet by its server: its end is taken later. */
	if (before && (before->launching || before->pid <= 0))
		return;
	if (before)
		on_exit_event(e, before);
	if (job->held && !before) {
		job->autostarted = 1;
		go(e, job);
	}
}

/* `user` started by itself: the scheduler learns it now.  1 if so. */
static int told_started(struct pyn_engine *e, void *user)
{
	struct job *lists[] = { e->running, e->waiting, e->done };
	struct job *job;

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		for (job = lists[i]; job; job = job->next)
			if (job->autostarted && job->user == user) {
				job->autostarted = 0;
				return 1;
			}
	return 0;
}

int pyn__engine_go(struct pyn_engine *e, void *user)
{
	struct job *job;

	if (!e)
		return -1;
	job = find_held(e->parked, user, 1);
	if (job) {
		/* It ended while held (its limits could not be applied, or
		 * it was killed): that is its result, as if just started. */
		unlink_from(&e->parked, job);
		job->held = 0;
		job->res.slot = take_bit(&e->slots);
		if (job->res.slot < 64)
			e->slots &= ~((uint64_t)1 << job->res.slot);
		job->res.start_s = now_s() - e->t0;
		e->pending++;
		to_done(e, job);
		return 0;
	}
	if (told_started(e, user))
		return 0;
	job = find_held(e->running, user, 0);
	if (!job)
		job = find_held(e->waiting, user, 0);
	if (!job)
		return -1;
	go(e, job);
	return 0;
}

int pyn__engine_cancel(struct pyn_engine *e, void *user)
{
	struct job *job;

	if (!e)
		return 0;
	/* Too late: it started by itself, and runs (or ran) as any other. */
	if (told_started(e, user))
		return 1;
	job = find_held(e->running, user, 0);
	if (job && gate_take(job)) {
		settle(e, job);
		/*
		 * Started by itself: it runs on, and is started in the books
		 * when the end of the test before it is read (autostart()).
		 */
		if (told_started(e, user) || self_started(job))
			return 1;
	}
	job = find_held(e->parked, user, 1);
	if (job) {
		unlink_from(&e->parked, job);
		job_free(job);
		return 0;
	}
	job = find_held(e->waiting, user, 0);
	if (job) {
		unlink_from(&e->waiting, job);
		job->cancelled = 1;
		close_writers(job);
		finish(e, job);
		return 0;
	}
	job = find_held(e->running, user, 0);
	if (!job)
		return 0;
	/* Killed at its gate; finish() drops it when it is reaped. */
	job->cancelled = 1;
	kill_job(job, PYN_KILL_INTERRUPT, NULL);
	return 0;
}

/* ---- Watching --------------------------------------------------------- */

/*
 * The fallback when the kernel (or valgrind, which does not know syscall
 * 434) has no pidfd_open: a SIGCHLD handler writes a byte into a pipe of
 * every engine that needs it, the pipe is in the engine's epoll, and on
 * each wake-up every running job without a pidfd is tried with
 * wait4(WNOHANG).  The runner is the parent of every test process in
 * every mode (fork servers clone with CLONE_PARENT), so SIGCHLD reaches
 * it.  Test children reset every handler, so this never runs in a test.
 */
#define CHLD_ENGINES 16
static int chld_writers[CHLD_ENGINES] = { -1, -1, -1, -1, -1, -1, -1, -1,
					  -1, -1, -1, -1, -1, -1, -1, -1 };
static struct sigaction chld_prev;
static int chld_installed;

static void on_sigchld_signal(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;
	ssize_t n;
	int i, fd;

	for (i = 0; i < CHLD_ENGINES; i++) {
		fd = __atomic_load_n(&chld_writers[i], __ATOMIC_RELAXED);
		if (fd >= 0)
			n = write(fd, "c", 1);
	}
	(void)n;
	errno = saved;
	/* Chain a handler the caller had, so its own children still work. */
	if (chld_prev.sa_flags & SA_SIGINFO) {
		if (chld_prev.sa_sigaction)
			chld_prev.sa_sigaction(sig, si, uc);
	} else if (chld_prev.sa_handler != SIG_DFL &&
		   chld_prev.sa_handler != SIG_IGN) {
		chld_prev.sa_handler(sig);
	}
}

/* Watch job's process through SIGCHLD; 0, or -1 with errno. */
static int watch_by_sigchld(struct pyn_engine *e, struct job *job)
{
	struct sigaction sa;
	int i, expect;

	if (!e->chld_on) {
		if (pipe2(e->chld_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
			return -1;
		e->chld_tag.kind = EV_CHLD;
		if (ep_add(e, e->chld_pipe[0], &e->chld_tag) != 0)
			goto fail;
		for (i = 0; i < CHLD_ENGINES; i++) {
			expect = -1;
			if (__atomic_compare_exchange_n(
				    &chld_writers[i], &expect,
				    e->chld_pipe[1], 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST))
				break;
		}
		if (i == CHLD_ENGINES) {
			errno = EMFILE;
			goto fail;
		}
		e->chld_on = 1;
		if (!__atomic_exchange_n(&chld_installed, 1,
					 __ATOMIC_SEQ_CST)) {
			memset(&sa, 0, sizeof(sa));
			sa.sa_sigaction = on_sigchld_signal;
			sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
			sigemptyset(&sa.sa_mask);
			sigaction(SIGCHLD, &sa, &chld_prev);
		}
	}
	/* It may have ended before the handler was there: look once. */
	if (write(e->chld_pipe[1], "c", 1) < 0 && errno != EAGAIN)
		return -1;
	(void)job;
	return 0;

fail:
	i = errno;
	close(e->chld_pipe[0]);
	close(e->chld_pipe[1]);
	errno = i;
	return -1;
}

static void on_exit_event(struct pyn_engine *e, struct job *job);

static void on_sigchld(struct pyn_engine *e)
{
	struct job *job, *next;
	char buf[256];

	while (read(e->chld_pipe[0], buf, sizeof(buf)) > 0)
		;
again:
	for (job = e->running; job; job = next) {
		next = job->next;
		if (job->pidfd < 0 && job->pid > 0 && !job->reaped) {
			unsigned long reaps = e->reaps;

			on_exit_event(e, job);
			/*
			 * One was taken (this one, or the one it watched:
			 * settle()): the list changed, maybe under `next`.
			 */
			if (e->reaps != reaps)
				goto again;
		}
	}
}

static void chld_off(struct pyn_engine *e)
{
	int i;

	if (!e->chld_on)
		return;
	for (i = 0; i < CHLD_ENGINES; i++)
		if (chld_writers[i] == e->chld_pipe[1])
			__atomic_store_n(&chld_writers[i], -1,
					 __ATOMIC_SEQ_CST);
	close(e->chld_pipe[0]);
	close(e->chld_pipe[1]);
	e->chld_on = 0;
}

static void kill_job(struct job *job, int reason, const char *killer)
{
	if (job->pid <= 0 && !job->launching)
		return;
	/*
	 * Interrupted once its process had ended by itself (its end not
	 * read yet; or found after its fork server was killed, which it may
	 * have stopped): not interrupted, its exit tells how it ended.
	 * What it left is killed all the same.
	 */
	if (!job->killed_by &&
	    !(reason == PYN_KILL_INTERRUPT && !job->launching &&
	      has_exited(job->pid))) {
		job->killed_by = reason;
		job->killer = killer;
	}
	/* Not started yet: killed when its pid comes (on_replies). */
	if (job->launching)
		return;
	limiters_kill(job);
	if (job->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, job->pidfd, SIGKILL, NULL, 0);
	else
		kill(job->pid, SIGKILL);
	kill(-job->pid, SIGKILL);
}

static void drain(struct pyn_engine *e, struct stream *s, int to_eof)
{
	char chunk[65536];
	size_t keep;
	ssize_t n;

	while (s->fd >= 0) {
		n = read(s->fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && !to_eof)
			return;
		if (n <= 0) {
			stream_close(e, s);
			return;
		}
		s->total += (uint64_t)n;
		keep = s->cap - s->len;
		if (s->other && s->other->len < keep)
			keep -= s->other->len;
		else if (s->other)
			keep = 0;
		if (keep > (size_t)n)
			keep = (size_t)n;
		if (keep && s->len + keep >= s->alloc) {
			size_t want = s->alloc * 2;
			char *p;

			if (want < s->len + keep + 1)
				want = s->len + keep + 1;
			if (want > s->cap + 1)
				want = s->cap + 1;
			p = realloc(s->buf, want);
			if (p) {
				s->buf = p;
				s->alloc = want;
			} else {
				keep = s->alloc - 1 - s->len;
			}
		}
		if (keep) {
			memcpy(s->buf + s->len, chunk, keep);
			s->len += keep;
			s->buf[s->len] = '\0';
		}
	}
}

/*
 * Output in a lane's pipe between two tests: of a process of the last
 * one that was not yet dead when it was drained.  Nobody's: drop it.
 */
static void discard(int fd)
{
	char chunk[4096];
	ssize_t n;

	do
		n = read(fd, chunk, sizeof(chunk));
	while (n > 0 || (n < 0 && errno == EINTR));
}

/*
 * When the test ended: the time its child wrote at its end, when it got
 * there and was not killed (the runner may see the exit late: stopped,
 * busy, or the test started by itself meanwhile), else `now`.
 */
static double ended_at(const struct job *job, double now)
{
	double end = (double)job->page->ended_ns / 1e9;

	if (job->page->ended_ns && !job->killed_by && end >= job->t_start &&
	    end <= now)
		return end;
	return now;
}

static void on_exit_event(struct pyn_engine *e, struct job *job)
{
	pid_t r;

	/* Taken already (by settle(), in a batch or a SIGCHLD round). */
	if (job->reaped)
		return;
	/* Started by itself and ended already: it was started first. */
	settle(e, job);
	r = wait4(job->pid, &job->status, WNOHANG | __WALL, &job->ru);
	if (r == 0)
		return;
	job->reaped = 1;
	e->reaps++;
	if (r < 0) {
		/*
		 * Reaped by someone else (SIGCHLD ignored, or a handler of the
		 * caller's): the status is lost, but a child that got through
		 * the harness wrote how it ended, and exits accordingly.
		 */
		int state = job->page->state;

		memset(&job->ru, 0, sizeof(job->ru));
		if (state == PYN_CHILD_RETURNED || state == PYN_CHILD_SKIPPED)
			job->status = W_EXITCODE(0, 0);
		else if (state == PYN_CHILD_FAILED)
			job->status = W_EXITCODE(1, 0);
		else
			job->status = W_EXITCODE(0, SIGKILL);
	}
	job->wall = ended_at(job, now_s()) - job->t_start;
	unlink_running(e, job);
	finish(e, job);
}

static void read_evidence(struct job *job, struct pyn_limiter_evidence *ev)
{
	struct pyn__page *p = job->page;

	memset(ev, 0, sizeof(*ev));
	ev->struct_size = sizeof(*ev);
	ev->wait_status = job->status;
	ev->rusage = &job->ru;
	ev->wall_time_s = job->wall;
	ev->cpu_time_s = (double)job->ru.ru_utime.tv_sec +
			 (double)job->ru.ru_utime.tv_usec / 1e6 +
			 (double)job->ru.ru_stime.tv_sec +
			 (double)job->ru.ru_stime.tv_usec / 1e6;
	ev->killed_by = job->killed_by;
	ev->killer = job->killer;
	ev->child_state = p->state;
	ev->alloc_failed = p->alloc_failed;
	ev->alloc_failed_size = p->alloc_failed_size;
	ev->vm_peak_bytes = p->vm_peak_bytes;
	ev->vm_hwm_bytes = p->vm_hwm_bytes;
	ev->rss_at_start_bytes = p->rss_at_start_bytes;
	ev->would_pass = pyn__would_pass(job->status, p->state, p->n_failures,
					 p->fail_called);
}

static void take_output(struct stream *s, char **buf, size_t *len,
			uint64_t *total)
{
	*buf = s->buf;
	*len = s->len;
	*total = s->total;
	s->buf = NULL;
}

static void take_return(struct job *job, struct pyn_result *res)
{
	struct stat st;
	size_t size = (size_t)job->page->return_size;
	void *p;

	/* pynisher tells "no result" from an empty one; so does this. */
	res->returned = job->page->returned && job->result_fd >= 0;
	if (!job->page->returned || !size || job->result_fd < 0)
		return;
	if (fstat(job->result_fd, &st) != 0 || (uint64_t)st.st_size < size)
		return;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 job->result_fd, 0);
	if (p == MAP_FAILED)
		return;
	res->data = p;
	res->size = size;
}

static void finish(struct pyn_engine *e, struct job *job)
{
	struct pyn__claim claims[PYN__LIMITERS_MAX];
	struct pyn__classify_input in;
	struct pyn_limiter_evidence ev;
	struct pyn__verdict v;
	struct pyn_result *res = &job->res;
	const struct pyn__limiter_slot *slot;
	size_t i, k, n_claims = 0, n_props = 0;
	double cpu = -1;
	int64_t peak = -1;
	struct lim *l;
	uint64_t hwm;

	/* What the test left behind goes now, before the evidence. */
	if (job->pid > 0) {
		if (job->limits.terminate_child_processes) {
			job->leftover = limiters_kill(job);
			kill(-job->pid, SIGKILL);
		}
		close_fd(e, &job->pidfd);
	}
	/* Its processes are gone: the next test need not wait for the rest. */
	autostart(e, job);
	/* Armed before the pid was known (a fork server's test), too. */
	close_fd(e, &job->timerfd);
	/*
	 * Always read: a process of the test may have written after the
	 * test's own process ended and before it was killed just now.
	 */
	drain(e, &job->out, 0);
	drain(e, &job->err, 0);
	if (job->lane_pipes && job->lane < LANES &&
	    (job->leftover || job->killed_by))
		e->lanes[job->lane].dirty = 1;
	stream_close(e, &job->out);
	stream_close(e, &job->err);

	read_evidence(job, &ev);
	for (i = 0; job->pid > 0 && i < job->n_lims; i++) {
		l = &job->lims[i];
		if (l->rc != 0 || !l->slot->limiter->classify)
			continue;
		memset(&l->verdict, 0, sizeof(l->verdict));
		l->verdict.struct_size = sizeof(l->verdict);
		l->verdict.outcome = PYN_OUTCOME_UNDECIDED;
		l->verdict.cpu_time_s = -1;
		l->verdict.peak_memory_bytes = -1;
		l->verdict.add_property = add_property;
		l->verdict.host_data = l;
		if (l->slot->limiter->classify(l->state, &ev, &l->verdict) != 0)
			l->verdict.outcome = PYN_OUTCOME_UNDECIDED;
		l->verdict.message[sizeof(l->verdict.message) - 1] = '\0';
		claims[n_claims].limiter = l->slot->limiter->name;
		claims[n_claims].outcome = l->verdict.outcome;
		claims[n_claims].message = l->verdict.message;
		n_claims++;
		if (l->verdict.cpu_time_s >= 0 && l->verdict.cpu_time_s > cpu)
			cpu = l->verdict.cpu_time_s;
		if (l->verdict.peak_memory_bytes >= 0 &&
		    l->verdict.peak_memory_bytes > peak)
			peak = l->verdict.peak_memory_bytes;
		job->leftover += l->verdict.leftover_processes;
		n_props += l->n_props;
		if ((l->slot->limiter->provides & PYN_PROVIDES_MEMORY) &&
		    !res->memory_provider[0])
			snprintf(res->memory_provider,
				 sizeof(res->memory_provider), "%s",
				 l->slot->provider);
		if ((l->slot->limiter->provides & PYN_PROVIDES_PROCESS_TREE) &&
		    !res->tree_provider[0])
			snprintf(res->tree_provider, sizeof(res->tree_provider),
				 "%s", l->slot->provider);
	}
	if (cpu < 0)
		cpu = ev.cpu_time_s;
	if (peak < 0 && job->pid > 0) {
		hwm = ev.vm_hwm_bytes ? ev.vm_hwm_bytes :
					(uint64_t)job->ru.ru_maxrss * 1024;
		peak = hwm > ev.rss_at_start_bytes ?
			       (int64_t)(hwm - ev.rss_at_start_bytes) :
			       0;
	}

	memset(&in, 0, sizeof(in));
	in.ev = &ev;
	in.host_setup_error = job->host_error;
	in.setup_message = job->page->setup_message;
	in.setup_step = job->page->setup_step;
	if (job->page->limiter_index >= 0) {
		slot = pyn__registry_get((size_t)job->page->limiter_index);
		in.applying_limiter = slot ? slot->limiter->name : NULL;
	}
	in.library = pyn__page_str(job->page, job->page->task.library);
	in.n_failures = job->page->n_failures;
	in.first_failure = &job->page->failures[0];
	in.fail_called = job->page->fail_called;
	in.fail_code = job->page->fail_code;
	in.fail_message = job->page->fail_message;
	in.skip_reason = job->page->skip_reason;
	in.wall_time_s = job->limits.wall_time_s;
	in.cpu_time_s = job->limits.cpu_time_s;
	in.memory_bytes = job->limits.memory_bytes;
	in.peak_memory_bytes = peak;
	in.tree_cpu_time_s = job->pid > 0 ? cpu : -1;
	in.claims = claims;
	in.n_claims = n_claims;
	pyn__classify(&in, &v);
	if (ev.child_state == PYN_CHILD_LOADING && job->page->task.program &&
	    v.outcome != PYN_OUTCOME_PASS)
		pyn__cunit_loading_note(
			v.message, sizeof(v.message),
			pyn__page_str(job->page, job->page->task.program),
			ev.wait_status, ev.killed_by);

	res->outcome = v.outcome;
	snprintf(res->message, sizeof(res->message), "%s", v.message);
	snprintf(res->error_type, sizeof(res->error_type), "%s",
		 v.error_type);
	res->wall_time_s = job->wall;
	res->cpu_time_s = job->pid > 0 ? cpu : 0;
	res->peak_memory_bytes = job->pid > 0 ? peak : -1;
	res->start_s = job->t_start > 0 ? job->t_start - e->t0 : 0;
	res->slot = job->slot;
	if (job->pid > 0 && WIFEXITED(job->status)) {
		res->exit_code = WEXITSTATUS(job->status);
	} else if (job->pid > 0 && WIFSIGNALED(job->status)) {
		res->exit_code = -1;
		res->term_signal = WTERMSIG(job->status);
	} else {
		res->exit_code = -1;
	}
	res->fail_code = job->page->fail_code;
	res->leftover_processes = job->leftover;
	res->n_failures = job->page->n_failures;
	memcpy(res->failures, job->page->failures, sizeof(res->failures));
	snprintf(res->skip_reason, sizeof(res->skip_reason), "%s",
		 job->page->state == PYN_CHILD_SKIPPED ?
			 job->page->skip_reason :
			 "");
	take_return(job, res);
	if (job->out.buf)
		take_output(&job->out, &res->out, &res->out_len,
			    &res->out_total);
	if (job->err.buf)
		take_output(&job->err, &res->err, &res->err_len,
			    &res->err_total);
	if (n_props) {
		res->properties = calloc(n_props, sizeof(char *));
		for (i = 0; res->properties && i < job->n_lims; i++) {
			l = &job->lims[i];
			for (k = 0; k < l->n_props; k++) {
				res->properties[res->n_properties++] =
					l->props[k];
				l->props[k] = NULL;
			}
		}
	}
	limiters_teardown(job);
	/* Its processes were killed and waited for: the token is free. */
	if (job->limits.terminate_child_processes)
		token_release(job->token);
	job->token = 0;
	if (job->slot < 64 && !job->slot_passed)
		e->slots &= ~((uint64_t)1 << job->slot);
	if (job->lane < 64)
		e->lanes_busy &= ~((uint64_t)1 << job->lane);
	job->lane = 64;

	if (job->cancelled) {
		job_free(job);
		return;
	}
	if (job->held) {
		job->next = e->parked;
		e->parked = job;
		return;
	}
	to_done(e, job);
}

static void on_interrupt(struct pyn_engine *e)
{
	uint64_t v;
	struct job *job;
	ssize_t n = read(e->intr_fd, &v, sizeof(v));

	(void)n;
	if (!e->interrupted)
		return;
	e->interrupted = 0;
	/*
	 * No held test starts by itself from now on; one that did is
	 * started (and killed below with the others).
	 */
again:
	for (job = e->running; job; job = job->next) {
		if (gate_take(job)) {
			settle(e, job);
			if (!job->held)
				goto again; /* the list changed */
		}
	}
	e->no_autostart = 1;
	for (job = e->running; job; job = job->next)
		kill_job(job, PYN_KILL_INTERRUPT, NULL);
	/*
	 * Asked of a fork server that has not said their pids: it may
	 * never (stopped).  Killed, it answers for them at once: the child
	 * it made (in the page) is killed, else the test never starts.
	 */
	while (e->launching)
		server_unresponsive(e, e->launching->server, 0);
	/* Tests still waiting for their fork server never start. */
	while (e->waiting) {
		job = e->waiting;
		e->waiting = job->next;
		job->next = NULL;
		job->killed_by = PYN_KILL_INTERRUPT;
		/*
		 * Its fork server was loading the library: that is where the
		 * time went since the test was submitted.
		 */
		job->t_start = job->t_submit;
		job->wall = now_s() - job->t_submit;
		job->page->state = PYN_CHILD_LOADING;
		close_writers(job);
		finish(e, job);
	}
}

/*
 * A deadline came.  Its limiter may look again (a CPU budget of the whole
 * process tree, say) and ask for a later one: then the same timerfd is
 * armed for the next earliest deadline, no polling.
 */
static void on_timer(struct job *job)
{
	const struct pyn_limiter *lim;
	double elapsed, again;
	struct lim *l;
	uint64_t v;
	ssize_t n = read(job->timerfd, &v, sizeof(v));
	size_t i;

	/* Nothing expired: an event of an earlier arming (re-armed since). */
	if (n < 0)
		return;
	elapsed = now_s() - job->t_start;
	if (job->launching && !job->killed_by) {
		/*
		 * Its fork server has not said its pid: busy with many
		 * requests, or stopped (SIGSTOP from a test).  Given
		 * SERVER_PATIENCE_S in all, it is killed, and then answers:
		 * the test it made is found in the page, one never made is
		 * spawned (relaunch(): deadline from the spawn).
		 */
		if (elapsed < SERVER_PATIENCE_S) {
			job->timer_postponed = 1;
			arm_timer_at(job, job->t_start + SERVER_PATIENCE_S);
			return;
		}
		server_unresponsive(job->engine, job->server, 1);
		/*
		 * Found and still running: its deadline (or its limiter's
		 * look) at once, as if the pid had come in time.  Found
		 * ended, it may be what stopped the server: its exit comes.
		 */
		if (job->pid > 0 && !job->reaped && job->timerfd >= 0 &&
		    job->deadline_s > 0 &&
		    job->isolation == PYN_ISOLATION_FORKSERVER &&
		    !has_exited(job->pid))
			arm_timer_at(job, now_s());
		return;
	}
	/* Only the server's patience was armed (no deadline): done. */
	if (job->deadline_s <= 0)
		return;
	/*
	 * Ended by itself, its exit not read yet (this runner was late:
	 * stopped, or busy): no kill; its exit, and the time its child wrote
	 * at its end, tell how it ended.
	 */
	if (job->pid > 0 && !job->reaped && has_exited(job->pid))
		return;
	for (i = 0; !job->killed_by && i < job->n_lims; i++) {
		l = &job->lims[i];
		lim = l->slot->limiter;
		if (l->rc != 0 || l->deadline_s != job->deadline_s ||
		    !job->deadline_killer ||
		    strcmp(lim->name, job->deadline_killer) != 0 ||
		    !PYN_LIMITER_HAS(lim, deadline) || !lim->deadline)
			continue;
		again = lim->deadline(l->state, elapsed);
		if (!(again > 0))
			break;
		l->deadline_s = elapsed + again;
		pick_deadline(job);
		arm_timer(job);
		return;
	}
	kill_job(job, PYN_KILL_DEADLINE, job->deadline_killer);
}

/*
 * Watch the caller's fd, and leave it in the epoll set for the next call
 * (the runner passes the same one for every test).  MOD finds it only if
 * this very file is still registered under that number: a closed fd left
 * the set by itself, and a new file behind a reused number is added.
 * One the caller no longer passes leaves the set: a readable fd nobody
 * reads would wake every epoll_wait.
 */
static int watch(struct pyn_engine *e, int fd)
{
	struct epoll_event ev;

	if (e->watch_fd >= 0 && e->watch_fd != fd)
		epoll_ctl(e->epfd, EPOLL_CTL_DEL, e->watch_fd, NULL);
	e->watch_fd = fd;
	if (fd < 0)
		return 0;
	/*
	 * One-shot, armed again by each call: a registration left behind
	 * (the caller closed its fd while a copy of the file stays open
	 * elsewhere, so DEL by number cannot reach it) fires once at most.
	 */
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.ptr = &e->watch_tag;
	if (epoll_ctl(e->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
		return 0;
	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
		return 0;
	e->watch_fd = -1;
	return -1;
}

int pyn_engine_next(struct pyn_engine *e, int watch_fd, struct pyn_result *res,
		    void **user, struct pyn_error *err)
{
	struct epoll_event evs[32];
	struct ev_tag *tag;
	struct job *job;
	int n, i, watched = 0, rc;

	if (!e || !res)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "no engine or no result");
	if (pyn__result_check(res, err))
		return PYN_EINVAL;
	if ((watch_fd >= 0 || e->watch_fd >= 0) && watch(e, watch_fd) != 0)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "cannot watch fd %d: %s", watch_fd,
				     strerror(errno));
	for (;;) {
		if (e->done) {
			job = e->done;
			e->done = job->next;
			if (!e->done)
				e->done_tail = NULL;
			e->pending--;
			pyn__result_deliver(res, &job->res);
			if (user)
				*user = job->user;
			job_free(job);
			rc = 1;
			break;
		}
		if (watched) {
			rc = 0;
			break;
		}
		if (!e->running && !e->waiting && watch_fd < 0) {
			rc = pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
					   "no task is running");
			break;
		}
		n = epoll_wait(e->epfd, evs, 32, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = pyn_error_set(err, PYN_ESYSTEM, NULL, 0, 0,
					   "epoll_wait: %s", strerror(errno));
			break;
		}
		/* Output first, so an exit in the same batch keeps it all. */
		for (i = 0; i < n; i++) {
			tag = evs[i].data.ptr;
			if ((tag->kind == EV_OUT || tag->kind == EV_ERR) &&
			    !tag->job)
				discard(tag->fd);
			else if (tag->kind == EV_OUT)
				drain(e, &tag->job->out, 0);
			else if (tag->kind == EV_ERR)
				drain(e, &tag->job->err, 0);
			else if (tag->kind == EV_WATCH && watch_fd >= 0)
				watched = 1;
			else if (tag->kind == EV_INTR)
				on_interrupt(e);
		}
		for (i = 0; i < n; i++) {
			tag = evs[i].data.ptr;
			if (tag->kind == PYN__EV_SERVER)
				on_server(e, ((struct pyn__server_tag *)
						      evs[i].data.ptr)
						     ->server);
		}
		for (i = 0; i < n; i++) {
			tag = evs[i].data.ptr;
			if (tag->kind == EV_TIMER && tag->job->timerfd >= 0)
				on_timer(tag->job);
			else if (tag->kind == EV_PATIENCE)
				on_patience(e);
		}
		for (i = 0; i < n; i++) {
			tag = evs[i].data.ptr;
			if (tag->kind == EV_PID && tag->job->pidfd >= 0)
				on_exit_event(e, tag->job);
			else if (tag->kind == EV_CHLD)
				on_sigchld(e);
		}
	}
	return rc;
}

void pyn_engine_free(struct pyn_engine *e)
{
	struct job *job, *next;
	size_t i;
	int st;

	if (!e)
		return;
	/*
	 * Started but not known yet.  A server may never answer (stopped):
	 * killed, the test it made is in the page.
	 */
	while (e->launching) {
		job = e->launching;
		e->launching = job->lnext;
		job->launching = 0;
		pyn__server_stop(job->server, e);
		job->pid = lost_child(job);
	}
	for (job = e->running; job; job = next) {
		next = job->next;
		kill_job(job, PYN_KILL_INTERRUPT, NULL);
		if (job->pid > 0 && wait4(job->pid, &st, __WALL, &job->ru) > 0)
			job->status = st;
		close_fd(e, &job->pidfd);
		close_fd(e, &job->timerfd);
		stream_close(e, &job->out);
		stream_close(e, &job->err);
		limiters_teardown(job);
		job_free(job);
	}
	for (job = e->waiting; job; job = next) {
		next = job->next;
		close_writers(job);
		stream_close(e, &job->out);
		stream_close(e, &job->err);
		limiters_teardown(job);
		job_free(job);
	}
	for (job = e->done; job; job = next) {
		next = job->next;
		job_free(job);
	}
	for (job = e->parked; job; job = next) {
		next = job->next;
		job_free(job);
	}
	for (i = 0; i < LANES; i++)
		if (e->cgroups[i].token)
			cgroup_uncache(e, e->cgroups[i].token);
	for (i = 0; i < LANES; i++) {
		if (e->lanes[i].out[0] < 0)
			continue;
		close(e->lanes[i].out[0]);
		close(e->lanes[i].out[1]);
		close(e->lanes[i].err[0]);
		close(e->lanes[i].err[1]);
	}
	while (e->n_pool) {
		e->n_pool--;
		pyn__page_unmap(e->pool[e->n_pool].page);
		close(e->pool[e->n_pool].page_fd);
		close(e->pool[e->n_pool].result_fd);
	}
	pyn__servers_free(e->servers, e);
	if (e->patience_fd >= 0)
		close(e->patience_fd);
	chld_off(e);
	close(e->intr_fd);
	close(e->epfd);
	free(e);
}
