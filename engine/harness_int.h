/* SPDX-License-Identifier: MIT */
/*
 * engine/harness_int.h - shared by the files of the child harness only
 * (harness.c, harness_run.c, harness_symbols.c, harness_api.c); the
 * engine's view of the harness is harness.h.
 */
#ifndef PYN_ENGINE_HARNESS_INT_H
#define PYN_ENGINE_HARNESS_INT_H

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "page.h"

struct pyn__module;

/*
 * The way out of the running step (setup, test, teardown) for
 * pyn_skip(), pyn_fail() and a fatal assertion: the process's own, in
 * .data beside pyn__page (harness.c), not in the shared job page, so
 * that a process the test forks jumps in its own copy.
 */
struct pyn__child_step {
	volatile sig_atomic_t armed;
	sigjmp_buf jump;
};
extern struct pyn__child_step pyn__child_step;

/* strlcpy without the libc dependency, for signal-safe paths. */
static inline void pyn__child_copy(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	if (!len)
		return;
	for (; src && src[i] && i + 1 < len; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

/*
 * The child could not get to its test: a..d (each may be "") become the
 * page's setup_message, the state SETUP_FAILED, and it _exits
 * PYN__EXIT_SETUP.
 */
__attribute__((noreturn)) void
pyn__child_setup_failed(struct pyn__page *page, const char *a, const char *b,
			const char *c, const char *d);

/* Where this thread's errno is, for the children it clones (harness_run.c). */
void pyn__child_preset_errno(void);

/* Is a limiter that limits memory active for this test? */
bool pyn__child_limits_memory(const struct pyn__page *page);
/*
 * fault.c: record where fatal signal `sig` hit (its PC from `context`, a
 * ucontext_t, and the file mapped there) in the page.  Async-signal-safe.
 */
void pyn__child_fault_record(struct pyn__page *page, int sig,
			     const void *context);

/*
 * CLOCK_MONOTONIC in ns, for the page (started_ns, ended_ns): a system
 * call `before` the test, the vDSO's own function after it.
 */
uint64_t pyn__child_mono_ns(bool before);

/*
 * The address of the page's string `off` as a symbol of `module`: the
 * fork server's lookup when it made one, else dlsym's; NULL for an empty
 * name; a name not found is a setup failure (_exits).
 */
void *pyn__child_symbol(struct pyn__page *page, struct pyn__module *module,
			uint32_t off);

/* The parts of one CUnit test, wherever it was registered. */
struct pyn__cunit_pick {
	const char *suite;
	int (*init)(void);
	int (*clean)(void);
	void (*setup)(void);
	void (*teardown)(void);
	void (*test)(void);
};

/* Find the page's CUnit test; not found is a setup failure (_exits). */
void pyn__child_find_cunit(struct pyn__page *page, struct pyn__module *module,
			   struct pyn__cunit_pick *pick);
void pyn__child_find_cunit_named(struct pyn__page *page,
				 struct pyn__module *module, const char *tn,
				 struct pyn__cunit_pick *pick);

/*
 * harness_run.c: one step (setup, test, teardown) under sigsetjmp: 0, or
 * -1 when it jumped out; stdio's streams flushed when they hold output.
 */
int pyn__child_do_step(void (*fn)(void *), void *arg);
void pyn__child_flush_streams(void);

/*
 * Find CUnit test `tn` of the page's suite once the registry is built
 * (after pyn__child_find_cunit): 0, or -1 when it is not there.
 */
int pyn__child_find_cunit_again(struct pyn__page *page,
				struct pyn__module *module, const char *tn,
				struct pyn__cunit_pick *pick);

/* shared_suite.c: the page's CUnit tests in one process; never returns. */
__attribute__((noreturn)) void
pyn__child_run_shared(struct pyn__page *page, struct pyn__module *module);

#endif /* PYN_ENGINE_HARNESS_INT_H */
