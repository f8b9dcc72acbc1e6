/* SPDX-License-Identifier: MIT */
/* examples/arith/arith.h - the small library the example tests exercise. */
#ifndef ARITH_H
#define ARITH_H

long arith_add(long a, long b);
long arith_sub(long a, long b);
/* a / b; sets *ok to 0 when b is 0. */
long arith_div(long a, long b, int *ok);
/* Parses a decimal number; crashes on NULL, as C libraries do. */
long arith_parse(const char *s);
/* n! by a naive loop; the bug: never ends for negative n. */
long arith_factorial(long n);

#endif
