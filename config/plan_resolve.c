/* SPDX-License-Identifier: MIT */
/*
 * config/plan_resolve.c - what a found object holds: test functions,
 * setup, teardown, registration functions and CUnit suite arrays looked
 * up in the ELF dynamic symbol table (config/elf.h), plug-ins' entry
 * points, and the tests of imported CUnit suites, which only the runner
 * can list (its `enumerate` callback runs their code in a child).
 *
 * Uses finding (plan_search.c), the settings an import runs under
 * (plan_inherit.c) and the arena (plan_arena.c); never loads an object.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/suggest.h"
#include "config/plan_internal.h"

int pyn__plan_open_object(struct pyn__build *b, const char *what,
			  const char *name, const char *env_var,
			  const char *last_dir, struct pyn_loc loc, char *path,
			  size_t path_len, struct pyn_elf_symbols *syms)
{
	char object[PATH_MAX * 2];
	struct pyn_error e;
	int rc;

	rc = pyn__find_object(b, what, name, env_var, last_dir, loc, path,
			      path_len, object, sizeof(object));
	if (rc)
		return rc;
	if (pyn__elf_read(syms, object, &e))
		return pyn__build_fail_at(b, loc, e.code,
					  "cannot use %s '%s': %s", what, name,
					  e.message);
	return 0;
}

/*
 * The functions of the library, for did-you-mean: candidate i is the first
 * function at or after symbol i (a data symbol repeats the next function,
 * which changes no suggestion); NULL once none is left.
 */
static const char *function_name(void *user, size_t i)
{
	const struct pyn_elf_symbols *syms = user;

	for (; i < syms->n_symbols; i++)
		if (syms->symbols[i].is_function)
			return syms->symbols[i].name;
	return NULL;
}

int pyn__plan_check_function(struct pyn__build *b,
			     const struct pyn_elf_symbols *syms,
			     const char *kind, const char *sym,
			     const char *library, struct pyn_loc loc)
{
	const struct pyn_elf_symbol *s = pyn__elf_find(syms, sym);
	const char *hint;

	if (!s) {
		hint = pyn__suggest_in(sym, function_name, (void *)syms);
		return pyn__build_fail_at(
			b, loc, PYN_ESYMBOL,
			"%s '%s' not found in test library '%s'%s%s%s", kind,
			sym, library, hint ? "; did you mean '" : "",
			hint ? hint : "", hint ? "'?" : "");
	}
	if (!s->is_function)
		return pyn__build_fail_at(
			b, loc, PYN_ESYMBOL,
			"%s '%s' in test library '%s' is data, not a function",
			kind, sym, library);
	return 0;
}

int pyn__plan_check_suite_symbols(struct pyn__build *b,
				  const struct pyn_manifest_suite *s,
				  const struct pyn_elf_symbols *syms)
{
	const struct pyn_elf_symbol *sym;
	size_t i;
	int rc = 0;

	if (s->setup)
		rc = pyn__plan_check_function(b, syms, "setup function",
					      s->setup, s->library,
					      s->setup_loc);
	if (!rc && s->teardown)
		rc = pyn__plan_check_function(b, syms, "teardown function",
					      s->teardown, s->library,
					      s->teardown_loc);
	for (i = 0; !rc && i < s->n_cunit_register; i++)
		rc = pyn__plan_check_function(b, syms, "registration function",
					      s->cunit_register[i], s->library,
					      s->cunit_register_locs[i]);
	if (rc || !s->cunit)
		return rc;
	sym = pyn__elf_find(syms, s->cunit);
	if (!sym)
		return pyn__build_fail_at(
			b, s->cunit_loc, PYN_ESYMBOL,
			"CUnit suite array '%s' not found in test library '%s'",
			s->cunit, s->library);
	if (sym->is_function)
		return pyn__build_fail_at(
			b, s->cunit_loc, PYN_ESYMBOL,
			"'%s' in test library '%s' is a function, not a CU_SuiteInfo[] array",
			s->cunit, s->library);
	return 0;
}

struct pyn_loc pyn__suite_import_loc(const struct pyn_manifest_suite *s)
{
	if (s->program)
		return s->program_loc;
	if (s->cunit)
		return s->cunit_loc;
	return s->n_cunit_register ? s->cunit_register_locs[0] : s->loc;
}

static double startup_seconds(const struct pyn_setting *st, double dflt)
{
	if (st->state == PYN_SETTING_SET)
		return st->seconds;
	return st->state == PYN_SETTING_NONE ? 0 : dflt;
}

void pyn__plan_startup(const struct pyn_manifest_suite *s, struct pyn_limits *l)
{
	l->startup_wall_time_s = startup_seconds(&s->startup.wall_time,
						 PYN__STARTUP_WALL_TIME_S);
	l->startup_cpu_time_s = startup_seconds(&s->startup.cpu_time, 0);
	l->startup_memory_bytes = s->startup.memory.state == PYN_SETTING_SET ?
					  s->startup.memory.bytes :
					  0;
}

int pyn__plan_import_list(struct pyn__build *b, const struct pyn__suite_ctx *sc,
			  struct pyn_plan_case **cases, size_t *n_cases)
{
	const struct pyn_manifest_suite *s = sc->s;
	const struct pyn_settings *chain[2] = { &b->m->defaults, &s->settings };
	struct pyn_plan_source src = { 0 };
	struct pyn_error e = { 0 };
	struct pyn__inherited r;
	size_t i;
	int rc;

	*cases = NULL;
	*n_cases = 0;
	if (!b->opt || !b->opt->enumerate)
		return pyn__build_fail_at(
			b, pyn__suite_import_loc(s), PYN_EMANIFEST,
			"cannot list the tests of suite '%s': importing CUnit tests needs the runner",
			s->name);
	rc = pyn__plan_inherit(b, chain, 2, &r);
	if (rc)
		return rc;
	src.suite = s->name;
	src.library = sc->library;
	src.cunit_info = s->cunit;
	src.cunit_register = sc->cunit_register;
	src.n_cunit_register = s->n_cunit_register;
	src.program = sc->program;
	src.args = sc->args;
	src.n_args = s->n_args;
	src.cwd = sc->cwd;
	src.env = sc->env;
	src.n_env = s->n_env;
	pyn__plan_startup(s, &r.limits);
	src.limits = &r.limits;
	rc = b->opt->enumerate(b->opt->user, &src, cases, n_cases, &e);
	if (!rc)
		return 0;
	if (e.line) {
		rc = pyn__build_fail_error(b, &e);
	} else {
		rc = pyn__build_fail_at(
			b, pyn__suite_import_loc(s),
			e.code ? e.code : PYN_EMANIFEST,
			"cannot list the tests of suite '%s': %s", s->name,
			e.message[0] ? e.message : "enumeration failed");
	}
	/* Whatever the callback left is freed here, as on success later. */
	for (i = 0; i < *n_cases; i++) {
		free((*cases)[i].suite);
		free((*cases)[i].test);
		free((*cases)[i].message);
	}
	free(*cases);
	*cases = NULL;
	*n_cases = 0;
	return rc;
}

int pyn__plan_add_plugins(struct pyn__build *b)
{
	const struct pyn_manifest *m = b->m;
	struct pyn_plan *plan = b->plan;
	size_t i;
	int rc, bad = 0;

	for (i = 0; i < m->n_plugins; i++) {
		struct pyn_elf_symbols syms = { 0 };
		const struct pyn_elf_symbol *entry = NULL;
		char path[PATH_MAX];
		char **plugins;
		size_t j;
		char *copy;

		rc = pyn__plan_open_object(
			b, "plug-in", m->plugins[i], "PYNTEST_PLUGIN_PATH",
			b->opt ? b->opt->plugin_dir : NULL, m->plugin_locs[i],
			path, sizeof(path), &syms);
		if (rc && pyn__build_more(b, rc)) {
			bad = bad ? bad : rc; /* the next plug-in on its own */
			continue;
		}
		if (rc)
			return rc;
		for (j = 0; j < syms.n_symbols; j++) {
			const struct pyn_elf_symbol *s = &syms.symbols[j];

			if (s->is_function &&
			    (!strcmp(s->name, "pyn_limiter_init") ||
			     pyn__str_ends_with(s->name,
						"_LTX_pyn_limiter_init")))
				entry = s;
		}
		pyn__elf_release(&syms);
		if (!entry) {
			rc = pyn__build_fail_at(
				b, m->plugin_locs[i], PYN_EABI,
				"cannot use plug-in '%s': it exports no 'pyn_limiter_init'",
				m->plugins[i]);
			if (!pyn__build_more(b, rc))
				return rc;
			bad = bad ? bad : rc;
			continue;
		}
		copy = pyn__build_strdup(b, path);
		if (!copy)
			return pyn__build_nomem(b);
		rc = pyn__strset_add(&b->dedup, copy, 0, NULL);
		if (rc < 0)
			return pyn__build_nomem(b);
		if (rc == 0)
			continue;
		plugins = pyn__arena_alloc(
			&plan->arena, (plan->n_plugins + 1) * sizeof(*plugins));
		if (!plugins)
			return pyn__build_nomem(b);
		if (plan->n_plugins)
			memcpy(plugins, plan->plugins,
			       plan->n_plugins * sizeof(*plugins));
		plugins[plan->n_plugins++] = copy;
		plan->plugins = plugins;
	}
	return bad;
}
