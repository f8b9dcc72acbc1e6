/* SPDX-License-Identifier: MIT */
/*
 * engine/harness_run.c - the child's steps after the gate: the suite's
 * env and cwd, setup, test and teardown (and a CUnit suite's init and
 * cleanup), each under sigsetjmp so that pyn_skip(), pyn_fail() and a
 * fatal assertion still run teardown; then the end state and _exit.
 *
 * On the critical path at -j 1: in PYN__CHILD_TEXT, system calls made
 * inline, nothing written but the page and the step's jump
 * (engine/README.md, "What the child does after the gate").
 *
 * May use: harness.c (the page, the step's jump, setup failure, the
 * clock), harness_symbols.c, harness_api.c (pyn_fail), sys.h, libc.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <pyntest/test.h>

#include "engine.h"
#include "harness.h"
#include "harness_int.h"
#include "sys.h"

#ifdef __GLIBC__
/*
 * glibc's list of open streams (exported since 2.2.5, its type there a
 * FILE with a vtable after it); weak: where it is gone, fflush() it is.
 */
extern FILE *_IO_list_all __attribute__((weak));
#endif

/*
 * fflush(NULL) when a stream holds output: in most tests none does, and
 * the call is two 64 KiB runs of libc's code and a page of its data for a
 * test's process to fault in.  The same test as glibc's own flush of all
 * (narrow streams with bytes between write_base and write_ptr; any wide
 * one is flushed), read without its lock: the process is ending.
 */
PYN__CHILD_TEXT void pyn__child_flush_streams(void)
{
#ifdef __GLIBC__
	const FILE *fp;
	int n = 0;

	if (&_IO_list_all) {
		for (fp = _IO_list_all; fp; fp = fp->_chain)
			if (++n > 1024 || fp->_mode > 0 ||
			    fp->_IO_write_ptr > fp->_IO_write_base)
				break;
		if (!fp)
			return;
	}
#endif
	fflush(NULL);
}

/*
 * _exit() as the system call: the wrapper is one more 64 KiB of libc for
 * a test's process to fault in on its way out.
 */
PYN__CHILD_TEXT static __attribute__((noreturn)) void child_exit(int code)
{
	pyn__sys(SYS_exit_group, code);
	_exit(code);
}

PYN__CHILD_TEXT static int failed(const struct pyn__page *page)
{
	return page->n_failures || page->fail_called;
}

/* "setup 'su_assert' failed: 0 failed at su.c:6" into setup_message. */
static void setup_failure_message(struct pyn__page *page)
{
	const struct pyn_failure *f = &page->failures[0];
	char *m = page->setup_message;
	size_t len = sizeof(page->setup_message);

	if (page->n_failures)
		snprintf(m, len, "%s failed: %s failed at %s:%u",
			 page->setup_step, f->condition, f->file, f->line);
	else if (page->fail_message[0])
		snprintf(m, len, "%s failed: %s", page->setup_step,
			 page->fail_message);
	else
		snprintf(m, len, "%s failed with code %d", page->setup_step,
			 (int)page->fail_code);
}

/*
 * A test built with LeakSanitizer (or ASan): what it leaked is reported
 * on its stderr now, at its own end, never at the end of the process
 * (which never comes: the child leaves by _exit).
 */
static void leak_check(void)
{
	int (*check)(void);

	*(void **)&check =
		dlsym(RTLD_DEFAULT, "__lsan_do_recoverable_leak_check");
	if (check)
		check();
}

/*
 * errno as the test's own code left it: 0 before its first step, as in a
 * program's main(), then what the step before left, as when CUnit or a
 * main() calls them in a row.  What the harness's own calls set between
 * (a signal's EINVAL, a failed chdir) never reaches the test.
 */
static int test_errno __attribute__((section(".data")));

/*
 * The address of errno, taken in a fork server once: a clone runs on the
 * same thread's TLS, and reaching errno through it touches none of the
 * libc code errno's accessor is on (a page fault in every child).
 */
static int *errno_at __attribute__((section(".data")));

void pyn__child_preset_errno(void)
{
	errno_at = &errno;
}

/* One step (setup, test, teardown): returns 0, or -1 when it jumped out. */
PYN__CHILD_TEXT int pyn__child_do_step(void (*fn)(void *), void *arg)
{
	int *e = errno_at ? errno_at : &errno;

	if (sigsetjmp(pyn__child_step.jump, 0) == 0) {
		pyn__child_step.armed = 1;
		*e = test_errno;
		fn(arg);
		test_errno = *e;
		pyn__child_step.armed = 0;
		return 0;
	}
	test_errno = *e;
	pyn__child_step.armed = 0;
	return -1;
}

struct void_fn {
	void (*fn)(void);
};

PYN__CHILD_TEXT static void call_void(void *p)
{
	((struct void_fn *)p)->fn();
}

struct init_fn {
	int (*fn)(void);
	const char *what;
	const char *suite;
	int rc; /* what fn returned */
};

/* A suite's cleanup: its failure fails the test (CUnit counts it). */
static void call_init(void *p)
{
	struct init_fn *f = p;

	f->rc = f->fn();
	if (f->rc != 0)
		pyn_fail(1, "%s of CUnit suite '%s' failed (returned %d)",
			 f->what, f->suite, f->rc);
}

/* A suite's init: its failure means its tests never ran (SetupError). */
static void call_suite_init(void *p)
{
	struct init_fn *f = p;

	f->rc = f->fn();
}

PYN__CHILD_TEXT static void apply_env(struct pyn__page *page)
{
	const char *cwd = pyn__page_str(page, page->task.cwd);
	uint32_t i;
	char *eq, *kv;

	kv = page->task.strings + page->task.env;
	for (i = 0; i < page->task.n_env; i++, kv += strlen(kv) + 1) {
		eq = strchr(kv, '=');
		if (!eq)
			continue;
		*eq = '\0';
		setenv(kv, eq + 1, 1);
		*eq = '=';
	}
	if (cwd && cwd[0] && chdir(cwd) != 0)
		pyn__child_setup_failed(page, "cannot change directory to '",
					cwd, "': ", strerror(errno));
}

PYN__CHILD_TEXT void pyn__child_run(struct pyn__page *page,
				    struct pyn__module *module,
				    void (*fn)(void *), void *arg)
{
	struct void_fn setup = { NULL }, teardown = { NULL }, test = { NULL };
	struct void_fn cu_setup = { NULL }, cu_teardown = { NULL };
	struct init_fn sinit = { NULL, "initialization", NULL, 0 };
	struct init_fn sclean = { NULL, "cleanup", NULL, 0 };
	char rc_text[16];
	struct pyn__cunit_pick pick;
	uint64_t hwm, peak;
	int ok = 1;

	/*
	 * A program's main() started in the suite's cwd and environment,
	 * and its tests start from the state main() left: never undo it.
	 */
	if (!page->task.program)
		apply_env(page);
	if (page->task.kind == PYN_TASK_CUNIT && page->task.cunit_test &&
	    pyn__page_str(page, page->task.cunit_test)[0] == PYN__SHARED_MARK)
		pyn__child_run_shared(page, module);
	if (page->task.kind != PYN_TASK_FUNCTION) {
		setup.fn = (void (*)(void))pyn__child_symbol(page, module,
							     page->task.setup);
		teardown.fn = (void (*)(void))pyn__child_symbol(
			page, module, page->task.teardown);
		if (page->task.kind == PYN_TASK_CUNIT) {
			pyn__child_find_cunit(page, module, &pick);
			sinit.fn = pick.init;
			sinit.suite = pick.suite;
			sclean.fn = pick.clean;
			sclean.suite = pick.suite;
			cu_setup.fn = pick.setup;
			cu_teardown.fn = pick.teardown;
			test.fn = pick.test;
		} else {
			test.fn = (void (*)(void))pyn__child_symbol(
				page, module, page->task.symbol);
			if (!test.fn)
				pyn__child_setup_failed(
					page, "no test function given", "", "",
					"");
		}
	}

	pyn__child_coverage_find(page->task.program);
	page->state = PYN_CHILD_SETUP;
	if (sinit.fn) {
		snprintf(page->setup_step, sizeof(page->setup_step),
			 "initialization of CUnit suite '%s'",
			 sinit.suite ? sinit.suite : "?");
		ok = pyn__child_do_step(call_suite_init, &sinit) == 0 &&
		     !page->fail_called;
		if (ok && sinit.rc != 0) {
			fflush(NULL);
			snprintf(rc_text, sizeof(rc_text), "%d", sinit.rc);
			pyn__child_setup_failed(
				page, "initialization of CUnit suite '",
				sinit.suite ? sinit.suite : "?",
				"' failed: its init function returned ",
				rc_text);
		}
	}
	if (ok && cu_setup.fn) {
		snprintf(page->setup_step, sizeof(page->setup_step),
			 "setup of CUnit suite '%s'",
			 pick.suite ? pick.suite : "?");
		ok = pyn__child_do_step(call_void, &cu_setup) == 0 &&
		     !failed(page);
	}
	if (ok && setup.fn) {
		snprintf(page->setup_step, sizeof(page->setup_step),
			 "setup '%s'", pyn__page_str(page, page->task.setup));
		ok = pyn__child_do_step(call_void, &setup) == 0 &&
		     !failed(page);
	}
	/* A failed setup is an error of the setup, not a failed test. */
	if (!ok && failed(page))
		setup_failure_message(page);
	if (ok && !page->skipped) {
		page->state = PYN_CHILD_RUNNING;
		if (fn)
			pyn__child_do_step(fn, arg);
		else
			pyn__child_do_step(call_void, &test);
	}
	page->state = PYN_CHILD_TEARDOWN;
	if (teardown.fn)
		pyn__child_do_step(call_void, &teardown);
	if (cu_teardown.fn)
		pyn__child_do_step(call_void, &cu_teardown);
	if (sclean.fn)
		pyn__child_do_step(call_init, &sclean);
	if (page->leak_check)
		leak_check();

	pyn__child_flush_streams();
	/*
	 * The runner has the peak RSS from wait4 (ru_maxrss); VmPeak (the
	 * address space) matters only to a memory limit.
	 */
	if (pyn__child_limits_memory(page)) {
		pyn__read_status(&peak, &hwm, NULL);
		page->vm_peak_bytes = peak;
		page->vm_hwm_bytes = hwm;
	}
	page->ended_ns = pyn__child_mono_ns(false);
	/* The test ended by itself: its counters are written. */
	pyn__child_coverage_flush();
	if (page->setup_message[0]) {
		page->state = PYN_CHILD_SETUP_FAILED;
		child_exit(PYN__EXIT_SETUP);
	}
	if (page->skipped) {
		page->state = PYN_CHILD_SKIPPED;
		child_exit(0);
	}
	if (page->n_failures || page->fail_called) {
		page->state = PYN_CHILD_FAILED;
		child_exit(1);
	}
	page->state = PYN_CHILD_RETURNED;
	child_exit(0);
}
