/* SPDX-License-Identifier: MIT */
/*
 * runner/enforce.c - the limits against this machine: the limiters and
 * providers --provider names, limits scaled for sanitizers, and limits
 * no supported limiter here can enforce.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/suggest.h"
#include "host/registry.h"
#include "engine/engine.h"
#include "runner/main_internal.h"

static const char *slot_name(void *user, size_t i)
{
	(void)user;
	return i < pyn__registry_count() ? pyn__registry_get(i)->limiter->name :
					   NULL;
}

/*
 * --provider L=P names a limiter and one of its providers: a mistake is
 * the command line's, said before any manifest line is blamed for it.
 */
int pyn__forces_check(const struct pyn__cli *cli, struct pyn_error *err)
{
	for (size_t i = 0; i < cli->n_forces; i++) {
		const struct pyn__provider_force *f = &cli->forces[i];
		const struct pyn__limiter_slot *s =
			pyn__registry_find(f->limiter, NULL);
		const char *hint;

		if (!s) {
			hint = pyn__suggest_in(f->limiter, slot_name, NULL);
			return pyn_error_set(
				err, PYN_EUSAGE, NULL, 0, 0,
				"option '--provider': no limiter '%s'%s%s%s",
				f->limiter, hint ? "; did you mean '" : "",
				hint ? hint : "", hint ? "'?" : "");
		}
		if (!s->supported && !strncmp(s->why, "unknown provider", 16))
			return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
					     "option '--provider': limiter "
					     "'%s': %s",
					     f->limiter, s->why);
	}
	return 0;
}

static void first_name(void *user, const char *limit, const char *why)
{
	const char **name = user;

	(void)why;
	if (!*name)
		*name = limit;
}

/*
 * Which limit of `t` no supported limiter here can enforce: its limiter's
 * name, or NULL when every limit it sets is enforceable.
 */
static const char *unenforceable(const struct pyn_plan_test *t)
{
	const char *name = NULL;

	pyn__limits_unsupported(t->limits, first_name, &name);
	return name;
}

/*
 * Tests built with a sanitizer run slower and bigger: their limits grow
 * by the sanitizer's factors (docs/instruments.md), before anything
 * shows or uses them.
 */
int pyn__plan_scale_for_sanitizers(struct pyn_plan *plan)
{
	struct pyn_plan_test *t;
	struct pyn_limits l;
	double time, memory;
	unsigned bits;
	char why[256];
	size_t i;

	for (i = 0; i < plan->n_tests; i++) {
		t = &plan->tests[i];
		bits = pyn__sanitizers(pyn_plan_test_code(t));
		if (!bits)
			continue;
		if (pyn__sanitizer_scale(bits, &time, &memory, why,
					 sizeof(why)) != 0) {
			fprintf(stderr, "pyntest: error: %s\n", why);
			return -1;
		}
		l = *t->limits;
		l.wall_time_s *= time;
		l.cpu_time_s *= time;
		l.memory_bytes = (uint64_t)((double)l.memory_bytes * memory);
		if (pyn_plan_set_limits(plan, t, &l)) {
			fprintf(stderr, "pyntest: error: out of memory\n");
			return -1;
		}
	}
	return 0;
}

/*
 * A limit the manifest sets but nothing here can enforce is a manifest
 * error (SPEC: a limit silently not enforced would pass a test that should
 * fail), unless the user asked for best effort: then one warning per
 * limiter, and the tests run without it.
 */
int pyn__plan_check_enforceable(const struct pyn_plan *plan, bool best_effort,
				struct pyn_error *err)
{
	bool warned[PYN__LIMITERS_MAX] = { false };

	for (size_t i = 0; i < plan->n_tests; i++) {
		const struct pyn_plan_test *t = &plan->tests[i];
		const char *name = unenforceable(t);
		const struct pyn__limiter_slot *slot;
		struct pyn_error e;
		size_t index = 0;

		struct pyn_task task;

		pyn_plan_task(t, &task);
		if (pyn__task_fits(&task, &e))
			return pyn_error_set(
				err, PYN_EMANIFEST, t->file, t->line, t->column,
				"test '%s' cannot run: %s", t->id, e.message);
		if (!name)
			continue;
		slot = pyn__registry_find(name, &index);
		if (!best_effort)
			return pyn_error_set(
				err, PYN_EMANIFEST, t->file, t->line, t->column,
				"test '%s' needs limiter '%s', which is not supported here: %s; pass --best-effort to run it without that limit",
				t->id, name,
				slot && slot->why[0] ? slot->why :
						       "unknown reason");
		if (index < PYN__LIMITERS_MAX && !warned[index]) {
			warned[index] = true;
			fprintf(stderr,
				"pyntest: warning: limiter '%s' is not supported here (%s); tests that set it run without it (--best-effort)\n",
				name,
				slot && slot->why[0] ? slot->why :
						       "unknown reason");
		}
	}
	return 0;
}
