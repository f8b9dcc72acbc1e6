/* SPDX-License-Identifier: MIT */
/*
 * engine/shared_suite.c - the child side of a CUnit suite run in one
 * process (`process: per-suite`, engine.h): the suite's init once, then
 * each listed test in order, each with its own CPU limit (a CPU-time
 * timer of this process re-armed from the CPU used so far, SIGXCPU) and
 * its own start for the deadline (the page's `shared_started_ns`, which
 * the runner's timer reads: timers.c); one record a test into the result
 * bytes, written before the test (RUNNING) and after it (its end).  A
 * test that ends the process leaves its record RUNNING: the runner gives
 * it the process's outcome and starts the rest in a new process.
 *
 * May use: harness.c, harness_run.c (a step under sigsetjmp),
 * harness_symbols.c, libc.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <pyntest/test.h>

#include "engine.h"
#include "harness.h"
#include "harness_int.h"

struct void_fn {
	void (*fn)(void);
};

static void call_void(void *p)
{
	((struct void_fn *)p)->fn();
}

struct init_fn {
	int (*fn)(void);
	int rc;
};

static void call_init(void *p)
{
	struct init_fn *f = p;

	f->rc = f->fn();
}

static double cpu_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The CPU limit of the test starting now: SIGXCPU when this process has
 * used `limit_s` more than it has so far; RLIMIT_CPU's soft limit (whole
 * seconds, never above the hard one) behind it.
 */
static void cpu_arm(timer_t timer, int have_timer, double limit_s)
{
	double at = cpu_now() + limit_s;
	struct itimerspec its;
	struct rlimit rl;
	rlim_t soft;

	if (limit_s <= 0)
		return;
	if (have_timer) {
		memset(&its, 0, sizeof(its));
		its.it_value.tv_sec = (time_t)at;
		its.it_value.tv_nsec =
			(long)((at - (double)its.it_value.tv_sec) * 1e9);
		timer_settime(timer, TIMER_ABSTIME, &its, NULL);
	}
	if (getrlimit(RLIMIT_CPU, &rl) == 0) {
		soft = (rlim_t)at + 2; /* whole seconds, rounded up, + 1 */
		if (rl.rlim_max != RLIM_INFINITY && soft > rl.rlim_max)
			soft = rl.rlim_max;
		rl.rlim_cur = soft;
		setrlimit(RLIMIT_CPU, &rl);
	}
}

static void put_record(struct pyn__page *page, uint32_t i,
		       const struct pyn__shared_record *r)
{
	off_t at = (off_t)i * (off_t)sizeof(*r);

	if (pyn__result_fd < 0 ||
	    pwrite(pyn__result_fd, r, sizeof(*r), at) != (ssize_t)sizeof(*r))
		return;
	if (page->return_size < (uint64_t)at + sizeof(*r))
		page->return_size = (uint64_t)at + sizeof(*r);
}

/* The page's word on the test that just ended, into `r`. */
static void settle(struct pyn__page *page, struct pyn__shared_record *r)
{
	const struct pyn_failure *f = &page->failures[0];
	unsigned kept = page->n_failures < PYN__SHARED_FAILURES ?
				page->n_failures :
				PYN__SHARED_FAILURES;

	r->n_failures = page->n_failures;
	memcpy(r->failures, page->failures, kept * sizeof(*f));
	if (page->setup_message[0]) {
		r->state = PYN__SHARED_ERROR;
		snprintf(r->message, sizeof(r->message), "%s",
			 page->setup_message);
	} else if (page->skipped) {
		r->state = PYN__SHARED_SKIPPED;
		snprintf(r->message, sizeof(r->message), "%s",
			 page->skip_reason);
	} else if (page->n_failures > 1) {
		r->state = PYN__SHARED_FAILED;
		snprintf(r->message, sizeof(r->message),
			 "%s failed at %s:%u (and %u more)", f->condition,
			 f->file, f->line, page->n_failures - 1);
	} else if (page->n_failures) {
		r->state = PYN__SHARED_FAILED;
		snprintf(r->message, sizeof(r->message), "%s failed at %s:%u",
			 f->condition, f->file, f->line);
	} else if (page->fail_called) {
		r->state = PYN__SHARED_FAILED;
		if (page->fail_message[0])
			snprintf(r->message, sizeof(r->message), "%s",
				 page->fail_message);
		else
			snprintf(r->message, sizeof(r->message),
				 "failed with code %d", (int)page->fail_code);
	} else {
		r->state = PYN__SHARED_PASSED;
	}
}

/* What one test leaves on the page, cleared for the next. */
static void page_clear(struct pyn__page *page)
{
	page->n_failures = 0;
	page->fail_called = 0;
	page->fail_code = 0;
	page->fail_message[0] = '\0';
	page->skipped = 0;
	page->skip_reason[0] = '\0';
	page->setup_message[0] = '\0';
	page->alloc_failed = 0;
	page->alloc_failed_size = 0;
}

static void mark_output(void)
{
	static const char mark[] = PYN__SHARED_OUT_MARK;

	pyn__child_flush_streams();
	if (write(1, mark, sizeof(mark) - 1) < 0 ||
	    write(2, mark, sizeof(mark) - 1) < 0)
		return;
}

/* One test: CUnit's setup, the manifest's, the test, and both teardowns. */
static void run_one(struct pyn__page *page, struct pyn__module *module,
		    const struct pyn__cunit_pick *pick)
{
	struct void_fn setup = { NULL }, teardown = { NULL }, test = { NULL };
	struct void_fn cu_setup = { pick->setup },
		       cu_teardown = { pick->teardown };
	int ok = 1;

	setup.fn = (void (*)(void))pyn__child_symbol(page, module,
						     page->task.setup);
	teardown.fn = (void (*)(void))pyn__child_symbol(page, module,
							page->task.teardown);
	test.fn = pick->test;
	page->state = PYN_CHILD_SETUP;
	if (cu_setup.fn) {
		snprintf(page->setup_step, sizeof(page->setup_step),
			 "setup of CUnit suite '%s'",
			 pick->suite ? pick->suite : "?");
		ok = pyn__child_do_step(call_void, &cu_setup) == 0 &&
		     !page->n_failures && !page->fail_called;
	}
	if (ok && setup.fn) {
		snprintf(page->setup_step, sizeof(page->setup_step),
			 "setup '%s'", pyn__page_str(page, page->task.setup));
		ok = pyn__child_do_step(call_void, &setup) == 0 &&
		     !page->n_failures && !page->fail_called;
	}
	if (!ok && (page->n_failures || page->fail_called))
		snprintf(page->setup_message, sizeof(page->setup_message),
			 "%s failed", page->setup_step);
	if (ok && !page->skipped && test.fn) {
		page->state = PYN_CHILD_RUNNING;
		pyn__child_do_step(call_void, &test);
	}
	page->state = PYN_CHILD_TEARDOWN;
	if (teardown.fn)
		pyn__child_do_step(call_void, &teardown);
	if (cu_teardown.fn)
		pyn__child_do_step(call_void, &cu_teardown);
}

__attribute__((noreturn)) void pyn__child_run_shared(struct pyn__page *page,
						     struct pyn__module *module)
{
	char *list = strdup(pyn__page_str(page, page->task.cunit_test) + 1);
	char *name, *next, rc_text[16];
	struct pyn__cunit_pick pick;
	struct init_fn sinit = { NULL, 0 };
	struct sigevent sev;
	struct pyn__shared_record r;
	double limit_s, t0 = (double)pyn__child_mono_ns(false) / 1e9;
	uint64_t peak, hwm, started_ns;
	sigset_t set;
	timer_t timer;
	int have_timer = 0, found;
	uint32_t i;

	if (!list)
		pyn__child_setup_failed(page, "out of memory", "", "", "");
	limit_s = strtod(list, &name);
	name = strchr(list, PYN__SHARED_MARK);
	if (!name)
		pyn__child_setup_failed(page, "no CUnit test to run", "", "",
					"");
	*name++ = '\0';
	next = strchr(name, PYN__SHARED_MARK);
	if (next)
		*next = '\0';
	/* The first test's lookup builds the registry, if it is to be. */
	pyn__child_find_cunit_named(page, module, name, &pick);
	if (next)
		*next = PYN__SHARED_MARK;
	pyn__child_coverage_find(page->task.program);
	if (limit_s > 0) {
		signal(SIGXCPU, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, SIGXCPU);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_SIGNAL;
		sev.sigev_signo = SIGXCPU;
		have_timer = timer_create(CLOCK_PROCESS_CPUTIME_ID, &sev,
					  &timer) == 0;
	}
	page->shared_index = -1;
	page->state = PYN_CHILD_SETUP;
	if (pick.init) {
		snprintf(page->setup_step, sizeof(page->setup_step),
			 "initialization of CUnit suite '%s'",
			 pick.suite ? pick.suite : "?");
		cpu_arm(timer, have_timer, limit_s);
		sinit.fn = pick.init;
		if (pyn__child_do_step(call_init, &sinit) == 0 &&
		    !page->fail_called && sinit.rc != 0) {
			pyn__child_flush_streams();
			snprintf(rc_text, sizeof(rc_text), "%d", sinit.rc);
			pyn__child_setup_failed(
				page, "initialization of CUnit suite '",
				pick.suite ? pick.suite : "?",
				"' failed: its init function returned ",
				rc_text);
		}
	}
	page->returned = 1;
	for (i = 0; name; i++, name = next) {
		next = strchr(name, PYN__SHARED_MARK);
		if (next)
			*next++ = '\0';
		page_clear(page);
		found = pyn__child_find_cunit_again(page, module, name,
						    &pick) == 0;
		mark_output();
		memset(&r, 0, sizeof(r));
		r.state = PYN__SHARED_RUNNING;
		r.peak_bytes = -1;
		started_ns = pyn__child_mono_ns(false);
		r.started_s = (double)started_ns / 1e9 - t0;
		r.cpu_start_s = cpu_now();
		cpu_arm(timer, have_timer, limit_s);
		put_record(page, i, &r);
		page->shared_index = (int32_t)i;
		__atomic_store_n(&page->shared_started_ns, started_ns,
				 __ATOMIC_RELEASE);
		if (found)
			run_one(page, module, &pick);
		else
			snprintf(page->setup_message,
				 sizeof(page->setup_message),
				 "CUnit test '%s' not found in suite %s", name,
				 pyn__page_str(page, page->task.cunit_suite));
		pyn__child_flush_streams();
		r.wall_s =
			(double)(pyn__child_mono_ns(false) - started_ns) / 1e9;
		r.cpu_s = cpu_now() - r.cpu_start_s;
		pyn__read_status(&peak, &hwm, NULL);
		r.peak_bytes = hwm ? (int64_t)hwm : -1;
		settle(page, &r);
		put_record(page, i, &r);
	}
	/* Between tests: no deadline of a test counts any more. */
	page->shared_index = (int32_t)i;
	page_clear(page);
	page->state = PYN_CHILD_TEARDOWN;
	if (pick.clean) {
		sinit.fn = pick.clean;
		pyn__child_do_step(call_init, &sinit);
	}
	pyn__child_flush_streams();
	page->ended_ns = pyn__child_mono_ns(false);
	pyn__child_coverage_flush();
	free(list);
	page->state = PYN_CHILD_RETURNED;
	_exit(0);
}
