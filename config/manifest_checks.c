/* SPDX-License-Identifier: MIT */
/*
 * config/manifest_checks.c - checks of one node: its kind, a mapping's
 * keys (unknown ones with did-you-mean), whole numbers, booleans, string
 * lists and names.
 *
 * Uses the node tree (manifest_tree.c) and base/ (the null spellings of
 * units.h, suggest.h); knows no key of the manifest but the ones it is
 * handed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/suggest.h"
#include "base/units.h"
#include "config/manifest_internal.h"

bool pyn__node_is_null(const struct pyn__node *n)
{
	return n->kind == PYN__NODE_SCALAR && n->plain &&
	       (n->value[0] == '\0' || pyn__units_is_none(n->value));
}

const char *pyn__node_kind_name(const struct pyn__node *n)
{
	if (n->kind == PYN__NODE_SEQ)
		return "a list";
	if (n->kind == PYN__NODE_MAP)
		return "a mapping";
	if (pyn__node_is_null(n))
		return "null";
	return "a string";
}

int pyn__node_want_string(struct pyn__manifest_ctx *c,
			  const struct pyn__node *n, const char *key)
{
	if (n->kind != PYN__NODE_SCALAR || pyn__node_is_null(n))
		return pyn__node_fail(c, n, "'%s' must be a string, not %s",
				      key, pyn__node_kind_name(n));
	if (!n->value[0])
		return pyn__node_fail(c, n, "'%s' must not be empty", key);
	return 0;
}

int pyn__node_want_kind(struct pyn__manifest_ctx *c, const struct pyn__node *n,
			const char *key, enum pyn__node_kind kind)
{
	static const char *const names[] = { "a string", "a list",
					     "a mapping" };

	if (n->kind != kind)
		return pyn__node_fail(c, n, "'%s' must be %s, not %s", key,
				      names[kind], pyn__node_kind_name(n));
	return 0;
}

int pyn__manifest_strdup(struct pyn__manifest_ctx *c, char **dst,
			 const char *src)
{
	free(*dst);
	*dst = strdup(src);
	return *dst ? 0 : pyn__manifest_nomem(c);
}

/*
 * Check a mapping's keys are strings, unique, and listed in `allowed`
 * (NULL-terminated).  Unknown keys get a did-you-mean.
 */
int pyn__node_check_key(struct pyn__manifest_ctx *c,
			const struct pyn__node *map, size_t i,
			const char *const *allowed)
{
	const struct pyn__node *k = map->items[i];
	const char *hint;
	size_t j;

	if (k->kind != PYN__NODE_SCALAR)
		return pyn__node_fail(c, k, "keys must be strings, not %s",
				      pyn__node_kind_name(k));
	/* An earlier key that is no string was reported already. */
	for (j = 0; j < i; j += 2)
		if (map->items[j]->kind == PYN__NODE_SCALAR &&
		    strcmp(map->items[j]->value, k->value) == 0)
			return pyn__node_fail(
				c, k, "duplicate key '%s' (first at line %u)",
				k->value, map->items[j]->loc.line);
	if (!allowed)
		return 0;
	for (j = 0; allowed[j]; j++)
		if (strcmp(allowed[j], k->value) == 0)
			return 0;
	hint = pyn__suggest(k->value, allowed);
	if (hint)
		return pyn__node_fail(c, k,
				      "unknown key '%s'; did you mean '%s'?",
				      k->value, hint);
	return pyn__node_fail(c, k, "unknown key '%s'", k->value);
}

int pyn__node_long(struct pyn__manifest_ctx *c, const struct pyn__node *n,
		   const char *key, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (n->kind != PYN__NODE_SCALAR || pyn__node_is_null(n))
		return pyn__node_fail(c, n,
				      "'%s' must be a whole number, not %s",
				      key, pyn__node_kind_name(n));
	errno = 0;
	v = strtol(n->value, &end, 10);
	if (!n->value[0] || *end || errno)
		return pyn__node_fail(c, n,
				      "'%s' must be a whole number, not '%s'",
				      key, n->value);
	if (v < lo || v > hi)
		return pyn__node_fail(
			c, n, "'%s' must be between %ld and %ld, not %ld", key,
			lo, hi, v);
	*out = v;
	return 0;
}

int pyn__node_bool(struct pyn__manifest_ctx *c, const struct pyn__node *n,
		   const char *key, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	size_t i;

	if (n->kind == PYN__NODE_SCALAR) {
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
		return pyn__node_fail(c, n,
				      "'%s' must be true or false, not '%s'",
				      key, n->value);
	}
	return pyn__node_fail(c, n, "'%s' must be true or false, not %s", key,
			      pyn__node_kind_name(n));
}

int pyn__node_strings(struct pyn__manifest_ctx *c, const struct pyn__node *n,
		      const char *key, bool scalar_ok, char ***out,
		      struct pyn_loc **locs, size_t *n_out)
{
	size_t i, count;

	if (n->kind == PYN__NODE_SCALAR && scalar_ok && !pyn__node_is_null(n))
		count = 1;
	else if (n->kind == PYN__NODE_SEQ)
		count = n->n;
	else
		return pyn__node_fail(c, n, "'%s' must be a list%s, not %s",
				      key, scalar_ok ? " or a string" : "",
				      pyn__node_kind_name(n));
	*out = calloc(count + 1, sizeof(**out));
	if (locs)
		*locs = calloc(count + 1, sizeof(**locs));
	if (!*out || (locs && !*locs))
		return pyn__manifest_nomem(c);
	for (i = 0; i < count; i++) {
		const struct pyn__node *item =
			n->kind == PYN__NODE_SEQ ? n->items[i] : n;

		if (item->kind != PYN__NODE_SCALAR || pyn__node_is_null(item))
			return pyn__node_fail(
				c, item,
				"items of '%s' must be strings, not %s", key,
				pyn__node_kind_name(item));
		(*out)[i] = strdup(item->value);
		if (!(*out)[i])
			return pyn__manifest_nomem(c);
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
int pyn__node_check_name(struct pyn__manifest_ctx *c, const struct pyn__node *n,
			 const char *what)
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
	return pyn__node_fail(
		c, n, "%s name '%s' contains a control character (U+%04X)",
		what, shown, (unsigned)bad);
}
