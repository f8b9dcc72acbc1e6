/* SPDX-License-Identifier: MIT */
/*
 * engine/instrument_scale.c - what the runner asks about sanitizers: the
 * sanitizers of a test's file (cached), their names, and how much a
 * test's time and memory limits grow under them (docs/instruments.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instrument.h"

/* The factors, by sanitizer: the slowdown and growth their authors give. */
static const struct {
	unsigned bit;
	const char *name;
	double time;
	double memory;
} factors[] = {
	{ PYN__SAN_ASAN, "AddressSanitizer", 2, 3 },
	{ PYN__SAN_UBSAN, "UndefinedBehaviorSanitizer", 1.5, 1 },
	{ PYN__SAN_LSAN, "LeakSanitizer", 1, 1 },
	{ PYN__SAN_TSAN, "ThreadSanitizer", 5, 5 },
};

#define N_FACTORS (sizeof(factors) / sizeof(factors[0]))

/* The runner's: read once per file (it is one thread). */
static struct pyn__instrument *cache;

unsigned pyn__sanitizers(const char *path)
{
	const struct pyn__instrument *in = pyn__instrument_of(&cache, path);

	return in ? in->sanitizers : 0;
}

void pyn__sanitizer_names(unsigned bits, char *buf, size_t len)
{
	size_t i, n = 0;

	if (!len)
		return;
	buf[0] = '\0';
	/* LeakSanitizer comes with AddressSanitizer: not named twice. */
	if (bits & PYN__SAN_ASAN)
		bits &= ~PYN__SAN_LSAN;
	for (i = 0; i < N_FACTORS && n < len; i++)
		if (bits & factors[i].bit)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "+" : "", factors[i].name);
}

static int factor(const char *s, char **end, double *out)
{
	double v = strtod(s, end);

	if (*end == s || !isfinite(v) || v < 1 || v > 1000)
		return -1;
	*out = v;
	return 0;
}

int pyn__sanitizer_scale(unsigned bits, double *time, double *memory, char *why,
			 size_t why_len)
{
	const char *env = getenv("PYNTEST_SANITIZER_SCALE");
	double t = 1, m = 1;
	char *end;
	size_t i;

	for (i = 0; i < N_FACTORS; i++) {
		if (!(bits & factors[i].bit))
			continue;
		t = factors[i].time > t ? factors[i].time : t;
		m = factors[i].memory > m ? factors[i].memory : m;
	}
	*time = t;
	*memory = m;
	if (!bits || !env || !env[0])
		return 0;
	if (factor(env, &end, &t) == 0) {
		if (!*end) {
			*time = *memory = t;
			return 0;
		}
		if (*end == ',' && factor(end + 1, &end, &m) == 0 && !*end) {
			*time = t;
			*memory = m;
			return 0;
		}
	}
	if (why_len)
		snprintf(why, why_len,
			 "PYNTEST_SANITIZER_SCALE='%s': expected TIME or "
			 "TIME,MEMORY, numbers from 1 to 1000",
			 env);
	return -1;
}
