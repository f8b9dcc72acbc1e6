/* SPDX-License-Identifier: MIT */
/*
 * runner/report/xml_read.c - the tag scanner of xml_read.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/report/xml_read.h"

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Past the first `what` at or after p, or NULL. */
static const char *past(const char *p, const char *end, const char *what)
{
	size_t n = strlen(what);

	for (; p + n <= end; p++)
		if (!memcmp(p, what, n))
			return p + n;
	return NULL;
}

int pyn__xml_next(const char **pos, const char *end, struct pyn__xml_tag *t)
{
	const char *p = *pos;
	char quote = 0;

	for (;;) {
		const char *q;

		p = p < end ? memchr(p, '<', (size_t)(end - p)) : NULL;
		if (!p) {
			*pos = end;
			return 0;
		}
		if (p + 4 <= end && !memcmp(p, "<!--", 4)) {
			q = past(p + 4, end, "-->");
		} else if (p + 9 <= end && !memcmp(p, "<![CDATA[", 9)) {
			q = past(p + 9, end, "]]>");
		} else if (p + 2 <= end && p[1] == '?') {
			q = past(p + 2, end, "?>");
		} else if (p + 2 <= end && p[1] == '!') {
			/* <!DOCTYPE ...>, with an internal subset in [...]. */
			q = p + 2;
			while (q < end && *q != '>' && *q != '[')
				q++;
			if (q < end && *q == '[')
				q = past(q, end, "]");
			q = q ? past(q, end, ">") : NULL;
		} else {
			break;
		}
		if (!q) {
			*pos = p;
			return -1;
		}
		p = q;
	}
	memset(t, 0, sizeof(*t));
	t->start = p;
	p++;
	if (p < end && *p == '/') {
		t->closing = true;
		p++;
	}
	t->name = p;
	while (p < end && !space(*p) && *p != '>' && *p != '/')
		p++;
	t->name_len = (size_t)(p - t->name);
	for (; p < end; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '>') {
			break;
		}
	}
	if (p >= end || !t->name_len) {
		*pos = t->start;
		return -1;
	}
	t->empty = !t->closing && p[-1] == '/';
	t->stop = p + 1;
	*pos = t->stop;
	return 1;
}

bool pyn__xml_is(const struct pyn__xml_tag *t, const char *name)
{
	return strlen(name) == t->name_len &&
	       !memcmp(t->name, name, t->name_len);
}

bool pyn__xml_skip(const char **pos, const char *end,
		   const struct pyn__xml_tag *t, const char **inner)
{
	struct pyn__xml_tag c;
	const char *last = t->stop;
	int depth = t->empty ? 0 : 1;

	while (depth > 0) {
		if (pyn__xml_next(pos, end, &c) <= 0)
			return false;
		if (c.closing)
			depth--;
		else if (!c.empty)
			depth++;
		last = c.start;
	}
	if (inner)
		*inner = last;
	return true;
}

/* Append UTF-8 for code point u at *w. */
static void utf8(char **w, unsigned long u)
{
	char *o = *w;

	if (u == 0 || u > 0x10ffff)
		u = 0xfffd;
	if (u < 0x80) {
		*o++ = (char)u;
	} else if (u < 0x800) {
		*o++ = (char)(0xc0 | u >> 6);
		*o++ = (char)(0x80 | (u & 0x3f));
	} else if (u < 0x10000) {
		*o++ = (char)(0xe0 | u >> 12);
		*o++ = (char)(0x80 | (u >> 6 & 0x3f));
		*o++ = (char)(0x80 | (u & 0x3f));
	} else {
		*o++ = (char)(0xf0 | u >> 18);
		*o++ = (char)(0x80 | (u >> 12 & 0x3f));
		*o++ = (char)(0x80 | (u >> 6 & 0x3f));
		*o++ = (char)(0x80 | (u & 0x3f));
	}
	*w = o;
}

/* Decode the entities of [v, e) at *w (never longer than the input). */
static void decode_at(char **wp, const char *v, const char *e)
{
	char *w = *wp;

	while (v < e) {
		const char *semi;
		size_t n;

		if (*v != '&' || !(semi = memchr(v, ';', (size_t)(e - v)))) {
			*w++ = *v++;
			continue;
		}
		n = (size_t)(semi - v) + 1;
		if (n == 4 && !memcmp(v, "&lt;", 4))
			*w++ = '<';
		else if (n == 4 && !memcmp(v, "&gt;", 4))
			*w++ = '>';
		else if (n == 5 && !memcmp(v, "&amp;", 5))
			*w++ = '&';
		else if (n == 6 && !memcmp(v, "&quot;", 6))
			*w++ = '"';
		else if (n == 6 && !memcmp(v, "&apos;", 6))
			*w++ = '\'';
		else if (n > 3 && v[1] == '#' && n <= 12)
			utf8(&w, strtoul(v + 2 + (v[2] == 'x'), NULL,
					 v[2] == 'x' ? 16 : 10));
		else
			n = 1, *w++ = '&';
		v += n;
	}
	*wp = w;
}

/* Decode the entities of [v, e) into a new string. */
static char *decode(const char *v, const char *e)
{
	/* A reference is never shorter than what it stands for. */
	char *out = malloc((size_t)(e - v) + 1), *w = out;

	if (!out)
		return NULL;
	decode_at(&w, v, e);
	*w = '\0';
	return out;
}

char *pyn__xml_text(const char *from, const char *to)
{
	char *out = malloc((size_t)(to - from) + 1), *w = out;

	if (!out)
		return NULL;
	while (from < to) {
		const char *lt = memchr(from, '<', (size_t)(to - from));
		const char *close;

		if (!lt) {
			decode_at(&w, from, to);
			break;
		}
		decode_at(&w, from, lt);
		if ((size_t)(to - lt) >= 9 && !memcmp(lt, "<![CDATA[", 9)) {
			const char *body = lt + 9;

			close = past(body, to, "]]>");
			memcpy(w, body,
			       (size_t)((close ? close - 3 : to) - body));
			w += (close ? close - 3 : to) - body;
		} else if ((size_t)(to - lt) >= 4 && !memcmp(lt, "<!--", 4)) {
			close = past(lt + 4, to, "-->");
		} else {
			close = past(lt, to, ">");
		}
		from = close ? close : to;
	}
	*w = '\0';
	return out;
}

bool pyn__xml_attr(const struct pyn__xml_tag *t, const char *name, char **value)
{
	const char *p = t->name + t->name_len, *end = t->stop - 1;
	size_t nl = strlen(name);

	*value = NULL;
	if (t->closing)
		return false;
	while (p < end) {
		const char *an, *v;
		size_t al;
		char q;

		while (p < end && (space(*p) || *p == '/'))
			p++;
		an = p;
		while (p < end && !space(*p) && *p != '=')
			p++;
		al = (size_t)(p - an);
		while (p < end && space(*p))
			p++;
		if (p >= end || *p != '=')
			return false;
		p++;
		while (p < end && space(*p))
			p++;
		if (p >= end || (*p != '"' && *p != '\''))
			return false;
		q = *p++;
		v = p;
		while (p < end && *p != q)
			p++;
		if (p >= end)
			return false;
		if (al == nl && !memcmp(an, name, nl)) {
			*value = decode(v, p);
			return *value != NULL;
		}
		p++;
	}
	return false;
}

bool pyn__xml_comment(const char *from, const char *end, const char *prefix,
		      char *buf, size_t len)
{
	size_t pl = strlen(prefix);
	const char *p = from;

	while ((p = past(p, end, "<!--"))) {
		const char *q = past(p, end, "-->"), *s = p;
		size_t n;

		if (!q)
			return false;
		while (s < q && space(*s))
			s++;
		if ((size_t)(q - 3 - s) >= pl && !memcmp(s, prefix, pl)) {
			s += pl;
			n = (size_t)(q - 3 - s);
			while (n && space(s[n - 1]))
				n--;
			if (n >= len)
				n = len - 1;
			memcpy(buf, s, n);
			buf[n] = '\0';
			return true;
		}
		p = q;
	}
	return false;
}

char *pyn__xml_load(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (cap - len < 65536) {
			char *p = realloc(buf, cap + 65536 + 1);

			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
			cap += 65536;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	*n = len;
	return buf;
}
