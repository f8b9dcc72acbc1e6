/* SPDX-License-Identifier: MIT */
/*
 * engine/basics.c - errors, outcome and isolation names, results.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pyntest/error.h>
#include <pyntest/pyntest.h>

const char *pyn_strerror(int code)
{
	switch (code) {
#define PYN_ERROR_CASE_(name, num, msg)                                       \
	case -(num):                                                          \
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

const char *pyn_error_format(const struct pyn_error *err, char *buf,
			     size_t len)
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

static const char *const outcome_names[PYN_OUTCOME_COUNT] = {
	[PYN_OUTCOME_PASS] = "pass",
	[PYN_OUTCOME_FAIL] = "fail",
	[PYN_OUTCOME_ERROR] = "error",
	[PYN_OUTCOME_WALL_TIMEOUT] = "wall_timeout",
	[PYN_OUTCOME_CPU_TIMEOUT] = "cpu_timeout",
	[PYN_OUTCOME_MEMORY_LIMIT] = "memory_limit",
	[PYN_OUTCOME_SKIPPED] = "skipped",
	[PYN_OUTCOME_INTERRUPTED] = "interrupted",
};

const char *pyn_outcome_name(enum pyn_outcome outcome)
{
	if (outcome == PYN_OUTCOME_UNDECIDED)
		return "undecided";
	if ((int)outcome < 0 || (int)outcome >= PYN_OUTCOME_COUNT)
		return "unknown";
	return outcome_names[outcome];
}

int pyn_outcome_parse(const char *name, enum pyn_outcome *outcome)
{
	int i;

	if (!name)
		return PYN_EINVAL;
	for (i = 0; i < PYN_OUTCOME_COUNT; i++) {
		if (strcmp(name, outcome_names[i]) == 0) {
			if (outcome)
				*outcome = (enum pyn_outcome)i;
			return 0;
		}
	}
	return PYN_EINVAL;
}

const char *pyn_isolation_name(enum pyn_isolation isolation)
{
	switch (isolation) {
	case PYN_ISOLATION_DEFAULT:
		return "default";
	case PYN_ISOLATION_FORK:
		return "fork";
	case PYN_ISOLATION_SPAWN:
		return "spawn";
	case PYN_ISOLATION_FORKSERVER:
		return "forkserver";
	}
	return "unknown";
}

/*
 * The returned bytes are a private mapping of the child's result memfd
 * (see engine.c), so they are unmapped, not freed.
 */
void pyn_result_release(struct pyn_result *res)
{
	size_t i;

	if (!res)
		return;
	if (res->data && res->size)
		munmap(res->data, res->size);
	free(res->out);
	free(res->err);
	for (i = 0; i < res->n_properties; i++)
		free(res->properties[i]);
	free(res->properties);
	memset(res, 0, sizeof(*res));
}
