/* SPDX-License-Identifier: MIT */
/*
 * examples/api/parse_untrusted.c - time-limit a parser on untrusted input.
 *
 * The parser below has the bugs parsers have: an unterminated string makes
 * it loop for ever, deep nesting overflows its stack.  Each input is parsed
 * in a limited child; the program itself never hangs and never crashes.
 *
 *	$ parse_untrusted
 *	ok '[1,[2,3],4]': pass, 4 numbers
 *	ok '"never closed': wall_timeout (exceeded wall time limit ...)
 *	...
 */
#include <stdio.h>
#include <string.h>

#include <pyntest/pyntest.h>
#include <pyntest/test.h>

/* Counts the numbers in a bracketed list; buggy on purpose. */
static const char *parse_value(const char *s, int *count);

static const char *parse_list(const char *s, int *count)
{
	s++; /* '[' */
	while (*s && *s != ']') {
		s = parse_value(s, count);
		if (*s == ',')
			s++;
	}
	return *s ? s + 1 : s;
}

static const char *parse_value(const char *s, int *count)
{
	if (*s == '[')
		return parse_list(s,
				  count); /* no depth limit: stack overflow */
	if (*s == '"') {
		/* Bug: an unterminated string never advances past the end. */
		for (s++; *s != '"';)
			s += *s ? 1 : 0;
		return s + 1;
	}
	while (*s >= '0' && *s <= '9')
		s++;
	++*count;
	return s;
}

static void parse(void *arg)
{
	int count = 0;

	parse_value(arg, &count);
	pyn_return(&count, sizeof(count));
}

/* Always limited: 200 ms of wall time, 64 MiB. */
PYN_RESTRICTED(parse_limited, parse, .wall_time_s = PYN_MS(200),
	       .memory_bytes = PYN_MiB(64))

int main(void)
{
	static char deep[1 << 22];
	const char *inputs[] = { "[1,[2,3],4]", "\"never closed", deep };
	struct pyn_result res = PYN_RESULT_INIT;
	size_t i;

	memset(deep, '[', sizeof(deep) - 1);
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		if (parse_limited((void *)inputs[i], &res) != 0) {
			fprintf(stderr, "cannot run the parser\n");
			return 1;
		}
		printf("input %zu '%.16s': %s", i + 1, inputs[i],
		       pyn_outcome_name(res.outcome));
		if (res.outcome == PYN_OUTCOME_PASS)
			printf(", %d numbers\n", *(int *)res.data);
		else
			printf(" (%s)\n", res.message);
		pyn_result_release(&res);
	}
	return 0;
}
