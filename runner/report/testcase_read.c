/* SPDX-License-Identifier: MIT */
/*
 * runner/report/testcase_read.c - a JUnit <testcase> read back
 * (testcase_read.h), for `pyntest merge --html`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outcome.h"
#include "runner/report/testcase_read.h"

static int outcome_named(const char *name)
{
	for (int o = 0; o < PYN_OUTCOME_COUNT; o++)
		if (name &&
		    !strcmp(name, pyn_outcome_name((enum pyn_outcome)o)))
			return o;
	return -1;
}

/* The outcome of <error type=T>: the one of that type, else error. */
static int error_kind(const char *type)
{
	for (int o = 0; o < PYN_OUTCOME_COUNT; o++) {
		const struct pyn__outcome_info *i =
			pyn__outcome_info((enum pyn_outcome)o);

		if (i && i->element == PYN__JUNIT_ERROR && i->type && type &&
		    !strcmp(i->type, type))
			return o;
	}
	return PYN_OUTCOME_ERROR;
}

/* A measurement, from a testcase property or a strict line's key=value. */
static void set(struct pyn__testcase *t, const char *key, const char *v)
{
	if (!strncmp(key, "pyntest.", 8))
		key += 8;
	if (!strcmp(key, "outcome") && outcome_named(v) >= 0)
		t->raw = outcome_named(v);
	else if (!strcmp(key, "expected"))
		snprintf(t->expected, sizeof(t->expected), "%s", v);
	else if (!strcmp(key, "start_s"))
		t->has_start = (t->start = strtod(v, NULL)) >= 0;
	else if (!strcmp(key, "cpu_time_s"))
		t->cpu = strtod(v, NULL);
	else if (!strcmp(key, "peak_memory_bytes") && v[0] >= '0' &&
		 v[0] <= '9')
		t->mem = strtoll(v, NULL, 10);
	else if (!strcmp(key, "limit.wall_time_s"))
		t->lim_wall = strtod(v, NULL);
	else if (!strcmp(key, "limit.cpu_time_s"))
		t->lim_cpu = strtod(v, NULL);
	else if (!strcmp(key, "limit.memory_bytes"))
		t->lim_mem = strtoull(v, NULL, 10);
	else if (!strcmp(key, "signal"))
		snprintf(t->signal, sizeof(t->signal), "%s", v);
	else if (!strcmp(key, "leftover_processes"))
		t->leftover = (unsigned)strtoul(v, NULL, 10);
}

static void read_properties(const char **pos, const char *end,
			    const struct pyn__xml_tag *t,
			    struct pyn__testcase *x)
{
	struct pyn__xml_tag p;
	const char *inner;

	while (!t->empty && pyn__xml_next(pos, end, &p) > 0 && !p.closing) {
		char *name = NULL, *value = NULL;

		if (pyn__xml_is(&p, "property") &&
		    pyn__xml_attr(&p, "name", &name) &&
		    pyn__xml_attr(&p, "value", &value))
			set(x, name, value);
		free(name);
		free(value);
		if (!pyn__xml_skip(pos, end, &p, &inner))
			return;
	}
}

bool pyn__testcase_assert_line(const char *line, size_t *file_len,
			       unsigned *num, const char **cond)
{
	const char *end = strchr(line, '\n');

	if (!end)
		end = line + strlen(line);
	for (const char *c = line; c < end; c++) {
		const char *d = c + 1;

		if (*c != ':' || c == line || d >= end || *d < '0' || *d > '9')
			continue;
		while (d < end && *d >= '0' && *d <= '9')
			d++;
		if (d + 1 >= end || d[0] != ':' || d[1] != ' ')
			continue;
		if (file_len)
			*file_len = (size_t)(c - line);
		if (num)
			*num = (unsigned)strtoul(c + 1, NULL, 10);
		if (cond)
			*cond = d + 2;
		return true;
	}
	return false;
}

bool pyn__testcase_read(const struct pyn__range *r, struct pyn__testcase *x)
{
	const char *pos = r->start, *inner;
	struct pyn__xml_tag t, c;
	char *cls = NULL, *name = NULL, *v = NULL, *body = NULL;
	bool flaky = false, ok;

	x->kind = x->raw = -1;
	x->cpu = -1;
	x->mem = -1;
	if (pyn__xml_next(&pos, r->stop, &t) <= 0)
		return true;
	pyn__xml_attr(&t, "classname", &cls);
	pyn__xml_attr(&t, "name", &name);
	if (pyn__xml_attr(&t, "time", &v))
		x->time = strtod(v, NULL);
	free(v);
	if (!(x->time > 0))
		x->time = 0;
	ok = asprintf(&x->id, "%s.%s", cls ? cls : "", name ? name : "") >= 0;
	x->suite = cls;
	free(name);
	if (!ok) {
		x->id = NULL;
		return false;
	}
	while (!t.empty && pyn__xml_next(&pos, r->stop, &c) > 0 && !c.closing) {
		const char *from = c.stop;
		char **text = NULL;

		if (pyn__xml_is(&c, "properties")) {
			read_properties(&pos, r->stop, &c, x);
			continue;
		}
		if (pyn__xml_is(&c, "failure") || pyn__xml_is(&c, "error") ||
		    pyn__xml_is(&c, "skipped")) {
			pyn__xml_attr(&c, "type", &x->type);
			pyn__xml_attr(&c, "message", &x->msg);
			if (pyn__xml_is(&c, "failure"))
				x->kind = PYN_OUTCOME_FAIL;
			else if (pyn__xml_is(&c, "error"))
				x->kind = error_kind(x->type);
			else
				x->kind =
					x->msg && !strncmp(
							  x->msg,
							  PYN__NOT_RUN_PREFIX,
							  strlen(PYN__NOT_RUN_PREFIX)) ?
						PYN_OUTCOME_NOT_RUN :
						PYN_OUTCOME_SKIPPED;
			text = &body;
		} else if (c.name_len > 5 && !strncmp(c.name, "flaky", 5)) {
			flaky = true;
		} else if (pyn__xml_is(&c, "system-out")) {
			text = &x->out;
		} else if (pyn__xml_is(&c, "system-err")) {
			text = &x->err;
		}
		if (!pyn__xml_skip(&pos, r->stop, &c, &inner))
			break;
		if (text && !*text && !(*text = pyn__xml_text(from, inner)))
			return false;
	}
	if (x->kind < 0)
		x->kind = flaky ? PYN__KIND_FLAKY : PYN_OUTCOME_PASS;
	/* Failed assertions for the page's list; other details after the
	 * message. */
	if (body && pyn__testcase_assert_line(body, NULL, NULL, NULL)) {
		x->body = body;
		return true;
	}
	if (body && body[0] && (!x->msg || strcmp(body, x->msg))) {
		char *both = NULL;

		if (!x->msg || !x->msg[0]) {
			free(x->msg);
			x->msg = body;
			return true;
		}
		if (asprintf(&both, "%s\n%s", x->msg, body) < 0) {
			free(body);
			return false;
		}
		free(x->msg);
		x->msg = both;
	}
	free(body);
	return true;
}

void pyn__testcase_read_lines(const char *text, struct pyn__testcase *tests,
			      size_t n)
{
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char *copy = strndup(line, len), *sep, *tok, *save = NULL;
		char key[64] = "", val[256] = "";

		line = eol ? eol + 1 : NULL;
		sep = copy ? strstr(copy, ": ") : NULL;
		if (!sep) {
			free(copy);
			continue;
		}
		*sep = '\0';
		for (size_t i = 0; i < n; i++) {
			if (strcmp(tests[i].id, copy))
				continue;
			/* A value with spaces ("signal SIGSEGV") goes on. */
			for (tok = strtok_r(sep + 2, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save)) {
				char *eq = strchr(tok, '=');

				if (eq && (size_t)(eq - tok) < sizeof(key)) {
					if (key[0])
						set(&tests[i], key, val);
					snprintf(key, sizeof(key), "%.*s",
						 (int)(eq - tok), tok);
					snprintf(val, sizeof(val), "%s",
						 eq + 1);
				} else if (key[0]) {
					size_t l = strlen(val);

					snprintf(val + l, sizeof(val) - l,
						 " %s", tok);
				}
			}
			if (key[0])
				set(&tests[i], key, val);
			break;
		}
		free(copy);
	}
}

void pyn__testcase_release(struct pyn__testcase *x)
{
	free(x->id);
	free(x->suite);
	free(x->msg);
	free(x->type);
	free(x->out);
	free(x->err);
	free(x->body);
}
