/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-runner-fixture.c - a test library for the runner's own
 * end-to-end test (test-runner-e2e.c): flaky tests, steady failures and
 * slow tests, to drive retries, fail-fast, shards and interrupts.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

void rx_pass(void);
void rx_fail(void);
void rx_flaky(void);
void rx_crash(void);
void rx_slow(void);
void rx_chatty(void);

void rx_pass(void)
{
	CU_ASSERT_EQUAL(2 + 2, 4);
}

void rx_fail(void)
{
	printf("about to fail\n");
	CU_ASSERT_EQUAL(2 + 2, 5);
}

/*
 * Fails on its first run and passes after: the first run leaves a mark
 * in $RX_DIR (a fresh directory per run of the e2e test).
 */
void rx_flaky(void)
{
	char path[512];
	const char *dir = getenv("RX_DIR");
	int fd;

	snprintf(path, sizeof(path), "%s/flaky-mark", dir ? dir : "/tmp");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		close(fd);
		CU_FAIL("first run fails");
	}
}

void rx_crash(void)
{
	abort();
}

void rx_slow(void)
{
	sleep(30);
}

void rx_chatty(void)
{
	for (int i = 0; i < 2000; i++)
		printf("line %d \x01\xff of chatter\n", i);
}
