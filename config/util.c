/* SPDX-License-Identifier: MIT */
/*
 * config/util.c - hashing, a string set, did-you-mean, signal and outcome
 * names.
 */
#include "config/util.h"

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/manifest.h"

uint64_t pyn__fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static size_t slot_of(const struct pyn__strset *set, const char *key)
{
	size_t i = (size_t)pyn__fnv1a64(key) & (set->cap - 1);

	while (set->keys[i] && strcmp(set->keys[i], key) != 0)
		i = (i + 1) & (set->cap - 1);
	return i;
}

static int grow(struct pyn__strset *set)
{
	struct pyn__strset bigger = { 0 };
	size_t i;

	bigger.cap = set->cap ? set->cap * 2 : 64;
	bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
	bigger.values = calloc(bigger.cap, sizeof(*bigger.values));
	if (!bigger.keys || !bigger.values) {
		free(bigger.keys);
		free(bigger.values);
		return -1;
	}
	for (i = 0; i < set->cap; i++) {
		size_t j;

		if (!set->keys[i])
			continue;
		j = slot_of(&bigger, set->keys[i]);
		bigger.keys[j] = set->keys[i];
		bigger.values[j] = set->values[i];
	}
	bigger.n = set->n;
	free(set->keys);
	free(set->values);
	*set = bigger;
	return 0;
}

int pyn__strset_add(struct pyn__strset *set, const char *key, size_t value,
		    size_t *old)
{
	size_t i;

	if ((set->n + 1) * 2 > set->cap && grow(set) < 0)
		return -1;
	i = slot_of(set, key);
	if (set->keys[i]) {
		if (old)
			*old = set->values[i];
		return 0;
	}
	set->keys[i] = key;
	set->values[i] = value;
	set->n++;
	return 1;
}

bool pyn__strset_get(const struct pyn__strset *set, const char *key,
		     size_t *value)
{
	size_t i;

	if (!set->cap)
		return false;
	i = slot_of(set, key);
	if (!set->keys[i])
		return false;
	if (value)
		*value = set->values[i];
	return true;
}

void pyn__strset_release(struct pyn__strset *set)
{
	if (!set)
		return;
	free(set->keys);
	free(set->values);
	memset(set, 0, sizeof(*set));
}

unsigned pyn__edit_distance(const char *a, const char *b, unsigned cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned row[65], best;

	/* Long words are never typos of the short keys we suggest. */
	if (la > 64 || lb > 64)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = (unsigned)i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned v = diag + cost;

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

const char *pyn__suggest(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	unsigned best_d = 3, cap;
	size_t i;

	/* Two edits for words of four letters and more, one below. */
	cap = strlen(word) >= 4 ? 2 : 1;
	for (i = 0; candidates[i]; i++) {
		unsigned d = pyn__edit_distance(word, candidates[i], cap);

		if (strcasecmp(word, candidates[i]) == 0)
			d = 0;
		if (d <= cap && d < best_d) {
			best = candidates[i];
			best_d = d;
		}
	}
	return best;
}

static const struct {
	const char *name;
	int number;
} signals[] = {
	{ "SIGHUP", SIGHUP },	    { "SIGINT", SIGINT },
	{ "SIGQUIT", SIGQUIT },	    { "SIGILL", SIGILL },
	{ "SIGTRAP", SIGTRAP },	    { "SIGABRT", SIGABRT },
	{ "SIGIOT", SIGIOT },	    { "SIGBUS", SIGBUS },
	{ "SIGFPE", SIGFPE },	    { "SIGKILL", SIGKILL },
	{ "SIGUSR1", SIGUSR1 },	    { "SIGSEGV", SIGSEGV },
	{ "SIGUSR2", SIGUSR2 },	    { "SIGPIPE", SIGPIPE },
	{ "SIGALRM", SIGALRM },	    { "SIGTERM", SIGTERM },
	{ "SIGSTKFLT", SIGSTKFLT }, { "SIGCHLD", SIGCHLD },
	{ "SIGCONT", SIGCONT },	    { "SIGSTOP", SIGSTOP },
	{ "SIGTSTP", SIGTSTP },	    { "SIGTTIN", SIGTTIN },
	{ "SIGTTOU", SIGTTOU },	    { "SIGURG", SIGURG },
	{ "SIGXCPU", SIGXCPU },	    { "SIGXFSZ", SIGXFSZ },
	{ "SIGVTALRM", SIGVTALRM }, { "SIGPROF", SIGPROF },
	{ "SIGWINCH", SIGWINCH },   { "SIGIO", SIGIO },
	{ "SIGPWR", SIGPWR },	    { "SIGSYS", SIGSYS },
};

int pyn__config_signal_parse(const char *text)
{
	char full[32];
	size_t i;
	char *end;
	long n;

	if (isdigit((unsigned char)text[0])) {
		n = strtol(text, &end, 10);
		if (*end || n < 1 || n > 64)
			return -1;
		return (int)n;
	}
	if (strncasecmp(text, "SIG", 3) == 0)
		text += 3;
	if (strlen(text) + 4 > sizeof(full))
		return -1;
	strcpy(full, "SIG");
	strcat(full, text);
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcasecmp(full, signals[i].name) == 0)
			return signals[i].number;
	return -1;
}

const char *pyn__config_signal_name(int sig)
{
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].number == sig &&
		    strcmp(signals[i].name, "SIGIOT"))
			return signals[i].name;
	return NULL;
}

static const char *const outcome_names[PYN_OUTCOME_COUNT] = {
	"pass",	       "fail",	       "error",	  "wall_timeout",
	"cpu_timeout", "memory_limit", "skipped", "interrupted",
};

enum pyn_outcome pyn__outcome_from_name(const char *name)
{
	int i;

	for (i = 0; i < PYN_OUTCOME_COUNT; i++)
		if (strcmp(name, outcome_names[i]) == 0)
			return (enum pyn_outcome)i;
	return PYN_OUTCOME_UNDECIDED;
}

const char *pyn__outcome_to_name(enum pyn_outcome outcome)
{
	if ((int)outcome < 0 || (int)outcome >= PYN_OUTCOME_COUNT)
		return "undecided";
	return outcome_names[outcome];
}
