/* SPDX-License-Identifier: MIT */
/*
 * tests/limiters/error_shim.c - pyn_error_set for the limiter unit tests,
 * which link the plug-in host and the limiters without the engine.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <pyntest/error.h>

int pyn_error_set(struct pyn_error *err, int code, const char *file,
		  unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	memset(err, 0, sizeof(*err));
	err->code = code;
	if (file)
		snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}
