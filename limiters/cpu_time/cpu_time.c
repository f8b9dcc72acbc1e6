/* SPDX-License-Identifier: MIT */
/*
 * limiters/cpu_time - end a test that uses more CPU time than allowed.
 *
 * RLIMIT_CPU counts whole seconds, so the real limit is a POSIX CPU timer
 * armed in the child (CLOCK_PROCESS_CPUTIME_ID, delivering SIGXCPU).
 * RLIMIT_CPU stays as a backstop, soft = ceil(limit) + 1 and hard =
 * soft + 1, for a test that blocks or ignores SIGXCPU: the kernel then
 * sends SIGKILL at the hard limit.  wait4() under-reports the CPU of a
 * killed process by up to ~7 %, so the SIGKILL rule allows 10 %.
 *
 * Loading mode (a fork server loading the test library) may not create a
 * POSIX timer the host cannot see to undo; it arms ITIMER_PROF instead,
 * which the host promises to reset after loading (limiter.h), so that a
 * library constructor that spins dies of SIGPROF at the limit, not at
 * the whole-second RLIMIT_CPU.
 *
 * SIGXCPU is a cpu_timeout only when the test used 90 % of its limit
 * (wait4's under-count): raise(SIGXCPU) is a signal like any.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include <pyntest/limiter.h>

#include "limiters/util.h"

struct cpu_child {
	double limit_s;
	int loading;
};

struct cpu_state {
	double limit_s;
	double hard_s;
	int loading;
};

static rlim_t backstop_soft(double limit_s)
{
	rlim_t whole = (rlim_t)limit_s;

	if ((double)whole < limit_s)
		whole++;
	return whole + 1;
}

static int cpu_setup(struct pyn_limiter_request *req, void **state, char *msg,
		     size_t msg_len)
{
	struct cpu_child child;
	struct cpu_state *s;
	size_t cap = req->child_data_size;

	req->child_data_size = 0;
	if (!(req->cpu_time_s > 0))
		return 1;
	if (cap < sizeof(child)) {
		snprintf(msg, msg_len, "child data needs %zu bytes, not %zu",
			 sizeof(child), cap);
		return -1;
	}
	s = malloc(sizeof(*s));
	if (!s) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	s->limit_s = req->cpu_time_s;
	s->hard_s = (double)(backstop_soft(req->cpu_time_s) + 1);
	s->loading = req->loading;
	child.limit_s = req->cpu_time_s;
	child.loading = req->loading;
	memcpy(req->child_data, &child, sizeof(child));
	req->child_data_size = sizeof(child);
	*state = s;
	return 0;
}

/* Loading mode: SIGPROF (default action: terminate) at the limit. */
static int arm_prof(double limit_s, char *msg, size_t msg_len)
{
	struct itimerval itv;
	sigset_t set;

	signal(SIGPROF, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGPROF);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	memset(&itv, 0, sizeof(itv));
	itv.it_value.tv_sec = (time_t)limit_s;
	itv.it_value.tv_usec =
		(suseconds_t)((limit_s - (double)itv.it_value.tv_sec) * 1e6);
	if (itv.it_value.tv_sec == 0 && itv.it_value.tv_usec == 0)
		itv.it_value.tv_usec = 1;
	if (setitimer(ITIMER_PROF, &itv, NULL) < 0) {
		lim_errmsg(msg, msg_len, "cannot arm ITIMER_PROF", NULL, errno);
		return -1;
	}
	return 0;
}

LIM_CHILD_TEXT static int cpu_apply(const void *data, size_t size, char *msg,
				    size_t msg_len)
{
	struct cpu_child child;
	struct rlimit rl, old;
	struct sigevent sev;
	struct itimerspec its;
	sigset_t set;
	timer_t timer;
	rlim_t soft;

	if (size != sizeof(child)) {
		lim_errmsg(msg, msg_len, "bad child data size", NULL,
			   (int)size);
		return -1;
	}
	memcpy(&child, data, sizeof(child));

	/* SIGXCPU dumps core by default: a timed-out test must not. */
	if (getrlimit(RLIMIT_CORE, &rl) == 0) {
		rl.rlim_cur = 0;
		if (!child.loading)
			rl.rlim_max = 0;
		setrlimit(RLIMIT_CORE, &rl);
	}

	soft = backstop_soft(child.limit_s);
	if (getrlimit(RLIMIT_CPU, &old) < 0) {
		lim_errmsg(msg, msg_len, "cannot read RLIMIT_CPU", NULL, errno);
		return -1;
	}
	rl = old;
	if (child.loading) {
		/* Only what the fork server can undo: the soft limit. */
		rl.rlim_cur =
			old.rlim_max != RLIM_INFINITY && old.rlim_max < soft ?
				old.rlim_max :
				soft;
	} else {
		rl.rlim_cur = soft;
		rl.rlim_max = soft + 1;
		if (old.rlim_max != RLIM_INFINITY &&
		    old.rlim_max < rl.rlim_max) {
			rl.rlim_max = old.rlim_max;
			if (rl.rlim_cur > rl.rlim_max)
				rl.rlim_cur = rl.rlim_max;
		}
	}
	if (setrlimit(RLIMIT_CPU, &rl) < 0) {
		lim_errmsg(msg, msg_len, "cannot set RLIMIT_CPU", NULL, errno);
		return -1;
	}
	if (child.loading)
		return arm_prof(child.limit_s, msg, msg_len);

	/* The runner may ignore or block SIGXCPU; the test must not inherit it. */
	signal(SIGXCPU, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGXCPU);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGXCPU;
	if (timer_create(CLOCK_PROCESS_CPUTIME_ID, &sev, &timer) < 0) {
		lim_errmsg(msg, msg_len, "cannot create the CPU timer", NULL,
			   errno);
		return -1;
	}
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)child.limit_s;
	its.it_value.tv_nsec =
		(long)((child.limit_s - (double)its.it_value.tv_sec) * 1e9);
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;
	if (timer_settime(timer, 0, &its, NULL) < 0) {
		lim_errmsg(msg, msg_len, "cannot arm the CPU timer", NULL,
			   errno);
		return -1;
	}
	return 0;
}

static int cpu_classify(void *state, const struct pyn_limiter_evidence *ev,
			struct pyn_limiter_verdict *v)
{
	struct cpu_state *s = state;
	int sig;

	v->outcome = PYN_OUTCOME_UNDECIDED;
	if (!s || !WIFSIGNALED(ev->wait_status))
		return 0;
	sig = WTERMSIG(ev->wait_status);
	if (s->loading && sig == SIGPROF) {
		v->outcome = PYN_OUTCOME_CPU_TIMEOUT;
		snprintf(v->message, sizeof(v->message),
			 "exceeded CPU time limit %.3f s (used %.3f s) while "
			 "loading",
			 s->limit_s, ev->cpu_time_s);
		return 0;
	}
	/*
	 * SIGXCPU is the timer's only when the test used its time: one it
	 * raised itself, or another process sent, is a signal like any.
	 */
	if (!(sig == SIGXCPU && ev->cpu_time_s >= 0.9 * s->limit_s) &&
	    !(sig == SIGKILL && ev->killed_by == PYN_KILL_NONE &&
	      ev->cpu_time_s >= 0.9 * s->hard_s))
		return 0;
	v->outcome = PYN_OUTCOME_CPU_TIMEOUT;
	snprintf(v->message, sizeof(v->message),
		 "exceeded CPU time limit %.3f s (used %.3f s)", s->limit_s,
		 ev->cpu_time_s);
	return 0;
}

static void cpu_teardown(void *state)
{
	free(state);
}

static int cpu_probe(const struct pyn_host *host, const char *forced,
		     char *provider, size_t provider_len, char *why,
		     size_t why_len)
{
	timer_t t;
	struct sigevent sev;

	(void)host;
	(void)forced;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_NONE;
	if (timer_create(CLOCK_PROCESS_CPUTIME_ID, &sev, &t) < 0) {
		snprintf(why, why_len,
			 "POSIX CPU-time timers are not available: %s",
			 strerror(errno));
		return 0;
	}
	timer_delete(t);
	snprintf(provider, provider_len, "timer");
	return 1;
}

static const char *const cpu_providers[] = { "timer", NULL };

static const struct pyn_limiter cpu_time_limiter = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = "cpu_time",
	.version = "1.0",
	.summary = "CPU timer (SIGXCPU) at the limit, RLIMIT_CPU backstop",
	.provides = PYN_PROVIDES_CPU_TIME,
	.probe = cpu_probe,
	.setup = cpu_setup,
	.apply = cpu_apply,
	.classify = cpu_classify,
	.teardown = cpu_teardown,
	.providers = cpu_providers,
	.enforces = PYN_ENFORCES_CPU_TIME,
};

PYN_LIMITER_ENTRY(cpu_time)
{
	(void)host;
	(void)msg;
	(void)msg_len;
	return &cpu_time_limiter;
}
