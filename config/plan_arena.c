/* SPDX-License-Identifier: MIT */
/*
 * config/plan_arena.c - the plan's memory and the build's errors.
 *
 * Every string of the plan lives in one arena freed by pyn_plan_release,
 * so a plan of 100,000 tests costs a handful of allocations; strings many
 * tests share are interned.  The first layer of the plan
 * (config/plan_internal.h): it uses base/'s struct pyn_error and
 * config/util.h only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/plan_internal.h"

struct pyn__plan_arena {
	struct pyn__plan_arena *next;
	size_t used, cap;
	max_align_t data[];
};

void *pyn__arena_alloc(struct pyn__plan_arena **arena, size_t size)
{
	struct pyn__plan_arena *a = *arena;
	size_t align = _Alignof(max_align_t);
	void *p;

	size = (size + align - 1) / align * align;
	if (!a || a->cap - a->used < size) {
		size_t cap = size > 65536 ? size : 65536;

		a = malloc(sizeof(*a) + cap);
		if (!a)
			return NULL;
		a->next = *arena;
		a->used = 0;
		a->cap = cap;
		*arena = a;
	}
	p = (char *)a->data + a->used;
	a->used += size;
	memset(p, 0, size);
	return p;
}

static char *arena_strdup(struct pyn__plan_arena **arena, const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = pyn__arena_alloc(arena, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

void pyn__arena_free(struct pyn__plan_arena *a)
{
	while (a) {
		struct pyn__plan_arena *next = a->next;

		free(a);
		a = next;
	}
}

int pyn__build_nomem(struct pyn__build *b)
{
	return pyn_error_set(b->err, PYN_ENOMEM, NULL, 0, 0,
			     "cannot build the plan: out of memory");
}

int pyn__build_fail_at(struct pyn__build *b, struct pyn_loc loc, int code,
		       const char *fmt, ...)
{
	char msg[PYN_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (b->m && b->m->command_line)
		loc.line = loc.column = 0; /* no lines: the message names it */
	if (b->errors) {
		struct pyn_error e;

		pyn_error_set(&e, code, b->m ? b->m->path : NULL, loc.line,
			      loc.column, "%s", msg);
		pyn__error_list_add(b->errors, &e);
	}
	return pyn_error_set(b->err, code, b->m ? b->m->path : NULL, loc.line,
			     loc.column, "%s", msg);
}

int pyn__build_fail_error(struct pyn__build *b, const struct pyn_error *e)
{
	int code = e->code ? e->code : PYN_EMANIFEST;

	if (b->errors) {
		struct pyn_error copy = *e;

		copy.code = code;
		pyn__error_list_add(b->errors, &copy);
	}
	if (b->err) {
		*b->err = *e;
		b->err->code = code;
	}
	return code;
}

bool pyn__build_more(const struct pyn__build *b, int rc)
{
	return b->errors && rc != PYN_ENOMEM && rc != PYN_EINTERRUPTED;
}

char *pyn__build_strdup(struct pyn__build *b, const char *s)
{
	return arena_strdup(&b->plan->arena, s);
}

/*
 * One copy of a string many tests share (manifest path, suite name,
 * setup, ...): with 100,000 tests, copies per test add up.
 */
char *pyn__build_intern(struct pyn__build *b, const char *s)
{
	size_t i;
	char *copy;

	if (!s)
		return NULL;
	/* The value is the string's own address. */
	if (pyn__strset_get(&b->interned, s, &i))
		return (char *)(uintptr_t)i;
	copy = pyn__build_strdup(b, s);
	if (!copy || pyn__strset_add(&b->interned, copy,
				     (size_t)(uintptr_t)copy, NULL) < 0)
		return NULL;
	return copy;
}

static bool same_limits(const struct pyn_limits *a, const struct pyn_limits *b)
{
	return a->wall_time_s == b->wall_time_s &&
	       a->cpu_time_s == b->cpu_time_s &&
	       a->memory_bytes == b->memory_bytes &&
	       a->terminate_child_processes == b->terminate_child_processes &&
	       a->capture_output == b->capture_output &&
	       a->output_limit == b->output_limit &&
	       a->isolation == b->isolation && a->options == b->options &&
	       a->n_options == b->n_options && a->wrapper == b->wrapper &&
	       a->foreground == b->foreground &&
	       a->core_dumps == b->core_dumps &&
	       a->startup_wall_time_s == b->startup_wall_time_s &&
	       a->startup_cpu_time_s == b->startup_cpu_time_s &&
	       a->startup_memory_bytes == b->startup_memory_bytes;
}

int pyn_plan_set_limits(struct pyn_plan *plan, struct pyn_plan_test *t,
			const struct pyn_limits *l)
{
	const size_t n =
		sizeof(plan->recent_limits) / sizeof(plan->recent_limits[0]);
	struct pyn_limits *copy;

	/* Tests come suite by suite: the same limits come in runs. */
	for (size_t i = 0; i < n && plan->recent_limits[i]; i++) {
		if (same_limits(plan->recent_limits[i], l)) {
			t->limits = plan->recent_limits[i];
			return 0;
		}
	}
	copy = pyn__arena_alloc(&plan->arena, sizeof(*copy));
	if (!copy)
		return PYN_ENOMEM;
	*copy = *l;
	copy->struct_size = sizeof(*copy);
	memmove(&plan->recent_limits[1], &plan->recent_limits[0],
		(n - 1) * sizeof(plan->recent_limits[0]));
	plan->recent_limits[0] = copy;
	t->limits = copy;
	return 0;
}

void pyn_plan_task(const struct pyn_plan_test *t, struct pyn_task *task)
{
	const struct pyn_plan_code *c = t->code;

	memset(task, 0, sizeof(*task));
	task->kind = t->kind;
	task->name = t->id;
	task->library = c->library;
	task->symbol = t->symbol;
	task->setup = c->setup;
	task->teardown = c->teardown;
	task->cwd = c->cwd;
	task->env = c->env;
	task->n_env = c->n_env;
	if (t->kind != PYN_TASK_SYMBOL) {
		task->cunit_info = c->cunit_info;
		task->cunit_register = c->cunit_register;
		task->n_cunit_register = c->n_cunit_register;
		task->cunit_suite = t->cunit_suite;
		task->cunit_test = t->name;
	}
	task->program = c->program;
	task->args = c->args;
	task->n_args = c->n_args;
}

/* Copy a string array into the arena. */
const char *const *pyn__build_strdup_array(struct pyn__build *b,
					   char *const *src, size_t n)
{
	char **out;
	size_t i;

	if (!n)
		return NULL;
	out = pyn__arena_alloc(&b->plan->arena, n * sizeof(*out));
	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		out[i] = pyn__build_strdup(b, src[i]);
		if (!out[i])
			return NULL;
	}
	return (const char *const *)out;
}
