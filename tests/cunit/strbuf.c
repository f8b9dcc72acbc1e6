/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static char empty[1];

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1, cap = sb->cap ? sb->cap : 16;
	char *p;

	if (want <= sb->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	p = realloc(sb->buf, cap);
	if (!p)
		return -1;
	sb->buf = p;
	sb->cap = cap;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (strbuf_grow(sb, len))
		return -1;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_adds(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_addc(struct strbuf *sb, char c)
{
	return strbuf_add(sb, &c, 1);
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || strbuf_grow(sb, (size_t)n))
		return -1;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *p = sb->buf ? sb->buf : calloc(1, 1);

	if (len)
		*len = sb->len;
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

static int space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void strbuf_trim(struct strbuf *sb)
{
	size_t start = 0;

	while (sb->len && space(sb->buf[sb->len - 1]))
		sb->len--;
	while (start < sb->len && space(sb->buf[start]))
		start++;
	if (start)
		memmove(sb->buf, sb->buf + start, sb->len - start);
	sb->len -= start;
	if (sb->buf)
		sb->buf[sb->len] = '\0';
}

int strbuf_insert(struct strbuf *sb, size_t pos, const char *s)
{
	size_t n = strlen(s);

	if (pos > sb->len || strbuf_grow(sb, n))
		return -1;
	memmove(sb->buf + pos + n, sb->buf + pos, sb->len - pos + 1);
	memcpy(sb->buf + pos, s, n);
	sb->len += n;
	return 0;
}

void strbuf_remove(struct strbuf *sb, size_t pos, size_t len)
{
	if (pos >= sb->len)
		return;
	if (len > sb->len - pos)
		len = sb->len - pos;
	memmove(sb->buf + pos, sb->buf + pos + len, sb->len - pos - len + 1);
	sb->len -= len;
}

int strbuf_replace(struct strbuf *sb, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), pos = 0;
	int count = 0;
	char *hit;

	if (!nf)
		return -1;
	while (sb->buf && (hit = strstr(sb->buf + pos, from))) {
		pos = (size_t)(hit - sb->buf);
		strbuf_remove(sb, pos, nf);
		if (strbuf_insert(sb, pos, to))
			return -1;
		pos += nt;
		count++;
	}
	return count;
}

size_t strbuf_split(const struct strbuf *sb, char sep, char ***parts)
{
	const char *s = strbuf_cstr(sb), *end;
	size_t n = 0;
	char **out = NULL, **grown;

	for (;;) {
		end = strchr(s, sep);
		grown = realloc(out, (n + 2) * sizeof(*out));
		if (!grown)
			break;
		out = grown;
		out[n] = end ? strndup(s, (size_t)(end - s)) : strdup(s);
		n++;
		if (!end)
			break;
		s = end + 1;
	}
	if (out)
		out[n] = NULL;
	*parts = out;
	return n;
}

const char *strbuf_cstr(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : empty;
}
