/* SPDX-License-Identifier: MIT */
/*
 * runner/report/junit_xml.c - the JUnit report's output: bytes counted
 * and the first error kept (or a full disk faked, for tests), text and
 * attributes escaped so that whatever a test printed parses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runner/report/junit_internal.h"

void pyn__junit_put(struct pyn__junit_out *o, const char *s, size_t n)
{
	if (o->error || !n)
		return;
	if (o->fail_after && o->written + n > o->fail_after) {
		/* Write what fits, then fail like a full disk would. */
		size_t room = o->fail_after - o->written;

		if (room)
			fwrite(s, 1, room, o->f);
		o->written += room;
		o->error = ENOSPC;
		return;
	}
	if (fwrite(s, 1, n, o->f) != n) {
		o->error = errno ? errno : EIO;
		return;
	}
	o->written += n;
}

void pyn__junit_puts(struct pyn__junit_out *o, const char *s)
{
	pyn__junit_put(o, s, strlen(s));
}
void pyn__junit_printf(struct pyn__junit_out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	pyn__junit_put(o, buf,
		       (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/*
 * Escape `n` bytes.  In attributes, tab/LF/CR become character references
 * so attribute normalisation keeps them; CR is a reference in text too,
 * since parsers turn a raw CR into LF.
 */
void pyn__junit_esc(struct pyn__junit_out *o, const char *text, size_t n,
		    bool attr)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, run = 0;

	while (i < n) {
		unsigned char b = s[i];
		const char *rep = NULL;
		size_t len = 1;

		if (b >= 0x80) {
			len = pyn__utf8_len(s + i, n - i);
			if (!len) {
				rep = REPLACEMENT;
				len = 1;
			}
		} else if (b == '&') {
			rep = "&amp;";
		} else if (b == '<') {
			rep = "&lt;";
		} else if (b == '>') {
			rep = "&gt;";
		} else if (b == '"' && attr) {
			rep = "&quot;";
		} else if (b == '\r') {
			rep = "&#13;";
		} else if (b == '\n' && attr) {
			rep = "&#10;";
		} else if (b == '\t' && attr) {
			rep = "&#9;";
		} else if (b < 0x20 && b != '\n' && b != '\t') {
			rep = REPLACEMENT;
		}
		if (rep) {
			pyn__junit_put(o, text + i - run, run);
			run = 0;
			pyn__junit_puts(o, rep);
		} else {
			run += len;
		}
		i += len;
	}
	pyn__junit_put(o, text + n - run, run);
}

void pyn__junit_esc_str(struct pyn__junit_out *o, const char *s, bool attr)
{
	pyn__junit_esc(o, s ? s : "", s ? strlen(s) : 0, attr);
}

void pyn__junit_attr(struct pyn__junit_out *o, const char *name,
		     const char *value)
{
	pyn__junit_printf(o, " %s=\"", name);
	pyn__junit_esc_str(o, value, true);
	pyn__junit_puts(o, "\"");
}

/*
 * A test's name as a JUnit name: readers key results on classname+name
 * (SPEC §3: unique), so a name imported from CUnit that holds bytes XML
 * cannot carry (controls, DEL, invalid UTF-8) gets them as visible \xHH
 * instead of U+FFFD, which would make "x\1y" and "x\2y" one test.  A
 * backslash is doubled only where it would otherwise read as the start of
 * such an escape (before 'x', '\\' or an escaped byte): plain names keep
 * their backslashes, and different names stay different.
 */
static bool name_escaped(const unsigned char *s, size_t n, size_t *len)
{
	*len = 1;
	if (*s < 0x20 || *s == 0x7f)
		return true;
	if (*s < 0x80)
		return false;
	*len = pyn__utf8_len(s, n);
	if (*len)
		return false;
	*len = 1;
	return true;
}

void pyn__junit_name_attr(struct pyn__junit_out *o, const char *key,
			  const char *value)
{
	const unsigned char *s = (const unsigned char *)(value ? value : "");
	size_t n = strlen((const char *)s), i = 0, len;

	pyn__junit_printf(o, " %s=\"", key);
	while (i < n) {
		if (name_escaped(s + i, n - i, &len)) {
			pyn__junit_printf(o, "\\x%02x", s[i]);
		} else if (s[i] == '\\') {
			size_t next;
			bool dbl = i + 1 < n &&
				   (s[i + 1] == 'x' || s[i + 1] == '\\' ||
				    name_escaped(s + i + 1, n - i - 1, &next));

			pyn__junit_puts(o, dbl ? "\\\\" : "\\");
		} else {
			pyn__junit_esc(o, (const char *)s + i, len, true);
		}
		i += len;
	}
	pyn__junit_puts(o, "\"");
}

void pyn__junit_property(struct pyn__junit_out *o, const char *indent,
			 const char *name, const char *value)
{
	pyn__junit_printf(o, "%s<property", indent);
	pyn__junit_attr(o, "name", name);
	pyn__junit_attr(o, "value", value);
	pyn__junit_puts(o, "/>\n");
}
