/* SPDX-License-Identifier: MIT */
/* A small growable string buffer, the code under test of strbuf_test.c. */
#ifndef STRBUF_H
#define STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

#define STRBUF_INIT                                                            \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

int strbuf_grow(struct strbuf *sb, size_t extra);
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_adds(struct strbuf *sb, const char *s);
int strbuf_addc(struct strbuf *sb, char c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_trim(struct strbuf *sb);
int strbuf_insert(struct strbuf *sb, size_t pos, const char *s);
void strbuf_remove(struct strbuf *sb, size_t pos, size_t len);
int strbuf_replace(struct strbuf *sb, const char *from, const char *to);
size_t strbuf_split(const struct strbuf *sb, char sep, char ***parts);
const char *strbuf_cstr(const struct strbuf *sb);

#endif
