/* SPDX-License-Identifier: MIT */
/*
 * engine/internal.h - the parent side of the engine: its structs, and
 * what its files export to each other.  Private to engine/.
 *
 * One epoll loop (loop.c) watches, per running test, its pidfd, an
 * absolute CLOCK_MONOTONIC timerfd for the earliest limiter deadline and
 * its two output pipes; plus an eventfd for pyn_engine_interrupt(), the
 * fork servers' sockets and the caller's watch_fd.  No polling, no
 * threads.  Every source is registered with a struct pyn__ev: the
 * function that handles it and the phase it is handled in.
 *
 * The files, each calling only the ones listed before it (the loop
 * calls the others only through the callbacks they register):
 *
 *   loop.c          epoll: sources, phases, the caller's fd, warnings
 *   limiter_calls.c host-side limiter calls, tokens, killing a test
 *   cgroups.c       a test's cgroup v2 directory, its cgroup.events
 *   streams.c       output pipes and lanes, draining
 *   timers.c        timerfds: deadlines, the servers' patience timer
 *   jobs.c          a job's memory: made, freed, its page pooled; lists
 *   gate.c          a held test's gate: go, take back, autostart
 *   result.c        a test's end: evidence, classification, the result
 *   exits.c         a test process's end: pidfd or SIGCHLD, reaping
 *   spawn.c         making a test's process: fork, posix_spawn, worker
 *   server.c        fork servers: their processes and protocol
 *   server_jobs.c   the tests asked of fork servers: pids, losses
 *   submit.c        pyn_engine_submit: a job made and started
 *   prestart.c      the scheduler's hold / go / cancel
 *   engine.c        pyn_engine_new / _next / _interrupt / _free
 *
 * Below them all: page.c, classify.c, cunit_exec.c and the child side
 * (harness.c), which call back into these files only for
 * pyn__engine_forget_pid() (limiter_calls.c).
 */
#ifndef PYN_ENGINE_INTERNAL_H
#define PYN_ENGINE_INTERNAL_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>

#include <host/registry.h>
#include <pyntest/limiter.h>
#include <pyntest/pyntest.h>

#include "page.h"

struct pyn_engine;
struct pyn__job;
struct pyn__claim;
struct pyn__server;
struct pyn__servers;
struct pyn__instrument;

/*
 * The phases of one batch of events: every source of a phase is handled
 * before any of the next, in the order epoll gave them.
 */
enum pyn__phase {
	/*
	 * Output first, so an exit in the same batch keeps it all; the
	 * interrupt and the caller's fd.
	 */
	PYN__PHASE_INPUT,
	/* Fork servers: done loading, or the pids of tests. */
	PYN__PHASE_SERVER,
	/* Deadlines, and the fork servers' patience. */
	PYN__PHASE_TIMER,
	/* A test's process ended (its pidfd, or SIGCHLD). */
	PYN__PHASE_EXIT,
	PYN__PHASES
};

/* What the epoll set carries for a source: its handler and phase. */
struct pyn__ev {
	void (*fn)(struct pyn_engine *e, struct pyn__ev *ev);
	enum pyn__phase phase;
	struct pyn__job *job; /* the job it is of, or NULL */
	int fd; /* a lane's pipe: read and dropped when no job has it */
};

struct pyn__stream {
	int fd;
	char *buf;
	size_t len;
	size_t cap;
	size_t alloc; /* bytes in buf: grown on demand up to cap + 1 */
	uint64_t total;
	/* The other stream: output_limit is one budget for both. */
	const struct pyn__stream *other;
	struct pyn__ev tag;
	/* Not NULL: fd is a lane's (struct pyn__lane), in the set with this tag. */
	struct pyn__ev *lane_tag;
};

/* One limiter of a job, in the parent. */
struct pyn__lim {
	size_t index;
	const struct pyn__limiter_slot *slot;
	void *state;
	int rc; /* setup(): 0 active, 1 inactive */
	double deadline_s;
	struct pyn_limiter_verdict verdict;
	char **props;
	size_t n_props;
};

struct pyn__job {
	struct pyn__job *next;
	struct pyn_engine *engine;
	void *user;
	struct pyn_limits limits;
	/* limits.wrapper split into argv (one block, owned), or NULL. */
	char **wrapper;
	void (*fn)(void *);
	void *arg;
	enum pyn_isolation isolation;
	/* Its file's sanitizers (instrument.h), NULL: none. */
	const struct pyn__instrument *instr;
	struct pyn__page *page;
	int page_fd;
	int result_fd;
	pid_t pid;
	int pidfd;
	struct pyn__ev pid_tag;
	int timerfd;
	struct pyn__ev timer_tag;
	struct pyn__stream out;
	struct pyn__stream err;
	int out_w; /* write ends, until the process exists */
	int err_w;
	int lane_pipes; /* out_w/err_w and the fds are its lane's */
	struct pyn__server *server; /* FORKSERVER: its server */
	struct pyn__lim lims[PYN__LIMITERS_MAX];
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
	unsigned
		lane; /* its output pipes (struct pyn__lane), from its submit */
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
	 * test's -j lane (pyn__gate_autostart()).  `autostarted`: it did,
	 * and the scheduler was not told yet (pyn__engine_go, _cancel).
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
	 * the timer waits for the server's patience instead (server_jobs.c).
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
	struct pyn__job *lnext;
	int cgroup_cached; /* asked with the cgroup fd of e->cgroups */
	unsigned leftover;
	char host_error[1024];
	struct pyn_result res;
};

#define PYN__PAGE_POOL 64

/*
 * How long a READY fork server may take to say a test's pid before it is
 * taken for stopped (SIGSTOP from a test) or stuck, and killed: a test's
 * own deadline when longer.  A busy server answers well within it.
 */
#define PYN__SERVER_PATIENCE_S 2.0

/*
 * The output pipes of one lane (job->lane), made once and registered in
 * the epoll set once, for every test that runs there and kills all its
 * processes at the end: nothing of an earlier test can still write.
 * Two pipes, their epoll entries and the hang-up wake-ups per test are
 * more than a small test costs.
 */
struct pyn__lane {
	int out[2];
	int err[2];
	/*
	 * Its last test left processes that were killed after its output
	 * was read: what they wrote while dying is dropped before the next.
	 */
	int dirty;
	struct pyn__ev out_tag;
	struct pyn__ev err_tag;
};
#define PYN__LANES 64

struct pyn_engine {
	int epfd;
	int intr_fd;
	volatile sig_atomic_t interrupted;
	struct pyn__ev intr_tag;
	struct pyn__ev watch_tag;
	int watch_fd; /* in the epoll set since the last pyn_engine_next */
	int watched; /* watch_fd was readable in this pyn_engine_next */
	struct pyn__job *running;
	struct pyn__job *launching; /* asked of fork servers, oldest first */
	struct pyn__job *waiting; /* for a fork server that is still loading */
	struct pyn__job *done;
	struct pyn__job *done_tail;
	/* Held jobs that ended before their start: returned from then. */
	struct pyn__job *parked;
	unsigned pending;
	uint64_t slots; /* bit i: -j lane i busy (started jobs) */
	uint64_t lanes_busy; /* bit i: output lane i taken (held jobs too) */
	double t0;
	char worker[PATH_MAX];
	/* Beside it: the worker without the allocation hook (spawn.c). */
	char worker_san[PATH_MAX];
	/* The files of tests read for sanitizers (instrument.c). */
	struct pyn__instrument *instr;
	/* $PYNTEST_SPAWN_FORK=1: spawn by fork + exec, not posix_spawn. */
	bool spawn_fork;
	int warned_hook;
	int warned_wrapper; /* a wrapper asked where none can run */
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
	} pool[PYN__PAGE_POOL];
	size_t n_pool;
	struct pyn__lane lanes[PYN__LANES];
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
	} cgroups[PYN__LANES];
	/* Without pidfd_open (valgrind 3.19): SIGCHLD through a pipe. */
	int chld_on;
	int chld_pipe[2];
	struct pyn__ev chld_tag;
	/* Interrupted: no held test starts by itself any more. */
	int no_autostart;
	unsigned long seq; /* of the last job submitted */
	unsigned long reaps; /* jobs reaped so far (exits.c) */
	int one_lane; /* pyn__engine_one_lane() */
	unsigned long last_sent; /* seq of the last job asked of a server */
	/*
	 * One timer for the tests without a deadline asked of a fork
	 * server that has not said their pids: PYN__SERVER_PATIENCE_S after
	 * the oldest (server_jobs.c).  Made on first use.
	 */
	int patience_fd;
	int patience_armed;
	struct pyn__ev patience_tag;
};

static inline double pyn__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- loop.c ---------------------------------------------------------- */

/* Watch `fd` for input: `ev` is handled in its phase.  epoll_ctl's rc. */
int pyn__io_start(struct pyn_engine *e, int fd, struct pyn__ev *ev);
/* Stop watching `fd` (accepts a NULL engine and -1). */
void pyn__io_stop(struct pyn_engine *e, int fd);
/* Stop watching *fd, close it, -1 it (accepts a NULL engine and -1). */
void pyn__io_close(struct pyn_engine *e, int *fd);
/*
 * Watch the caller's fd until the next call (pyn_engine_next); -1: none.
 * Returns 0, or -1 with errno.
 */
int pyn__loop_watch(struct pyn_engine *e, int fd);
/* Wait for events and handle them, phase by phase.  0, or PYN_E*. */
int pyn__loop_run(struct pyn_engine *e, struct pyn_error *err);
/* Through the caller's warn callback, else to stderr. */
void pyn__warn(struct pyn_engine *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- limiter_calls.c ------------------------------------------------- */

/*
 * setup() of every supported limiter in registry order, the active ones
 * get a slot of the page, and the job a token and its deadline.
 * Returns -1 with job->host_error on failure.
 */
int pyn__limiters_setup(struct pyn__job *job, const char *test_id, int loading);
/* started() of the active limiters: the job's process exists. */
void pyn__limiters_started(struct pyn__job *job);
/* kill() of the active limiters; the processes they killed. */
unsigned pyn__limiters_kill(struct pyn__job *job);
/* The engine of the kill() running on this thread, else NULL. */
struct pyn_engine *pyn__limiters_killing(void);
/*
 * classify() of the active limiters into `claims` (room for
 * PYN__LIMITERS_MAX); returns their number.  *cpu and *peak take the
 * highest measures (left alone when none), *n_props counts the
 * properties; job->leftover and the result's providers are filled in.
 */
size_t pyn__limiters_classify(struct pyn__job *job,
			      const struct pyn_limiter_evidence *ev,
			      struct pyn__claim *claims, double *cpu,
			      int64_t *peak, size_t *n_props);
/* teardown() of every limiter set up; their properties freed. */
void pyn__limiters_teardown(struct pyn__job *job);
/*
 * The deadline came `elapsed` s after the start: its limiter may ask for
 * a later one (1: job->deadline_s is the next earliest), else 0.
 */
int pyn__limiters_deadline(struct pyn__job *job, double elapsed);
/* The earliest deadline of the job's limiters (or its wall time). */
void pyn__limiters_pick_deadline(struct pyn__job *job);
/* The subreaper tree provider is in use (no prestarting then). */
bool pyn__limiters_has_subreaper_tree(void);
/* The test of `token` is over and nothing of it runs: reuse the token. */
void pyn__token_release(unsigned token);
/* `pid`, a child of ours, has ended (not reaped yet). */
bool pyn__pid_has_exited(pid_t pid);
/* Kill the job's processes: limiters' kill(), SIGKILL, its group. */
void pyn__job_kill(struct pyn__job *job, int reason, const char *killer);

/* ---- cgroups.c ------------------------------------------------------- */

/*
 * The cgroup v2 directory a limiter made for the test, open, with its
 * path in `path`; -1 when there is none.  Kept open for the token's
 * next test when job->cgroup_cached is set (else the caller closes it).
 */
int pyn__cgroup_open(struct pyn_engine *e, struct pyn__job *job, char *path,
		     size_t len);
/* The test was not created in its cgroup: reopen it next time. */
void pyn__cgroup_uncache(struct pyn_engine *e, unsigned token);
/*
 * The cgroup.events of the one running test, for a held test of one
 * lane to start after by itself (job->watch_seq set), or -1.
 */
int pyn__cgroup_events(struct pyn_engine *e, struct pyn__job *job);
/* Close every cached cgroup. */
void pyn__cgroups_close(struct pyn_engine *e);

/* ---- streams.c ------------------------------------------------------- */

/*
 * The job's output capture: its lane's pipes, or two of its own.
 * Returns 0, or -1 with job->host_error.
 */
int pyn__streams_open(struct pyn_engine *e, struct pyn__job *job);
/* Its own pipes (not a lane's) into the epoll set. */
void pyn__streams_watch(struct pyn_engine *e, struct pyn__job *job);
/* The test ended: read what is left, and close (or give back the lane). */
void pyn__streams_end(struct pyn_engine *e, struct pyn__job *job);
/* Done with both streams, unread. */
void pyn__streams_close(struct pyn_engine *e, struct pyn__job *job);
/* The write ends, once the child has them (or never will). */
void pyn__job_close_writers(struct pyn__job *job);
/* Close every lane's pipes. */
void pyn__lanes_close(struct pyn_engine *e);

/* ---- timers.c -------------------------------------------------------- */

/* Timer `fd` at `at` (CLOCK_MONOTONIC s).  timerfd_settime's result. */
int pyn__timer_at(int fd, double at);
void pyn__timer_arm_at(struct pyn__job *job, double at);
/* The job's own deadline; none (0): the timer is disarmed. */
void pyn__timer_arm(struct pyn__job *job);
/*
 * The job's deadline from job->t_start, its timer made on first use.  A
 * test without one asked of its fork server gets the patience timer.
 */
void pyn__timer_set(struct pyn_engine *e, struct pyn__job *job);
/* The patience timer at `at`, unless it is armed already (earlier). */
void pyn__patience_arm(struct pyn_engine *e, double at);
/* A job's timer: job->timer_tag's handler, unless a server's. */
void pyn__timer_on_deadline(struct pyn_engine *e, struct pyn__ev *ev);
/* Its deadline came, `elapsed` s after its start: look again, or kill. */
void pyn__timer_expired(struct pyn__job *job, double elapsed);

/* ---- jobs.c ---------------------------------------------------------- */

/*
 * A job for `task` in *out: its page (a kept one, or new), its task and
 * limits copied (limits->options are borrowed: job->limits.options
 * points to them until setup is done).  Returns 0 or PYN_E* (or -1).
 */
int pyn__job_new(struct pyn_engine *e, const struct pyn_task *task,
		 const struct pyn_limits *limits, void *user,
		 struct pyn__job **out, struct pyn_error *err);
/* Free the job; its page goes back to the pool when nothing writes it. */
void pyn__job_free(struct pyn__job *job);
/* Its result is ready for pyn_engine_next(), after the ones before. */
void pyn__job_done(struct pyn_engine *e, struct pyn__job *job);
/* Take `job` out of the list at *pp (e->running, e->waiting, ...). */
void pyn__job_unlink(struct pyn__job **pp, struct pyn__job *job);
/* The lowest clear bit of *bits, set; 64 when all 64 are taken. */
unsigned pyn__bit_take(uint64_t *bits);
/* Unmap and close the pooled pages. */
void pyn__pages_free(struct pyn_engine *e);

/* ---- gate.c ---------------------------------------------------------- */

/* The held job's child started by itself (page.h, gate 2 -> 0). */
bool pyn__job_is_self_started(const struct pyn__job *job);
/*
 * Take the gate back from a child that may start by itself: 1 when it
 * had started already (it is to be started, pyn__gate_go()), else 0.
 */
int pyn__gate_take(struct pyn__job *job);
/* Start a held job now: a -j slot, its gate opened, its deadline. */
void pyn__gate_go(struct pyn_engine *e, struct pyn__job *job);
/* `ended` has no process left: a held test may take its -j lane. */
void pyn__gate_autostart(struct pyn_engine *e, struct pyn__job *ended);

/* ---- result.c -------------------------------------------------------- */

/*
 * The job is over (its process reaped, or never made): leftovers killed,
 * output read, classified; into e->done (parked while held, freed when
 * cancelled).
 */
void pyn__job_finish(struct pyn_engine *e, struct pyn__job *job);

/* ---- exits.c --------------------------------------------------------- */

/*
 * The job's process exists (job->pid): watch its end, its output and its
 * deadline.  Returns 0, or -1 with job->host_error (then it is reaped).
 */
int pyn__job_watch(struct pyn_engine *e, struct pyn__job *job);
/*
 * A held job whose child started by itself: the end of the test it
 * watched is taken first, then it is started.
 */
void pyn__exit_settle(struct pyn_engine *e, struct pyn__job *job);
/* Stop watching SIGCHLD. */
void pyn__exits_off(struct pyn_engine *e);

/* ---- spawn.c --------------------------------------------------------- */

/* e->worker: given, $PYNTEST_WORKER, or beside the library. */
void pyn__worker_find(struct pyn_engine *e, const char *given);
const char *pyn__engine_worker(struct pyn_engine *e);
/* argv for `pyntest-worker MODE`: one block, free argv only. */
char **pyn__worker_argv(struct pyn_engine *e, const char *mode,
			const char *const *extra, size_t n_extra);
/* The worker for tests built with a sanitizer: no allocation hook. */
#define PYN__WORKER_SAN_NAME "pyntest-worker-san"
/*
 * A test built with the sanitizers `in` runs in pyntest-worker-san (the
 * sanitizer's allocator must be the process's, not pyntest's hook), its
 * runtime first in LD_PRELOAD: makes `argv[0]` that worker and returns
 * the environment (one block: free() it), or NULL with `error` set.
 */
char **pyn__worker_instrumented(struct pyn_engine *e,
				const struct pyn__instrument *in, char **argv,
				char *error, size_t len);
/*
 * Make the job's process in FORK or SPAWN mode and watch it.  Returns 0,
 * or -1 with job->host_error.
 */
int pyn__spawn(struct pyn_engine *e, struct pyn__job *job);

/* ---- wrapper.c, where.c ------------------------------------------------ */

struct pyn__verdict;
/*
 * A wrapper's command line as argv (one block: free argv only); PATH is
 * searched at exec.  Returns 0, or PYN_EINVAL (unclosed quote, empty).
 */
int pyn__wrapper_split(const char *cmd, char ***argv, struct pyn_error *err);
/* wrapper then argv, NULL-terminated (pointers only: free the array). */
char **pyn__wrapper_argv(char *const *wrapper, char *const *argv);
/*
 * After pyn__classify(): a test under a wrapper that ran to its end but
 * whose tool reported errors (valgrind's "ERROR SUMMARY: N errors", or an
 * exit code the harness never gives) becomes `error`, typed by the tool.
 */
void pyn__wrapper_verdict(const struct pyn__job *job, int child_state,
			  struct pyn__verdict *v);
/*
 * A crash's place from the page (fault.c's record): " in FUNCTION
 * (FILE:LINE)", " in FUNCTION (LIBRARY+0xOFFSET)" without debug info,
 * appended to `msg`; nothing when unknown.  Runs addr2line (PATH) with a
 * time limit; never blocks longer.
 */
void pyn__fault_where(const struct pyn__page *page, char *msg, size_t len);
/*
 * core.c: the core file the crash of `pid` by `sig` left (--core-dumps),
 * per /proc/sys/kernel/core_pattern, relative to `cwd` (NULL: ours),
 * written at or after `since`: its path into `out`, or "" with why not
 * into `why`.
 */
void pyn__core_find(pid_t pid, int sig, const char *cwd, time_t since,
		    char *out, size_t len, char *why, size_t why_len);

/* ---- server_jobs.c --------------------------------------------------- */

/* e->servers, made on first use; NULL when it cannot be. */
struct pyn__servers *pyn__servers_need(struct pyn_engine *e);
/*
 * Make the job's process now: cloned by its READY fork server (the pid
 * comes later), else forked or spawned.  Returns 0, or -1 with
 * job->host_error.
 */
int pyn__job_launch(struct pyn_engine *e, struct pyn__job *job);
/* The host table's engine_owns() (limiter.h): set by pyn_engine_new(). */
int pyn__engine_owns(pid_t pid, pid_t pgid);
/*
 * A server that does not answer (or the run was interrupted): killed,
 * every test asked of it is found or started anew.
 */
void pyn__server_unresponsive(struct pyn_engine *e, struct pyn__server *server,
			      int late);
/* The child a dead server made for the job, if it is ours; else 0. */
pid_t pyn__server_lost_child(const struct pyn__job *job);

/* ---- submit.c -------------------------------------------------------- */

/* Submit, held (1; 2: to start by itself) or started (0). */
int pyn__submit(struct pyn_engine *e, const struct pyn_task *task,
		const struct pyn_limits *limits, void *user, int held,
		struct pyn_error *err);

#endif /* PYN_ENGINE_INTERNAL_H */
