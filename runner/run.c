/* SPDX-License-Identifier: MIT */
/*
 * runner/run.c - the run of a built plan: signals, the console, the
 * engine, the scheduler, the reports, the duration cache, the exit code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"
#include "runner/main_internal.h"
#include "runner/record.h"
#include "runner/report/html.h"
#include "runner/signals.h"

static void warn(void *user, const char *message)
{
	struct pyn__console *c = user;

	if (c && c->mode == PYN__CONSOLE_TTY && c->line_drawn) {
		fputs("\r\033[K", c->out);
		c->line_drawn = false;
		fflush(c->out);
	}
	fprintf(stderr, "pyntest: warning: %s\n", message);
}

/* The watch fd for the engine: an epoll set of the signal pipe and,
 * on a terminal, a timer that redraws the progress line. */
static int make_watch(int signal_fd, bool tty, int *timer)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	*timer = -1;
	if (ep < 0)
		return -1;
	ev.data.fd = signal_fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, signal_fd, &ev))
		goto fail;
	if (tty) {
		struct itimerspec its = { { 0, 250000000 }, { 0, 250000000 } };

		*timer = timerfd_create(CLOCK_MONOTONIC,
					TFD_CLOEXEC | TFD_NONBLOCK);
		if (*timer >= 0 && !timerfd_settime(*timer, 0, &its, NULL)) {
			ev.data.fd = *timer;
			epoll_ctl(ep, EPOLL_CTL_ADD, *timer, &ev);
		}
	}
	return ep;
fail:
	close(ep);
	return -1;
}

static int exit_code(const struct pyn__report *r, bool interrupted)
{
	struct pyn__counts c;

	if (interrupted)
		return PYN__EXIT_INTERRUPTED;
	pyn__report_count(r, &c);
	if (pyn__counts_failed(&c))
		return PYN__EXIT_TESTS_FAILED;
	if (!c.total)
		return PYN__EXIT_NO_TESTS;
	return PYN__EXIT_OK;
}

int pyn__run(const struct pyn__cli *cli, const struct pyn_plan *plan,
	     const char *cache, const struct pyn__failed_before *fb)
{
	struct pyn__report report;
	struct pyn__console console;
	struct pyn__live live;
	struct pyn__schedule sched;
	struct pyn_engine_options eopts;
	struct pyn_engine *engine = NULL;
	struct pyn_error err;
	char *own_cache = NULL, shard[32];
	bool *first = NULL;
	double *durations = NULL, t0;
	bool interrupted = false, tty;
	bool report_failed = false;
	int status = PYN__EXIT_INTERNAL, ret, watch = -1, timer = -1;
	int signal_fd = -1;
	unsigned max_tries = 1;
	struct pyn__spool spool = { .fd = -1 };
	struct timespec now;

	memset(&report, 0, sizeof(report));
	memset(&console, 0, sizeof(console));
	memset(&live, 0, sizeof(live));
	signal_fd = pyn__signals_install();
	if (signal_fd < 0) {
		fprintf(stderr, "pyntest: error: cannot set up signals: %s\n",
			strerror(errno));
		goto out;
	}
	/*
	 * With TAP or JSON on stdout, the console report goes to stderr;
	 * --debug: the test writes to the terminal, no status line over it.
	 */
	tty = !cli->format && !cli->debug_id && isatty(STDOUT_FILENO) &&
	      !getenv("CI") &&
	      !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	pyn__console_init(
		&console, cli->format ? stderr : stdout,
		tty ? PYN__CONSOLE_TTY : PYN__CONSOLE_PLAIN, cli->verbosity,
		pyn__color_wanted(cli->color,
				  cli->format ? STDERR_FILENO : STDOUT_FILENO),
		plan->n_tests);
	console.durations = cli->durations;
	console.concise = cli->concise;
	for (size_t i = 0; i < plan->n_tests; i++)
		if (plan->tests[i].retries + 1 > max_tries)
			max_tries = plan->tests[i].retries + 1;
	pyn__console_tries(&console, max_tries);
	watch = make_watch(signal_fd, tty, &timer);
	if (watch < 0) {
		fprintf(stderr, "pyntest: error: cannot watch signals: %s\n",
			strerror(errno));
		goto out;
	}
	eopts = (struct pyn_engine_options)PYN_ENGINE_OPTIONS_INIT;
	eopts.warn = warn;
	eopts.warn_user = &console;
	engine = pyn_engine_new(&eopts, &err);
	if (!engine) {
		fprintf(stderr, "pyntest: error: cannot start the engine: %s\n",
			err.message);
		goto out;
	}
	pyn__signals_engine(engine);

	if (!cache)
		cache = own_cache =
			pyn__cache_path(cli->manifests, cli->n_manifests);
	durations = pyn__cache_load(cache, plan);
	if (cli->failed_first && fb->n) {
		first = calloc(plan->n_tests + 1, sizeof(*first));
		for (size_t i = 0; first && i < plan->n_tests; i++)
			first[i] = pyn__cache_has(fb->ids, fb->n,
						  plan->tests[i].id);
	}
	memset(&sched, 0, sizeof(sched));
	sched.jobs = cli->jobs;
	sched.fail_fast = cli->fail_fast;
	sched.prestart = !getenv("PYNTEST_PRESTART") ||
			 strcmp(getenv("PYNTEST_PRESTART"), "0") != 0;
	sched.watch_fd = watch;
	sched.signal_fd = signal_fd;
	sched.console = &console;
	sched.durations = durations;
	/* Without a spool (no writable $TMPDIR or /tmp) output stays here. */
	if (!pyn__spool_open(&spool))
		sched.spool = &spool;
	sched.first = first;
	clock_gettime(CLOCK_REALTIME, &now);
	report.start_epoch_s = (double)now.tv_sec;
	report.manifests = cli->manifests;
	report.n_manifests = cli->n_manifests;
	report.jobs = cli->jobs;
	if (cli->shard_count) {
		snprintf(shard, sizeof(shard), "%u/%u", cli->shard_index + 1,
			 cli->shard_count);
		report.shard = shard;
	}
	if (pyn__live_begin(&live, stdout, cli->format, cli->events_path, plan,
			    cli->jobs, cli->manifests, cli->n_manifests,
			    &err)) {
		fprintf(stderr, "pyntest: error: %s\n", err.message);
		status = err.code == PYN_ENOMEM ? PYN__EXIT_INTERNAL :
						  PYN__EXIT_USAGE;
		goto out;
	}
	sched.listeners = live.head;
	t0 = pyn__now();
	ret = pyn__schedule_run(engine, plan, &sched, &report, &interrupted,
				&err);
	report.duration_s = pyn__now() - t0;
	if (ret) {
		/* The engine broke: still write what finished. */
		fprintf(stderr, "pyntest: error: %s\n", err.message);
		interrupted = true;
	}
	if (cli->junit_path &&
	    pyn__junit_write(&report, cli->junit_path, cli->flavor, &err)) {
		fprintf(stderr, "pyntest: error: %s\n", err.message);
		report_failed = true;
	}
	/* One report failing to write does not cost the other one. */
	if (cli->html_path && pyn__html_write(&report, cli->html_path, &err)) {
		fprintf(stderr, "pyntest: error: %s\n", err.message);
		report_failed = true;
	}
	pyn__console_summary(&console, &report);
	pyn__live_end(&live, &report, interrupted,
		      ret || report_failed ? PYN__EXIT_INTERNAL :
					     exit_code(&report, interrupted));
	if (report_failed)
		goto out;
	if (!interrupted)
		pyn__cache_save(cache, &report);
	status = ret ? PYN__EXIT_INTERNAL : exit_code(&report, interrupted);
out:
	pyn__signals_engine(NULL);
	pyn_engine_free(engine);
	pyn__report_release(&report);
	pyn__spool_close(&spool);
	pyn__console_release(&console);
	pyn__live_release(&live);
	free(durations);
	free(first);
	free(own_cache);
	if (watch >= 0)
		close(watch);
	if (timer >= 0)
		close(timer);
	return status;
}
