/* SPDX-License-Identifier: MIT */
/*
 * config/plan_expand.c - suites -> tests: the tests a suite lists, those
 * `discover:` finds among the exported functions, and those of imported
 * CUnit suites and programs; each gets its id "suite.test", its final
 * settings (defaults -> suite -> test -> matching overrides) and a task
 * ready for the engine.
 *
 * Uses finding (plan_search.c), symbols and imports (plan_resolve.c),
 * the settings chain (plan_inherit.c) and the arena (plan_arena.c).
 */
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/plan_internal.h"

/*
 * A second test with the id of `first`: say where both come from, a
 * manifest's FILE:LINE:COL or a program named on the command line.
 */
static int duplicate(struct pyn__build *b, const struct pyn_plan_test *first,
		     const char *id, struct pyn_loc loc)
{
	bool first_cl =
		pyn__strset_get(&b->command_line, first->manifest, NULL);
	bool same = strcmp(first->manifest, b->m->path) == 0;

	if (b->m->command_line && same)
		return pyn__build_fail_at(
			b, loc, PYN_EMANIFEST,
			"duplicate test id '%s': program '%s' registers it twice",
			id, b->m->path);
	if (b->m->command_line && first_cl)
		return pyn__build_fail_at(
			b, loc, PYN_EMANIFEST,
			"duplicate test id '%s': programs '%s' and '%s' both have it",
			id, first->manifest, b->m->path);
	if (b->m->command_line)
		return pyn__build_fail_at(
			b, loc, PYN_EMANIFEST,
			"duplicate test id '%s': program '%s' has it, and so has %s:%u:%u",
			id, b->m->path, first->manifest, first->line,
			first->column);
	if (first_cl)
		return pyn__build_fail_at(
			b, loc, PYN_EMANIFEST,
			"duplicate test id '%s' (first from program '%s')", id,
			first->manifest);
	if (same && first->line == loc.line && first->column == loc.column)
		return pyn__build_fail_at(
			b, loc, PYN_EMANIFEST,
			"duplicate test id '%s': the CUnit tests of suite '%s' have it twice",
			id, first->suite);
	if (same)
		return pyn__build_fail_at(
			b, loc, PYN_EMANIFEST,
			"duplicate test id '%s' (first at line %u, column %u)",
			id, first->line, first->column);
	return pyn__build_fail_at(b, loc, PYN_EMANIFEST,
				  "duplicate test id '%s' (first at %s:%u:%u)",
				  id, first->manifest, first->line,
				  first->column);
}

/*
 * Add a test to the plan.  `test` is its manifest entry, or NULL for
 * discovered and imported tests (which only overrides configure).
 */
static int add_test(struct pyn__build *b, const struct pyn__suite_ctx *sc,
		    const char *name, const char *symbol,
		    const struct pyn_manifest_test *test, struct pyn_loc loc,
		    enum pyn_task_kind kind, const char *cunit_suite)
{
	const struct pyn_manifest_suite *s = sc->s;
	const char *suite = s->name;
	const struct pyn_settings *chain_small[8];
	const struct pyn_settings **chain = chain_small;
	struct pyn_plan *plan = b->plan;
	struct pyn_plan_test *t;
	struct pyn__inherited r;
	size_t n = 0, i, first, len, cls_len;
	char *id, *cunit_id = NULL;
	int rc;

	/*
	 * The id is "CLASSNAME.TEST": SUITE.TEST, or for a CUnit test
	 * SUITE.CUNIT_SUITE.TEST, collapsed to SUITE.TEST when the CUnit
	 * suite has the manifest suite's name (docs/cunit.md, "Names").
	 */
	cls_len = strlen(suite);
	if (cunit_suite && strcmp(cunit_suite, suite))
		cls_len += 1 + strlen(cunit_suite);
	len = cls_len + strlen(name) + 2;
	id = pyn__arena_alloc(&plan->arena, len);
	if (!id)
		return pyn__build_nomem(b);
	if (cls_len > strlen(suite))
		snprintf(id, len, "%s.%s.%s", suite, cunit_suite, name);
	else
		snprintf(id, len, "%s.%s", suite, name);
	if (cunit_suite) {
		/* Overrides also match the CUnit name, CUNIT_SUITE.TEST. */
		len = strlen(cunit_suite) + strlen(name) + 2;
		cunit_id = malloc(len);
		if (!cunit_id)
			return pyn__build_nomem(b);
		snprintf(cunit_id, len, "%s.%s", cunit_suite, name);
	}

	if (3 + s->n_overrides > 8) {
		chain = malloc((3 + s->n_overrides) * sizeof(*chain));
		if (!chain) {
			free(cunit_id);
			return pyn__build_nomem(b);
		}
	}
	chain[n++] = &b->m->defaults;
	chain[n++] = &s->settings;
	if (test && test->settings)
		chain[n++] = test->settings;
	for (i = 0; i < s->n_overrides; i++)
		if (fnmatch(s->overrides[i].match, id, 0) == 0 ||
		    (cunit_id &&
		     fnmatch(s->overrides[i].match, cunit_id, 0) == 0))
			chain[n++] = &s->overrides[i].settings;
	free(cunit_id);
	rc = pyn__plan_inherit(b, chain, n, &r);
	if (chain != chain_small)
		free(chain);
	if (rc)
		return rc;

	if (plan->n_tests == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct pyn_plan_test *tests =
			realloc(plan->tests, cap * sizeof(*tests));

		if (!tests)
			return pyn__build_nomem(b);
		plan->tests = tests;
		b->cap = cap;
	}
	rc = pyn__strset_add(&b->ids, id, plan->n_tests, &first);
	if (rc < 0)
		return pyn__build_nomem(b);
	if (rc == 0) {
		return duplicate(b, &plan->tests[first], id, loc);
	}
	t = &plan->tests[plan->n_tests++];
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->suite = pyn__build_intern(b, suite);
	t->classname = t->suite;
	if (cls_len > strlen(suite)) {
		char *cls = strndup(id, cls_len);

		t->classname = cls ? pyn__build_intern(b, cls) : NULL;
		free(cls);
	}
	t->name = pyn__build_strdup(b, name);
	t->manifest = pyn__build_intern(b, b->m->path);
	t->file = t->manifest;
	t->line = loc.line;
	t->column = loc.column;
	if (kind == PYN_TASK_CUNIT)
		pyn__plan_startup(s, &r.limits);
	r.limits.wrapper = pyn__build_intern(b, r.wrapper);
	if ((r.wrapper && !r.limits.wrapper) ||
	    pyn_plan_set_limits(plan, t, &r.limits))
		return pyn__build_nomem(b);
	t->expect = r.expect;
	t->retries = r.retries;
	t->skip = r.skip;
	t->shared_process = r.shared_process && kind == PYN_TASK_CUNIT;
	t->skip_reason = pyn__build_intern(b, r.skip_reason);
	t->kind = kind;
	t->code = sc->code;
	/* A function named like its test shares the name's string. */
	t->symbol = symbol && !strcmp(symbol, name) ?
			    t->name :
			    pyn__build_strdup(b, symbol);
	if (kind != PYN_TASK_SYMBOL)
		t->cunit_suite = pyn__build_intern(b, cunit_suite);
	if (!t->suite || !t->classname || !t->name || !t->manifest ||
	    (symbol && !t->symbol) || (cunit_suite && !t->cunit_suite) ||
	    (r.skip_reason && !t->skip_reason))
		return pyn__build_nomem(b);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A name found (`discover:`) or listed by a program with a control
 * character in it (ESC, newline, BEL): refused like a manifest's, since it would reach --list and the
 * console, where it could forge a line.  Returns the first such byte or
 * -1; `shown` gets the name with those bytes as \xNN.
 */
static int control_char(const char *name, char *shown, size_t len)
{
	size_t used = 0;
	int bad = -1;

	shown[0] = '\0';
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		bool ctl = *p < 0x20 || *p == 0x7f;
		int n;

		if (ctl && bad < 0)
			bad = *p;
		n = ctl ? snprintf(shown + used, len - used, "\\x%02x", *p) :
			  snprintf(shown + used, len - used, "%c", *p);
		if (n < 0 || (size_t)n >= len - used - 4) {
			snprintf(shown + used, len - used, "...");
			break;
		}
		used += (size_t)n;
	}
	return bad;
}

/* `discover: GLOB`: exported functions matching, by name. */
static int discover(struct pyn__build *b, const struct pyn__suite_ctx *sc,
		    const struct pyn_elf_symbols *syms)
{
	const struct pyn_manifest_suite *s = sc->s;
	struct pyn__strset explicit_names = { 0 };
	const char **names;
	char shown[256];
	size_t n = 0, i;
	int rc = 0;

	names = calloc(syms->n_symbols + 1, sizeof(*names));
	if (!names)
		return pyn__build_nomem(b);
	for (i = 0; i < s->n_tests; i++) {
		if (pyn__strset_add(&explicit_names, s->tests[i].name, i,
				    NULL) < 0 ||
		    pyn__strset_add(&explicit_names, s->tests[i].function, i,
				    NULL) < 0) {
			rc = pyn__build_nomem(b);
			goto out;
		}
	}
	for (i = 0; i < syms->n_symbols; i++) {
		const struct pyn_elf_symbol *sym = &syms->symbols[i];

		if (!sym->is_function || fnmatch(s->discover, sym->name, 0))
			continue;
		if ((s->setup && !strcmp(sym->name, s->setup)) ||
		    (s->teardown && !strcmp(sym->name, s->teardown)))
			continue;
		if (pyn__strset_get(&explicit_names, sym->name, NULL))
			continue;
		names[n++] = sym->name;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		/* Versioned symbols can appear twice. */
		if (i && !strcmp(names[i], names[i - 1]))
			continue;
		if (control_char(names[i], shown, sizeof(shown)) >= 0) {
			rc = pyn__build_fail_at(
				b, s->discover_loc, PYN_EMANIFEST,
				"discover: the function '%s' it matches has a control character in its name",
				shown);
			goto out;
		}
		rc = add_test(b, sc, names[i], names[i], NULL, s->discover_loc,
			      PYN_TASK_SYMBOL, NULL);
		if (rc)
			goto out;
	}
out:
	pyn__strset_release(&explicit_names);
	free(names);
	return rc;
}

/* The tests of an imported suite, as the runner lists them. */
static int import_suite(struct pyn__build *b, const struct pyn__suite_ctx *sc)
{
	const struct pyn_manifest_suite *s = sc->s;
	struct pyn_plan_case *cases = NULL;
	size_t n_cases = 0, i;
	int rc;

	rc = pyn__plan_import_list(b, sc, &cases, &n_cases);
	if (rc)
		return rc;
	for (i = 0; i < n_cases; i++) {
		if (!cases[i].suite || !cases[i].test) {
			rc = pyn__build_fail_at(
				b, pyn__suite_import_loc(s), PYN_EMANIFEST,
				"cannot list the tests of suite '%s': a test without a name",
				s->name);
			goto out;
		}
		for (int k = 0; k < 2; k++) {
			const char *name = k ? cases[i].test : cases[i].suite;
			char shown[256];
			int bad = name ? control_char(name, shown,
						      sizeof(shown)) :
					 -1;

			if (bad < 0)
				continue;
			rc = pyn__build_fail_at(
				b, pyn__suite_import_loc(s), PYN_EMANIFEST,
				"suite '%s': the program lists a %s named '%s', which contains a control character (U+%04X)",
				s->name, k ? "test" : "suite", shown,
				(unsigned)bad);
			goto out;
		}
		rc = add_test(b, sc, cases[i].test, NULL, NULL,
			      pyn__suite_import_loc(s), PYN_TASK_CUNIT,
			      cases[i].suite);
		if (rc)
			goto out;
		if (cases[i].outcome != PYN_OUTCOME_PASS) {
			struct pyn_plan_test *t =
				&b->plan->tests[b->plan->n_tests - 1];

			t->startup_outcome = cases[i].outcome;
			t->startup_message =
				pyn__build_strdup(b, cases[i].message);
			if (cases[i].message && !t->startup_message) {
				rc = pyn__build_nomem(b);
				goto out;
			}
		}
	}
out:
	for (i = 0; i < n_cases; i++) {
		free(cases[i].suite);
		free(cases[i].test);
		free(cases[i].message);
	}
	free(cases);
	return rc;
}

/* What every test of the suite runs with, once in the arena: 0 or -1. */
static int suite_code(struct pyn__build *b, struct pyn__suite_ctx *sc)
{
	const struct pyn_manifest_suite *s = sc->s;
	struct pyn_plan_code *c = pyn__arena_alloc(&b->plan->arena, sizeof(*c));

	if (!c)
		return -1;
	c->library = sc->library;
	/* The suite's setup and teardown go around imported tests too. */
	c->setup = pyn__build_intern(b, s->setup);
	c->teardown = pyn__build_intern(b, s->teardown);
	c->cunit_info = pyn__build_intern(b, s->cunit);
	c->cunit_register = sc->cunit_register;
	c->n_cunit_register = s->n_cunit_register;
	c->cwd = sc->cwd;
	c->env = sc->env;
	c->n_env = s->n_env;
	c->program = sc->program;
	c->args = sc->args;
	c->n_args = s->n_args;
	sc->code = c;
	if ((s->setup && !c->setup) || (s->teardown && !c->teardown) ||
	    (s->cunit && !c->cunit_info))
		return -1;
	return 0;
}

/* The limiter options of every level of suite `s`: the first error. */
static int check_limiters(struct pyn__build *b,
			  const struct pyn_manifest_suite *s)
{
	size_t n = 1 + s->n_tests + s->n_overrides, i;
	int rc, first = 0;

	for (i = 0; i < n; i++) {
		const struct pyn_settings *set =
			i == 0 ? &s->settings :
			i <= s->n_tests ?
				 s->tests[i - 1].settings :
				 &s->overrides[i - 1 - s->n_tests].settings;

		if (!set)
			continue; /* a test that sets nothing */
		rc = pyn__plan_check_limiters(b, set);
		if (rc && !pyn__build_more(b, rc))
			return rc;
		if (!first)
			first = rc;
	}
	return first;
}

int pyn__plan_expand_suite(struct pyn__build *b,
			   const struct pyn_manifest_suite *s)
{
	struct pyn_elf_symbols syms = { 0 };
	struct pyn__suite_ctx sc = { .s = s };
	char path[PATH_MAX];
	size_t i, first;
	int rc, bad;

	rc = pyn__strset_add(&b->suites, s->name, 0, &first);
	if (rc < 0)
		return pyn__build_nomem(b);
	if (rc == 0)
		return pyn__build_fail_at(
			b, s->loc, PYN_EMANIFEST,
			"duplicate suite name '%s' (also in an earlier manifest)",
			s->name);

	/* A bad limiter option hides neither the library nor its tests. */
	bad = check_limiters(b, s);
	if (bad && !pyn__build_more(b, bad))
		return bad;

	if ((s->n_env &&
	     !(sc.env = pyn__build_strdup_array(b, s->env, s->n_env))) ||
	    (s->n_args &&
	     !(sc.args = pyn__build_strdup_array(b, s->args, s->n_args))) ||
	    (s->n_cunit_register &&
	     !(sc.cunit_register = pyn__build_strdup_array(
		       b, s->cunit_register, s->n_cunit_register))))
		return pyn__build_nomem(b);
	if (s->cwd) {
		rc = pyn__find_cwd(b, s, path);
		if (rc)
			return rc;
		sc.cwd = pyn__build_strdup(b, path);
		if (!sc.cwd)
			return pyn__build_nomem(b);
	}
	if (s->program) {
		rc = pyn__find_program(b, s, path, sizeof(path));
		if (rc)
			return rc;
		sc.program = pyn__build_strdup(b, path);
		if (!sc.program || suite_code(b, &sc))
			return pyn__build_nomem(b);
		return bad ? bad : import_suite(b, &sc);
	}

	rc = pyn__plan_open_object(b, "test library", s->library,
				   "PYNTEST_LIBRARY_PATH", NULL, s->library_loc,
				   path, sizeof(path), &syms);
	if (rc)
		return rc;
	sc.library = pyn__build_strdup(b, path);
	if (!sc.library || suite_code(b, &sc)) {
		rc = pyn__build_nomem(b);
		goto out;
	}
	rc = pyn__plan_check_suite_symbols(b, s, &syms);
	if (rc && pyn__build_more(b, rc)) {
		bad = bad ? bad : rc;
		rc = 0;
	}
	for (i = 0; !rc && i < s->n_tests; i++) {
		const struct pyn_manifest_test *t = &s->tests[i];

		rc = pyn__plan_check_function(b, &syms, "test function",
					      t->function, s->library,
					      t->function_loc);
		if (!rc)
			rc = add_test(b, &sc, t->name, t->function, t, t->loc,
				      PYN_TASK_SYMBOL, NULL);
		if (rc && pyn__build_more(b, rc)) {
			bad = bad ? bad : rc; /* the next test on its own */
			rc = 0;
		}
	}
	/* Imports run code: not for a suite already known to be bad. */
	if (!rc && !bad && s->discover)
		rc = discover(b, &sc, &syms);
	if (!rc && !bad && (s->cunit || s->n_cunit_register))
		rc = import_suite(b, &sc);
out:
	pyn__elf_release(&syms);
	return rc ? rc : bad;
}
