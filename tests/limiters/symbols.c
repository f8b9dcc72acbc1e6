/* SPDX-License-Identifier: MIT */
/*
 * tests/limiters/symbols.c - a shared object with one symbol of each kind
 * a lookup must tell apart, for pyn__module_function() in test-registry:
 * a plain function, a weak one, data, an IFUNC, a function with an older
 * (hidden) and a default version, one with only a hidden version
 * (symbols.map), an absolute one, and a call of a function
 * defined elsewhere (puts).  Built twice: with a GNU hash table, and
 * with only the old SysV one (no GNU hash: the lookup must say NULL).
 */
#include <stdio.h>

#define SY __attribute__((visibility("default")))

SY void sy_plain(void);
SY void sy_weak(void);
SY void sy_calls_puts(void);

SY int sy_data = 7;

void sy_plain(void)
{
}

__attribute__((weak)) void sy_weak(void)
{
}

void sy_calls_puts(void)
{
	puts("sy");
}

static void ifunc_impl(void)
{
}

/* used: clang does not count the ifunc attribute's reference. */
__attribute__((used)) static void (*ifunc_resolver(void))(void)
{
	return ifunc_impl;
}

SY void sy_ifunc(void) __attribute__((ifunc("ifunc_resolver")));

/* sy_versioned@V1 (hidden) and sy_versioned@@V2 (the default). */
SY void sy_versioned_v1(void);
SY void sy_versioned_v2(void);

void sy_versioned_v2(void)
{
}

void sy_versioned_v1(void)
{
}

__asm__(".symver sy_versioned_v2, sy_versioned@@V2");
__asm__(".symver sy_versioned_v1, sy_versioned@V1");

/* sy_old@V1 only: hidden, which dlsym("sy_old") never answers. */
SY void sy_old_v1(void);

void sy_old_v1(void)
{
}

__asm__(".symver sy_old_v1, sy_old@V1");

/* sy_abs: a function symbol at an absolute address (SHN_ABS). */
#if defined(__x86_64__) || defined(__aarch64__)
__asm__(".globl sy_abs\n\t.type sy_abs, @function\n\t.set sy_abs, 0x1234");
#endif
