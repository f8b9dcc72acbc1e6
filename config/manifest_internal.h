/* SPDX-License-Identifier: MIT */
/*
 * config/manifest_internal.h - what the files of the manifest reader
 * share (private to config/; the public side is config/manifest.h).
 *
 * The reader comes in layers, each a file that uses only the ones above
 * it in this list:
 *
 *   manifest_tree.c      libyaml events -> a tree of nodes that keep their
 *                        line and column; errors placed at a node
 *   manifest_checks.c    checks of one node: its kind, a mapping's keys
 *                        (unknown ones with did-you-mean), numbers,
 *                        booleans, string lists, names
 *   manifest_settings.c  the inheritable settings every level may set
 *                        (limits, isolation, expect, retries, limiters...)
 *                        and `defaults:`
 *   manifest_suites.c    `suites:`: each suite's own keys, its tests,
 *                        overrides and environment
 *   manifest.c           the entry points: read the file, the root
 *                        mapping, free a manifest
 *
 * All of it uses base/ (errors, units, outcome, signal and isolation
 * names, did-you-mean) and libyaml (the tree only); none of it knows the
 * plan.
 */
#ifndef PYN_CONFIG_MANIFEST_INTERNAL_H
#define PYN_CONFIG_MANIFEST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error_list.h"
#include "config/manifest.h"

/* ---- manifest_tree.c ------------------------------------------------- */

enum pyn__node_kind { PYN__NODE_SCALAR, PYN__NODE_SEQ, PYN__NODE_MAP };

/* One YAML node; the tree owns its children. */
struct pyn__node {
	enum pyn__node_kind kind;
	bool plain; /* scalar without quotes */
	struct pyn_loc loc;
	struct pyn__node **items; /* seq: items; map: key, value, key, ... */
	size_t n, cap;
	char *value; /* scalars: points at text[] */
	char text[]; /* allocated with the node */
};

/* The manifest being read: where errors go and what they name. */
struct pyn__manifest_ctx {
	const char *path; /* as the caller gave it, for messages */
	struct pyn_error *err;
	/*
	 * Every error goes here too when not NULL: the reader then goes on
	 * past a mistake to find the next (pyn__manifest_more()).
	 */
	struct pyn__error_list *errors;
	struct pyn_manifest *m; /* being filled */
};

/*
 * After `rc` from a check: may the reader go on to find more mistakes?
 * Only when collecting every error (c->errors), and only after an invalid
 * value (PYN_EMANIFEST, already listed); never after a syntax error or
 * out of memory.  The caller then skips what the mistake spoilt.
 */
bool pyn__manifest_more(const struct pyn__manifest_ctx *c, int rc);

/*
 * Build the node tree of the one YAML document in `data` (several are an
 * error).  *root is NULL for an empty document; free it with
 * pyn__node_free().  Returns 0 or PYN_ESYNTAX / PYN_EMANIFEST /
 * PYN_ENOMEM with c->err filled.
 */
int pyn__tree_parse(struct pyn__manifest_ctx *c, const char *data, size_t len,
		    struct pyn__node **root);
/* Free a node and everything below it; accepts NULL. */
void pyn__node_free(struct pyn__node *n);

/* Fill c->err with "out of memory" and return PYN_ENOMEM. */
int pyn__manifest_nomem(struct pyn__manifest_ctx *c);
/* Fill c->err with `code`, the message and `loc`; returns `code`. */
int pyn__manifest_fail_at(struct pyn__manifest_ctx *c, struct pyn_loc loc,
			  int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same at node `n`'s place, as PYN_EMANIFEST. */
int pyn__node_fail(struct pyn__manifest_ctx *c, const struct pyn__node *n,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- manifest_checks.c ----------------------------------------------- */

/* A plain empty scalar or a spelling of null (null, ~, none). */
bool pyn__node_is_null(const struct pyn__node *n);
/* "a list", "a mapping", "null" or "a string": for "..., not %s". */
const char *pyn__node_kind_name(const struct pyn__node *n);
/* `n`, the value of `key`, must be a non-empty string. */
int pyn__node_want_string(struct pyn__manifest_ctx *c,
			  const struct pyn__node *n, const char *key);
/* `n`, the value of `key`, must be of `kind`. */
int pyn__node_want_kind(struct pyn__manifest_ctx *c, const struct pyn__node *n,
			const char *key, enum pyn__node_kind kind);
/* Replace *dst with a copy of `src`; PYN_ENOMEM in c->err on failure. */
int pyn__manifest_strdup(struct pyn__manifest_ctx *c, char **dst,
			 const char *src);
/*
 * Check key `i` of mapping `map`: a string, not seen before in it, and
 * listed in `allowed` (NULL-terminated; NULL: any key).  An unknown key
 * gets base/suggest.h's did-you-mean.
 */
int pyn__node_check_key(struct pyn__manifest_ctx *c,
			const struct pyn__node *map, size_t i,
			const char *const *allowed);
/* A whole number from `lo` to `hi` into *out. */
int pyn__node_long(struct pyn__manifest_ctx *c, const struct pyn__node *n,
		   const char *key, long lo, long hi, long *out);
/* true/yes/on or false/no/off (any case) into *out. */
int pyn__node_bool(struct pyn__manifest_ctx *c, const struct pyn__node *n,
		   const char *key, bool *out);
/*
 * A list of strings (or, when `scalar_ok`, one string) into a new array
 * *out of *n_out copies, with each item's place in *locs unless `locs` is
 * NULL.  On failure what was stored so far is left for the caller's
 * release.
 */
int pyn__node_strings(struct pyn__manifest_ctx *c, const struct pyn__node *n,
		      const char *key, bool scalar_ok, char ***out,
		      struct pyn_loc **locs, size_t *n_out);
/* A suite or test name (`what`) must hold no control character. */
int pyn__node_check_name(struct pyn__manifest_ctx *c, const struct pyn__node *n,
			 const char *what);

/* ---- manifest_settings.c --------------------------------------------- */

/* Where a settings-bearing mapping is: `skip:` is for tests and overrides. */
enum pyn__level {
	PYN__LEVEL_DEFAULTS,
	PYN__LEVEL_SUITE,
	PYN__LEVEL_TEST,
	PYN__LEVEL_OVERRIDE,
};

/*
 * Handle key `k` (value `v`) of a settings-bearing mapping into `st`.
 * Returns 1 when `k` is not a setting key, 0 when handled, or an error.
 */
int pyn__settings_parse(struct pyn__manifest_ctx *c, const struct pyn__node *k,
			const struct pyn__node *v, struct pyn_settings *st,
			enum pyn__level level);
/* Free what `st` owns and zero it. */
void pyn__settings_release(struct pyn_settings *st);
/*
 * Every key a level takes into `out` (NULL-terminated, room for 32): its
 * `own` keys (NULL-terminated), then the setting keys.
 */
void pyn__settings_keys(const char **out, const char *const *own);
/* Is `key` one of the setting keys every level takes? */
bool pyn__settings_is_key(const char *key);
/* `defaults:` into c->m->defaults. */
int pyn__defaults_parse(struct pyn__manifest_ctx *c, const struct pyn__node *n);

/* ---- manifest_suites.c ----------------------------------------------- */

/* `suites:` into c->m->suites. */
int pyn__suites_parse(struct pyn__manifest_ctx *c, const struct pyn__node *n);
/* Free what a suite owns. */
void pyn__suite_release(struct pyn_manifest_suite *s);

#endif /* PYN_CONFIG_MANIFEST_INTERNAL_H */
