/* SPDX-License-Identifier: MIT */
/* calc.h - the code under test: a tiny calculator library. */
#ifndef CALC_H
#define CALC_H

#include <stddef.h>

int calc_add(int a, int b);
/* 0 and the quotient in *q, or -1 when b is 0. */
int calc_div(int a, int b, int *q);
/* The number of digits of n, sign excluded. */
size_t calc_digits(long n);
/* A table of n squares, or NULL; free() it. */
long *calc_squares(size_t n);

#endif
