/* SPDX-License-Identifier: MIT */
/* pyntest/version.h - the release of the pyntest headers in use. */
#ifndef PYNTEST_VERSION_H
#define PYNTEST_VERSION_H

#define PYN_VERSION_MAJOR 0
#define PYN_VERSION_MINOR 1
#define PYN_VERSION_PATCH 0
#define PYN_VERSION_STRING "0.1.0"
/* Compare with PYN_VERSION_HEX >= PYN_VERSION_NUM(0, 2, 0). */
#define PYN_VERSION_NUM(a, b, c) (((a) << 16) | ((b) << 8) | (c))
#define PYN_VERSION_HEX                                                        \
	PYN_VERSION_NUM(PYN_VERSION_MAJOR, PYN_VERSION_MINOR, PYN_VERSION_PATCH)

#endif /* PYNTEST_VERSION_H */
