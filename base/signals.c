/* SPDX-License-Identifier: MIT */
/*
 * base/signals.c - signal names.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/signals.h"

static const struct {
	const char *name;
	int number;
} signals[] = {
#define SIGNAL_(n) { "SIG" #n, SIG##n },
	PYN__SIGNAL_TABLE(SIGNAL_)
#undef SIGNAL_
#define ALIAS_(n, of) { "SIG" #n, SIG##of },
		PYN__SIGNAL_ALIASES(ALIAS_)
#undef ALIAS_
};

#define N_NAMED_(n) +1
enum { N_NAMED = 0 PYN__SIGNAL_TABLE(N_NAMED_) };
#undef N_NAMED_

const char *pyn__signal_name(int sig)
{
	size_t i;

	for (i = 0; i < N_NAMED; i++)
		if (signals[i].number == sig)
			return signals[i].name;
	return NULL;
}

const char *pyn__signal_text(int sig, char *buf, size_t len)
{
	const char *name = pyn__signal_name(sig);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

int pyn__signal_parse(const char *text)
{
	size_t i;
	char *end;
	long n;

	if (!text || !text[0])
		return -1;
	if (isdigit((unsigned char)text[0])) {
		n = strtol(text, &end, 10);
		if (*end || n < 1 || n > PYN__SIGNAL_MAX)
			return -1;
		return (int)n;
	}
	if (strncasecmp(text, "SIG", 3) == 0)
		text += 3;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcasecmp(text, signals[i].name + 3) == 0)
			return signals[i].number;
	return -1;
}

const char *pyn__signal_nth(void *user, size_t i)
{
	(void)user;
	return i < sizeof(signals) / sizeof(signals[0]) ? signals[i].name :
							  NULL;
}
