/* SPDX-License-Identifier: MIT */
/*
 * engine/classify.c - the one pure function that decides outcomes.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <base/outcome.h>
#include <base/signals.h>

#include "classify.h"

int pyn__would_pass(int wait_status, int child_state, unsigned n_failures,
		    int fail_called)
{
	if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0)
		return 0;
	if (n_failures || fail_called)
		return 0;
	return child_state != PYN_CHILD_FAILED &&
	       child_state != PYN_CHILD_SETUP_FAILED;
}

static void fmt_bytes(char *buf, size_t len, uint64_t n)
{
	if (n >= ((uint64_t)1 << 30))
		snprintf(buf, len, "%.1f GiB", (double)n / (1 << 30));
	else if (n >= ((uint64_t)1 << 20))
		snprintf(buf, len, "%.1f MiB", (double)n / (1 << 20));
	else if (n >= 1024)
		snprintf(buf, len, "%.1f KiB", (double)n / 1024);
	else
		snprintf(buf, len, "%" PRIu64 " B", n);
}

/* `type` NULL: the outcome's own (base/outcome.h). */
__attribute__((format(printf, 4, 5))) static void set(struct pyn__verdict *out,
						      enum pyn_outcome outcome,
						      const char *type,
						      const char *fmt, ...)
{
	va_list ap;

	out->outcome = outcome;
	snprintf(out->error_type, sizeof(out->error_type), "%s",
		 type ? type : pyn__outcome_type(outcome));
	va_start(ap, fmt);
	vsnprintf(out->message, sizeof(out->message), fmt, ap);
	va_end(ap);
}

static const struct pyn__claim *find_claim(const struct pyn__classify_input *in,
					   int outcome)
{
	size_t i;

	for (i = 0; i < in->n_claims; i++)
		if (in->claims[i].outcome == outcome)
			return &in->claims[i];
	return NULL;
}

static const struct pyn__claim *claim_of(const struct pyn__classify_input *in,
					 const char *limiter)
{
	size_t i;

	for (i = 0; limiter && i < in->n_claims; i++)
		if (in->claims[i].limiter &&
		    strcmp(in->claims[i].limiter, limiter) == 0)
			return &in->claims[i];
	return NULL;
}

/* A claim's JUnit type: its outcome's, LimiterError for an error. */
static const char *type_of(int outcome)
{
	if (outcome == PYN_OUTCOME_ERROR)
		return PYN__TYPE_LIMITER_ERROR;
	return pyn__outcome_type((enum pyn_outcome)outcome);
}

static void from_claim(struct pyn__verdict *out, const struct pyn__claim *c,
		       const char *fallback_msg)
{
	set(out, (enum pyn_outcome)c->outcome, type_of(c->outcome), "%s",
	    c->message && c->message[0] ? c->message : fallback_msg);
}

static const char *step_name(const struct pyn__classify_input *in)
{
	return in->setup_step && in->setup_step[0] ? in->setup_step : "setup";
}

/* Signal or exit of the test that nobody else explained. */
static void by_status(const struct pyn__classify_input *in,
		      struct pyn__verdict *out)
{
	const struct pyn_limiter_evidence *ev = in->ev;
	int st = ev->wait_status;
	char name[32];
	const struct pyn_failure *f = in->first_failure;

	if (WIFSIGNALED(st)) {
		int sig = WTERMSIG(st);

		pyn__signal_text(sig, name, sizeof(name));
		if (ev->child_state == PYN_CHILD_SETUP) {
			set(out, PYN_OUTCOME_ERROR, PYN__TYPE_SETUP_ERROR,
			    "%s crashed: killed by signal %s (%s)",
			    step_name(in), name, strsignal(sig));
		} else if (ev->child_state == PYN_CHILD_LOADING) {
			set(out, PYN_OUTCOME_ERROR, PYN__TYPE_SETUP_ERROR,
			    "crashed while loading library '%s' (%s)",
			    in->library ? in->library : "?", name);
		} else if (sig == SIGKILL && ev->killed_by == PYN_KILL_NONE) {
			set(out, PYN_OUTCOME_ERROR, PYN__TYPE_SIGNAL,
			    "killed by signal SIGKILL (%s): an external kill, "
			    "not sent by pyntest",
			    strsignal(sig));
		} else {
			set(out, PYN_OUTCOME_ERROR, PYN__TYPE_SIGNAL,
			    "killed by signal %s (%s)%s", name, strsignal(sig),
			    ev->child_state == PYN_CHILD_TEARDOWN ?
				    " in teardown" :
				    "");
		}
		return;
	}
	/* exit() in setup: the test never ran. */
	if (WIFEXITED(st) && ev->child_state == PYN_CHILD_SETUP) {
		set(out, PYN_OUTCOME_ERROR, PYN__TYPE_SETUP_ERROR,
		    "%s exited with status %d before the test ran",
		    step_name(in), WEXITSTATUS(st));
		return;
	}
	if (ev->child_state == PYN_CHILD_SKIPPED) {
		set(out, PYN_OUTCOME_SKIPPED, "", "%s",
		    in->skip_reason ? in->skip_reason : "");
		return;
	}
	if (in->n_failures && f) {
		if (in->n_failures > 1)
			set(out, PYN_OUTCOME_FAIL, NULL,
			    "%s failed at %s:%u (and %u more)", f->condition,
			    f->file, f->line, in->n_failures - 1);
		else
			set(out, PYN_OUTCOME_FAIL, NULL, "%s failed at %s:%u",
			    f->condition, f->file, f->line);
		return;
	}
	if (in->fail_called) {
		if (in->fail_message && in->fail_message[0])
			set(out, PYN_OUTCOME_FAIL, NULL, "%s",
			    in->fail_message);
		else
			set(out, PYN_OUTCOME_FAIL, NULL, "failed with code %d",
			    in->fail_code);
		return;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
		set(out, PYN_OUTCOME_FAIL, NULL, "exited with status %d",
		    WEXITSTATUS(st));
		return;
	}
	if (WIFEXITED(st) && (ev->child_state == PYN_CHILD_LOADING ||
			      ev->child_state == PYN_CHILD_APPLYING)) {
		set(out, PYN_OUTCOME_ERROR, PYN__TYPE_SETUP_ERROR,
		    "exited with status 0 before the test ran");
		return;
	}
	set(out, PYN_OUTCOME_PASS, "", "%s", "");
}

static void decide(const struct pyn__classify_input *in,
		   struct pyn__verdict *out)
{
	const struct pyn_limiter_evidence *ev = in->ev;
	const struct pyn__claim *c;
	char a[32], b[32], name[32];
	size_t i;
	int st = ev->wait_status;

	/* 1. The test never got to run properly. */
	if (in->host_setup_error && in->host_setup_error[0]) {
		set(out, PYN_OUTCOME_ERROR, PYN__TYPE_SETUP_ERROR, "%s",
		    in->host_setup_error);
		return;
	}
	if (ev->child_state == PYN_CHILD_SETUP_FAILED) {
		set(out, PYN_OUTCOME_ERROR, PYN__TYPE_SETUP_ERROR, "%s",
		    in->setup_message && in->setup_message[0] ?
			    in->setup_message :
			    "setup failed");
		return;
	}
	if (ev->child_state == PYN_CHILD_APPLYING &&
	    ev->killed_by == PYN_KILL_NONE) {
		/*
		 * The OOM killer during apply: the memory limit is below
		 * what the child needs to start (pynisher's 1 KB case).
		 */
		c = find_claim(in, PYN_OUTCOME_MEMORY_LIMIT);
		if (c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
			fmt_bytes(a, sizeof(a), in->memory_bytes);
			set(out, PYN_OUTCOME_MEMORY_LIMIT, NULL,
			    "memory limit %s is below what the child needs "
			    "to start: killed while applying limits (%s)",
			    a, c->message ? c->message : "");
			return;
		}
		if (WIFSIGNALED(st))
			set(out, PYN_OUTCOME_ERROR, PYN__TYPE_SETUP_ERROR,
			    "limiter '%s' crashed in apply (%s)",
			    in->applying_limiter ? in->applying_limiter : "?",
			    pyn__signal_text(WTERMSIG(st), name, sizeof(name)));
		else
			set(out, PYN_OUTCOME_ERROR, PYN__TYPE_SETUP_ERROR,
			    "limiter '%s' exited in apply with status %d",
			    in->applying_limiter ? in->applying_limiter : "?",
			    WEXITSTATUS(st));
		return;
	}

	/* 2. The run was stopped. */
	if (ev->killed_by == PYN_KILL_INTERRUPT) {
		set(out, PYN_OUTCOME_INTERRUPTED, NULL,
		    "interrupted after %.3f s", ev->wall_time_s);
		return;
	}

	/* 3. Wall time: the killer's claim, or ours when it made none. */
	c = find_claim(in, PYN_OUTCOME_WALL_TIMEOUT);
	if (c) {
		from_claim(out, c, "exceeded wall time limit");
		return;
	}
	if (ev->killed_by == PYN_KILL_DEADLINE) {
		c = claim_of(in, ev->killer);
		if (!c || c->outcome == PYN_OUTCOME_UNDECIDED) {
			set(out, PYN_OUTCOME_WALL_TIMEOUT, NULL,
			    "exceeded wall time limit %.3f s (killed at %.3f s)",
			    in->wall_time_s, ev->wall_time_s);
			return;
		}
	}

	/* 4. Memory: a limiter saw it, or an allocation failed and the test
	 * did not pass. */
	c = find_claim(in, PYN_OUTCOME_MEMORY_LIMIT);
	if (c) {
		from_claim(out, c, "exceeded memory limit");
		return;
	}
	if (in->memory_bytes && ev->alloc_failed && !ev->would_pass) {
		fmt_bytes(a, sizeof(a), in->memory_bytes);
		/* Size 0: seen through errno, not an allocator hook. */
		if (ev->alloc_failed_size) {
			snprintf(b, sizeof(b), "allocation of ");
			fmt_bytes(b + strlen(b), sizeof(b) - strlen(b),
				  ev->alloc_failed_size);
		} else {
			snprintf(b, sizeof(b), "an allocation");
		}
		if (in->peak_memory_bytes >= 0) {
			fmt_bytes(name, sizeof(name),
				  (uint64_t)in->peak_memory_bytes);
			set(out, PYN_OUTCOME_MEMORY_LIMIT, NULL,
			    "exceeded memory limit %s (%s failed, peak %s)", a,
			    b, name);
		} else {
			set(out, PYN_OUTCOME_MEMORY_LIMIT, NULL,
			    "exceeded memory limit %s (%s failed)", a, b);
		}
		return;
	}

	/* The sanitizer's allocator refused what the limit would have. */
	if (in->memory_bytes && in->sanitizer && in->sanitizer->tool &&
	    in->sanitizer->allocation_refused) {
		fmt_bytes(a, sizeof(a), in->memory_bytes);
		set(out, PYN_OUTCOME_MEMORY_LIMIT, NULL,
		    "exceeded memory limit %s (%s)", a, in->sanitizer->summary);
		return;
	}

	/* 5. CPU time. */
	c = find_claim(in, PYN_OUTCOME_CPU_TIMEOUT);
	if (c) {
		from_claim(out, c, "exceeded CPU time limit");
		return;
	}
	/* Only when it used its time: raise(SIGXCPU) is a signal like any. */
	if (in->cpu_time_s > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU &&
	    ev->cpu_time_s >= 0.9 * in->cpu_time_s) {
		set(out, PYN_OUTCOME_CPU_TIMEOUT, NULL,
		    "exceeded CPU time limit %.3f s (used %.3f s)",
		    in->cpu_time_s, ev->cpu_time_s);
		return;
	}

	/*
	 * The test's children count: a test that forks a spinning child and
	 * waits for it stays below its own timer.  The tolerance covers
	 * wait4's rounding and the timer's overshoot on the test itself.
	 */
	if (in->cpu_time_s > 0 &&
	    in->tree_cpu_time_s > in->cpu_time_s * 1.02 + 0.02) {
		set(out, PYN_OUTCOME_CPU_TIMEOUT, NULL,
		    "exceeded CPU time limit %.3f s (used %.3f s, with its "
		    "child processes)",
		    in->cpu_time_s, in->tree_cpu_time_s);
		return;
	}

	/* 6. Any other claim, in registry order. */
	for (i = 0; i < in->n_claims; i++) {
		if (in->claims[i].outcome == PYN_OUTCOME_UNDECIDED)
			continue;
		from_claim(out, &in->claims[i], "limiter claimed the outcome");
		return;
	}

	/* 7. A sanitizer's report: never a pass, whatever the exit. */
	if (in->sanitizer && in->sanitizer->tool) {
		set(out, PYN_OUTCOME_ERROR, in->sanitizer->tool, "%s",
		    in->sanitizer->summary);
		return;
	}

	/* 8-11. Signal, skipped, fail, pass. */
	by_status(in, out);
}

void pyn__classify(const struct pyn__classify_input *in,
		   struct pyn__verdict *out)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	decide(in, out);
	/* Whatever a library's constructor did happens to every test of it. */
	if (in->ev->child_state == PYN_CHILD_LOADING &&
	    out->outcome != PYN_OUTCOME_PASS && in->library &&
	    !strstr(out->message, "while loading library")) {
		n = strlen(out->message);
		snprintf(out->message + n, sizeof(out->message) - n,
			 " while loading library '%s'", in->library);
	}
}
