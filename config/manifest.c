/* SPDX-License-Identifier: MIT */
/*
 * config/manifest.c - YAML (libyaml events) -> node tree -> manifest.
 *
 * Two passes: the event loop builds a small tree in which every node keeps
 * its line and column, then the validator walks it key by key in document
 * order, so the first error reported is the first mistake in the file.
 */
#include "config/manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "base/isolation.h"
#include "base/outcome.h"
#include "base/signals.h"
#include "base/suggest.h"
#include "base/units.h"
#include "config/util.h"

/* Deeper nesting than any manifest needs; bounds recursion on bad input. */
#define MAX_DEPTH 64
/* Manifests larger than this are refused rather than read. */
#define MAX_MANIFEST_BYTES (256u << 20)

enum node_kind { NODE_SCALAR, NODE_SEQ, NODE_MAP };

struct node {
	enum node_kind kind;
	bool plain; /* scalar without quotes */
	struct pyn_loc loc;
	struct node **items; /* seq: items; map: key, value, key, value... */
	size_t n, cap;
	char *value; /* scalars: points at text[] */
	char text[]; /* allocated with the node */
};

struct ctx {
	const char *path;
	struct pyn_error *err;
	struct pyn_manifest *m;
};

static void node_free(struct node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		node_free(n->items[i]);
	free(n->items);
	free(n);
}

static int node_append(struct node *parent, struct node *child)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 4;
		struct node **items =
			realloc(parent->items, cap * sizeof(*items));

		if (!items)
			return -1;
		parent->items = items;
		parent->cap = cap;
	}
	parent->items[parent->n++] = child;
	return 0;
}

static int nomem(struct ctx *c)
{
	return pyn_error_set(c->err, PYN_ENOMEM, c->path, 0, 0,
				 "cannot read manifest: out of memory");
}

static int fail_at(struct ctx *c, struct pyn_loc loc, int code, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

static int fail_at(struct ctx *c, struct pyn_loc loc, int code, const char *fmt,
		   ...)
{
	char msg[PYN_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pyn_error_set(c->err, code, c->path, loc.line, loc.column,
				 "%s", msg);
}

#define fail(c, node, ...) fail_at((c), (node)->loc, PYN_EMANIFEST, __VA_ARGS__)

/* Line and column (1-based) of byte `offset` of the buffer. */
static struct pyn_loc offset_loc(const char *data, size_t len, size_t offset)
{
	struct pyn_loc loc = { 1, 1 };
	size_t i;

	for (i = 0; i < offset && i < len; i++) {
		if (data[i] == '\n') {
			loc.line++;
			loc.column = 1;
		} else {
			loc.column++;
		}
	}
	return loc;
}

static int yaml_failure(struct ctx *c, yaml_parser_t *p, const char *data,
			size_t len)
{
	struct pyn_loc loc;

	if (p->error == YAML_MEMORY_ERROR)
		return nomem(c);
	if (p->error == YAML_READER_ERROR) {
		loc = offset_loc(data, len, p->problem_offset);
		return fail_at(c, loc, PYN_ESYNTAX, "invalid YAML: %s",
			       p->problem ? p->problem : "cannot read input");
	}
	loc.line = (unsigned)p->problem_mark.line + 1;
	loc.column = (unsigned)p->problem_mark.column + 1;
	if (p->context)
		return fail_at(c, loc, PYN_ESYNTAX,
			       "invalid YAML: %s (%s at line %u)",
			       p->problem ? p->problem : "syntax error",
			       p->context, (unsigned)p->context_mark.line + 1);
	return fail_at(c, loc, PYN_ESYNTAX, "invalid YAML: %s",
		       p->problem ? p->problem : "syntax error");
}

/* Build the node tree of the one document in `data`; *root may be NULL. */
static int parse_tree(struct ctx *c, const char *data, size_t len,
		      struct node **root)
{
	struct node *stack[MAX_DEPTH];
	size_t depth = 0;
	unsigned docs = 0;
	yaml_parser_t p;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&p))
		return nomem(c);
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	while (!done) {
		struct node *n = NULL;
		struct pyn_loc loc;

		if (!yaml_parser_parse(&p, &ev)) {
			rc = yaml_failure(c, &p, data, len);
			goto out;
		}
		loc.line = (unsigned)ev.start_mark.line + 1;
		loc.column = (unsigned)ev.start_mark.column + 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				rc = fail_at(
					c, loc, PYN_ESYNTAX,
					"a manifest holds one YAML document, not several");
			break;
		case YAML_ALIAS_EVENT:
			rc = fail_at(c, loc, PYN_EMANIFEST,
				     "YAML aliases ('*%s') are not supported",
				     (const char *)ev.data.alias.anchor);
			break;
		case YAML_SCALAR_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			/* A scalar's text lives in the same allocation. */
			n = calloc(1,
				   sizeof(*n) +
					   (ev.type == YAML_SCALAR_EVENT ?
						    ev.data.scalar.length + 1 :
						    0));
			if (!n) {
				rc = nomem(c);
				break;
			}
			n->loc = loc;
			if (ev.type == YAML_SCALAR_EVENT) {
				n->kind = NODE_SCALAR;
				n->plain = ev.data.scalar.style ==
					   YAML_PLAIN_SCALAR_STYLE;
				memcpy(n->text, ev.data.scalar.value,
				       ev.data.scalar.length);
				n->value = n->text;
			} else {
				n->kind = ev.type == YAML_SEQUENCE_START_EVENT ?
						  NODE_SEQ :
						  NODE_MAP;
			}
			if (depth == 0) {
				if (*root) {
					node_free(n);
					rc = fail_at(
						c, loc, PYN_ESYNTAX,
						"a manifest holds one YAML document, not several");
					break;
				}
				*root = n;
			} else if (node_append(stack[depth - 1], n) < 0) {
				node_free(n);
				rc = nomem(c);
				break;
			}
			if (n->kind != NODE_SCALAR) {
				if (depth == MAX_DEPTH) {
					rc = fail_at(
						c, loc, PYN_EMANIFEST,
						"nesting deeper than %d levels",
						MAX_DEPTH);
					break;
				}
				stack[depth++] = n;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (rc)
			goto out;
	}
out:
	yaml_parser_delete(&p);
	if (rc) {
		node_free(*root);
		*root = NULL;
	}
	return rc;
}

/* ---- Validation helpers -------------------------------------------- */

static bool is_null(const struct node *n)
{
	return n->kind == NODE_SCALAR && n->plain &&
	       (n->value[0] == '\0' || pyn__units_is_none(n->value));
}

static const char *kind_name(const struct node *n)
{
	if (n->kind == NODE_SEQ)
		return "a list";
	if (n->kind == NODE_MAP)
		return "a mapping";
	if (is_null(n))
		return "null";
	return "a string";
}

static int want_string(struct ctx *c, const struct node *n, const char *key)
{
	if (n->kind != NODE_SCALAR || is_null(n))
		return fail(c, n, "'%s' must be a string, not %s", key,
			    kind_name(n));
	if (!n->value[0])
		return fail(c, n, "'%s' must not be empty", key);
	return 0;
}

static int want_kind(struct ctx *c, const struct node *n, const char *key,
		     enum node_kind kind)
{
	static const char *const names[] = { "a string", "a list",
					     "a mapping" };

	if (n->kind != kind)
		return fail(c, n, "'%s' must be %s, not %s", key, names[kind],
			    kind_name(n));
	return 0;
}

static int dup_string(struct ctx *c, char **dst, const char *src)
{
	free(*dst);
	*dst = strdup(src);
	return *dst ? 0 : nomem(c);
}

/*
 * Check a mapping's keys are strings, unique, and listed in `allowed`
 * (NULL-terminated).  Unknown keys get a did-you-mean.
 */
static int check_key(struct ctx *c, const struct node *map, size_t i,
		     const char *const *allowed)
{
	const struct node *k = map->items[i];
	const char *hint;
	size_t j;

	if (k->kind != NODE_SCALAR)
		return fail(c, k, "keys must be strings, not %s", kind_name(k));
	for (j = 0; j < i; j += 2)
		if (strcmp(map->items[j]->value, k->value) == 0)
			return fail(c, k,
				    "duplicate key '%s' (first at line %u)",
				    k->value, map->items[j]->loc.line);
	if (!allowed)
		return 0;
	for (j = 0; allowed[j]; j++)
		if (strcmp(allowed[j], k->value) == 0)
			return 0;
	hint = pyn__suggest(k->value, allowed);
	if (hint)
		return fail(c, k, "unknown key '%s'; did you mean '%s'?",
			    k->value, hint);
	return fail(c, k, "unknown key '%s'", k->value);
}

static int parse_long(struct ctx *c, const struct node *n, const char *key,
		      long lo, long hi, long *out)
{
	char *end;
	long v;

	if (n->kind != NODE_SCALAR || is_null(n))
		return fail(c, n, "'%s' must be a whole number, not %s", key,
			    kind_name(n));
	errno = 0;
	v = strtol(n->value, &end, 10);
	if (!n->value[0] || *end || errno)
		return fail(c, n, "'%s' must be a whole number, not '%s'", key,
			    n->value);
	if (v < lo || v > hi)
		return fail(c, n, "'%s' must be between %ld and %ld, not %ld",
			    key, lo, hi, v);
	*out = v;
	return 0;
}

static int parse_bool(struct ctx *c, const struct node *n, const char *key,
		      bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	size_t i;

	if (n->kind == NODE_SCALAR) {
		for (i = 0; i < 3; i++) {
			if (strcasecmp(n->value, yes[i]) == 0) {
				*out = true;
				return 0;
			}
			if (strcasecmp(n->value, no[i]) == 0) {
				*out = false;
				return 0;
			}
		}
		return fail(c, n, "'%s' must be true or false, not '%s'", key,
			    n->value);
	}
	return fail(c, n, "'%s' must be true or false, not %s", key,
		    kind_name(n));
}

/* A time or memory value: scalar or [value, unit]. */
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

static int parse_quantity(struct ctx *c, const struct node *n, const char *key,
			  bool memory, struct pyn_setting *s)
{
	struct pyn_error e;
	int rc;

	if (n->kind == NODE_MAP)
		return fail(c, n, "'%s' must be a %s value, not a mapping", key,
			    memory ? "memory" : "time");
	if (n->kind == NODE_SEQ) {
		if (n->n != 2 || n->items[0]->kind != NODE_SCALAR ||
		    n->items[1]->kind != NODE_SCALAR)
			return fail(
				c, n,
				"'%s' as a list must be [value, unit], like %s",
				key, memory ? "[64, MB]" : "[500, ms]");
		rc = parse_value(limit_name(key), memory, n->items[0]->value,
				 n->items[1]->value, s, &e);
	} else {
		if (is_null(n) || pyn__units_is_none(n->value)) {
			s->state = PYN_SETTING_NONE;
			s->loc = n->loc;
			return 0;
		}
		rc = parse_value(limit_name(key), memory, n->value, NULL, s,
				 &e);
	}
	if (rc)
		return fail_at(c, n->loc, PYN_EMANIFEST, "%s", e.message);
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

static int parse_expect(struct ctx *c, const struct node *n,
			struct pyn_setting *s)
{
	static const char *const keys[] = { "signal", "exit_code", NULL };
	struct pyn_expect *e = &s->expect;
	const struct node *k, *v;
	const char *hint;
	int rc;

	memset(e, 0, sizeof(*e));
	s->loc = n->loc;
	if (is_null(n)) {
		s->state = PYN_SETTING_NONE;
		return 0;
	}
	s->state = PYN_SETTING_SET;
	if (n->kind == NODE_SCALAR) {
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
			return fail(
				c, n,
				"unknown outcome '%s' in expect; did you mean '%s'?",
				n->value, hint);
		names[0] = '\0';
		for (i = 0; expect_choice(NULL, i) && len < sizeof(names); i++)
			len += (size_t)snprintf(names + len, sizeof(names) - len,
						"%s, ", expect_choice(NULL, i));
		return fail(
			c, n,
			"unknown outcome '%s' in expect; use %s{signal: NAME} or {exit_code: N}",
			n->value, names);
	}
	if (n->kind == NODE_SEQ || n->n != 2)
		return fail(
			c, n,
			"'expect' must be an outcome name, {signal: NAME} or {exit_code: N}, not %s",
			n->kind == NODE_SEQ ? "a list" :
			n->n == 0	    ? "an empty mapping" :
					      "a mapping of several keys");
	rc = check_key(c, n, 0, keys);
	if (rc)
		return rc;
	k = n->items[0];
	v = n->items[1];
	if (strcmp(k->value, "signal") == 0) {
		int sig;

		if (v->kind != NODE_SCALAR || is_null(v))
			return fail(
				c, v,
				"'signal' must be a signal name or number, not %s",
				kind_name(v));
		sig = pyn__signal_parse(v->value);
		if (sig < 0)
			return fail(
				c, v,
				"unknown signal '%s'; use a name like SIGSEGV or a number",
				v->value);
		e->kind = PYN_EXPECT_SIGNAL;
		e->outcome = PYN_OUTCOME_ERROR;
		e->value = sig;
		return 0;
	} else {
		long code;

		rc = parse_long(c, v, "exit_code", 1, 255, &code);
		if (rc)
			return rc;
		e->kind = PYN_EXPECT_EXIT_CODE;
		e->outcome = PYN_OUTCOME_FAIL;
		e->value = (int)code;
		return 0;
	}
}

static int parse_isolation(struct ctx *c, const struct node *n,
			   struct pyn_setting *s)
{
	const char *hint;
	int mode;

	s->loc = n->loc;
	if (is_null(n)) {
		s->state = PYN_SETTING_NONE;
		return 0;
	}
	if (n->kind != NODE_SCALAR)
		return fail(
			c, n,
			"'isolation' must be forkserver, spawn or fork, not %s",
			kind_name(n));
	mode = pyn__isolation_parse(n->value);
	if (mode >= 0) {
		s->state = PYN_SETTING_SET;
		s->number = mode;
		return 0;
	}
	hint = pyn__suggest_in(n->value, pyn__isolation_nth, NULL);
	if (hint)
		return fail(c, n, "bad isolation '%s'; did you mean '%s'?",
			    n->value, hint);
	return fail(c, n, "bad isolation '%s'; use forkserver, spawn or fork",
		    n->value);
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

static int parse_limiters(struct ctx *c, const struct node *n,
			  struct pyn_settings *st)
{
	size_t i, j;
	int rc;

	if (is_null(n))
		return 0;
	rc = want_kind(c, n, "limiters", NODE_MAP);
	if (rc)
		return rc;
	st->limiters = calloc(n->n / 2 + 1, sizeof(*st->limiters));
	if (!st->limiters)
		return nomem(c);
	for (i = 0; i < n->n; i += 2) {
		const struct node *k = n->items[i], *v = n->items[i + 1];
		struct pyn_limiter_config *l = &st->limiters[st->n_limiters];

		rc = check_key(c, n, i, NULL);
		if (rc)
			return rc;
		if (!k->value[0])
			return fail(c, k, "limiter name must not be empty");
		l->name = strdup(k->value);
		if (!l->name)
			return nomem(c);
		l->loc = k->loc;
		st->n_limiters++;
		if (is_null(v)) {
			l->removed = true;
			continue;
		}
		if (v->kind != NODE_MAP)
			return fail(
				c, v,
				"options of limiter '%s' must be a mapping {key: value}, not %s",
				k->value, kind_name(v));
		l->options = calloc(v->n / 2 + 1, sizeof(*l->options));
		l->key_locs = calloc(v->n / 2 + 1, sizeof(*l->key_locs));
		if (!l->options || !l->key_locs)
			return nomem(c);
		for (j = 0; j < v->n; j += 2) {
			const struct node *ok = v->items[j],
					  *ov = v->items[j + 1];
			struct pyn_limiter_option *o =
				&l->options[l->n_options];

			rc = check_key(c, v, j, NULL);
			if (rc)
				return rc;
			if (ov->kind != NODE_SCALAR)
				return fail(
					c, ov,
					"option '%s' of limiter '%s' must be a scalar, not %s",
					ok->value, k->value, kind_name(ov));
			o->key = strdup(ok->value);
			o->value = strdup(ov->value);
			l->key_locs[l->n_options] = ok->loc;
			l->n_options++;
			if (!o->key || !o->value)
				return nomem(c);
			o->file = c->m->path;
			o->line = ov->loc.line;
			o->column = ov->loc.column;
		}
	}
	return 0;
}

enum level { LEVEL_DEFAULTS, LEVEL_SUITE, LEVEL_TEST, LEVEL_OVERRIDE };

static const char *const setting_keys[] = {
	"wall_time",	"cpu_time",  "memory",
	"output_limit", "isolation", "terminate_child_processes",
	"retries",	"expect",    "limiters",
	NULL,
};

/*
 * Handle key `k` of a settings-bearing mapping.  Returns 1 when `k` is not
 * a setting key, 0 when handled, or an error.
 */
static int parse_setting(struct ctx *c, const struct node *k,
			 const struct node *v, struct pyn_settings *st,
			 enum level level)
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
		if (is_null(v)) {
			st->terminate_child_processes.state = PYN_SETTING_NONE;
			return 0;
		}
		rc = parse_bool(c, v, key, &st->terminate_child_processes.flag);
		if (!rc)
			st->terminate_child_processes.state = PYN_SETTING_SET;
		return rc;
	}
	if (strcmp(key, "retries") == 0) {
		st->retries.loc = v->loc;
		if (is_null(v)) {
			st->retries.state = PYN_SETTING_NONE;
			return 0;
		}
		rc = parse_long(c, v, key, 0, 1000, &num);
		if (!rc) {
			st->retries.state = PYN_SETTING_SET;
			st->retries.number = num;
		}
		return rc;
	}
	if (strcmp(key, "skip") == 0 &&
	    (level == LEVEL_TEST || level == LEVEL_OVERRIDE)) {
		struct pyn_setting *s = &st->skip;

		s->loc = v->loc;
		if (is_null(v)) {
			s->state = PYN_SETTING_NONE;
			return 0;
		}
		if (v->kind != NODE_SCALAR)
			return fail(
				c, v,
				"'skip' must be true, false or a reason, not %s",
				kind_name(v));
		s->state = PYN_SETTING_SET;
		if (parse_bool(c, v, key, &s->flag) == 0)
			return 0;
		s->flag = true;
		return dup_string(c, &s->text, v->value);
	}
	return 1;
}

static void settings_release(struct pyn_settings *st)
{
	size_t i;

	for (i = 0; i < st->n_limiters; i++)
		limiter_config_release(&st->limiters[i]);
	free(st->limiters);
	free(st->skip.text);
	memset(st, 0, sizeof(*st));
}

/* Every key a level takes: its own plus the settings. */
static void merge_keys(const char **out, const char *const *own)
{
	size_t n = 0, i;

	for (i = 0; own[i]; i++)
		out[n++] = own[i];
	for (i = 0; setting_keys[i]; i++)
		out[n++] = setting_keys[i];
	out[n] = NULL;
}

static int parse_defaults(struct ctx *c, const struct node *n)
{
	static const char *const own[] = { NULL };
	const char *keys[32];
	size_t i;
	int rc;

	if (is_null(n))
		return 0;
	rc = want_kind(c, n, "defaults", NODE_MAP);
	if (rc)
		return rc;
	merge_keys(keys, own);
	for (i = 0; i < n->n; i += 2) {
		rc = check_key(c, n, i, keys);
		if (!rc)
			rc = parse_setting(c, n->items[i], n->items[i + 1],
					   &c->m->defaults, LEVEL_DEFAULTS);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_string_list(struct ctx *c, const struct node *n,
			     const char *key, bool scalar_ok, char ***out,
			     struct pyn_loc **locs, size_t *n_out)
{
	size_t i, count;

	if (n->kind == NODE_SCALAR && scalar_ok && !is_null(n))
		count = 1;
	else if (n->kind == NODE_SEQ)
		count = n->n;
	else
		return fail(c, n, "'%s' must be a list%s, not %s", key,
			    scalar_ok ? " or a string" : "", kind_name(n));
	*out = calloc(count + 1, sizeof(**out));
	if (locs)
		*locs = calloc(count + 1, sizeof(**locs));
	if (!*out || (locs && !*locs))
		return nomem(c);
	for (i = 0; i < count; i++) {
		const struct node *item = n->kind == NODE_SEQ ? n->items[i] : n;

		if (item->kind != NODE_SCALAR || is_null(item))
			return fail(c, item,
				    "items of '%s' must be strings, not %s",
				    key, kind_name(item));
		(*out)[i] = strdup(item->value);
		if (!(*out)[i])
			return nomem(c);
		*n_out = i + 1;
		if (locs)
			(*locs)[i] = item->loc;
	}
	return 0;
}

/*
 * Names become JUnit attributes and lines of --list: a control character
 * would turn into U+FFFD there (two names, one id) or break the line.
 */
static int check_name(struct ctx *c, const struct node *n, const char *what)
{
	char shown[256];
	size_t used = 0;
	const unsigned char *p;
	int bad = -1;

	for (p = (const unsigned char *)n->value; *p; p++) {
		bool ctl = *p < 0x20 || *p == 0x7f;
		char one[8];

		if (ctl && bad < 0)
			bad = *p;
		if (*p == '\n')
			snprintf(one, sizeof(one), "\\n");
		else if (*p == '\t')
			snprintf(one, sizeof(one), "\\t");
		else if (*p == '\r')
			snprintf(one, sizeof(one), "\\r");
		else if (ctl)
			snprintf(one, sizeof(one), "\\x%02x", *p);
		else
			snprintf(one, sizeof(one), "%c", *p);
		if (used + strlen(one) + 4 >= sizeof(shown)) {
			snprintf(shown + used, sizeof(shown) - used, "...");
			used = sizeof(shown);
			break;
		}
		used += (size_t)snprintf(shown + used, sizeof(shown) - used,
					 "%s", one);
	}
	if (bad < 0)
		return 0;
	return fail(c, n, "%s name '%s' contains a control character (U+%04X)",
		    what, shown, (unsigned)bad);
}

static int parse_tests(struct ctx *c, const struct node *n,
		       struct pyn_manifest_suite *s)
{
	static const char *const own[] = { "name", "function", "skip", NULL };
	struct pyn__strset names = { 0 };
	const char *keys[32];
	size_t i, j, first;
	int rc = 0;

	rc = want_kind(c, n, "tests", NODE_SEQ);
	if (rc)
		return rc;
	merge_keys(keys, own);
	s->tests = calloc(n->n + 1, sizeof(*s->tests));
	if (!s->tests)
		return nomem(c);
	for (i = 0; i < n->n; i++) {
		const struct node *item = n->items[i];
		struct pyn_manifest_test *t = &s->tests[s->n_tests++];
		const struct node *name = NULL, *function = NULL;

		t->loc = item->loc;
		if (item->kind == NODE_SCALAR && !is_null(item)) {
			name = item;
		} else if (item->kind == NODE_MAP) {
			for (j = 0; j < item->n; j += 2) {
				const struct node *k = item->items[j];
				const struct node *v = item->items[j + 1];

				rc = check_key(c, item, j, keys);
				if (rc)
					goto out;
				if (strcmp(k->value, "name") == 0) {
					rc = want_string(c, v, "name");
					name = v;
				} else if (strcmp(k->value, "function") == 0) {
					rc = want_string(c, v, "function");
					function = v;
				} else {
					rc = parse_setting(c, k, v,
							   &t->settings,
							   LEVEL_TEST);
				}
				if (rc)
					goto out;
			}
			if (!name)
				name = function;
			if (!name) {
				rc = fail(c, item, "test has no 'name'");
				goto out;
			}
		} else {
			rc = fail(
				c, item,
				"a test must be a function name or a mapping, not %s",
				kind_name(item));
			goto out;
		}
		if (!name->value[0]) {
			rc = fail(c, name, "test name must not be empty");
			goto out;
		}
		rc = check_name(c, name, "test");
		if (rc)
			goto out;
		if (dup_string(c, &t->name, name->value) ||
		    dup_string(c, &t->function,
			       function ? function->value : name->value)) {
			rc = PYN_ENOMEM;
			goto out;
		}
		t->loc = name->loc;
		t->function_loc = function ? function->loc : name->loc;
		rc = pyn__strset_add(&names, t->name, i, &first);
		if (rc < 0) {
			rc = nomem(c);
			goto out;
		}
		if (rc == 0) {
			rc = fail(
				c, name,
				"duplicate test id '%s.%s' (first at line %u)",
				s->name ? s->name : "", t->name,
				s->tests[first].loc.line);
			goto out;
		}
		rc = 0;
	}
out:
	pyn__strset_release(&names);
	return rc;
}

static int parse_overrides(struct ctx *c, const struct node *n,
			   struct pyn_manifest_suite *s)
{
	static const char *const own[] = { "match", "skip", NULL };
	const char *keys[32];
	size_t i, j;
	int rc;

	if (is_null(n))
		return 0;
	rc = want_kind(c, n, "overrides", NODE_SEQ);
	if (rc)
		return rc;
	merge_keys(keys, own);
	s->overrides = calloc(n->n + 1, sizeof(*s->overrides));
	if (!s->overrides)
		return nomem(c);
	for (i = 0; i < n->n; i++) {
		const struct node *item = n->items[i];
		struct pyn_manifest_override *o =
			&s->overrides[s->n_overrides++];

		o->loc = item->loc;
		if (item->kind != NODE_MAP)
			return fail(
				c, item,
				"an override must be a mapping with 'match', not %s",
				kind_name(item));
		for (j = 0; j < item->n; j += 2) {
			const struct node *k = item->items[j];
			const struct node *v = item->items[j + 1];

			rc = check_key(c, item, j, keys);
			if (rc)
				return rc;
			if (strcmp(k->value, "match") == 0) {
				rc = want_string(c, v, "match");
				if (!rc)
					rc = dup_string(c, &o->match, v->value);
				o->loc = v->loc;
			} else {
				rc = parse_setting(c, k, v, &o->settings,
						   LEVEL_OVERRIDE);
			}
			if (rc)
				return rc;
		}
		if (!o->match)
			return fail(c, item, "override has no 'match'");
	}
	return 0;
}

static int parse_env(struct ctx *c, const struct node *n,
		     struct pyn_manifest_suite *s)
{
	size_t i;
	int rc;

	if (is_null(n))
		return 0;
	rc = want_kind(c, n, "env", NODE_MAP);
	if (rc)
		return rc;
	s->env = calloc(n->n / 2 + 1, sizeof(*s->env));
	if (!s->env)
		return nomem(c);
	for (i = 0; i < n->n; i += 2) {
		const struct node *k = n->items[i], *v = n->items[i + 1];
		size_t len;

		rc = check_key(c, n, i, NULL);
		if (rc)
			return rc;
		if (!k->value[0] || strchr(k->value, '='))
			return fail(c, k, "bad environment variable name '%s'",
				    k->value);
		if (v->kind != NODE_SCALAR)
			return fail(
				c, v,
				"value of '%s' in 'env' must be a string, not %s",
				k->value, kind_name(v));
		len = strlen(k->value) + strlen(v->value) + 2;
		s->env[s->n_env] = malloc(len);
		if (!s->env[s->n_env])
			return nomem(c);
		snprintf(s->env[s->n_env], len, "%s=%s", k->value, v->value);
		s->n_env++;
	}
	return 0;
}

static const char *const suite_own_keys[] = {
	"name",	    "library", "setup",		 "teardown", "tests",
	"discover", "cunit",   "cunit_register", "program",  "args",
	"cwd",	    "env",     "overrides",	 NULL,
};

/* A string key of a suite: where its value and location go. */
static int suite_string(struct ctx *c, const struct node *k,
			const struct node *v, char **dst, struct pyn_loc *loc)
{
	int rc = want_string(c, v, k->value);

	if (rc)
		return rc;
	*loc = v->loc;
	return dup_string(c, dst, v->value);
}

static int check_suite_shape(struct ctx *c, const struct node *n,
			     struct pyn_manifest_suite *s)
{
	const char *lib_only[] = { "setup",    "teardown", "tests",
				   "discover", "cunit",	   "cunit_register" };
	size_t i, j;

	if (!s->library && !s->program)
		return fail(c, n, "suite '%s' needs 'library' or 'program'",
			    s->name);
	if (s->library && s->program)
		return fail_at(
			c, s->program_loc, PYN_EMANIFEST,
			"suite '%s' has both 'library' and 'program'; use one",
			s->name);
	for (i = 0; i < n->n; i += 2) {
		const struct node *k = n->items[i];

		if (strcmp(k->value, "args") == 0 && !s->program)
			return fail(c, k, "'args' needs 'program'");
		for (j = 0;
		     s->program && j < sizeof(lib_only) / sizeof(lib_only[0]);
		     j++)
			if (strcmp(k->value, lib_only[j]) == 0)
				return fail(
					c, k,
					"'%s' needs 'library'; a 'program' suite registers its own tests",
					k->value);
	}
	if (s->library && !s->tests && !s->discover && !s->cunit &&
	    !s->n_cunit_register)
		return fail_at(
			c, s->loc, PYN_EMANIFEST,
			"suite '%s' has no tests; add 'tests', 'discover', 'cunit' or 'cunit_register'",
			s->name);
	return 0;
}

static int parse_suite(struct ctx *c, const struct node *n,
		       struct pyn_manifest_suite *s)
{
	const char *keys[40];
	const struct node *tests = NULL;
	size_t i;
	int rc;

	s->entry_loc = n->loc;
	s->loc = n->loc;
	if (n->kind != NODE_MAP)
		return fail(c, n,
			    "a suite must be a mapping with 'name', not %s",
			    kind_name(n));
	merge_keys(keys, suite_own_keys);
	/* The name first: messages about the rest quote it. */
	for (i = 0; i < n->n; i += 2) {
		if (n->items[i]->kind == NODE_SCALAR &&
		    strcmp(n->items[i]->value, "name") == 0) {
			rc = want_string(c, n->items[i + 1], "name");
			if (rc)
				return rc;
			rc = suite_string(c, n->items[i], n->items[i + 1],
					  &s->name, &s->loc);
			if (!rc)
				rc = check_name(c, n->items[i + 1], "suite");
			if (rc)
				return rc;
			break;
		}
	}
	for (i = 0; i < n->n; i += 2) {
		const struct node *k = n->items[i], *v = n->items[i + 1];
		const char *key;

		rc = check_key(c, n, i, keys);
		if (rc)
			return rc;
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
			rc = parse_string_list(
				c, v, key, true, &s->cunit_register,
				&s->cunit_register_locs, &s->n_cunit_register);
		else if (strcmp(key, "args") == 0) {
			s->has_args = true;
			rc = is_null(v) ? 0 :
					  parse_string_list(c, v, key, false,
							    &s->args, NULL,
							    &s->n_args);
		} else if (strcmp(key, "env") == 0)
			rc = parse_env(c, v, s);
		else if (strcmp(key, "overrides") == 0)
			rc = parse_overrides(c, v, s);
		else
			rc = parse_setting(c, k, v, &s->settings, LEVEL_SUITE);
		if (rc)
			return rc;
		/* Tests need the suite's name for their ids: after the loop. */
	}
	if (!s->name)
		return fail(c, n, "suite has no 'name'");
	if (tests) {
		rc = parse_tests(c, tests, s);
		if (rc)
			return rc;
	}
	return check_suite_shape(c, n, s);
}

static int parse_suites(struct ctx *c, const struct node *n)
{
	struct pyn__strset names = { 0 };
	struct pyn_manifest *m = c->m;
	size_t i, first;
	int rc;

	if (is_null(n))
		return 0;
	rc = want_kind(c, n, "suites", NODE_SEQ);
	if (rc)
		return rc;
	m->suites = calloc(n->n + 1, sizeof(*m->suites));
	if (!m->suites)
		return nomem(c);
	for (i = 0; i < n->n; i++) {
		struct pyn_manifest_suite *s = &m->suites[m->n_suites++];

		rc = parse_suite(c, n->items[i], s);
		if (rc)
			goto out;
		rc = pyn__strset_add(&names, s->name, i, &first);
		if (rc < 0) {
			rc = nomem(c);
			goto out;
		}
		if (rc == 0) {
			rc = fail_at(
				c, s->loc, PYN_EMANIFEST,
				"duplicate suite name '%s' (first at line %u)",
				s->name, m->suites[first].loc.line);
			goto out;
		}
		rc = 0;
	}
out:
	pyn__strset_release(&names);
	return rc;
}

static int parse_root(struct ctx *c, const struct node *root)
{
	static const char *const keys[] = { "version", "defaults", "plugins",
					    "suites", NULL };
	struct pyn_loc start = { 1, 1 };
	bool have_suites = false;
	size_t i;
	int rc;

	if (!root || is_null(root))
		return fail_at(c, start, PYN_EMANIFEST,
			       "manifest is empty; it needs 'suites'");
	if (root->kind != NODE_MAP)
		return fail(
			c, root,
			"a manifest must be a mapping with 'suites', not %s",
			kind_name(root));
	for (i = 0; i < root->n; i += 2) {
		const struct node *k = root->items[i], *v = root->items[i + 1];

		rc = check_key(c, root, i, keys);
		if (rc)
			return rc;
		if (strcmp(k->value, "version") == 0) {
			if (v->kind != NODE_SCALAR ||
			    strcmp(v->value, "1") != 0)
				return fail(
					c, v,
					"unsupported manifest version '%s'; only 1 is known",
					v->kind == NODE_SCALAR ? v->value :
								 kind_name(v));
		} else if (strcmp(k->value, "defaults") == 0) {
			rc = parse_defaults(c, v);
		} else if (strcmp(k->value, "plugins") == 0) {
			rc = is_null(v) ?
				     0 :
				     parse_string_list(c, v, "plugins", true,
						       &c->m->plugins,
						       &c->m->plugin_locs,
						       &c->m->n_plugins);
		} else {
			have_suites = true;
			rc = parse_suites(c, v);
		}
		if (rc)
			return rc;
	}
	if (!have_suites)
		return fail(c, root, "manifest has no 'suites'");
	return 0;
}

static void suite_release(struct pyn_manifest_suite *s)
{
	size_t i;

	free(s->name);
	free(s->library);
	free(s->setup);
	free(s->teardown);
	for (i = 0; i < s->n_tests; i++) {
		free(s->tests[i].name);
		free(s->tests[i].function);
		settings_release(&s->tests[i].settings);
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
		settings_release(&s->overrides[i].settings);
	}
	free(s->overrides);
	settings_release(&s->settings);
}

void pyn_manifest_free(struct pyn_manifest *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n_suites; i++)
		suite_release(&m->suites[i]);
	free(m->suites);
	for (i = 0; i < m->n_plugins; i++)
		free(m->plugins[i]);
	free(m->plugins);
	free(m->plugin_locs);
	settings_release(&m->defaults);
	free(m->path);
	free(m->dir);
	free(m);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int pyn_manifest_load_buffer(struct pyn_manifest **manifest, const char *data,
			     size_t len, const char *path, const char *dir,
			     struct pyn_error *err)
{
	struct ctx c = { .path = path, .err = err };
	struct node *root = NULL;
	int rc;

	*manifest = NULL;
	c.m = calloc(1, sizeof(*c.m));
	if (!c.m)
		return nomem(&c);
	c.m->version = 1;
	c.m->path = strdup(path);
	c.m->dir = dir ? strdup(dir) : dir_of(path);
	if (!c.m->path || !c.m->dir) {
		rc = nomem(&c);
		goto out;
	}
	rc = parse_tree(&c, data, len, &root);
	if (rc)
		goto out;
	rc = parse_root(&c, root);
out:
	node_free(root);
	if (rc) {
		pyn_manifest_free(c.m);
		return rc;
	}
	*manifest = c.m;
	return 0;
}

int pyn_manifest_load(struct pyn_manifest **manifest, const char *path,
		      struct pyn_error *err)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int fd, rc;

	*manifest = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pyn_error_set(err, PYN_EIO, NULL, 0, 0,
					 "cannot read manifest '%s': %s", path,
					 strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = pyn_error_set(err, PYN_EIO, NULL, 0, 0,
				       "cannot read manifest '%s': %s", path,
				       strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = pyn_error_set(err, PYN_EIO, NULL, 0, 0,
				       "cannot read manifest '%s': %s", path,
				       S_ISDIR(st.st_mode) ?
					       "is a directory" :
					       "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > MAX_MANIFEST_BYTES) {
		rc = pyn_error_set(
			err, PYN_EIO, NULL, 0, 0,
			"cannot read manifest '%s': larger than %u MiB", path,
			MAX_MANIFEST_BYTES >> 20);
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		rc = pyn_error_set(
			err, PYN_ENOMEM, NULL, 0, 0,
			"cannot read manifest '%s': out of memory", path);
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t got = read(fd, data + len, (size_t)st.st_size - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = pyn_error_set(err, PYN_EIO, NULL, 0, 0,
					       "cannot read manifest '%s': %s",
					       path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	rc = pyn_manifest_load_buffer(manifest, data, len, path, NULL, err);
out:
	free(data);
	close(fd);
	return rc;
}
