/* SPDX-License-Identifier: MIT */
/* tests/engine/ctor_eat.c - a library whose constructor eats memory. */
#include <stdlib.h>
#include <string.h>

__attribute__((visibility("default"))) void fx_never(void);

static char *chunks[8192];

__attribute__((constructor)) static void eat(void)
{
	size_t i;

	for (i = 0; i < 8192; i++) {
		chunks[i] = malloc(1 << 20);
		if (!chunks[i])
			abort();
		memset(chunks[i], 1, 1 << 20);
	}
}

void fx_never(void)
{
}
