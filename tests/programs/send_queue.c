/* SPDX-License-Identifier: MIT */
/*
 * tests/programs/send_queue.c - a library's CUnit suite registered by an
 * exported function (`cunit_register:`), whose tests drive one send
 * queue in turn, as a protocol library's transmit tests do: two tests
 * queue a message each, the third sends what is queued, the fourth
 * checks that nothing is left.  Each test starts where the one before
 * left off, so only CUnit's way of running a suite (init once, tests in
 * order in one process) passes them all.
 */
#include <string.h>

#include <CUnit/CUnit.h>

struct msg {
	char text[16];
};

static struct msg queue[4];
static unsigned queued, sent, inits;

static int queue_init(void)
{
	inits++;
	queued = sent = 0;
	return 0;
}

static void enqueue(const char *text)
{
	if (queued < 4)
		strcpy(queue[queued++].text, text);
}

static void test_queue_con(void)
{
	CU_ASSERT_EQUAL(queued, 0);
	enqueue("CON");
}

static void test_queue_ack(void)
{
	CU_ASSERT_EQUAL_FATAL(queued, 1);
	CU_ASSERT_STRING_EQUAL(queue[0].text, "CON");
	enqueue("ACK");
}

static void test_send_all(void)
{
	CU_ASSERT_EQUAL_FATAL(queued, 2);
	sent += queued;
	queued = 0;
}

static void test_nothing_left(void)
{
	CU_ASSERT_EQUAL(queued, 0);
	CU_ASSERT_EQUAL(sent, 2);
	CU_ASSERT_EQUAL(inits, 1);
}

void send_queue_register(void);
void send_queue_register(void)
{
	CU_pSuite s = CU_add_suite("transmit", queue_init, NULL);

	CU_add_test(s, "queue con", test_queue_con);
	CU_add_test(s, "queue ack", test_queue_ack);
	CU_add_test(s, "send all", test_send_all);
	CU_add_test(s, "nothing left", test_nothing_left);
}
