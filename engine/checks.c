/* SPDX-License-Identifier: MIT */
/*
 * engine/checks.c - what can be enforced here, asked before a call:
 * pyn_supports(), pyn_limits_check() (pynisher checks its arguments the
 * same way) with the option and support checks the runner makes of a
 * manifest's limits too, and the diagnostics before a call (pynisher's
 * `warnings`).
 *
 * A limit of struct pyn_limits is enforced by whichever supported
 * limiter's ABI says it enforces that field (host/registry.h,
 * pyn__registry_enforcer()), whatever its name; a plug-in's options by
 * the limiter they name.
 *
 * May use: the host's registry, base/ (did-you-mean), abi.h, libc.  Used
 * by call.c, limited.c and the runner.
 */
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <base/suggest.h>
#include <host/registry.h>
#include <pyntest/pyntest.h>

#include "abi.h"
#include "checks.h"
#include "page.h"

int pyn_supports(const char *limit, char *provider, size_t provider_len,
		 char *why, size_t why_len)
{
	const struct pyn__limiter_slot *slot;
	unsigned what;

	if (provider && provider_len)
		provider[0] = '\0';
	if (why && why_len)
		why[0] = '\0';
	if (pyn__registry_init(NULL) != 0) {
		if (why)
			snprintf(why, why_len, "the limiters could not start");
		return 0;
	}
	what = pyn__registry_limit(limit);
	slot = what  ? pyn__registry_enforcer(what) :
	       limit ? pyn__registry_find(limit, NULL) :
		       NULL;
	/* No limiter takes the wall time: the engine's own timer does. */
	if (what == PYN_ENFORCES_WALL_TIME && !(slot && slot->supported)) {
		if (provider)
			snprintf(provider, provider_len, "engine");
		return 1;
	}
	if (!slot) {
		if (why && what)
			snprintf(why, why_len, "no limiter here enforces '%s'",
				 limit);
		else if (why)
			snprintf(why, why_len, "no limiter named '%s'",
				 limit ? limit : "");
		return 0;
	}
	if (provider)
		snprintf(provider, provider_len, "%s", slot->provider);
	if (!slot->supported) {
		if (why)
			snprintf(why, why_len, "%s", slot->why);
		return 0;
	}
	return 1;
}

static const char *limiter_name(void *user, size_t i)
{
	const struct pyn__limiter_slot *slot;

	(void)user;
	if (i >= pyn__registry_count())
		return NULL;
	slot = pyn__registry_get(i);
	return slot && slot->limiter ? slot->limiter->name : "";
}

static const char *key_name(void *user, size_t i)
{
	return ((const char *const *)user)[i];
}

int pyn__limiter_option_check(const char *limiter,
			      const struct pyn_limiter_option *opt, int code,
			      struct pyn_error *err)
{
	const struct pyn__limiter_slot *slot;
	char msg[PYN_LIMITER_MESSAGE_MAX];
	const char *const *k;
	const char *hint;

	if (!limiter || !limiter[0])
		return pyn_error_set(err, code, NULL, 0, 0,
				     "an option names no limiter");
	slot = pyn__registry_find(limiter, NULL);
	if (!slot) {
		hint = pyn__suggest_in(limiter, limiter_name, NULL);
		if (hint)
			return pyn_error_set(
				err, code, NULL, 0, 0,
				"unknown limiter '%s'; did you mean '%s'?",
				limiter, hint);
		return pyn_error_set(err, code, NULL, 0, 0,
				     "unknown limiter '%s'%s", limiter,
				     code == PYN_EINVAL ?
					     " (load its plug-in with "
					     "pyn_plugin_load() first)" :
					     "");
	}
	if (!opt || !opt->key)
		return 0;
	if (!opt->value)
		return pyn_error_set(err, code, NULL, 0, 0,
				     "option '%s' of limiter '%s' has no value",
				     opt->key, limiter);
	for (k = slot->limiter->keys; k && *k; k++)
		if (strcmp(*k, opt->key) == 0)
			break;
	if (!k || !*k) {
		hint = slot->limiter->keys ?
			       pyn__suggest_in(opt->key, key_name,
					       (void *)slot->limiter->keys) :
			       NULL;
		return pyn_error_set(err, code, NULL, 0, 0,
				     "limiter '%s' has no option '%s'%s%s%s",
				     limiter, opt->key,
				     hint ? "; did you mean '" : "",
				     hint ? hint : "", hint ? "'?" : "");
	}
	msg[0] = '\0';
	if (slot->limiter->validate &&
	    slot->limiter->validate(opt, msg, sizeof(msg)) != 0)
		return pyn_error_set(err, code, opt->file, opt->line,
				     opt->column, "limiter '%s': %s", limiter,
				     msg[0] ? msg : "invalid option");
	return 0;
}

static int check_option(const struct pyn_option *o, struct pyn_error *err)
{
	return pyn__limiter_option_check(o->limiter, &o->option, PYN_EINVAL,
					 err);
}

/*
 * The limits set in `l` that nothing here enforces: calls `each` with the
 * name of the limiter that would (the limit's when none would) and the
 * reason.  Returns how many.  The wall time is not among them: the
 * engine enforces it itself when no limiter does.
 */
unsigned pyn__limits_unsupported(const struct pyn_limits *l,
				 void (*each)(void *user, const char *limit,
					      const char *why),
				 void *user)
{
	const struct pyn__limiter_slot *slot, *taken[2] = { NULL, NULL };
	unsigned wanted[2], bad = 0;
	size_t n = 0, i, k;
	char why[256];

	if (pyn__registry_init(NULL) != 0)
		snprintf(why, sizeof(why), "the limiters could not start");
	if (l->cpu_time_s > 0)
		wanted[n++] = PYN_ENFORCES_CPU_TIME;
	if (l->memory_bytes > 0)
		wanted[n++] = PYN_ENFORCES_MEMORY;
	for (i = 0; i < n; i++) {
		slot = taken[i] = pyn__registry_enforcer(wanted[i]);
		if (slot && slot->supported)
			continue;
		bad++;
		if (slot)
			snprintf(why, sizeof(why), "%s", slot->why);
		else if (pyn__registry_count())
			snprintf(why, sizeof(why),
				 "no limiter here enforces it");
		if (each)
			each(user,
			     slot ? slot->limiter->name :
				    pyn__registry_limit_name(wanted[i]),
			     why);
	}
	/* Once per limiter: a limit's enforcer, or named by an earlier option. */
	for (i = 0; i < l->n_options; i++) {
		const char *name = l->options[i].limiter;

		if (!name)
			continue;
		slot = pyn__registry_find(name, NULL);
		if (slot && (slot == taken[0] || slot == taken[1]))
			continue;
		for (k = 0; k < i; k++)
			if (l->options[k].limiter &&
			    strcmp(l->options[k].limiter, name) == 0)
				break;
		if (k < i || (slot && slot->supported))
			continue;
		bad++;
		if (slot)
			snprintf(why, sizeof(why), "%s", slot->why);
		else if (pyn__registry_count())
			snprintf(why, sizeof(why), "no limiter named '%s'",
				 name);
		if (each)
			each(user, name, why);
	}
	return bad;
}

struct first_bad {
	struct pyn_error *err;
	unsigned n;
};

static void first_bad(void *user, const char *limit, const char *why)
{
	struct first_bad *fb = user;

	if (fb->n++)
		return;
	pyn_error_set(fb->err, PYN_EUNSUPPORTED, NULL, 0, 0,
		      "limit '%s' cannot be enforced here: %s", limit, why);
}

int pyn_limits_check(const struct pyn_limits *limits, struct pyn_error *err)
{
	struct first_bad fb = { err, 0 };
	const struct pyn_limits *l;
	struct pyn_limits lim;
	size_t i;
	int rc;

	if (!limits)
		return 0;
	rc = pyn__limits_read(limits, &lim, err);
	if (rc)
		return rc;
	l = &lim;
	rc = pyn__registry_init(err);
	if (rc)
		return rc;
	if (isnan(l->wall_time_s) || l->wall_time_s < 0)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "wall time limit %g s is negative",
				     l->wall_time_s);
	if (isnan(l->cpu_time_s) || l->cpu_time_s < 0)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "CPU time limit %g s is negative",
				     l->cpu_time_s);
	if (l->isolation > PYN_ISOLATION_FORKSERVER)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "unknown isolation mode %d",
				     (int)l->isolation);
	if (l->n_options && !l->options)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "n_options is %zu but options is NULL",
				     l->n_options);
	for (i = 0; i < l->n_options; i++) {
		rc = check_option(&l->options[i], err);
		if (rc)
			return rc;
	}
	if (pyn__limits_unsupported(l, first_bad, &fb))
		return PYN_EUNSUPPORTED;
	return 0;
}

/* ---- Diagnostics (pynisher's `warnings`) -------------------------------- */

static uint64_t status_kib(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	uint64_t v = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			v = strtoull(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static void warn_to(void (*warn)(void *, const char *), void *user,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn_to(void (*warn)(void *, const char *), void *user,
		    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (warn)
		warn(user, msg);
}

struct warn_ctx {
	void (*warn)(void *, const char *);
	void *user;
};

static void warn_unsupported(void *user, const char *limit, const char *why)
{
	struct warn_ctx *w = user;

	warn_to(w->warn, w->user,
		"limit '%s' cannot be enforced here and is ignored: %s", limit,
		why);
}

void pyn__stderr_warn(void *user, const char *message)
{
	(void)user;
	fprintf(stderr, "pyntest: warning: %s\n", message);
}

void pyn__diagnose(const struct pyn_limits *l, int forked, int threads,
		   void (*warn)(void *user, const char *message), void *user)
{
	struct warn_ctx w = { warn, user };
	const struct pyn__limiter_slot *slot;
	struct sigaction sa;
	uint64_t rss, n_threads;

	if (!warn)
		return;
	if (sigaction(SIGCHLD, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN &&
	    !(sa.sa_flags & SA_SIGINFO))
		warn_to(warn, user,
			"SIGCHLD is ignored (SIG_IGN) in this process: the "
			"kernel reaps the limited child itself, so its exit "
			"status and CPU figures are lost; outcomes come from "
			"what the child recorded, and a crash shows as SIGKILL");
	if (!l)
		return;
	pyn__limits_unsupported(l, warn_unsupported, &w);
	/*
	 * A forked child starts with the caller's pages.  Under RLIMIT_AS
	 * the limit is added to what is mapped at the fork; under a cgroup
	 * every page the child writes is copied and charged to it.
	 */
	slot = pyn__registry_enforcer(PYN_ENFORCES_MEMORY);
	if (forked && l->memory_bytes > 0 && slot && slot->supported &&
	    strcmp(slot->provider, "rlimit") != 0) {
		rss = status_kib("VmRSS") * 1024;
		if (rss && l->memory_bytes < rss)
			warn_to(warn, user,
				"memory limit %llu B is below this process's "
				"resident memory %llu B: the forked child "
				"shares it and every page it writes counts "
				"against the limit; likely to fail",
				(unsigned long long)l->memory_bytes,
				(unsigned long long)rss);
	}
	if (forked && threads) {
		n_threads = status_kib("Threads");
		if (n_threads > 1)
			warn_to(warn, user,
				"forking from a process with %llu threads: the "
				"child has only the calling thread, and a lock "
				"another thread held stays locked; use a symbol "
				"in spawn mode if the function needs one",
				(unsigned long long)n_threads);
	}
}

int pyn__task_fits(const struct pyn_task *task, struct pyn_error *err)
{
	size_t size = pyn__page_task_size(task);

	if (size <= PYN__PAGE_STRINGS)
		return 0;
	return pyn_error_set(
		err, PYN_EINVAL, NULL, 0, 0,
		"its names, paths, arguments and environment take %zu bytes, more than the %d a test's job page holds",
		size, PYN__PAGE_STRINGS);
}
