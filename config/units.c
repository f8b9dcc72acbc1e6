/* SPDX-License-Identifier: MIT */
/*
 * config/units.c - time and memory values (SPEC §1).
 */
#include "config/units.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int pyn__config_error(struct pyn_error *err, int code, const char *file,
		      unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	err->line = line;
	err->column = column;
	err->file[0] = '\0';
	if (file)
		snprintf(err->file, sizeof(err->file), "%s", file);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

bool pyn_units_is_none(const char *text)
{
	static const char *const none[] = { "~",    "null", "Null", "NULL",
					    "none", "None", "NONE" };
	size_t i;

	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		if (strcmp(text, none[i]) == 0)
			return true;
	return false;
}

/*
 * A decimal number in strict form ([+-]digits[.digits][e[+-]digits]):
 * strtod alone would also take "inf", "nan" and hex, which are no limits.
 * Returns the length of the number at `s`, or 0 when there is none.
 */
static size_t scan_number(const char *s, double *out)
{
	char buf[64];
	size_t i = 0, digits = 0;

	if (s[i] == '+' || s[i] == '-')
		i++;
	while (isdigit((unsigned char)s[i])) {
		i++;
		digits++;
	}
	if (s[i] == '.') {
		i++;
		while (isdigit((unsigned char)s[i])) {
			i++;
			digits++;
		}
	}
	if (!digits)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1;

		if (s[j] == '+' || s[j] == '-')
			j++;
		if (isdigit((unsigned char)s[j])) {
			while (isdigit((unsigned char)s[j]))
				j++;
			i = j;
		}
	}
	if (i >= sizeof(buf))
		return 0;
	memcpy(buf, s, i);
	buf[i] = '\0';
	*out = strtod(buf, NULL);
	if (!isfinite(*out))
		return 0;
	return i;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Split "  1.5 GiB " into 1.5 and "GiB"; unit is "" when absent. */
static bool split_value(const char *text, double *value, char *unit,
			size_t unit_len)
{
	const char *s = skip_space(text);
	size_t n = scan_number(s, value);
	size_t len;

	if (!n)
		return false;
	s = skip_space(s + n);
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= unit_len)
		len = unit_len - 1;
	memcpy(unit, s, len);
	unit[len] = '\0';
	return true;
}

/* Seconds per time unit, 0 when unknown. */
static double time_unit(const char *unit)
{
	if (!*unit || strcmp(unit, "s") == 0)
		return 1;
	if (strcmp(unit, "ms") == 0)
		return 0.001;
	if (strcmp(unit, "m") == 0)
		return 60;
	if (strcmp(unit, "h") == 0)
		return 3600;
	return 0;
}

/* Bytes per memory unit, 0 when unknown. */
static uint64_t memory_unit(const char *unit)
{
	static const struct {
		const char *name;
		uint64_t bytes;
	} units[] = {
		{ "", 1 },
		{ "B", 1 },
		{ "KB", 1ull << 10 },
		{ "kB", 1ull << 10 },
		{ "KiB", 1ull << 10 },
		{ "K", 1ull << 10 },
		{ "MB", 1ull << 20 },
		{ "MiB", 1ull << 20 },
		{ "M", 1ull << 20 },
		{ "GB", 1ull << 30 },
		{ "GiB", 1ull << 30 },
		{ "G", 1ull << 30 },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(unit, units[i].name) == 0)
			return units[i].bytes;
	return 0;
}

/* A limit below this is shown as 0.000 and enforced as nothing sensible. */
#define TIME_RESOLUTION_S 0.001

static int time_finish(const char *what, double value, const char *unit,
		       const char *shown, double *seconds,
		       struct pyn_error *err)
{
	double mult = time_unit(unit);

	if (mult == 0)
		return pyn__config_error(
			err, PYN_EMANIFEST, NULL, 0, 0,
			"bad time unit '%s' in '%s'; use ms, s, m or h", unit,
			shown);
	value *= mult;
	if (!(value > 0))
		return pyn__config_error(
			err, PYN_EMANIFEST, NULL, 0, 0,
			"%s '%s' must be positive (use null for no limit)",
			what, shown);
	/* Slack for 1ms = 1 * 0.001 rounding: 1 ms itself is fine. */
	if (value < TIME_RESOLUTION_S * (1 - 1e-9))
		return pyn__config_error(err, PYN_EMANIFEST, NULL, 0, 0,
					 "%s '%s' is below the 1 ms resolution",
					 what, shown);
	if (value > PYN_TIME_MAX_S)
		return pyn__config_error(err, PYN_EMANIFEST, NULL, 0, 0,
					 "%s '%s' is too large", what, shown);
	*seconds = value;
	return 0;
}

static int time_parse(const char *what, const char *text, double *seconds,
		      struct pyn_error *err)
{
	char unit[32];
	double value;

	if (!split_value(text, &value, unit, sizeof(unit)))
		return pyn__config_error(
			err, PYN_EMANIFEST, NULL, 0, 0,
			"bad time value '%s': use seconds or a number with a unit (500ms, 30s, 2m, 1.5h)",
			text);
	return time_finish(what, value, unit, text, seconds, err);
}

/*
 * The number of a `[value, unit]` pair of `noun` ("time", "memory"), with
 * the pair as written in `shown` (128 bytes) for messages.
 */
static int pair_number(const char *noun, const char *units, const char *value,
		       const char *unit, char *shown, double *v,
		       struct pyn_error *err)
{
	char rest[8];

	snprintf(shown, 128, "[%s, %s]", value, unit);
	if (!split_value(value, v, rest, sizeof(rest)) || rest[0])
		return pyn__config_error(
			err, PYN_EMANIFEST, NULL, 0, 0,
			"bad %s value %s: the first item must be a number",
			noun, shown);
	if (!*unit)
		return pyn__config_error(
			err, PYN_EMANIFEST, NULL, 0, 0,
			"bad %s value %s: missing unit; use %s", noun, shown,
			units);
	return 0;
}

static int time_parse_pair(const char *what, const char *value,
			   const char *unit, double *seconds,
			   struct pyn_error *err)
{
	char shown[128];
	double v;
	int rc = pair_number("time", "ms, s, m or h", value, unit, shown, &v,
			     err);

	return rc ? rc : time_finish(what, v, unit, shown, seconds, err);
}

static int memory_finish(const char *what, double value, const char *unit,
			 const char *shown, uint64_t *bytes,
			 struct pyn_error *err)
{
	uint64_t mult = memory_unit(unit);
	double total;

	if (mult == 0)
		return pyn__config_error(
			err, PYN_EMANIFEST, NULL, 0, 0,
			"bad memory unit '%s' in '%s'; use B, KB, MB or GB",
			unit, shown);
	total = value * (double)mult;
	if (!(total > 0))
		return pyn__config_error(
			err, PYN_EMANIFEST, NULL, 0, 0,
			"%s '%s' must be positive (use null for no limit)",
			what, shown);
	/* 2^62 bytes: far beyond any machine, and safe to add to. */
	if (total > 4611686018427387904.0)
		return pyn__config_error(err, PYN_EMANIFEST, NULL, 0, 0,
					 "%s '%s' is too large", what, shown);
	if (total < 1 || (mult == 1 && total != floor(total)))
		return pyn__config_error(
			err, PYN_EMANIFEST, NULL, 0, 0,
			"%s '%s' is not a whole number of bytes", what, shown);
	*bytes = (uint64_t)llround(total);
	return 0;
}

static int memory_parse(const char *what, const char *text, uint64_t *bytes,
			struct pyn_error *err)
{
	char unit[32];
	double value;

	if (!split_value(text, &value, unit, sizeof(unit)))
		return pyn__config_error(
			err, PYN_EMANIFEST, NULL, 0, 0,
			"bad memory value '%s': use bytes or a number with a unit (500MB, 2GB)",
			text);
	return memory_finish(what, value, unit, text, bytes, err);
}

static int memory_parse_pair(const char *what, const char *value,
			     const char *unit, uint64_t *bytes,
			     struct pyn_error *err)
{
	char shown[128];
	double v;
	int rc = pair_number("memory", "B, KB, MB or GB", value, unit, shown,
			     &v, err);

	return rc ? rc : memory_finish(what, v, unit, shown, bytes, err);
}

int pyn_time_parse(const char *text, double *seconds, struct pyn_error *err)
{
	return time_parse("time limit", text, seconds, err);
}

int pyn_time_parse_pair(const char *value, const char *unit, double *seconds,
			struct pyn_error *err)
{
	return time_parse_pair("time limit", value, unit, seconds, err);
}

int pyn_memory_parse(const char *text, uint64_t *bytes, struct pyn_error *err)
{
	return memory_parse("memory limit", text, bytes, err);
}

int pyn_memory_parse_pair(const char *value, const char *unit, uint64_t *bytes,
			  struct pyn_error *err)
{
	return memory_parse_pair("memory limit", value, unit, bytes, err);
}

int pyn__limit_parse(const char *what, bool memory, const char *value,
		     const char *unit, double *seconds, uint64_t *bytes,
		     struct pyn_error *err)
{
	if (memory)
		return unit ? memory_parse_pair(what, value, unit, bytes, err) :
			      memory_parse(what, value, bytes, err);
	return unit ? time_parse_pair(what, value, unit, seconds, err) :
		      time_parse(what, value, seconds, err);
}
