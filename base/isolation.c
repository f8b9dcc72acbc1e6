/* SPDX-License-Identifier: MIT */
/*
 * base/isolation.c - isolation mode names.
 */
#include <string.h>

#include "base/isolation.h"

static const struct {
	const char *name;
	enum pyn_isolation mode;
} modes[] = {
#define MODE_(m, text) { text, PYN_ISOLATION_##m },
	PYN__ISOLATION_TABLE(MODE_)
#undef MODE_
};

#define N_MODES (sizeof(modes) / sizeof(modes[0]))

int pyn__isolation_parse(const char *text)
{
	size_t i;

	for (i = 0; text && i < N_MODES; i++)
		if (strcmp(text, modes[i].name) == 0)
			return (int)modes[i].mode;
	return -1;
}

const char *pyn__isolation_nth(void *user, size_t i)
{
	(void)user;
	return i < N_MODES ? modes[i].name : NULL;
}

const char *pyn_isolation_name(enum pyn_isolation isolation)
{
	size_t i;

	if (isolation == PYN_ISOLATION_DEFAULT)
		return "default";
	for (i = 0; i < N_MODES; i++)
		if (modes[i].mode == isolation)
			return modes[i].name;
	return "unknown";
}
