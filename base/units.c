/* SPDX-License-Identifier: MIT */
/*
 * base/units.c - time and memory values (SPEC §1).
 *
 * No libm: libpyntest does not link it, so rounding is done by hand.
 */
#include <ctype.h>
#include <float.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pyntest/pyntest.h>

#include "base/units.h"

/* The units, each once; names are compared without regard to case. */
static const struct unit {
	const char *name;
	double factor;
} time_units[] = {
	{ "", 1 }, { "ms", 0.001 }, { "s", 1 }, { "m", 60 }, { "h", 3600 },
	{ NULL, 0 },
}, memory_units[] = {
	{ "", 1 },
	{ "B", 1 },
	{ "KB", 1024.0 },
	{ "KiB", 1024.0 },
	{ "MB", 1048576.0 },
	{ "MiB", 1048576.0 },
	{ "GB", 1073741824.0 },
	{ "GiB", 1073741824.0 },
	{ NULL, 0 },
};

#define TIME_UNITS "ms, s, m or h"
#define MEMORY_UNITS "B, KB, MB or GB"

/* A value as split from its text: the number, and where the unit is. */
struct split {
	double number;
	const char *unit; /* into the text, not NUL-terminated */
	size_t unit_len;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* strtod() with a full stop for the decimal point, whatever the locale. */
static double c_strtod(const char *s)
{
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	double v;

	if (!c)
		return strtod(s, NULL);
	v = strtod_l(s, NULL, c);
	freelocale(c);
	return v;
}

/*
 * A decimal number in strict form ([+-]digits[.digits][e[+-]digits]):
 * strtod alone would also take "inf", "nan" and hex, which are no limits.
 * Returns its length at `s`, or 0 when there is none.  A number too large
 * for a double is infinite (then too large a limit); one too small, yet
 * not zero, is the smallest positive double (then below any minimum).
 */
static size_t scan_number(const char *s, double *out)
{
	char small[64], *buf = small;
	size_t i = 0, digits = 0, j;
	bool nonzero = false;

	if (s[i] == '+' || s[i] == '-')
		i++;
	for (; isdigit((unsigned char)s[i]); i++, digits++)
		nonzero |= s[i] != '0';
	if (s[i] == '.')
		for (i++; isdigit((unsigned char)s[i]); i++, digits++)
			nonzero |= s[i] != '0';
	if (!digits)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		j = i + 1;
		if (s[j] == '+' || s[j] == '-')
			j++;
		if (isdigit((unsigned char)s[j])) {
			while (isdigit((unsigned char)s[j]))
				j++;
			i = j;
		}
	}
	if (i >= sizeof(small)) {
		buf = malloc(i + 1);
		if (!buf)
			return 0;
	}
	memcpy(buf, s, i);
	buf[i] = '\0';
	*out = c_strtod(buf);
	if (buf != small)
		free(buf);
	if (*out == 0 && nonzero)
		*out = s[0] == '-' ? -DBL_TRUE_MIN : DBL_TRUE_MIN;
	return i;
}

/* "  1.5 GiB " -> 1.5 and "GiB"; the unit is empty when absent. */
static bool split(const char *text, struct split *sp)
{
	const char *s = text;
	size_t n;

	while (is_blank(*s))
		s++;
	n = scan_number(s, &sp->number);
	if (!n)
		return false;
	s += n;
	while (is_blank(*s))
		s++;
	sp->unit = s;
	sp->unit_len = strlen(s);
	while (sp->unit_len && is_blank(s[sp->unit_len - 1]))
		sp->unit_len--;
	return true;
}

static const struct unit *find_unit(const struct unit *units, const char *u,
				    size_t len)
{
	for (; units->name; units++)
		if (strlen(units->name) == len &&
		    strncasecmp(units->name, u, len) == 0)
			return units;
	return NULL;
}

/*
 * Split `value` (alone, or as the number of the pair [value, unit]) into
 * `sp`; `shown` gets the text as written, for messages.
 */
static int parse(const char *noun, const char *units, const char *example,
		 const char *value, const char *unit, struct split *sp,
		 char *shown, size_t shown_len, struct pyn_error *err)
{
	if (!value)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "no %s value given", noun);
	if (!unit) {
		snprintf(shown, shown_len, "%s", value);
		if (!split(value, sp))
			return pyn_error_set(
				err, PYN_EINVAL, NULL, 0, 0,
				"bad %s value '%s': use %s or a number with a unit (%s)",
				noun, value,
				strcmp(noun, "time") == 0 ? "seconds" : "bytes",
				example);
		return 0;
	}
	snprintf(shown, shown_len, "[%s, %s]", value, unit);
	if (!split(value, sp) || sp->unit_len)
		return pyn_error_set(
			err, PYN_EINVAL, NULL, 0, 0,
			"bad %s value %s: the first item must be a number",
			noun, shown);
	sp->unit = unit;
	sp->unit_len = strlen(unit);
	if (!sp->unit_len)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "bad %s value %s: missing unit; use %s",
				     noun, shown, units);
	return 0;
}

static int not_positive(const char *what, const char *shown, const char *hint,
			struct pyn_error *err)
{
	return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
			     "%s '%s' must be positive%s%s%s", what, shown,
			     hint ? " (" : "", hint ? hint : "",
			     hint ? ")" : "");
}

int pyn__time_parse(const char *what, const char *hint, const char *value,
		    const char *unit, double *seconds, struct pyn_error *err)
{
	const struct unit *u;
	struct split sp;
	char shown[160];
	double v;
	int rc;

	rc = parse("time", TIME_UNITS, "500ms, 30s, 2m, 1.5h", value, unit, &sp,
		   shown, sizeof(shown), err);
	if (rc)
		return rc;
	u = find_unit(time_units, sp.unit, sp.unit_len);
	if (!u)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "bad time unit '%.*s' in '%s'; use %s",
				     (int)sp.unit_len, sp.unit, shown,
				     TIME_UNITS);
	v = sp.number * u->factor;
	if (!(v > 0))
		return not_positive(what, shown, hint, err);
	/* Slack for 1ms = 1 * 0.001 rounding: 1 ms itself is fine. */
	if (v < PYN__TIME_MIN_S * (1 - 1e-9))
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "%s '%s' is below the 1 ms resolution",
				     what, shown);
	if (v > PYN__TIME_MAX_S)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "%s '%s' is too large", what, shown);
	if (seconds)
		*seconds = v;
	return 0;
}

int pyn__memory_parse(const char *what, const char *hint, const char *value,
		      const char *unit, uint64_t *bytes, struct pyn_error *err)
{
	const struct unit *u;
	struct split sp;
	char shown[160];
	double v;
	int rc;

	rc = parse("memory", MEMORY_UNITS, "500MB, 2GB", value, unit, &sp,
		   shown, sizeof(shown), err);
	if (rc)
		return rc;
	u = find_unit(memory_units, sp.unit, sp.unit_len);
	if (!u)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "bad memory unit '%.*s' in '%s'; use %s",
				     (int)sp.unit_len, sp.unit, shown,
				     MEMORY_UNITS);
	v = sp.number * u->factor;
	if (!(v > 0))
		return not_positive(what, shown, hint, err);
	if (v > (double)PYN__MEMORY_MAX_BYTES)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "%s '%s' is too large", what, shown);
	if (v < 1 || (u->factor == 1 && v != (double)(uint64_t)v))
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "%s '%s' is not a whole number of bytes",
				     what, shown);
	if (bytes)
		*bytes = (uint64_t)(v + 0.5);
	return 0;
}

bool pyn__units_is_none(const char *text)
{
	static const char *const none[] = { "~",    "null", "Null", "NULL",
					    "none", "None", "NONE" };
	size_t i;

	for (i = 0; text && i < sizeof(none) / sizeof(none[0]); i++)
		if (strcmp(text, none[i]) == 0)
			return true;
	return false;
}

/* ---- The C API's parsers: the same grammar, PYN_EINVAL ------------- */

#define API_HINT "0 in struct pyn_limits is no limit"

int pyn_seconds(const char *text, double *seconds, struct pyn_error *err)
{
	if (!text || !seconds)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "no time given");
	return pyn__time_parse("time", API_HINT, text, NULL, seconds, err);
}

int pyn_bytes(const char *text, uint64_t *bytes, struct pyn_error *err)
{
	if (!text || !bytes)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "no size given");
	return pyn__memory_parse("size", API_HINT, text, NULL, bytes, err);
}
