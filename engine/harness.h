/* SPDX-License-Identifier: MIT */
/*
 * engine/harness.h - the child side of a test: from fork (or exec,
 * or the fork server's clone) to _exit.  What the engine, the worker and
 * the fork server call; harness.c, harness_run.c, harness_symbols.c and
 * harness_api.c hold it, and call only down (page, host, sys.h).
 */
#ifndef PYN_ENGINE_HARNESS_H
#define PYN_ENGINE_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "page.h"

struct pyn__module;

/*
 * Make this process a test child: own process group (when `own_group`),
 * parent-death signal (exits PYN__EXIT_ORPHAN when `parent` is already
 * gone), stdin from /dev/null, stdout/stderr to `out_fd`/`err_fd` (when
 * >= 0), default signal mask and handlers, the fatal-signal recorder, the
 * RSS at start.  Async-signal-safe.  A process made by a raw clone
 * (no fork handlers) must have pyn__engine_forget_pid() called before:
 * the fork server does it once, before its first clone.
 */
void pyn__child_prepare(struct pyn__page *page, int result_fd, int out_fd,
			int err_fd, pid_t parent, bool own_group);

/*
 * In a fork server, once, before serving: set up the signals, /dev/null
 * and the RSS at start for every child, which then skip those steps in
 * pyn__child_prepare(); and make pyn__child_placed_in() the host's
 * placed_in(), since this process creates its children in cgroups.
 */
void pyn__child_preset(void);

/*
 * The host created this child in the cgroup v2 directory `dir`
 * (CLONE_INTO_CGROUP; kept, not copied: it must outlive the test):
 * pyn__child_placed_in(dir), the host's placed_in() for limiters, says
 * so in apply().  Async-signal-safe.
 */
void pyn__child_placed(const char *dir);
int pyn__child_placed_in(const char *dir);

/*
 * Apply every limiter of the page, in order (state APPLYING); on failure
 * writes the message and _exits PYN__EXIT_SETUP.  Async-signal-safe.
 */
void pyn__child_apply(struct pyn__page *page);
/*
 * Wait until the parent starts the test (page->gate is 0): after the
 * limits are applied, before the library is loaded or the test runs.
 * With gate 2, `watch_pidfd` and `watch_events` (else -1) are the pidfd
 * and cgroup.events of the test running before this one: the child
 * starts by itself when that test ended and its cgroup is empty, unless
 * the parent took the gate back first (page.h).  Both are closed.
 * Async-signal-safe.
 */
void pyn__child_gate(struct pyn__page *page, int watch_pidfd, int watch_events);

/*
 * In a fork server, before cloning a test's child: the address of the
 * task's function `name` in `module`, looked up here so that the child
 * finds it without a lookup (page.h, `presolved_*`), or NULL: not found, or not a plain function
 * (the child then looks it up itself).  A lookup in the child would
 * fault in the dynamic linker's code and the library's symbol tables in
 * every test's process, and its exit would unmap them again.
 */
void *pyn__child_presolve(struct pyn__module *module, const char *name);

/*
 * Load the task's library (state LOADING); _exits on failure.  With
 * `bind_now` (a fork server), every symbol is bound at load, once, not
 * lazily again in each test's process (pyn__module_bind_now).
 */
struct pyn__module *pyn__child_load(struct pyn__page *page, bool bind_now);

/*
 * Run the page's task (FUNCTION: fn(arg); SYMBOL/CUNIT: from `module`)
 * with its setup and teardown, record the end state and _exit.
 */
__attribute__((noreturn)) void pyn__child_run(struct pyn__page *page,
					      struct pyn__module *module,
					      void (*fn)(void *), void *arg);

/*
 * Coverage (coverage.c): find the instrumented objects' exit functions
 * (gcov's, LLVM's) before the test, the program's own image too when
 * PROGRAM; call them at its end, as the exit the test never makes would.
 */
void pyn__child_coverage_find(bool program);
/* The search alone, once in a fork server for all its children. */
void pyn__child_coverage_search(bool program);
void pyn__child_coverage_flush(void);

/* Read VmPeak, VmHWM, VmRSS of this process (bytes; 0 when unknown). */
void pyn__read_status(uint64_t *vm_peak, uint64_t *vm_hwm, uint64_t *vm_rss);

/*
 * The CUnit hook's entry (cunit_hook.c, linked into executables): record
 * a failed assertion in the page.  Returns -1 outside a test child (the
 * hook then forwards to CUnit), else 0; does not return for a fatal one.
 */
PYN_API int pyn__child_assert(int value, unsigned line, const char *cond,
			      const char *file, const char *function,
			      int fatal);

#endif /* PYN_ENGINE_HARNESS_H */
