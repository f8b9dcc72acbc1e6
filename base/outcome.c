/* SPDX-License-Identifier: MIT */
/*
 * base/outcome.c - outcome names and how reports show them.
 */
#include <stddef.h>
#include <string.h>

#include "base/outcome.h"

/* The count is the map's length, and the table has a row for each. */
#define COUNT_(...) +1
_Static_assert(0 PYN_OUTCOME_MAP(COUNT_) == PYN_OUTCOME_COUNT,
	       "PYN_OUTCOME_COUNT is the length of PYN_OUTCOME_MAP");
_Static_assert(0 PYN__OUTCOME_TABLE(COUNT_) == PYN_OUTCOME_COUNT,
	       "PYN__OUTCOME_TABLE has a row for every outcome");
#undef COUNT_

static const char *const names[PYN_OUTCOME_COUNT] = {
#define NAME_(name, num, text) [PYN_OUTCOME_##name] = text,
	PYN_OUTCOME_MAP(NAME_)
#undef NAME_
};

static const struct pyn__outcome_info table[PYN_OUTCOME_COUNT] = {
#define ROW_(o, element_, type_, word_, label_, one_, many_, tone_)            \
	[PYN_OUTCOME_##o] = { .element = PYN__JUNIT_##element_,                \
			      .type = type_,                                   \
			      .word = word_,                                   \
			      .label = label_,                                 \
			      .one = one_,                                     \
			      .many = many_,                                   \
			      .tone = PYN__TONE_##tone_ },
	PYN__OUTCOME_TABLE(ROW_)
#undef ROW_
};

const char *pyn_outcome_name(enum pyn_outcome outcome)
{
	if (outcome == PYN_OUTCOME_UNDECIDED)
		return "undecided";
	if ((int)outcome < 0 || (int)outcome >= PYN_OUTCOME_COUNT)
		return "unknown";
	return names[outcome];
}

int pyn_outcome_parse(const char *name, enum pyn_outcome *outcome)
{
	int i;

	if (!name)
		return PYN_EINVAL;
	for (i = 0; i < PYN_OUTCOME_COUNT; i++) {
		if (strcmp(name, names[i]) == 0) {
			if (outcome)
				*outcome = (enum pyn_outcome)i;
			return 0;
		}
	}
	return PYN_EINVAL;
}

const struct pyn__outcome_info *pyn__outcome_info(enum pyn_outcome outcome)
{
	if ((int)outcome < 0 || (int)outcome >= PYN_OUTCOME_COUNT)
		return NULL;
	return &table[outcome];
}

const char *pyn__outcome_type(enum pyn_outcome outcome)
{
	const struct pyn__outcome_info *info = pyn__outcome_info(outcome);

	return info && info->type ? info->type : "";
}

bool pyn__outcome_is_failed(enum pyn_outcome outcome)
{
	const struct pyn__outcome_info *info = pyn__outcome_info(outcome);

	return info && (info->element == PYN__JUNIT_FAILURE ||
			info->element == PYN__JUNIT_ERROR);
}
