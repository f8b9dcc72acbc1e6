/* SPDX-License-Identifier: MIT */
/*
 * config/manifest_tree.c - libyaml events -> a tree of nodes, each with
 * its line and column; errors placed at a node.
 *
 * The first layer of the manifest reader (config/manifest_internal.h):
 * it uses libyaml and base/'s struct pyn_error, and knows no key of the
 * manifest.  The validators walk the tree key by key in document order,
 * so the first error reported is the first mistake in the file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config/manifest_internal.h"

/* Deeper nesting than any manifest needs; bounds recursion on bad input. */
#define MAX_DEPTH 64

void pyn__node_free(struct pyn__node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		pyn__node_free(n->items[i]);
	free(n->items);
	free(n);
}

static int node_append(struct pyn__node *parent, struct pyn__node *child)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 4;
		struct pyn__node **items =
			realloc(parent->items, cap * sizeof(*items));

		if (!items)
			return -1;
		parent->items = items;
		parent->cap = cap;
	}
	parent->items[parent->n++] = child;
	return 0;
}

int pyn__manifest_nomem(struct pyn__manifest_ctx *c)
{
	return pyn_error_set(c->err, PYN_ENOMEM, c->path, 0, 0,
			     "cannot read manifest: out of memory");
}

int pyn__manifest_fail_at(struct pyn__manifest_ctx *c, struct pyn_loc loc,
			  int code, const char *fmt, ...)
{
	char msg[PYN_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->errors) {
		struct pyn_error e;

		pyn_error_set(&e, code, c->path, loc.line, loc.column, "%s",
			      msg);
		pyn__error_list_add(c->errors, &e);
	}
	return pyn_error_set(c->err, code, c->path, loc.line, loc.column, "%s",
			     msg);
}

bool pyn__manifest_more(const struct pyn__manifest_ctx *c, int rc)
{
	return c->errors && rc == PYN_EMANIFEST;
}

int pyn__node_fail(struct pyn__manifest_ctx *c, const struct pyn__node *n,
		   const char *fmt, ...)
{
	char msg[PYN_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pyn__manifest_fail_at(c, n->loc, PYN_EMANIFEST, "%s", msg);
}

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

/*
 * Is a tab what libyaml tripped on ("found character that cannot start
 * any token", "found a tab character that violates indentation")?  Then
 * *loc is the tab's: the one at the mark, else the first on its line.
 */
static bool tab_at(const char *data, size_t len, const yaml_parser_t *p,
		   struct pyn_loc *loc)
{
	size_t at = p->problem_mark.index, line = at;

	if (at >= len)
		return false;
	if (data[at] != '\t') {
		if (!p->problem || !strstr(p->problem, "tab"))
			return false;
		while (line > 0 && data[line - 1] != '\n')
			line--;
		for (at = line; at < len && data[at] != '\n'; at++)
			if (data[at] == '\t')
				break;
		if (at >= len || data[at] != '\t')
			return false;
	}
	*loc = offset_loc(data, len, at);
	return true;
}

static int yaml_failure(struct pyn__manifest_ctx *c, yaml_parser_t *p,
			const char *data, size_t len)
{
	struct pyn_loc loc;

	if (p->error == YAML_MEMORY_ERROR)
		return pyn__manifest_nomem(c);
	if (p->error == YAML_READER_ERROR) {
		loc = offset_loc(data, len, p->problem_offset);
		return pyn__manifest_fail_at(
			c, loc, PYN_ESYNTAX, "invalid YAML: %s",
			p->problem ? p->problem : "cannot read input");
	}
	loc.line = (unsigned)p->problem_mark.line + 1;
	loc.column = (unsigned)p->problem_mark.column + 1;
	if (tab_at(data, len, p, &loc))
		return pyn__manifest_fail_at(
			c, loc, PYN_ESYNTAX,
			"a tab character; YAML indents with spaces, never tabs");
	if (p->context)
		return pyn__manifest_fail_at(
			c, loc, PYN_ESYNTAX, "invalid YAML: %s (%s at line %u)",
			p->problem ? p->problem : "syntax error", p->context,
			(unsigned)p->context_mark.line + 1);
	return pyn__manifest_fail_at(c, loc, PYN_ESYNTAX, "invalid YAML: %s",
				     p->problem ? p->problem : "syntax error");
}

/* Build the node tree of the one document in `data`; *root may be NULL. */
int pyn__tree_parse(struct pyn__manifest_ctx *c, const char *data, size_t len,
		    struct pyn__node **root)
{
	struct pyn__node *stack[MAX_DEPTH];
	size_t depth = 0;
	unsigned docs = 0;
	yaml_parser_t p;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&p))
		return pyn__manifest_nomem(c);
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	while (!done) {
		struct pyn__node *n = NULL;
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
				rc = pyn__manifest_fail_at(
					c, loc, PYN_ESYNTAX,
					"a manifest holds one YAML document, not several");
			break;
		case YAML_ALIAS_EVENT:
			rc = pyn__manifest_fail_at(
				c, loc, PYN_EMANIFEST,
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
				rc = pyn__manifest_nomem(c);
				break;
			}
			n->loc = loc;
			if (ev.type == YAML_SCALAR_EVENT) {
				n->kind = PYN__NODE_SCALAR;
				n->plain = ev.data.scalar.style ==
					   YAML_PLAIN_SCALAR_STYLE;
				memcpy(n->text, ev.data.scalar.value,
				       ev.data.scalar.length);
				n->value = n->text;
			} else {
				n->kind = ev.type == YAML_SEQUENCE_START_EVENT ?
						  PYN__NODE_SEQ :
						  PYN__NODE_MAP;
			}
			if (depth == 0) {
				if (*root) {
					pyn__node_free(n);
					rc = pyn__manifest_fail_at(
						c, loc, PYN_ESYNTAX,
						"a manifest holds one YAML document, not several");
					break;
				}
				*root = n;
			} else if (node_append(stack[depth - 1], n) < 0) {
				pyn__node_free(n);
				rc = pyn__manifest_nomem(c);
				break;
			}
			if (n->kind != PYN__NODE_SCALAR) {
				if (depth == MAX_DEPTH) {
					rc = pyn__manifest_fail_at(
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
		pyn__node_free(*root);
		*root = NULL;
	}
	return rc;
}
