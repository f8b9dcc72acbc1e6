/* SPDX-License-Identifier: MIT */
/*
 * config/plan_inherit.c - a test's final settings: the chain defaults ->
 * suite -> test -> matching overrides, where the last word wins, then
 * the command line's defaults, then the built-in ones (PYN_LIMITS_INIT,
 * base/isolation.h); limiter options merged key by key and handed to the
 * runner's check.
 *
 * Pure data: uses the arena (plan_arena.c) for the options it keeps, and
 * base/.  Carries the expectation as the manifest describes it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/isolation.h"
#include "config/plan_internal.h"

/* The last setting of `chain` that says anything about the field at `off`. */
static const struct pyn_setting *pick(const struct pyn_settings *const *chain,
				      size_t n, size_t off)
{
	const struct pyn_setting *found = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pyn_setting *s =
			(const struct pyn_setting *)((const char *)chain[i] +
						     off);

		if (s->state != PYN_SETTING_UNSET)
			found = s;
	}
	return found;
}

/* Room for one more option in *opts (n used of *cap): 0, or -1. */
static int grow_options(struct pyn_option **opts, size_t *cap, size_t n)
{
	struct pyn_option *no;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 4;
	no = realloc(*opts, nc * sizeof(*no));
	if (!no)
		return -1;
	*opts = no;
	*cap = nc;
	return 0;
}
#define PICK(chain, n, field)                                                  \
	pick((chain), (n), offsetof(struct pyn_settings, field))

int pyn__plan_inherit(struct pyn__build *b,
		      const struct pyn_settings *const *chain, size_t n,
		      struct pyn__inherited *r)
{
	const struct pyn_plan_options *o = b->opt;
	const struct pyn_setting *s;
	struct pyn_option *opts = NULL;
	size_t n_opts = 0, cap = 0, i, j, k, m0;

	memset(r, 0, sizeof(*r));
	/* The C API's defaults (pyntest.h), which are the manifest's. */
	r->limits = (struct pyn_limits)PYN_LIMITS_INIT;
	r->limits.isolation = PYN__LIBRARY_ISOLATION;

	s = PICK(chain, n, wall_time);
	if (s)
		r->limits.wall_time_s =
			s->state == PYN_SETTING_SET ? s->seconds : 0;
	else if (o && o->wall_time_s > 0)
		r->limits.wall_time_s = o->wall_time_s;
	s = PICK(chain, n, cpu_time);
	if (s)
		r->limits.cpu_time_s =
			s->state == PYN_SETTING_SET ? s->seconds : 0;
	else if (o && o->cpu_time_s > 0)
		r->limits.cpu_time_s = o->cpu_time_s;
	s = PICK(chain, n, memory);
	if (s)
		r->limits.memory_bytes =
			s->state == PYN_SETTING_SET ? s->bytes : 0;
	else if (o && o->memory_bytes > 0)
		r->limits.memory_bytes = o->memory_bytes;
	s = PICK(chain, n, output_limit);
	if (s && s->state == PYN_SETTING_SET)
		r->limits.output_limit = (size_t)s->bytes;
	s = PICK(chain, n, terminate_child_processes);
	if (s && s->state == PYN_SETTING_SET)
		r->limits.terminate_child_processes = s->flag;
	/* --isolation overrides the manifest (SPEC §4). */
	s = PICK(chain, n, isolation);
	if (o && o->isolation != PYN_ISOLATION_DEFAULT)
		r->limits.isolation = o->isolation;
	else if (s && s->state == PYN_SETTING_SET)
		r->limits.isolation = (enum pyn_isolation)s->number;
	s = PICK(chain, n, retries);
	if (s)
		r->retries =
			s->state == PYN_SETTING_SET ? (unsigned)s->number : 0;
	else if (o && o->retries > 0)
		r->retries = (unsigned)o->retries;
	s = PICK(chain, n, expect);
	r->expect.kind = PYN_EXPECT_OUTCOME;
	r->expect.outcome = PYN_OUTCOME_PASS;
	if (s && s->state == PYN_SETTING_SET)
		r->expect = s->expect;
	s = PICK(chain, n, wrapper);
	if (s && s->state == PYN_SETTING_SET)
		r->wrapper = s->text;
	s = PICK(chain, n, process);
	r->shared_process = s && s->state == PYN_SETTING_SET && s->number == 1;
	s = PICK(chain, n, skip);
	if (s && s->state == PYN_SETTING_SET && s->flag) {
		r->skip = true;
		r->skip_reason = s->text;
	}

	for (i = 0; i < n; i++) {
		for (j = 0; j < chain[i]->n_limiters; j++) {
			const struct pyn_limiter_config *l =
				&chain[i]->limiters[j];

			if (l->removed) {
				size_t w = 0;

				for (k = 0; k < n_opts; k++)
					if (strcmp(opts[k].limiter, l->name))
						opts[w++] = opts[k];
				n_opts = w;
				continue;
			}
			/*
			 * `NAME: {}` still configures the limiter: keep a
			 * key-less entry, which the engine counts as
			 * `configured` and hands no option for.
			 */
			if (!l->n_options) {
				for (m0 = 0; m0 < n_opts; m0++)
					if (!strcmp(opts[m0].limiter, l->name))
						break;
				if (m0 == n_opts) {
					if (grow_options(&opts, &cap, n_opts)) {
						free(opts);
						return pyn__build_nomem(b);
					}
					memset(&opts[n_opts], 0, sizeof(*opts));
					opts[n_opts++].limiter = l->name;
				}
				continue;
			}
			for (k = 0; k < l->n_options; k++) {
				const struct pyn_limiter_option *lo =
					&l->options[k];
				size_t m;

				for (m = 0; m < n_opts; m++)
					if (!strcmp(opts[m].limiter, l->name) &&
					    opts[m].option.key &&
					    !strcmp(opts[m].option.key,
						    lo->key))
						break;
				if (m == n_opts) {
					if (grow_options(&opts, &cap, n_opts)) {
						free(opts);
						return pyn__build_nomem(b);
					}
					n_opts++;
				}
				opts[m].limiter = l->name;
				opts[m].option = *lo;
			}
		}
	}
	if (n_opts) {
		struct pyn_option *out = pyn__arena_alloc(
			&b->plan->arena, n_opts * sizeof(*out));

		if (!out) {
			free(opts);
			return pyn__build_nomem(b);
		}
		/* Copy the strings: the plan outlives the manifests. */
		for (i = 0; i < n_opts; i++) {
			out[i].limiter = pyn__build_strdup(b, opts[i].limiter);
			out[i].option = opts[i].option;
			if (!opts[i].option.key) {
				/* A key-less `NAME: {}` entry. */
				if (!out[i].limiter) {
					free(opts);
					return pyn__build_nomem(b);
				}
				continue;
			}
			out[i].option.key =
				pyn__build_strdup(b, opts[i].option.key);
			out[i].option.value =
				pyn__build_strdup(b, opts[i].option.value);
			out[i].option.file =
				pyn__build_strdup(b, opts[i].option.file);
			if (!out[i].limiter || !out[i].option.key ||
			    !out[i].option.value ||
			    (opts[i].option.file && !out[i].option.file)) {
				free(opts);
				return pyn__build_nomem(b);
			}
		}
		r->limits.options = out;
		r->limits.n_options = n_opts;
	}
	free(opts);
	return 0;
}

int pyn__plan_check_limiters(struct pyn__build *b,
			     const struct pyn_settings *st)
{
	size_t i, j;
	int rc, first = 0;

	if (!b->opt || !b->opt->validate_option)
		return 0;
	/* Each limiter and option on its own when collecting mistakes. */
	for (i = 0; i < st->n_limiters; i++) {
		const struct pyn_limiter_config *l = &st->limiters[i];
		struct pyn_error e = { 0 };

		if (b->opt->validate_option(b->opt->user, l->name, NULL, &e)) {
			if (!e.message[0])
				snprintf(e.message, sizeof(e.message),
					 "unknown limiter '%s'", l->name);
			rc = pyn__build_fail_at(b, l->loc,
						e.code ? e.code : PYN_EMANIFEST,
						"%s", e.message);
			if (!pyn__build_more(b, rc))
				return rc;
			first = first ? first : rc;
			continue;
		}
		for (j = 0; j < l->n_options; j++) {
			const struct pyn_limiter_option *lo = &l->options[j];
			/* No place in `e`: the key is what is wrong. */
			struct pyn_loc loc = { lo->line, lo->column };

			if (l->key_locs)
				loc = l->key_locs[j];

			memset(&e, 0, sizeof(e));
			if (!b->opt->validate_option(b->opt->user, l->name, lo,
						     &e))
				continue;
			if (!e.message[0])
				snprintf(e.message, sizeof(e.message),
					 "bad option '%s' of limiter '%s'",
					 lo->key, l->name);
			if (e.line)
				rc = pyn__build_fail_error(b, &e);
			else
				rc = pyn__build_fail_at(
					b, loc, e.code ? e.code : PYN_EMANIFEST,
					"%s", e.message);
			if (!pyn__build_more(b, rc))
				return rc;
			first = first ? first : rc;
		}
	}
	return first;
}
