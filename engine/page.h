/* SPDX-License-Identifier: MIT */
/*
 * engine/page.h - the job page shared by the parent and the child.
 *
 * One memfd per test, mapped MAP_SHARED by the parent before the child
 * exists (fork) or passed to it (spawn worker, fork server).  The parent
 * writes the task and each active limiter's child_data; the child writes
 * its state and everything it wants to report.  The parent reads it only
 * after the child was reaped: evidence first, verdict later.
 */
#ifndef PYN_ENGINE_PAGE_H
#define PYN_ENGINE_PAGE_H

#include <stdint.h>
#include <string.h>

#include <pyntest/limiter.h>
#include <pyntest/pyntest.h>
#include <host/registry.h>

#define PYN__PAGE_MAGIC 0x70796e31u /* "pyn1" */
/*
 * Every string of a task: names, paths, registration functions, the
 * environment and a program's arguments, in any number, up to this many
 * bytes in all (pyn__page_task_size() says what a task needs; the runner
 * checks every test with it before anything runs).  Only the bytes used
 * are written or read, so the pages beyond them are never touched.
 */
#define PYN__PAGE_STRINGS (64 * 1024)
/* The test, its setup and its teardown: what a fork server looks up. */
#define PYN__PRESOLVED_MAX 3

/* Exit codes of the harness, for when the page says nothing more. */
#define PYN__EXIT_SETUP 120 /* apply, load or symbol failure */
#define PYN__EXIT_ORPHAN 121 /* the parent died before the test started */

/* One active limiter: its registry index and the bytes for apply(). */
struct pyn__page_limiter {
	int32_t index;
	uint32_t size;
	/* Aligned: apply() casts it to its own struct. */
	unsigned char data[PYN_LIMITER_CHILD_DATA_MAX]
		__attribute__((aligned(16)));
};

/*
 * The task, as offsets into `strings` (0: none; offset 0 is "").  A list
 * (registration functions, environment, arguments) is its count and the
 * offset of its first string, the others following it one after another
 * (pyn__page_next()).
 */
struct pyn__page_task {
	int32_t kind; /* enum pyn_task_kind */
	uint32_t name, library, symbol, setup, teardown;
	uint32_t cunit_info, cunit_suite, cunit_test, cwd;
	uint32_t n_register, reg;
	uint32_t n_env, env;
	/* A CUnit program's test: its path and arguments. */
	uint32_t program, n_args, args;
	uint32_t used; /* bytes of `strings` in use */
	char strings[PYN__PAGE_STRINGS];
};

struct pyn__page {
	uint32_t magic;
	uint32_t size;
	/* Written by the child. */
	volatile int32_t state; /* enum pyn_child_state */
	volatile int32_t limiter_index; /* registry index while APPLYING */
	volatile int32_t alloc_failed;
	volatile uint64_t alloc_failed_size; /* 0: unknown (errno ENOMEM) */
	volatile uint64_t vm_peak_bytes;
	volatile uint64_t vm_hwm_bytes;
	volatile uint64_t rss_at_start_bytes;
	volatile int32_t fatal_signal; /* seen by the recorder, 0: none */
	volatile int32_t skipped;
	volatile int32_t fail_called;
	int32_t fail_code;
	/*
	 * Up to failures: what the child of a passing test touches, in the
	 * first 4 KiB (each further page written is one more page fault).
	 */
	volatile int32_t returned; /* pyn_return*() was called */
	/*
	 * A fork server's child's pid, written by the child first thing, for
	 * when the server dies before it could tell the runner (engine.c,
	 * lost_child).  In a server's own page (its loading page, which it
	 * and the runner keep mapped while it lives): the pid of the child
	 * it made for its `served`-th request, written by the kernel before
	 * the clone returns (CLONE_PARENT_SETTID), 0 until then.
	 */
	volatile int32_t child_pid;
	volatile uint32_t served;
	volatile uint64_t return_size;
	/* Written by the parent before the child starts. */
	int32_t limited; /* 1: a test child (the malloc hook records) */
	int32_t loading; /* 1: a fork server loading its library */
	/*
	 * 1: the test's file is built with LeakSanitizer (or ASan): the
	 * child checks for leaks when the test ends by itself (instrument.h).
	 */
	int32_t leak_check;
	/*
	 * 1: made ahead of its start (engine.c, "Prestarting"): the child
	 * waits on this futex word after its limits are applied and before
	 * it loads or runs anything of the test; the parent clears it and
	 * wakes it when the test starts.  0 (a reset page): go at once.
	 * 2: as 1, and the child was given the pidfd and cgroup.events of
	 * the test running before it: when that test's processes are all
	 * gone, it clears the word itself (compare-and-swap 2 -> 0, after
	 * writing `started_ns`) and starts.  The parent takes the word back
	 * with a compare-and-swap 2 -> 1; whoever swaps first decides.
	 */
	volatile uint32_t gate;
	/* CLOCK_MONOTONIC when the child started by itself (gate 2 -> 0). */
	volatile uint64_t started_ns;
	/*
	 * CLOCK_MONOTONIC when the child got to its end (after teardown,
	 * before _exit), 0: it did not: the runner times it to the exit
	 * it sees, which may come late.
	 */
	volatile uint64_t ended_ns;
	/*
	 * A CUnit suite run in one process (shared_suite.c): the index of
	 * the test running (-1: none yet) and when it started
	 * (CLOCK_MONOTONIC); the deadline counts from there (timers.c).
	 */
	volatile int32_t shared_index;
	volatile uint64_t shared_started_ns;
	uint32_t n_limiters;
	/*
	 * The test's functions, looked up by the fork server before the clone
	 * (pyn__child_presolve): the task's string offsets and addresses.
	 */
	uint32_t presolved_n;
	uint32_t presolved_off[PYN__PRESOLVED_MAX];
	void *presolved_p[PYN__PRESOLVED_MAX];
	volatile uint32_t n_failures;
	char fail_message[1024];
	char skip_reason[256];
	char setup_message[PYN_LIMITER_MESSAGE_MAX + 512];
	/* The setup step running ("setup 'su_init'"), for an exit in it. */
	char setup_step[256];
	/*
	 * Set by the parent (pyn_limits): the test keeps the runner's
	 * process group and stdin (a debugger's terminal); RLIMIT_CORE is
	 * left as the runner has it.
	 */
	int32_t foreground;
	int32_t core_dumps;
	/*
	 * Where the fatal signal hit (the recorder, SIGSEGV, SIGBUS, SIGFPE,
	 * SIGILL): the faulting PC, the file mapped there (from
	 * /proc/self/maps) and the PC's offset in that file; "" when the PC
	 * is in no file (the heap, a JIT) or the recorder did not run.
	 */
	volatile uint64_t fault_pc;
	volatile uint64_t fault_offset;
	char fault_file[512];
	struct pyn_failure failures[PYN_RESULT_FAILURES_MAX];
	struct pyn__page_limiter limiters[PYN__LIMITERS_MAX];
	struct pyn__page_task task;
};

/* The page of the running child, NULL in any other process. */
extern struct pyn__page *pyn__page;
/*
 * 1 in pyntest's own processes, whose allocator hook (malloc.c, linked
 * into the program, the worker and the CUnit shim; never libpyntest)
 * records failed allocations in the page; 0 in a program that links the
 * C API, where the fatal-signal recorder reads errno instead.
 */
extern int pyn__alloc_hooked;
/* The result memfd of the running child, -1 when none. */
extern int pyn__result_fd;

/* A string of the page's task, NULL when not set. */
static inline const char *pyn__page_str(const struct pyn__page *page,
					uint32_t off)
{
	return off ? page->task.strings + off : NULL;
}

/* The string after `s` in one of the task's lists. */
static inline const char *pyn__page_next(const char *s)
{
	return s + strlen(s) + 1;
}

/* Pages (page.c). */
/* Create and map a job page (memfd, MAP_SHARED).  Returns 0 or PYN_E*. */
int pyn__page_new(struct pyn__page **page, int *fd, struct pyn_error *err);
/* A used page made as new, for the next test (a memset, no syscall). */
void pyn__page_reset(struct pyn__page *page);
/* Map an existing page fd (worker, fork server). */
struct pyn__page *pyn__page_map(int fd);
void pyn__page_unmap(struct pyn__page *page);
/* Copy a task's strings into the page.  Returns 0 or PYN_EINVAL (too long). */
int pyn__page_set_task(struct pyn__page *page, const struct pyn_task *task,
		       struct pyn_error *err);
/* The bytes of the page's strings `task` needs (at most PYN__PAGE_STRINGS). */
size_t pyn__page_task_size(const struct pyn_task *task);

#endif /* PYN_ENGINE_PAGE_H */
