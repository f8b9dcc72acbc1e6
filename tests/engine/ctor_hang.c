/* SPDX-License-Identifier: MIT */
/* tests/engine/ctor_hang.c - a library whose constructor never returns. */
#include <unistd.h>

__attribute__((visibility("default"))) void fx_never(void);

__attribute__((constructor)) static void hang(void)
{
	sleep(60);
}

void fx_never(void)
{
}
