/* SPDX-License-Identifier: MIT */
/*
 * config/manifest_suites.c - `suites:`: each suite's own keys (library or
 * program, setup, teardown, discover, CUnit imports, args, cwd, env), its
 * tests and overrides, and the shape rules between them.
 *
 * Uses the node tree and checks (manifest_tree.c, manifest_checks.c), the
 * settings (manifest_settings.c) for what every level may set, and
 * config/util.h's string set for duplicate names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/manifest_internal.h"
#include "config/util.h"

static int parse_tests(struct pyn__manifest_ctx *c, const struct pyn__node *n,
		       struct pyn_manifest_suite *s)
{
	static const char *const own[] = { "name", "function", "skip", NULL };
	struct pyn__strset names = { 0 };
	const char *keys[32];
	size_t i, j, first;
	int rc = 0;

	rc = pyn__node_want_kind(c, n, "tests", PYN__NODE_SEQ);
	if (rc)
		return rc;
	pyn__settings_keys(keys, own);
	s->tests = calloc(n->n + 1, sizeof(*s->tests));
	if (!s->tests)
		return pyn__manifest_nomem(c);
	for (i = 0; i < n->n; i++) {
		const struct pyn__node *item = n->items[i];
		struct pyn_manifest_test *t = &s->tests[s->n_tests++];
		const struct pyn__node *name = NULL, *function = NULL;
		bool bad = false;

		t->loc = item->loc;
		if (item->kind == PYN__NODE_SCALAR &&
		    !pyn__node_is_null(item)) {
			name = item;
		} else if (item->kind == PYN__NODE_MAP) {
			for (j = 0; j < item->n; j += 2) {
				const struct pyn__node *k = item->items[j];
				const struct pyn__node *v = item->items[j + 1];

				rc = pyn__node_check_key(c, item, j, keys);
				if (rc) {
					if (!pyn__manifest_more(c, rc))
						goto out;
					continue;
				}
				if (strcmp(k->value, "name") == 0) {
					rc = pyn__node_want_string(c, v,
								   "name");
					if (!rc)
						name = v;
					bad = bad || rc;
				} else if (strcmp(k->value, "function") == 0) {
					rc = pyn__node_want_string(c, v,
								   "function");
					if (!rc)
						function = v;
					bad = bad || rc;
				} else if (!t->settings &&
					   !(t->settings = calloc(
						     1,
						     sizeof(*t->settings)))) {
					rc = pyn__manifest_nomem(c);
				} else {
					rc = pyn__settings_parse(
						c, k, v, t->settings,
						PYN__LEVEL_TEST);
				}
				if (rc && !pyn__manifest_more(c, rc))
					goto out;
				rc = 0; /* a bad limit: the name is still good */
			}
			if (!name)
				name = function;
			if (!name && !bad)
				rc = pyn__node_fail(c, item,
						    "test has no 'name'");
		} else {
			rc = pyn__node_fail(
				c, item,
				"a test must be a function name or a mapping, not %s",
				pyn__node_kind_name(item));
		}
		if (!rc && !bad && !name->value[0])
			rc = pyn__node_fail(c, name,
					    "test name must not be empty");
		if (!rc && !bad)
			rc = pyn__node_check_name(c, name, "test");
		if (rc && !pyn__manifest_more(c, rc))
			goto out;
		if (rc || bad) {
			rc = 0;
			continue; /* the next test may be checked still */
		}
		if (pyn__manifest_strdup(c, &t->name, name->value) ||
		    (function &&
		     pyn__manifest_strdup(c, &t->function, function->value))) {
			rc = PYN_ENOMEM;
			goto out;
		}
		if (!function)
			t->function = t->name;
		t->loc = name->loc;
		t->function_loc = function ? function->loc : name->loc;
		rc = pyn__strset_add(&names, t->name, i, &first);
		if (rc < 0) {
			rc = pyn__manifest_nomem(c);
			goto out;
		}
		if (rc == 0) {
			rc = pyn__node_fail(
				c, name,
				"duplicate test id '%s.%s' (first at line %u)",
				s->name ? s->name : "", t->name,
				s->tests[first].loc.line);
			if (!pyn__manifest_more(c, rc))
				goto out;
		}
		rc = 0;
	}
out:
	pyn__strset_release(&names);
	return rc;
}

static int parse_overrides(struct pyn__manifest_ctx *c,
			   const struct pyn__node *n,
			   struct pyn_manifest_suite *s)
{
	static const char *const own[] = { "match", "skip", NULL };
	const char *keys[32];
	size_t i, j;
	int rc;

	if (pyn__node_is_null(n))
		return 0;
	rc = pyn__node_want_kind(c, n, "overrides", PYN__NODE_SEQ);
	if (rc)
		return rc;
	pyn__settings_keys(keys, own);
	s->overrides = calloc(n->n + 1, sizeof(*s->overrides));
	if (!s->overrides)
		return pyn__manifest_nomem(c);
	for (i = 0; i < n->n; i++) {
		const struct pyn__node *item = n->items[i];
		struct pyn_manifest_override *o =
			&s->overrides[s->n_overrides++];

		bool bad = false;

		o->loc = item->loc;
		if (item->kind != PYN__NODE_MAP) {
			rc = pyn__node_fail(
				c, item,
				"an override must be a mapping with 'match', not %s",
				pyn__node_kind_name(item));
			if (!pyn__manifest_more(c, rc))
				return rc;
			continue;
		}
		for (j = 0; j < item->n; j += 2) {
			const struct pyn__node *k = item->items[j];
			const struct pyn__node *v = item->items[j + 1];

			rc = pyn__node_check_key(c, item, j, keys);
			if (rc) {
				if (!pyn__manifest_more(c, rc))
					return rc;
				bad = true;
				continue;
			}
			if (strcmp(k->value, "match") == 0) {
				rc = pyn__node_want_string(c, v, "match");
				if (!rc)
					rc = pyn__manifest_strdup(c, &o->match,
								  v->value);
				o->loc = v->loc;
			} else {
				rc = pyn__settings_parse(c, k, v, &o->settings,
							 PYN__LEVEL_OVERRIDE);
			}
			if (rc) {
				if (!pyn__manifest_more(c, rc))
					return rc;
				bad = true;
			}
		}
		if (!o->match && !bad) {
			rc = pyn__node_fail(c, item, "override has no 'match'");
			if (!pyn__manifest_more(c, rc))
				return rc;
		}
	}
	return 0;
}

static int parse_env(struct pyn__manifest_ctx *c, const struct pyn__node *n,
		     struct pyn_manifest_suite *s)
{
	size_t i;
	int rc;

	if (pyn__node_is_null(n))
		return 0;
	rc = pyn__node_want_kind(c, n, "env", PYN__NODE_MAP);
	if (rc)
		return rc;
	s->env = calloc(n->n / 2 + 1, sizeof(*s->env));
	if (!s->env)
		return pyn__manifest_nomem(c);
	for (i = 0; i < n->n; i += 2) {
		const struct pyn__node *k = n->items[i], *v = n->items[i + 1];
		size_t len;

		rc = pyn__node_check_key(c, n, i, NULL);
		if (rc)
			return rc;
		if (!k->value[0] || strchr(k->value, '='))
			return pyn__node_fail(
				c, k, "bad environment variable name '%s'",
				k->value);
		/* A newline would make one name two lines of `env`. */
		for (const char *p = k->value; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return pyn__node_fail(
					c, k,
					"bad environment variable name: control character 0x%02x",
					(unsigned)(unsigned char)*p);
		if (v->kind != PYN__NODE_SCALAR)
			return pyn__node_fail(
				c, v,
				"value of '%s' in 'env' must be a string, not %s",
				k->value, pyn__node_kind_name(v));
		len = strlen(k->value) + strlen(v->value) + 2;
		s->env[s->n_env] = malloc(len);
		if (!s->env[s->n_env])
			return pyn__manifest_nomem(c);
		snprintf(s->env[s->n_env], len, "%s=%s", k->value, v->value);
		s->n_env++;
	}
	return 0;
}

static const char *const suite_own_keys[] = {
	"name",	    "library", "setup",		 "teardown", "tests",
	"discover", "cunit",   "cunit_register", "program",  "args",
	"cwd",	    "env",     "overrides",	 "startup",  NULL,
};

static const char *const startup_keys[] = { "wall_time", "cpu_time", "memory",
					    NULL };

/* `startup:`: a mapping of the three limits start-up may have. */
static int parse_startup(struct pyn__manifest_ctx *c, const struct pyn__node *k,
			 const struct pyn__node *v,
			 struct pyn_manifest_suite *s)
{
	int rc = pyn__node_want_kind(c, v, k->value, PYN__NODE_MAP);

	s->startup_loc = k->loc;
	for (size_t i = 0; !rc && i < v->n; i += 2) {
		rc = pyn__node_check_key(c, v, i, startup_keys);
		if (!rc)
			rc = pyn__settings_parse(c, v->items[i],
						 v->items[i + 1], &s->startup,
						 PYN__LEVEL_SUITE);
	}
	return rc;
}

/* A string key of a suite: where its value and location go. */
static int suite_string(struct pyn__manifest_ctx *c, const struct pyn__node *k,
			const struct pyn__node *v, char **dst,
			struct pyn_loc *loc)
{
	int rc = pyn__node_want_string(c, v, k->value);

	if (rc)
		return rc;
	*loc = v->loc;
	return pyn__manifest_strdup(c, dst, v->value);
}

static int check_suite_shape(struct pyn__manifest_ctx *c,
			     const struct pyn__node *n,
			     struct pyn_manifest_suite *s, bool has_tests)
{
	const char *lib_only[] = { "setup",    "teardown", "tests",
				   "discover", "cunit",	   "cunit_register" };
	size_t i, j;

	if (!s->library && !s->program)
		return pyn__node_fail(c, n,
				      "suite '%s' needs 'library' or 'program'",
				      s->name);
	if (s->library && s->program)
		return pyn__manifest_fail_at(
			c, s->program_loc, PYN_EMANIFEST,
			"suite '%s' has both 'library' and 'program'; use one",
			s->name);
	for (i = 0; i < n->n; i += 2) {
		const struct pyn__node *k = n->items[i];

		if (strcmp(k->value, "args") == 0 && !s->program)
			return pyn__node_fail(c, k, "'args' needs 'program'");
		for (j = 0;
		     s->program && j < sizeof(lib_only) / sizeof(lib_only[0]);
		     j++)
			if (strcmp(k->value, lib_only[j]) == 0)
				return pyn__node_fail(
					c, k,
					"'%s' needs 'library'; a 'program' suite registers its own tests",
					k->value);
	}
	if (s->startup_loc.line && !s->program && !s->cunit &&
	    !s->n_cunit_register)
		return pyn__manifest_fail_at(
			c, s->startup_loc, PYN_EMANIFEST,
			"'startup' needs 'program', 'cunit' or 'cunit_register': it limits how the suite's tests are found");
	if (s->library && !has_tests && !s->discover && !s->cunit &&
	    !s->n_cunit_register)
		return pyn__manifest_fail_at(
			c, s->loc, PYN_EMANIFEST,
			"suite '%s' has no tests; add 'tests', 'discover', 'cunit' or 'cunit_register'",
			s->name);
	return 0;
}

static int parse_suite(struct pyn__manifest_ctx *c, const struct pyn__node *n,
		       struct pyn_manifest_suite *s)
{
	const char *keys[40];
	const struct pyn__node *tests = NULL;
	bool bad = false, named = false;
	size_t i;
	int rc;

	s->entry_loc = n->loc;
	s->loc = n->loc;
	if (n->kind != PYN__NODE_MAP)
		return pyn__node_fail(
			c, n, "a suite must be a mapping with 'name', not %s",
			pyn__node_kind_name(n));
	pyn__settings_keys(keys, suite_own_keys);
	/* The name first: messages about the rest quote it. */
	for (i = 0; i < n->n; i += 2) {
		if (n->items[i]->kind == PYN__NODE_SCALAR &&
		    strcmp(n->items[i]->value, "name") == 0) {
			named = true;
			rc = suite_string(c, n->items[i], n->items[i + 1],
					  &s->name, &s->loc);
			if (!rc)
				rc = pyn__node_check_name(c, n->items[i + 1],
							  "suite");
			if (rc && !pyn__manifest_more(c, rc))
				return rc;
			bad = rc != 0;
			break;
		}
	}
	for (i = 0; i < n->n; i += 2) {
		const struct pyn__node *k = n->items[i], *v = n->items[i + 1];
		const char *key;

		rc = pyn__node_check_key(c, n, i, keys);
		if (rc) {
			if (!pyn__manifest_more(c, rc))
				return rc;
			bad = true;
			continue;
		}
		key = k->value;
		if (strcmp(key, "name") == 0)
			continue;
		if (strcmp(key, "library") == 0)
			rc = suite_string(c, k, v, &s->library,
					  &s->library_loc);
		else if (strcmp(key, "setup") == 0)
			rc = suite_string(c, k, v, &s->setup, &s->setup_loc);
		else if (strcmp(key, "teardown") == 0)
			rc = suite_string(c, k, v, &s->teardown,
					  &s->teardown_loc);
		else if (strcmp(key, "discover") == 0)
			rc = suite_string(c, k, v, &s->discover,
					  &s->discover_loc);
		else if (strcmp(key, "cunit") == 0)
			rc = suite_string(c, k, v, &s->cunit, &s->cunit_loc);
		else if (strcmp(key, "program") == 0)
			rc = suite_string(c, k, v, &s->program,
					  &s->program_loc);
		else if (strcmp(key, "cwd") == 0)
			rc = suite_string(c, k, v, &s->cwd, &s->cwd_loc);
		else if (strcmp(key, "tests") == 0)
			tests = v;
		else if (strcmp(key, "cunit_register") == 0)
			rc = pyn__node_strings(
				c, v, key, true, &s->cunit_register,
				&s->cunit_register_locs, &s->n_cunit_register);
		else if (strcmp(key, "args") == 0) {
			s->has_args = true;
			rc = pyn__node_is_null(v) ?
				     0 :
				     pyn__node_strings(c, v, key, false,
						       &s->args, NULL,
						       &s->n_args);
		} else if (strcmp(key, "env") == 0)
			rc = parse_env(c, v, s);
		else if (strcmp(key, "overrides") == 0)
			rc = parse_overrides(c, v, s);
		else if (strcmp(key, "startup") == 0)
			rc = parse_startup(c, k, v, s);
		else
			rc = pyn__settings_parse(c, k, v, &s->settings,
						 PYN__LEVEL_SUITE);
		if (rc) {
			if (!pyn__manifest_more(c, rc))
				return rc;
			/* A bad limit spoils nothing the shape needs. */
			bad = bad || !pyn__settings_is_key(key);
		}
		/* Tests need the suite's name for their ids: after the loop. */
	}
	if (!named) {
		rc = pyn__node_fail(c, n, "suite has no 'name'");
		if (!pyn__manifest_more(c, rc))
			return rc;
		bad = true;
	}
	if (tests) {
		rc = parse_tests(c, tests, s);
		if (rc && !pyn__manifest_more(c, rc))
			return rc;
	}
	/*
	 * What the suite lacks is judged only when its own keys were all
	 * good: a bad 'library' is no missing one.
	 */
	return bad ? 0 : check_suite_shape(c, n, s, tests != NULL);
}

int pyn__suites_parse(struct pyn__manifest_ctx *c, const struct pyn__node *n)
{
	struct pyn__strset names = { 0 };
	struct pyn_manifest *m = c->m;
	size_t i, first;
	int rc;

	if (pyn__node_is_null(n))
		return 0;
	rc = pyn__node_want_kind(c, n, "suites", PYN__NODE_SEQ);
	if (rc)
		return rc;
	m->suites = calloc(n->n + 1, sizeof(*m->suites));
	if (!m->suites)
		return pyn__manifest_nomem(c);
	for (i = 0; i < n->n; i++) {
		struct pyn_manifest_suite *s = &m->suites[m->n_suites++];

		rc = parse_suite(c, n->items[i], s);
		if (rc && !pyn__manifest_more(c, rc))
			goto out;
		rc = 0;
		if (!s->name)
			continue; /* already said */
		rc = pyn__strset_add(&names, s->name, i, &first);
		if (rc < 0) {
			rc = pyn__manifest_nomem(c);
			goto out;
		}
		if (rc == 0) {
			rc = pyn__manifest_fail_at(
				c, s->loc, PYN_EMANIFEST,
				"duplicate suite name '%s' (first at line %u)",
				s->name, m->suites[first].loc.line);
			if (!pyn__manifest_more(c, rc))
				goto out;
		}
		rc = 0;
	}
out:
	pyn__strset_release(&names);
	return rc;
}

void pyn__suite_release(struct pyn_manifest_suite *s)
{
	size_t i;

	free(s->name);
	free(s->library);
	free(s->setup);
	free(s->teardown);
	for (i = 0; i < s->n_tests; i++) {
		struct pyn_manifest_test *t = &s->tests[i];

		if (t->function != t->name)
			free(t->function);
		free(t->name);
		if (t->settings) {
			pyn__settings_release(t->settings);
			free(t->settings);
		}
	}
	free(s->tests);
	free(s->discover);
	free(s->cunit);
	for (i = 0; i < s->n_cunit_register; i++)
		free(s->cunit_register[i]);
	free(s->cunit_register);
	free(s->cunit_register_locs);
	free(s->program);
	for (i = 0; i < s->n_args; i++)
		free(s->args[i]);
	free(s->args);
	free(s->cwd);
	for (i = 0; i < s->n_env; i++)
		free(s->env[i]);
	free(s->env);
	for (i = 0; i < s->n_overrides; i++) {
		free(s->overrides[i].match);
		pyn__settings_release(&s->overrides[i].settings);
	}
	free(s->overrides);
	pyn__settings_release(&s->settings);
	pyn__settings_release(&s->startup);
}
