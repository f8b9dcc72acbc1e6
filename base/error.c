/* SPDX-License-Identifier: MIT */
/*
 * base/error.c - struct pyn_error: codes, messages, formatting.
 *
 * Below every other part: config, the plug-in host, the engine and the
 * reporters fill errors through these, none through another layer.
 */
#include <stdarg.h>
#include <stdio.h>

#include <pyntest/error.h>

const char *pyn_strerror(int code)
{
	switch (code) {
#define PYN_ERROR_CASE_(name, num, msg)                                        \
	case -(num):                                                           \
		return msg;
		PYN_ERROR_MAP(PYN_ERROR_CASE_)
#undef PYN_ERROR_CASE_
	default:
		return "unknown error";
	}
}

int pyn_error_set(struct pyn_error *err, int code, const char *file,
		  unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->column = column;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	} else {
		snprintf(err->message, sizeof(err->message), "%s",
			 pyn_strerror(code));
	}
	return code;
}

const char *pyn_error_format(const struct pyn_error *err, char *buf, size_t len)
{
	if (!buf || !len)
		return buf;
	if (!err) {
		snprintf(buf, len, "error: %s", pyn_strerror(PYN_EINVAL));
	} else if (err->file[0] && err->line && err->column) {
		snprintf(buf, len, "%s:%u:%u: error: %s", err->file, err->line,
			 err->column, err->message);
	} else if (err->file[0] && err->line) {
		snprintf(buf, len, "%s:%u: error: %s", err->file, err->line,
			 err->message);
	} else if (err->file[0]) {
		snprintf(buf, len, "%s: error: %s", err->file, err->message);
	} else {
		snprintf(buf, len, "error: %s", err->message);
	}
	return buf;
}
