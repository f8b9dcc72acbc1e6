/* SPDX-License-Identifier: MIT */
/*
 * runner/report/xml_read.h - reading reports back (xml_read.c): a scanner
 * of XML tags over a buffer, enough for JUnit files, with no DTDs and no
 * namespaces.  Text, comments, CDATA sections, processing instructions
 * and the document type are skipped; `pyntest merge` copies elements
 * byte for byte by the ranges the tags give.
 */
#ifndef PYN_RUNNER_REPORT_XML_READ_H
#define PYN_RUNNER_REPORT_XML_READ_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The whole file at `path`, NUL-terminated, malloc'ed; *n gets its
 * length.  NULL with errno set when it cannot be read.
 */
char *pyn__xml_load(const char *path, size_t *n);

/* Bytes [start, stop) of a buffer. */
struct pyn__range {
	const char *start, *stop;
};

struct pyn__xml_tag {
	const char *start; /* the '<' */
	const char *stop; /* just past the '>' */
	const char *name; /* the element's name (not NUL-terminated) */
	size_t name_len;
	bool closing; /* </name> */
	bool empty; /* <name ... /> */
};

/*
 * The next start or end tag at or after *pos (before `end`): fills `t`,
 * moves *pos past it and returns 1; 0 at the end of the buffer; -1 when
 * the markup is broken there (*pos then points at it).
 */
int pyn__xml_next(const char **pos, const char *end, struct pyn__xml_tag *t);

/* Whether the tag's element is `name`. */
bool pyn__xml_is(const struct pyn__xml_tag *t, const char *name);

/*
 * Past the end of the element whose start tag `t` was just read: moves
 * *pos past its end tag, over everything inside.  *inner (when inner is
 * not NULL) gets the end of the element's content: the '<' of its end
 * tag, or t->stop for an empty element.  False when the markup breaks
 * or ends before the end tag.
 */
bool pyn__xml_skip(const char **pos, const char *end,
		   const struct pyn__xml_tag *t, const char **inner);

/*
 * The value of attribute `name` of start tag `t`, with the five entities
 * and character references resolved, malloc'ed into *value.  Returns
 * false (and *value NULL) when the tag has no such attribute or memory
 * ran out.
 */
bool pyn__xml_attr(const struct pyn__xml_tag *t, const char *name,
		   char **value);

/*
 * The text of [from, to) (an element's content), malloc'ed: entities
 * and character references resolved, CDATA sections' content kept,
 * tags, comments and processing instructions left out.  NULL when
 * memory ran out.
 */
char *pyn__xml_text(const char *from, const char *to);

/*
 * The first comment at or after `from` (before `end`) whose text starts
 * with `prefix`: its text after the prefix, up to "-->", copied into buf
 * (at most len - 1 bytes).  False when there is none.
 */
bool pyn__xml_comment(const char *from, const char *end, const char *prefix,
		      char *buf, size_t len);

#endif /* PYN_RUNNER_REPORT_XML_READ_H */
