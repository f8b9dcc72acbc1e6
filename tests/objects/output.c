/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/output.c - fixture tests that write to stdout and stderr:
 * plain lines, more than the output limit, and bytes XML cannot hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void fx_out_lines(void);
void fx_out_large(void);
void fx_out_binary(void);

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

void fx_out_lines(void)
{
	printf("hello from stdout\n");
	fflush(stdout);
	fprintf(stderr, "hello from stderr\n");
}

/* 4 MiB on stdout: more than the default 1 MB output_limit. */
void fx_out_large(void)
{
	static char line[1024];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (int i = 0; i < 4096; i++)
		write_all(1, line, sizeof(line));
	write_all(2, "large done\n", 11);
}

/*
 * Every byte value, NUL bytes, invalid UTF-8 and a control character on both
 * streams: the report must still parse.
 */
void fx_out_binary(void)
{
	static const char bad[] =
		"nul:\0\0 ff:\xff\xfe c3-28:\xc3\x28 esc:\x1b[31m"
		" bell:\x07 surrogate:\xed\xa0\x80 end\n";
	unsigned char all[256];

	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	write_all(1, "binary start\n", 13);
	write_all(1, all, sizeof(all));
	write_all(1, bad, sizeof(bad) - 1);
	write_all(2, bad, sizeof(bad) - 1);
	write_all(2, all, sizeof(all));
}

/* Prints the temporary folder the test was given ($TMPDIR). */
void fx_out_tmpdir(void)
{
	const char *dir = getenv("TMPDIR");

	printf("TMPDIR=%s\n", dir ? dir : "(unset)");
	fflush(stdout);
}
