/* SPDX-License-Identifier: MIT */
/*
 * config/manifest_settings.c - the settings every level of a manifest
 * may set and inherit (SPEC §1): wall_time, cpu_time, memory,
 * output_limit, isolation, terminate_child_processes, retries, expect,
 * limiters, and skip for tests and overrides; and `defaults:`.
 *
 * Uses the node tree and checks (manifest_tree.c, manifest_checks.c) and
 * base/ for every name and grammar: units.h (time and memory values),
 * outcomes (pyntest.h), signals.h, isolation.h, suggest.h.  It describes
 * an expectation (struct pyn_expect) and never judges one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/isolation.h"
#include "base/signals.h"
#include "base/suggest.h"
#include "base/units.h"
#include "config/manifest_internal.h"

/* How messages name the limit a key sets: the key, in words. */
static const char *limit_name(const char *key)
{
	if (!strcmp(key, "wall_time"))
		return "wall time limit";
	if (!strcmp(key, "cpu_time"))
		return "CPU time limit";
	if (!strcmp(key, "output_limit"))
		return "output limit";
	return "memory limit";
}

/* A time or memory value (base/units.h: the C API's grammar too). */
static int parse_value(const char *what, bool memory, const char *value,
		       const char *unit, struct pyn_setting *s,
		       struct pyn_error *e)
{
	static const char hint[] = "use null for no limit";

	if (memory)
		return pyn__memory_parse(what, hint, value, unit, &s->bytes, e);
	return pyn__time_parse(what, hint, value, unit, &s->seconds, e);
}

/* A time or memory value: scalar or [value, unit]; null: no limit. */
static int parse_quantity(struct pyn__manifest_ctx *c,
			  const struct pyn__node *n, const char *key,
			  bool memory, struct pyn_setting *s)
{
	struct pyn_error e;
	int rc;

	if (n->kind == PYN__NODE_MAP)
		return pyn__node_fail(c, n,
				      "'%s' must be a %s value, not a mapping",
				      key, memory ? "memory" : "time");
	if (n->kind == PYN__NODE_SEQ) {
		if (n->n != 2 || n->items[0]->kind != PYN__NODE_SCALAR ||
		    n->items[1]->kind != PYN__NODE_SCALAR)
			return pyn__node_fail(
				c, n,
				"'%s' as a list must be [value, unit], like %s",
				key, memory ? "[64, MB]" : "[500, ms]");
		rc = parse_value(limit_name(key), memory, n->items[0]->value,
				 n->items[1]->value, s, &e);
	} else {
		if (pyn__node_is_null(n) || pyn__units_is_none(n->value)) {
			s->state = PYN_SETTING_NONE;
			s->loc = n->loc;
			return 0;
		}
		rc = parse_value(limit_name(key), memory, n->value, NULL, s,
				 &e);
	}
	if (rc)
		return pyn__manifest_fail_at(c, n->loc, PYN_EMANIFEST, "%s",
					     e.message);
	s->state = PYN_SETTING_SET;
	s->loc = n->loc;
	return 0;
}

/* What `expect:` takes by name: every outcome, then "timeout". */
static const char *expect_choice(void *user, size_t i)
{
	(void)user;
	if (i < PYN_OUTCOME_COUNT)
		return pyn_outcome_name((enum pyn_outcome)i);
	return i == PYN_OUTCOME_COUNT ? "timeout" : NULL;
}

static int parse_expect(struct pyn__manifest_ctx *c, const struct pyn__node *n,
			struct pyn_setting *s)
{
	static const char *const keys[] = { "signal", "exit_code", NULL };
	struct pyn_expect *e = &s->expect;
	const struct pyn__node *k, *v;
	const char *hint;
	int rc;

	memset(e, 0, sizeof(*e));
	s->loc = n->loc;
	if (pyn__node_is_null(n)) {
		s->state = PYN_SETTING_NONE;
		return 0;
	}
	s->state = PYN_SETTING_SET;
	if (n->kind == PYN__NODE_SCALAR) {
		enum pyn_outcome o;
		char names[256];
		size_t i, len = 0;

		if (strcmp(n->value, "timeout") == 0) {
			e->kind = PYN_EXPECT_TIMEOUT;
			return 0;
		}
		if (pyn_outcome_parse(n->value, &o) == 0) {
			e->kind = PYN_EXPECT_OUTCOME;
			e->outcome = o;
			return 0;
		}
		hint = pyn__suggest_in(n->value, expect_choice, NULL);
		if (hint)
			return pyn__node_fail(
				c, n,
				"unknown outcome '%s' in expect; did you mean '%s'?",
				n->value, hint);
		names[0] = '\0';
		for (i = 0; expect_choice(NULL, i) && len < sizeof(names); i++)
			len += (size_t)snprintf(names + len,
						sizeof(names) - len, "%s, ",
						expect_choice(NULL, i));
		return pyn__node_fail(
			c, n,
			"unknown outcome '%s' in expect; use %s{signal: NAME} or {exit_code: N}",
			n->value, names);
	}
	if (n->kind == PYN__NODE_SEQ || n->n != 2)
		return pyn__node_fail(
			c, n,
			"'expect' must be an outcome name, {signal: NAME} or {exit_code: N}, not %s",
			n->kind == PYN__NODE_SEQ ? "a list" :
			n->n == 0		 ? "an empty mapping" :
						   "a mapping of several keys");
	rc = pyn__node_check_key(c, n, 0, keys);
	if (rc)
		return rc;
	k = n->items[0];
	v = n->items[1];
	if (strcmp(k->value, "signal") == 0) {
		int sig;

		if (v->kind != PYN__NODE_SCALAR || pyn__node_is_null(v))
			return pyn__node_fail(
				c, v,
				"'signal' must be a signal name or number, not %s",
				pyn__node_kind_name(v));
		sig = pyn__signal_parse(v->value);
		if (sig < 0)
			return pyn__node_fail(
				c, v,
				"unknown signal '%s'; use a name like SIGSEGV or a number",
				v->value);
		e->kind = PYN_EXPECT_SIGNAL;
		e->outcome = PYN_OUTCOME_ERROR;
		e->value = sig;
		return 0;
	} else {
		long code;

		rc = pyn__node_long(c, v, "exit_code", 1, 255, &code);
		if (rc)
			return rc;
		e->kind = PYN_EXPECT_EXIT_CODE;
		e->outcome = PYN_OUTCOME_FAIL;
		e->value = (int)code;
		return 0;
	}
}

/* "forkserver, spawn or fork": the modes base/isolation.h names. */
static const char *isolation_names(char *buf, size_t len)
{
	const char *name, *sep = "";
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; used < len; i++) {
		name = pyn__isolation_nth(NULL, i);
		if (!name)
			break;
		if (i)
			sep = pyn__isolation_nth(NULL, i + 1) ? ", " : " or ";
		used += (size_t)snprintf(buf + used, len - used, "%s%s", sep,
					 name);
	}
	return buf;
}

static int parse_isolation(struct pyn__manifest_ctx *c,
			   const struct pyn__node *n, struct pyn_setting *s)
{
	char names[128];
	const char *hint;
	int mode;

	s->loc = n->loc;
	if (pyn__node_is_null(n)) {
		s->state = PYN_SETTING_NONE;
		return 0;
	}
	if (n->kind != PYN__NODE_SCALAR)
		return pyn__node_fail(c, n, "'isolation' must be %s, not %s",
				      isolation_names(names, sizeof(names)),
				      pyn__node_kind_name(n));
	mode = pyn__isolation_parse(n->value);
	if (mode >= 0) {
		s->state = PYN_SETTING_SET;
		s->number = mode;
		return 0;
	}
	hint = pyn__suggest_in(n->value, pyn__isolation_nth, NULL);
	if (hint)
		return pyn__node_fail(c, n,
				      "bad isolation '%s'; did you mean '%s'?",
				      n->value, hint);
	return pyn__node_fail(c, n, "bad isolation '%s'; use %s", n->value,
			      isolation_names(names, sizeof(names)));
}

static void limiter_config_release(struct pyn_limiter_config *l)
{
	size_t i;

	for (i = 0; i < l->n_options; i++) {
		free((char *)l->options[i].key);
		free((char *)l->options[i].value);
	}
	free(l->options);
	free(l->key_locs);
	free(l->name);
}

static int parse_limiters(struct pyn__manifest_ctx *c,
			  const struct pyn__node *n, struct pyn_settings *st)
{
	size_t i, j;
	int rc;

	if (pyn__node_is_null(n))
		return 0;
	rc = pyn__node_want_kind(c, n, "limiters", PYN__NODE_MAP);
	if (rc)
		return rc;
	st->limiters = calloc(n->n / 2 + 1, sizeof(*st->limiters));
	if (!st->limiters)
		return pyn__manifest_nomem(c);
	for (i = 0; i < n->n; i += 2) {
		const struct pyn__node *k = n->items[i], *v = n->items[i + 1];
		struct pyn_limiter_config *l = &st->limiters[st->n_limiters];

		rc = pyn__node_check_key(c, n, i, NULL);
		if (!rc && !k->value[0])
			rc = pyn__node_fail(c, k,
					    "limiter name must not be empty");
		if (rc) {
			if (!pyn__manifest_more(c, rc))
				return rc;
			continue;
		}
		l->name = strdup(k->value);
		if (!l->name)
			return pyn__manifest_nomem(c);
		l->loc = k->loc;
		st->n_limiters++;
		if (pyn__node_is_null(v)) {
			l->removed = true;
			continue;
		}
		if (v->kind != PYN__NODE_MAP) {
			rc = pyn__node_fail(
				c, v,
				"options of limiter '%s' must be a mapping {key: value}, not %s",
				k->value, pyn__node_kind_name(v));
			if (!pyn__manifest_more(c, rc))
				return rc;
			continue;
		}
		l->options = calloc(v->n / 2 + 1, sizeof(*l->options));
		l->key_locs = calloc(v->n / 2 + 1, sizeof(*l->key_locs));
		if (!l->options || !l->key_locs)
			return pyn__manifest_nomem(c);
		for (j = 0; j < v->n; j += 2) {
			const struct pyn__node *ok = v->items[j],
					       *ov = v->items[j + 1];
			struct pyn_limiter_option *o =
				&l->options[l->n_options];

			rc = pyn__node_check_key(c, v, j, NULL);
			if (!rc && ov->kind != PYN__NODE_SCALAR)
				rc = pyn__node_fail(
					c, ov,
					"option '%s' of limiter '%s' must be a scalar, not %s",
					ok->value, k->value,
					pyn__node_kind_name(ov));
			if (rc) {
				if (!pyn__manifest_more(c, rc))
					return rc;
				continue;
			}
			o->key = strdup(ok->value);
			o->value = strdup(ov->value);
			l->key_locs[l->n_options] = ok->loc;
			l->n_options++;
			if (!o->key || !o->value)
				return pyn__manifest_nomem(c);
			o->file = c->m->path;
			o->line = ov->loc.line;
			o->column = ov->loc.column;
		}
	}
	return 0;
}

/*
 * `process: per-test | per-suite`: whether a CUnit suite's tests each get
 * a process, or share one in registration order (docs/manifest.md).  A
 * suite's word, so not a test's.
 */
static int parse_process(struct pyn__manifest_ctx *c, const struct pyn__node *n,
			 struct pyn_setting *s, enum pyn__level level)
{
	s->loc = n->loc;
	if (level == PYN__LEVEL_TEST)
		return pyn__node_fail(c, n,
				      "'process' is a suite's key (suite, "
				      "defaults or overrides), not a test's");
	if (pyn__node_is_null(n)) {
		s->state = PYN_SETTING_NONE;
		return 0;
	}
	if (n->kind == PYN__NODE_SCALAR && strcmp(n->value, "per-test") == 0) {
		s->state = PYN_SETTING_SET;
		s->number = 0;
		return 0;
	}
	if (n->kind == PYN__NODE_SCALAR && strcmp(n->value, "per-suite") == 0) {
		s->state = PYN_SETTING_SET;
		s->number = 1;
		return 0;
	}
	return pyn__node_fail(c, n,
			      "bad process '%s'; use per-test or per-suite",
			      n->kind == PYN__NODE_SCALAR ? n->value : "?");
}

static const char *const setting_keys[] = {
	"wall_time",	"cpu_time",  "memory",
	"output_limit", "isolation", "terminate_child_processes",
	"retries",	"expect",    "limiters",
	"wrapper",	"process",   NULL,
};

/*
 * Handle key `k` of a settings-bearing mapping.  Returns 1 when `k` is not
 * a setting key, 0 when handled, or an error.
 */
int pyn__settings_parse(struct pyn__manifest_ctx *c, const struct pyn__node *k,
			const struct pyn__node *v, struct pyn_settings *st,
			enum pyn__level level)
{
	const char *key = k->value;
	long num;
	int rc;

	if (strcmp(key, "wall_time") == 0)
		return parse_quantity(c, v, key, false, &st->wall_time);
	if (strcmp(key, "cpu_time") == 0)
		return parse_quantity(c, v, key, false, &st->cpu_time);
	if (strcmp(key, "memory") == 0)
		return parse_quantity(c, v, key, true, &st->memory);
	if (strcmp(key, "output_limit") == 0)
		return parse_quantity(c, v, key, true, &st->output_limit);
	if (strcmp(key, "isolation") == 0)
		return parse_isolation(c, v, &st->isolation);
	if (strcmp(key, "expect") == 0)
		return parse_expect(c, v, &st->expect);
	if (strcmp(key, "limiters") == 0)
		return parse_limiters(c, v, st);
	if (strcmp(key, "terminate_child_processes") == 0) {
		st->terminate_child_processes.loc = v->loc;
		if (pyn__node_is_null(v)) {
			st->terminate_child_processes.state = PYN_SETTING_NONE;
			return 0;
		}
		rc = pyn__node_bool(c, v, key,
				    &st->terminate_child_processes.flag);
		if (!rc)
			st->terminate_child_processes.state = PYN_SETTING_SET;
		return rc;
	}
	if (strcmp(key, "retries") == 0) {
		st->retries.loc = v->loc;
		if (pyn__node_is_null(v)) {
			st->retries.state = PYN_SETTING_NONE;
			return 0;
		}
		rc = pyn__node_long(c, v, key, 0, 1000, &num);
		if (!rc) {
			st->retries.state = PYN_SETTING_SET;
			st->retries.number = num;
		}
		return rc;
	}
	if (strcmp(key, "wrapper") == 0) {
		st->wrapper.loc = v->loc;
		if (pyn__node_is_null(v)) {
			st->wrapper.state = PYN_SETTING_NONE;
			return 0;
		}
		if (v->kind != PYN__NODE_SCALAR || !v->value[0])
			return pyn__node_fail(
				c, v,
				"'wrapper' must be a command line "
				"('valgrind -q --error-exitcode=99') or null");
		st->wrapper.state = PYN_SETTING_SET;
		return pyn__manifest_strdup(c, &st->wrapper.text, v->value);
	}
	if (strcmp(key, "process") == 0)
		return parse_process(c, v, &st->process, level);
	if (strcmp(key, "skip") == 0 &&
	    (level == PYN__LEVEL_TEST || level == PYN__LEVEL_OVERRIDE)) {
		struct pyn_setting *s = &st->skip;
		struct pyn__manifest_ctx quiet = *c;
		struct pyn_error ignored;

		s->loc = v->loc;
		if (pyn__node_is_null(v)) {
			s->state = PYN_SETTING_NONE;
			return 0;
		}
		if (v->kind != PYN__NODE_SCALAR)
			return pyn__node_fail(
				c, v,
				"'skip' must be true, false or a reason, not %s",
				pyn__node_kind_name(v));
		/* Not a boolean is no mistake here: it is the reason. */
		quiet.err = &ignored;
		quiet.errors = NULL;
		s->state = PYN_SETTING_SET;
		if (pyn__node_bool(&quiet, v, key, &s->flag) == 0)
			return 0;
		s->flag = true;
		return pyn__manifest_strdup(c, &s->text, v->value);
	}
	return 1;
}

void pyn__settings_release(struct pyn_settings *st)
{
	size_t i;

	for (i = 0; i < st->n_limiters; i++)
		limiter_config_release(&st->limiters[i]);
	free(st->limiters);
	free(st->skip.text);
	free(st->wrapper.text);
	memset(st, 0, sizeof(*st));
}

/* Every key a level takes: its own plus the settings. */
bool pyn__settings_is_key(const char *key)
{
	size_t i;

	for (i = 0; setting_keys[i]; i++)
		if (!strcmp(key, setting_keys[i]))
			return true;
	return false;
}

void pyn__settings_keys(const char **out, const char *const *own)
{
	size_t n = 0, i;

	for (i = 0; own[i]; i++)
		out[n++] = own[i];
	for (i = 0; setting_keys[i]; i++)
		out[n++] = setting_keys[i];
	out[n] = NULL;
}

int pyn__defaults_parse(struct pyn__manifest_ctx *c, const struct pyn__node *n)
{
	static const char *const own[] = { NULL };
	const char *keys[32];
	size_t i;
	int rc;

	if (pyn__node_is_null(n))
		return 0;
	rc = pyn__node_want_kind(c, n, "defaults", PYN__NODE_MAP);
	if (rc)
		return rc;
	pyn__settings_keys(keys, own);
	for (i = 0; i < n->n; i += 2) {
		rc = pyn__node_check_key(c, n, i, keys);
		if (!rc)
			rc = pyn__settings_parse(
				c, n->items[i], n->items[i + 1],
				&c->m->defaults, PYN__LEVEL_DEFAULTS);
		if (rc && !pyn__manifest_more(c, rc))
			return rc;
	}
	return 0;
}
