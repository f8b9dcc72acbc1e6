/* SPDX-License-Identifier: MIT */
/*
 * engine/limited.c - pynisher's API in C: the reusable limited function
 * (pynisher's `limit()` object).  Units are base/'s.  Every call still
 * goes through the one engine (pyn__run_warn() in call.c), after the
 * checks and diagnostics of checks.c.
 *
 * May use: call.c, checks.c, abi.h, libc.
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
#include "call.h"
#include "checks.h"

/* ---- The limited function ------------------------------------------ */

struct pyn_limited {
	struct pyn_task task;
	char *library;
	char *symbol;
	struct pyn_limits limits;
	struct pyn_option *opts; /* owned: every string too */
	size_t n_opts;
	size_t cap;
	void (*warn)(void *user, const char *message);
	void *warn_user;
	int warned_threads;
};

static char *dup_or_null(const char *s, int *bad)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*bad = 1;
	return d;
}

static int add_option(struct pyn_limited *lf, const char *limiter,
		      const char *key, const char *value, struct pyn_error *err)
{
	struct pyn_option *o, *grown;
	int bad = 0;

	if (lf->n_opts == lf->cap) {
		size_t cap = lf->cap ? lf->cap * 2 : 4;

		grown = realloc(lf->opts, cap * sizeof(*grown));
		if (!grown)
			return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
					     "out of memory");
		lf->opts = grown;
		lf->cap = cap;
	}
	o = &lf->opts[lf->n_opts];
	memset(o, 0, sizeof(*o));
	o->limiter = dup_or_null(limiter, &bad);
	o->option.key = dup_or_null(key, &bad);
	o->option.value = dup_or_null(value, &bad);
	if (bad) {
		free((char *)o->limiter);
		free((char *)o->option.key);
		free((char *)o->option.value);
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "out of memory");
	}
	lf->n_opts++;
	lf->limits.options = lf->opts;
	lf->limits.n_options = lf->n_opts;
	return 0;
}

static struct pyn_limited *limited_new(const struct pyn_limits *limits,
				       struct pyn_error *err)
{
	struct pyn_limited *lf;
	struct pyn_limits lim;
	size_t i;

	if (pyn_limits_check(limits, err) != 0 ||
	    pyn__limits_read(limits, &lim, err) != 0)
		return NULL;
	limits = &lim;
	lf = calloc(1, sizeof(*lf));
	if (!lf) {
		pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0, "out of memory");
		return NULL;
	}
	lf->limits = lim;
	lf->limits.options = NULL;
	lf->limits.n_options = 0;
	lf->warn = pyn__stderr_warn;
	for (i = 0; limits && i < limits->n_options; i++) {
		if (add_option(lf, limits->options[i].limiter,
			       limits->options[i].option.key,
			       limits->options[i].option.value, err) != 0) {
			pyn_limited_free(lf);
			return NULL;
		}
	}
	return lf;
}

struct pyn_limited *pyn_limited_new(void (*fn)(void *arg),
				    const struct pyn_limits *limits,
				    struct pyn_error *err)
{
	struct pyn_limited *lf;

	if (!fn) {
		pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
			      "no function to limit");
		return NULL;
	}
	lf = limited_new(limits, err);
	if (!lf)
		return NULL;
	lf->task.kind = PYN_TASK_FUNCTION;
	lf->task.name = "pyn_limited";
	lf->task.fn = fn;
	return lf;
}

struct pyn_limited *pyn_limited_new_symbol(const char *library,
					   const char *symbol,
					   const struct pyn_limits *limits,
					   struct pyn_error *err)
{
	struct pyn_limited *lf;

	if (!library || !symbol || !library[0] || !symbol[0]) {
		pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
			      "a symbol task needs a library and a symbol");
		return NULL;
	}
	lf = limited_new(limits, err);
	if (!lf)
		return NULL;
	lf->library = strdup(library);
	lf->symbol = strdup(symbol);
	if (!lf->library || !lf->symbol) {
		pyn_limited_free(lf);
		pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0, "out of memory");
		return NULL;
	}
	lf->task.kind = PYN_TASK_SYMBOL;
	lf->task.name = lf->symbol;
	lf->task.library = lf->library;
	lf->task.symbol = lf->symbol;
	return lf;
}

int pyn_limited_option(struct pyn_limited *lf, const char *limiter,
		       const char *key, const char *value,
		       struct pyn_error *err)
{
	struct pyn_option o = PYN_OPTION(limiter, key, value);
	struct pyn_limits one = PYN_LIMITS_INIT;
	int rc;

	if (!lf)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "no limited function");
	/* Limits of nothing but this option: checked alone. */
	one.options = &o;
	one.n_options = 1;
	rc = pyn_limits_check(&one, err);
	if (rc)
		return rc;
	return add_option(lf, limiter, key, value, err);
}

void pyn_limited_on_warning(struct pyn_limited *lf,
			    void (*warn)(void *user, const char *message),
			    void *user)
{
	if (!lf)
		return;
	lf->warn = warn;
	lf->warn_user = user;
}

int pyn_limited_call(struct pyn_limited *lf, void *arg, struct pyn_result *res,
		     struct pyn_error *err)
{
	struct pyn_task task;
	int forked;

	pyn__result_clear(res);
	if (!lf || !res)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "no limited function or no result");
	if (lf->task.kind != PYN_TASK_FUNCTION && arg)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "'%s' of '%s' runs in its own process "
				     "and takes no argument pointer",
				     lf->symbol, lf->library);
	forked = lf->task.kind == PYN_TASK_FUNCTION ||
		 lf->limits.isolation == PYN_ISOLATION_FORK;
	/* The thread warning once per object: it is about the caller. */
	pyn__diagnose(
		&lf->limits, forked,
		!__atomic_exchange_n(&lf->warned_threads, 1, __ATOMIC_RELAXED),
		lf->warn, lf->warn_user);
	task = lf->task;
	task.arg = arg;
	return pyn__run_warn(&task, &lf->limits, res, lf->warn, lf->warn_user,
			     err);
}

const struct pyn_limits *pyn_limited_limits(const struct pyn_limited *lf)
{
	return lf ? &lf->limits : NULL;
}

void pyn_limited_free(struct pyn_limited *lf)
{
	size_t i;

	if (!lf)
		return;
	for (i = 0; i < lf->n_opts; i++) {
		free((char *)lf->opts[i].limiter);
		free((char *)lf->opts[i].option.key);
		free((char *)lf->opts[i].option.value);
	}
	free(lf->opts);
	free(lf->library);
	free(lf->symbol);
	free(lf);
}
