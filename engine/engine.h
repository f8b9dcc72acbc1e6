/* SPDX-License-Identifier: MIT */
/*
 * engine/engine.h - what the engine exports beyond <pyntest/pyntest.h>:
 * to the runner (prestarting tests, listing a CUnit program's tests in a
 * limited child) and to the child side.  The runner includes no other
 * engine header; the engine's own structs are in internal.h.
 */
#ifndef PYN_ENGINE_ENGINE_H
#define PYN_ENGINE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include <pyntest/pyntest.h>

struct pyn_engine;
struct pyn_error;
struct pyn_limits;
struct pyn_task;
struct pyn__page;

/*
 * Prestarting (prestart.c): make the process of the task that will start
 * next while the running ones run; it waits at its page's gate.  `user`
 * names it, as in pyn_engine_submit.  pyn__engine_hold returns 0, 1 when
 * the task cannot be held (a CUnit program, a function: submit it when
 * its turn comes), 2 when not yet (its fork server is not loaded: ask
 * again later), or a negative PYN_E*.  With `autostart`, the engine
 * starts it by itself the moment a started task's processes are all
 * gone, before that task's result is returned: for a caller that starts
 * the next task whatever the last one's result (no stop at the first
 * failure, no rerun).  pyn__engine_go starts it now (from then it is as
 * if submitted: pending, returned by pyn_engine_next), or tells the
 * caller that it started by itself; returns -1 when no such task is
 * held.  pyn__engine_cancel kills it unstarted (it is never returned)
 * and returns 0, or returns 1 when it started by itself: it runs on and
 * is returned like any other.
 *
 * pyn__engine_one_lane(e, 1): the caller runs one task at a time (-j 1)
 * and never starts a held task while a started one runs.  A held task
 * with `autostart` may then watch the one running task itself (its
 * pidfd, which each fork server keeps from its clone, and its
 * cgroup.events, when it is a fork server's test in a cgroup v2 of its
 * own) and start the moment that task's processes are all gone, without
 * waiting for the runner.  Else no clone makes a pidfd nobody watches.
 */
void pyn__engine_one_lane(struct pyn_engine *e, int yes);
int pyn__engine_hold(struct pyn_engine *e, const struct pyn_task *task,
		     const struct pyn_limits *limits, void *user, int autostart,
		     struct pyn_error *err);
int pyn__engine_go(struct pyn_engine *e, void *user);
int pyn__engine_cancel(struct pyn_engine *e, void *user);

/*
 * CUnit programs (cunit_exec.c, SPEC §2): a program lists its own tests
 * when run with the pyntest shim in list mode; the listing it writes
 * starts with this.
 */
#define PYN__CUNIT_LIST_MAGIC "pyntest-cunit-list-1"

/*
 * argv and envp (one block each; pyn__cunit_command_free) to list the
 * tests of `program` with `args` under the shim found beside the
 * pyntest-worker this process would use: this process's environment,
 * then `env` ("NAME=VALUE", overriding).  Returns 0 or PYN_E*.
 */
int pyn__cunit_list_command(const char *program, const char *const *args,
			    size_t n_args, const char *const *env, size_t n_env,
			    char ***argv, char ***envp, struct pyn_error *err);

/* Free what pyn__cunit_list_command (or _command) made; accepts NULLs. */
void pyn__cunit_command_free(char **argv, char **envp);

/*
 * In a child: enter `cwd` and exec argv/envp.  On failure the page gets
 * the reason (SETUP_FAILED) and the child exits PYN__EXIT_SETUP.  `page`
 * may be NULL.
 */
__attribute__((noreturn)) void pyn__cunit_exec(struct pyn__page *page,
					       const char *cwd, char **argv,
					       char **envp);

/*
 * In a child made without fork() (a fork server's raw clone): forget the
 * pid the engine remembered, so a nested pyn_call names its own cgroups.
 */
void pyn__engine_forget_pid(void);

/* ---- Checks shared with the runner (checks.c) --------------------- */

struct pyn_limiter_option;

/*
 * Check an option of a plug-in limiter: the limiter is registered, has
 * the key (both with did-you-mean), and its validate() accepts the value
 * (that error at the option's file, line and column).  `opt` NULL or its
 * key NULL: the limiter is configured with no option.  Errors are
 * `code`: PYN_EINVAL for the C API, PYN_EMANIFEST for a manifest.
 */
int pyn__limiter_option_check(const char *limiter,
			      const struct pyn_limiter_option *opt, int code,
			      struct pyn_error *err);

/*
 * The limits `l` sets that no supported limiter here enforces (limiter.h,
 * `enforces`; options by the limiter they name): calls `each` (may be
 * NULL) with the limiter's name (the limit's when no limiter would
 * enforce it) and why.  Returns how many.
 */
unsigned pyn__limits_unsupported(const struct pyn_limits *l,
				 void (*each)(void *user, const char *limit,
					      const char *why),
				 void *user);

/* ---- Sanitizers (instrument.c, instrument_scale.c) ---------------- */

/* The sanitizers a test's library or program is built with. */
#define PYN__SAN_ASAN (1u << 0) /* AddressSanitizer */
#define PYN__SAN_UBSAN (1u << 1) /* UndefinedBehaviorSanitizer */
#define PYN__SAN_LSAN (1u << 2) /* LeakSanitizer (standalone) */
#define PYN__SAN_TSAN (1u << 3) /* ThreadSanitizer */

/*
 * The PYN__SAN_* bits of the library or program at `path` (read from its
 * ELF file, never loaded; cached), 0 for none or an unreadable file.
 */
unsigned pyn__sanitizers(const char *path);

/* "AddressSanitizer+UndefinedBehaviorSanitizer" for `bits`, "" for 0. */
void pyn__sanitizer_names(unsigned bits, char *buf, size_t len);

/*
 * How much time and memory limits grow for a test built with the
 * sanitizers `bits` (docs/instruments.md): the largest factor among
 * them, or $PYNTEST_SANITIZER_SCALE: "F" (both), "TIME,MEMORY"; "1" turns
 * the scaling off.  1 and 1 for `bits` 0.  Returns -1 with `why` when the
 * variable is malformed (the factors are then the defaults).
 */
int pyn__sanitizer_scale(unsigned bits, double *time, double *memory, char *why,
			 size_t why_len);

/*
 * Whether `task` fits in a test's job page (its names, paths, arguments
 * and environment): 0, or PYN_EINVAL with `err` saying how big it is and
 * what fits.  The runner asks it of every test before anything runs.
 */
int pyn__task_fits(const struct pyn_task *task, struct pyn_error *err);

/*
 * A CUnit suite in one process (`process: per-suite`, docs/cunit.md):
 * the task's cunit_test is PYN__SHARED_MARK, the CPU limit of each test
 * in seconds (0: none), then each test's name after a PYN__SHARED_MARK,
 * in the order to run them.  The child runs the suite's init once, then
 * each test (setup, test, teardown) in that order: before each it writes
 * PYN__SHARED_OUT_MARK to its stdout and stderr, re-arms its CPU limit
 * from the CPU it used so far, and counts its deadline from the test's
 * start; after each it writes its record into the result bytes
 * (res->data, one struct pyn__shared_record a test started, in order).
 * A record still PYN__SHARED_RUNNING is the test that ended the process:
 * the result's outcome is its outcome.
 */
#define PYN__SHARED_MARK '\x1e'
#define PYN__SHARED_OUT_MARK "\x1epyntest: next test\x1e\n"
#define PYN__SHARED_FAILURES 2

enum pyn__shared_state {
	PYN__SHARED_RUNNING = 0,
	PYN__SHARED_PASSED = 1,
	PYN__SHARED_FAILED = 2,
	PYN__SHARED_SKIPPED = 3,
	PYN__SHARED_ERROR = 4, /* its setup failed, or it is not found */
};

struct pyn__shared_record {
	int32_t state; /* enum pyn__shared_state */
	uint32_t n_failures;
	double started_s; /* since the process's start */
	double wall_s;
	double cpu_start_s; /* the process's CPU time at its start */
	double cpu_s;
	int64_t peak_bytes; /* the process's VmHWM at its end, -1: unknown */
	char message[1024];
	struct pyn_failure failures[PYN__SHARED_FAILURES];
};

#endif /* PYN_ENGINE_ENGINE_H */
