/* SPDX-License-Identifier: MIT */
/*
 * runner/report/html.c - the HTML report (--html PATH).
 *
 * One file, readable offline years later: the page's CSS and script are
 * inline, and the run's data is one JSON document in a
 * <script type="application/json"> element that the script renders with
 * textContent only.  Test-supplied text therefore never becomes markup:
 * in the JSON every '<', '>' and '&' is a \u escape (no "</script>" can
 * close the element), and in the page it is text, not HTML.  A
 * Content-Security-Policy of default-src 'none' keeps the page from
 * fetching anything even if that promise were broken.
 *
 * The file is written like the JUnit report: beside its final name, then
 * renamed over it (pyn__report_write_atomic, below).
 */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/outcome.h"
#include "runner/report/html.h"

void pyn__html_json_text(FILE *f, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, run = 0;

	while (i < n) {
		unsigned char b = s[i];
		const char *rep = NULL;
		size_t len = 1;

		if (b >= 0x80) {
			len = pyn__utf8_len(s + i, n - i);
			if (!len) {
				rep = "\\ufffd";
				len = 1;
			} else if (len == 3 && b == 0xE2 && s[i + 1] == 0x80 &&
				   (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
				/* Line ends for JavaScript before ES2019. */
				rep = s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
			}
		} else if (b == '"') {
			rep = "\\\"";
		} else if (b == '\\') {
			rep = "\\\\";
		} else if (b == '\n') {
			rep = "\\n";
		} else if (b == '\r') {
			rep = "\\r";
		} else if (b == '\t') {
			rep = "\\t";
		} else if (b == '<') {
			rep = "\\u003c";
		} else if (b == '>') {
			rep = "\\u003e";
		} else if (b == '&') {
			rep = "\\u0026";
		} else if (b < 0x20) {
			rep = "\\ufffd";
		}
		if (rep) {
			fwrite(text + i - run, 1, run, f);
			run = 0;
			fputs(rep, f);
		} else {
			run += len;
		}
		i += len;
	}
	fwrite(text + n - run, 1, run, f);
}

static void jstr(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	pyn__html_json_text(f, s, strlen(s));
	fputc('"', f);
}

/* JSON has no NaN or infinity: a broken measurement is null. */
static void jnum(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6f", v);
	else
		fputs("null", f);
}

/*
 * Captured output as a JSON string, cut at the test's output_limit with
 * the JUnit report's marker and its warning about leftover processes.
 */
static void joutput(FILE *f, const char *buf, size_t len, uint64_t total,
		    size_t limit, const char *note)
{
	size_t keep = buf ? len : 0;
	char a[32], b[32], mark[128];
	bool open_line;

	if (total < keep)
		total = keep;
	if (limit && keep > limit)
		keep = limit;
	open_line = keep && buf[keep - 1] != '\n';
	fputc('"', f);
	if (keep)
		pyn__html_json_text(f, buf, keep);
	if (total > keep) {
		snprintf(mark, sizeof(mark),
			 "%s[pyntest: output cut at %s of %s]",
			 open_line ? "\n" : "",
			 pyn__format_bytes(keep, a, sizeof(a)),
			 pyn__format_bytes(total, b, sizeof(b)));
		pyn__html_json_text(f, mark, strlen(mark));
	}
	if (note) {
		if (total > keep || open_line)
			fputs("\\n", f);
		pyn__html_json_text(f, note, strlen(note));
	}
	fputc('"', f);
}

/* Whether the attempt started a process (a bar on the timeline). */
static bool attempt_ran(const struct pyn__report_entry *e,
			const struct pyn__attempt *a)
{
	return !e->test->skip &&
	       (a->result.wall_time_s > 0 || a->result.start_s > 0);
}

static void attempt_json(FILE *f, const struct pyn__report_entry *e,
			 const struct pyn__attempt *a, size_t limit)
{
	const struct pyn__run *r = &a->result;
	unsigned left = r->leftover_processes;
	char note[128];
	struct pyn__text t;

	fputs("{\"v\":", f);
	jstr(f, pyn_outcome_name(a->verdict));
	fputs(",\"raw\":", f);
	jstr(f, pyn_outcome_name(r->outcome));
	fputs(",\"type\":", f);
	jstr(f,
	     a->verdict == PYN_OUTCOME_PASS ? "" : pyn__attempt_error_type(a));
	fputs(",\"msg\":", f);
	jstr(f, a->message ? a->message : "");
	fprintf(f, ",\"ran\":%s,\"slot\":%u,\"start\":",
		attempt_ran(e, a) ? "true" : "false", r->slot);
	jnum(f, r->start_s);
	fputs(",\"wall\":", f);
	jnum(f, r->wall_time_s);
	fputs(",\"cpu\":", f);
	jnum(f, r->cpu_time_s);
	if (r->peak_memory_bytes >= 0)
		fprintf(f, ",\"mem\":%lld", (long long)r->peak_memory_bytes);
	else
		fputs(",\"mem\":null", f);
	fputs(",\"signal\":", f);
	if (r->term_signal) {
		const char *sig = sigabbrev_np(r->term_signal);
		char v[32];

		snprintf(v, sizeof(v), "SIG%s", sig ? sig : "?");
		jstr(f, v);
	} else {
		fputs("null", f);
	}
	fprintf(f, ",\"exit\":%d,\"leftover\":%u,\"asserts\":[", r->exit_code,
		left);
	for (unsigned i = 0; i < r->n_kept; i++) {
		const struct pyn_failure *fl = &r->failures[i];

		fputs(i ? ",{\"file\":" : "{\"file\":", f);
		jstr(f, fl->file);
		fprintf(f, ",\"line\":%u,\"cond\":", fl->line);
		jstr(f, fl->condition);
		fputc('}', f);
	}
	fprintf(f, "],\"more\":%u,\"out\":",
		r->n_failures > r->n_kept ? r->n_failures - r->n_kept : 0);
	pyn__run_text(r, false, &t);
	joutput(f, t.buf, t.len, r->out_total, limit, NULL);
	pyn__text_release(&t);
	snprintf(note, sizeof(note),
		 "[pyntest: warning: the test left %u process%s running; "
		 "pyntest killed %s]",
		 left, left == 1 ? "" : "es", left == 1 ? "it" : "them");
	fputs(",\"err\":", f);
	pyn__run_text(r, true, &t);
	joutput(f, t.buf, t.len, r->err_total, limit, left ? note : NULL);
	pyn__text_release(&t);
	fputc('}', f);
}

static void entry_json(FILE *f, const struct pyn__report_entry *e, size_t i)
{
	const struct pyn_plan_test *t = e->test;
	const struct pyn__attempt *primary = pyn__entry_primary(e);
	size_t limit = t->limits.capture_output ? t->limits.output_limit : 0;
	const char *kind;

	if (pyn__entry_is_flaky(e))
		kind = "flaky";
	else
		kind = pyn_outcome_name(pyn__entry_verdict(e));
	fprintf(f, "%s\n{\"i\":%zu,\"id\":", i ? "," : "", i);
	jstr(f, t->id ? t->id : "");
	fputs(",\"suite\":", f);
	jstr(f, t->suite ? t->suite : "");
	fputs(",\"file\":", f);
	jstr(f, t->file);
	fprintf(f, ",\"line\":%u,\"kind\":", t->line);
	jstr(f, kind);
	fputs(",\"expected\":", f);
	jstr(f, e->expected[0] ? e->expected : "pass");
	fputs(",\"msg\":", f);
	jstr(f, pyn__entry_message(e));
	fputs(",\"lim\":{\"wall\":", f);
	jnum(f, t->limits.wall_time_s > 0 ? t->limits.wall_time_s : 0);
	fputs(",\"cpu\":", f);
	jnum(f, t->limits.cpu_time_s > 0 ? t->limits.cpu_time_s : 0);
	fprintf(f, ",\"mem\":%llu},\"primary\":",
		(unsigned long long)t->limits.memory_bytes);
	if (primary)
		fprintf(f, "%zu", (size_t)(primary - e->attempts));
	else
		fputs("null", f);
	fputs(",\"attempts\":[", f);
	for (size_t k = 0; k < e->n_attempts; k++) {
		if (k)
			fputc(',', f);
		attempt_json(f, e, &e->attempts[k], limit);
	}
	fputs("]}", f);
}

static void data_json(FILE *f, const struct pyn__report *r)
{
	char stamp[64], host[256];
	time_t when = (time_t)r->start_epoch_s;
	struct tm tm;

	if (!gmtime_r(&when, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(stamp, sizeof(stamp), "unknown");
	if (gethostname(host, sizeof(host)) || !host[0])
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';

	fputs("{\"version\":", f);
	jstr(f, PYN_VERSION_STRING);
	fputs(",\"host\":", f);
	jstr(f, host);
	fputs(",\"started\":", f);
	jstr(f, stamp);
	fputs(",\"duration\":", f);
	jnum(f, r->duration_s > 0 ? r->duration_s : 0);
	fprintf(f, ",\"jobs\":%u,\"shard\":", r->jobs);
	jstr(f, r->shard);
	fputs(",\"manifests\":[", f);
	for (size_t i = 0; i < r->n_manifests; i++) {
		if (i)
			fputc(',', f);
		jstr(f, r->manifests[i]);
	}
	/* The outcomes, from base/outcome.h: the page keeps no list. */
	fputs("],\"outcomes\":[", f);
	for (int o = 0; o < PYN_OUTCOME_COUNT; o++) {
		const struct pyn__outcome_info *info =
			pyn__outcome_info((enum pyn_outcome)o);

		fputs(o ? ",{\"name\":" : "{\"name\":", f);
		jstr(f, pyn_outcome_name((enum pyn_outcome)o));
		fputs(",\"label\":", f);
		jstr(f, info->label);
		fprintf(f, ",\"failed\":%s}",
			pyn__outcome_is_failed((enum pyn_outcome)o) ? "true" :
								      "false");
	}
	fputs("],\"tests\":[", f);
	for (size_t i = 0; i < r->n_entries; i++)
		entry_json(f, &r->entries[i], i);
	fputs("]}", f);
}

/*
 * The page.  Colours: one per outcome, used by the chips, the timeline's
 * bars, the badges and the failure cards alike (class o-OUTCOME).
 */
static const char page_head[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	"style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
	"<link rel=\"icon\" href=\"data:,\">\n"
	"<title>pyntest report</title>\n"
	"<style>\n"
	":root{--pass:#2f9e5b;--fail:#d64541;--error:#8e3fbf;--wall_timeout:#e8830c;"
	"--cpu_timeout:#c9a100;--memory_limit:#1f8fb8;--skipped:#9aa0a6;"
	"--interrupted:#5f6368;--not_run:#c4c8cc;--flaky:#e0529c;--ink:#1f2328;--mute:#656d76;"
	"--line:#d8dee4;--bg:#f6f8fa;--card:#fff}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',"
	"'DejaVu Sans',sans-serif;color:var(--ink);background:var(--bg)}\n"
	"main{max-width:1320px;margin:0 auto;padding:20px 24px 60px}\n"
	"h1{font-size:22px;margin:0}h2{font-size:16px;margin:0 0 10px}\n"
	"h2 small{font-weight:normal;color:var(--mute);margin-left:8px}\n"
	"section,header.top{background:var(--card);border:1px solid var(--line);"
	"border-radius:8px;padding:16px 18px;margin-bottom:16px}\n"
	".headline{display:flex;align-items:baseline;gap:14px;flex-wrap:wrap}\n"
	".verdict{font-weight:600;padding:2px 10px;border-radius:12px}\n"
	".verdict.ok{background:#dafbe1;color:#116329}"
	".verdict.bad{background:#ffebe9;color:#a40e26}\n"
	"dl.meta{display:flex;flex-wrap:wrap;gap:4px 6px;margin:12px 0 14px;"
	"color:var(--mute)}\n"
	"dl.meta dt::after{content:':'}dl.meta dd{margin:0 18px 0 0;"
	"color:var(--ink);word-break:break-all}\n"
	".chips{display:flex;flex-wrap:wrap;gap:8px}\n"
	".chip{font:inherit;cursor:pointer;border:1px solid var(--line);"
	"background:#fff;border-radius:18px;padding:4px 12px 4px 8px;"
	"display:inline-flex;align-items:center;gap:6px}\n"
	".chip .dot{width:10px;height:10px;border-radius:50%;display:inline-block}\n"
	".chip .n{font-weight:700;font-variant-numeric:tabular-nums}\n"
	".chip.zero{opacity:.45}.chip.on{border-color:var(--ink);"
	"box-shadow:0 0 0 1px var(--ink) inset}\n"
	".chip.all .dot{background:conic-gradient(var(--pass) 0 25%,var(--fail) 0 50%,"
	"var(--wall_timeout) 0 75%,var(--skipped) 0)}\n"
	".o-pass{--c:var(--pass)}.o-fail{--c:var(--fail)}.o-error{--c:var(--error)}"
	".o-wall_timeout{--c:var(--wall_timeout)}.o-cpu_timeout{--c:var(--cpu_timeout)}"
	".o-memory_limit{--c:var(--memory_limit)}.o-skipped{--c:var(--skipped)}"
	".o-interrupted{--c:var(--interrupted)}.o-not_run{--c:var(--not_run)}"
	".o-flaky{--c:var(--flaky)}\n"
	".chip .dot,.badge,.bar{background:var(--c)}\n"
	".badge{color:#fff;border-radius:4px;padding:1px 7px;font-size:12px;"
	"font-weight:600;white-space:nowrap}\n"
	".tl{position:relative;margin-left:78px}\n"
	".axis{position:relative;height:18px;border-bottom:1px solid var(--line);"
	"color:var(--mute);font-size:11px}\n"
	".tick{position:absolute;top:0;transform:translateX(-50%)}\n"
	".tick::after{content:'';position:absolute;left:50%;top:15px;height:4px;"
	"border-left:1px solid var(--line)}\n"
	".lane{position:relative;height:26px;border-bottom:1px dashed #eaeef2}\n"
	".lane-label{position:absolute;left:-78px;width:70px;top:4px;"
	"text-align:right;color:var(--mute);font-size:12px}\n"
	".bar{position:absolute;top:4px;height:18px;min-width:3px;border-radius:3px;"
	"cursor:pointer;box-shadow:inset 0 0 0 1px rgba(0,0,0,.12)}\n"
	".bar:hover{outline:2px solid var(--ink);z-index:2}\n"
	".bar.retry{opacity:.55;background:repeating-linear-gradient(135deg,var(--c) 0 4px,"
	"#fff 4px 6px)}\n"
	".bar.off{opacity:.12}\n"
	"#tip{position:fixed;pointer-events:none;background:#1f2328;color:#fff;"
	"padding:6px 9px;border-radius:6px;font-size:12px;max-width:420px;z-index:10;"
	"white-space:pre-line;display:none}\n"
	".tools{display:flex;gap:10px;align-items:center;margin-bottom:10px}\n"
	".tools input{font:inherit;padding:5px 9px;border:1px solid var(--line);"
	"border-radius:6px;width:320px}\n"
	".tools .shown{color:var(--mute)}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eaeef2;"
	"vertical-align:top}\n"
	"th{font-size:12px;color:var(--mute);font-weight:600;position:sticky;top:0;"
	"background:var(--card)}\n"
	"td.id{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:13px;"
	"word-break:break-all}\n"
	"td.num{font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"td.msg{color:var(--mute);max-width:420px;overflow-wrap:anywhere}\n"
	"tr.hl td{background:#fff8c5}\n"
	".meter{height:5px;background:#eaeef2;border-radius:3px;margin-top:3px;"
	"width:120px;overflow:hidden}\n"
	".meter i{display:block;height:100%;background:#57606a}\n"
	".meter i.hot{background:var(--fail)}\n"
	".card{border:1px solid var(--line);border-left:4px solid var(--c);"
	"border-radius:6px;padding:10px 14px;margin-bottom:10px}\n"
	".card h3{margin:0 0 6px;font-size:14px;display:flex;gap:8px;"
	"align-items:center;flex-wrap:wrap}\n"
	".card h3 code{font-size:13px}\n"
	".card .m{margin:4px 0 8px;white-space:pre-wrap;overflow-wrap:anywhere}\n"
	".card .when{color:var(--mute);font-weight:normal;font-size:12px}\n"
	"ul.asserts{margin:4px 0 8px;padding-left:18px;font-family:ui-monospace,"
	"'DejaVu Sans Mono',monospace;font-size:12.5px}\n"
	"details{margin:4px 0}summary{cursor:pointer;color:var(--mute)}\n"
	"pre{background:#f6f8fa;border:1px solid #eaeef2;border-radius:4px;"
	"padding:8px;max-height:320px;overflow:auto;white-space:pre-wrap;"
	"overflow-wrap:anywhere;font-size:12px;margin:4px 0}\n"
	".empty{color:var(--mute)}\n"
	"[hidden]{display:none!important}\n"
	"</style>\n</head>\n<body>\n<main>\n"
	"<header class=\"top\"><div class=\"headline\"><h1>pyntest report</h1>"
	"<span id=\"verdict\" class=\"verdict\"></span></div>\n"
	"<dl class=\"meta\" id=\"meta\"></dl>\n"
	"<div class=\"chips\" id=\"chips\"></div></header>\n"
	"<noscript><p>This report draws itself with JavaScript; the raw data is "
	"the JSON in this file's pyntest-data element.</p></noscript>\n"
	"<section id=\"timeline-section\"><h2>Timeline<small id=\"tl-note\"></small>"
	"</h2><div class=\"tl\" id=\"timeline\"></div></section>\n"
	"<section><h2>Tests</h2><div class=\"tools\"><input id=\"q\" type=\"search\" "
	"placeholder=\"Filter test ids\" aria-label=\"Filter test ids\">"
	"<span class=\"shown\" id=\"shown\"></span></div>\n"
	"<table><thead><tr><th>Test</th><th>Outcome</th><th>Wall</th>"
	"<th>CPU / limit</th><th>Peak memory / limit</th><th>Message</th></tr>"
	"</thead><tbody id=\"tests\"></tbody></table></section>\n"
	"<section><h2>Failures and other outcomes<small id=\"f-note\"></small></h2>"
	"<div id=\"failures\"></div></section>\n"
	"<div id=\"tip\"></div>\n</main>\n"
	"<script type=\"application/json\" id=\"pyntest-data\">";

/*
 * The script.  It only ever puts report data into the page through
 * textContent, setAttribute of data-* and title, and CSSOM numbers.
 *
 * The URL fragment holds the filter, so a view can be linked (and the
 * test suite renders one): #filter=fail,error&q=text.
 */
static const char page_tail[] =
	"</script>\n<script>\n"
	"(function () {\n"
	"'use strict';\n"
	"const D = JSON.parse(document.getElementById('pyntest-data').textContent);\n"
	"const KINDS = D.outcomes.map((o) => o.name).concat(['flaky']);\n"
	"const WORD = { flaky: 'flaky' };\n"
	"D.outcomes.forEach((o) => { WORD[o.name] = o.label; });\n"
	"const $ = (id) => document.getElementById(id);\n"
	"function el(tag, cls, text) {\n"
	"\tconst e = document.createElement(tag);\n"
	"\tif (cls) e.className = cls;\n"
	"\tif (text !== undefined && text !== null) e.textContent = String(text);\n"
	"\treturn e;\n"
	"}\n"
	"function secs(s) {\n"
	"\tif (s === null || s === undefined) return '\\u2013';\n"
	"\tif (s < 1) return (s * 1000).toFixed(s < 0.01 ? 1 : 0) + ' ms';\n"
	"\tif (s < 120) return s.toFixed(2) + ' s';\n"
	"\tconst m = Math.floor(s / 60);\n"
	"\treturn m + ' min ' + Math.round(s - m * 60) + ' s';\n"
	"}\n"
	"function bytes(n) {\n"
	"\tif (n === null || n === undefined || n < 0) return '\\u2013';\n"
	"\tconst u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];\n"
	"\tlet i = 0;\n"
	"\twhile (n >= 1024 && i < 4) { n /= 1024; i++; }\n"
	"\treturn (i ? n.toFixed(1) : n) + ' ' + u[i];\n"
	"}\n"
	"function badge(kind, text) { return el('span', 'badge o-' + kind, text || WORD[kind]); }\n"
	"const tests = D.tests;\n"
	"const counts = {};\n"
	"KINDS.forEach((k) => { counts[k] = 0; });\n"
	"tests.forEach((t) => {\n"
	"\tt.a = t.primary === null ? null : t.attempts[t.primary];\n"
	"\tcounts[t.kind] = (counts[t.kind] || 0) + 1;\n"
	"});\n"
	"const bad = D.outcomes.reduce((n, o) => n + (o.failed ? counts[o.name] : 0), 0);\n"
	"/* ---- header ---- */\n"
	"const v = $('verdict');\n"
	"v.className = 'verdict ' + (bad ? 'bad' : 'ok');\n"
	"v.textContent = bad ? bad + ' of ' + tests.length + ' tests did not pass' :\n"
	"\t'all ' + tests.length + ' tests met their expectations';\n"
	"document.title = 'pyntest: ' + (bad ? bad + ' not passed' : 'all passed') +\n"
	"\t' (' + tests.length + ' tests)';\n"
	"const meta = $('meta');\n"
	"function metaRow(k, val) {\n"
	"\tif (val === null || val === undefined || val === '') return;\n"
	"\tmeta.appendChild(el('dt', null, k));\n"
	"\tmeta.appendChild(el('dd', null, val));\n"
	"}\n"
	"metaRow('Started', D.started);\n"
	"metaRow('Duration', secs(D.duration));\n"
	"metaRow('Host', D.host);\n"
	"metaRow(D.manifests.length > 1 ? 'Manifests' : 'Manifest', D.manifests.join(', '));\n"
	"metaRow('Workers', D.jobs ? String(D.jobs) : '');\n"
	"metaRow('Shard', D.shard);\n"
	"metaRow('pyntest', D.version);\n"
	"const chips = $('chips');\n"
	"const all = el('button', 'chip all');\n"
	"all.type = 'button';\n"
	"all.dataset.outcome = 'all';\n"
	"all.dataset.count = String(tests.length);\n"
	"all.appendChild(el('span', 'dot'));\n"
	"all.appendChild(el('span', 'n', tests.length));\n"
	"all.appendChild(el('span', null, 'total'));\n"
	"chips.appendChild(all);\n"
	"KINDS.forEach((k) => {\n"
	"\tconst c = el('button', 'chip o-' + k + (counts[k] ? '' : ' zero'));\n"
	"\tc.type = 'button';\n"
	"\tc.dataset.outcome = k;\n"
	"\tc.dataset.count = String(counts[k]);\n"
	"\tc.appendChild(el('span', 'dot'));\n"
	"\tc.appendChild(el('span', 'n', counts[k]));\n"
	"\tc.appendChild(el('span', null, WORD[k]));\n"
	"\tchips.appendChild(c);\n"
	"});\n"
	"/* ---- timeline: one lane per worker slot ---- */\n"
	"const tl = $('timeline');\n"
	"const tip = $('tip');\n"
	"let span = 0, lanes = 0;\n"
	"tests.forEach((t) => t.attempts.forEach((a) => {\n"
	"\tif (!a.ran) return;\n"
	"\tspan = Math.max(span, (a.start || 0) + (a.wall || 0));\n"
	"\tlanes = Math.max(lanes, a.slot + 1);\n"
	"}));\n"
	"if (!span) span = D.duration || 1;\n"
	"$('tl-note').textContent = lanes ? lanes + (lanes === 1 ? ' worker, ' : ' workers, ') +\n"
	"\tsecs(span) + '; hover a bar for details, click it to find the test' :\n"
	"\t'no test ran';\n"
	"const axis = el('div', 'axis');\n"
	"tl.appendChild(axis);\n"
	"const steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5,\n"
	"\t10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];\n"
	"let step = steps.find((s) => span / s <= 10) || 7200;\n"
	"for (let x = 0; x <= span + 1e-9; x += step) {\n"
	"\tconst k = el('span', 'tick', x === 0 ? '0' : step < 1 ? Math.round(x * 1000) + ' ms' :\n"
	"\t\tstep < 60 ? +x.toFixed(2) + ' s' : +(x / 60).toFixed(1) + ' min');\n"
	"\tk.style.left = (x / span * 100) + '%';\n"
	"\taxis.appendChild(k);\n"
	"}\n"
	"const laneEls = [];\n"
	"for (let i = 0; i < lanes; i++) {\n"
	"\tconst l = el('div', 'lane');\n"
	"\tl.appendChild(el('div', 'lane-label', 'worker ' + (i + 1)));\n"
	"\ttl.appendChild(l);\n"
	"\tlaneEls.push(l);\n"
	"}\n"
	"const bars = [];\n"
	"tests.forEach((t) => t.attempts.forEach((a, n) => {\n"
	"\tif (!a.ran || !laneEls[a.slot]) return;\n"
	"\tconst primary = n === t.primary;\n"
	"\tconst kind = primary ? t.kind : a.v;\n"
	"\tconst b = el('div', 'bar o-' + kind + (primary ? '' : ' retry'));\n"
	"\tb.style.left = ((a.start || 0) / span * 100) + '%';\n"
	"\tb.style.width = ((a.wall || 0) / span * 100) + '%';\n"
	"\tb.dataset.outcome = kind;\n"
	"\tb.dataset.id = t.id;\n"
	"\tb.dataset.test = String(t.i);\n"
	"\tconst info = t.id + '\\n' + WORD[kind] +\n"
	"\t\t(t.attempts.length > 1 ? ' (attempt ' + (n + 1) + ' of ' + t.attempts.length + ')' : '') +\n"
	"\t\t'\\nwall ' + secs(a.wall) + ', CPU ' + secs(a.cpu) + ', peak ' + bytes(a.mem) +\n"
	"\t\t'\\nstarted at ' + secs(a.start) + (a.msg && kind !== 'pass' ? '\\n' + a.msg : '');\n"
	"\tb.title = info;\n"
	"\tb.addEventListener('mousemove', (ev) => {\n"
	"\t\ttip.textContent = info;\n"
	"\t\ttip.style.display = 'block';\n"
	"\t\ttip.style.left = Math.min(ev.clientX + 14, window.innerWidth - 440) + 'px';\n"
	"\t\ttip.style.top = (ev.clientY + 16) + 'px';\n"
	"\t});\n"
	"\tb.addEventListener('mouseleave', () => { tip.style.display = 'none'; });\n"
	"\tb.addEventListener('click', () => jump(t));\n"
	"\tlaneEls[a.slot].appendChild(b);\n"
	"\tbars.push(b);\n"
	"}));\n"
	"/* ---- table ---- */\n"
	"function meter(used, limit) {\n"
	"\tconst m = el('div', 'meter');\n"
	"\tconst i = el('i');\n"
	"\tconst p = Math.min(1, used / limit);\n"
	"\ti.style.width = (p * 100) + '%';\n"
	"\tif (p >= 0.9) i.className = 'hot';\n"
	"\tm.appendChild(i);\n"
	"\tm.title = Math.round(used / limit * 100) + '% of the limit';\n"
	"\treturn m;\n"
	"}\n"
	"const body = $('tests');\n"
	"const rows = [];\n"
	"tests.forEach((t) => {\n"
	"\tconst a = t.a || {};\n"
	"\tconst r = el('tr');\n"
	"\tr.dataset.outcome = t.kind;\n"
	"\tr.dataset.id = t.id;\n"
	"\tr.id = 'test-' + t.i;\n"
	"\tr.appendChild(el('td', 'id', t.id));\n"
	"\tconst o = el('td');\n"
	"\to.appendChild(badge(t.kind));\n"
	"\tif (t.a && t.a.raw !== t.a.v && t.kind !== 'flaky')\n"
	"\t\to.appendChild(el('div', 'when', 'was ' + WORD[t.a.raw] + ', expected ' + t.expected));\n"
	"\tif (t.attempts.length > 1) o.appendChild(el('div', 'when', t.attempts.length + ' attempts'));\n"
	"\tr.appendChild(o);\n"
	"\tr.appendChild(el('td', 'num', a.ran ? secs(a.wall) : '\\u2013'));\n"
	"\tconst c = el('td', 'num', (a.ran ? secs(a.cpu) : '\\u2013') + (t.lim.cpu ? ' / ' + secs(t.lim.cpu) : ''));\n"
	"\tif (a.ran && t.lim.cpu) c.appendChild(meter(a.cpu, t.lim.cpu));\n"
	"\tr.appendChild(c);\n"
	"\tconst m = el('td', 'num', bytes(a.mem) + (t.lim.mem ? ' / ' + bytes(t.lim.mem) : ''));\n"
	"\tif (t.lim.mem && a.mem !== null && a.mem !== undefined) m.appendChild(meter(a.mem, t.lim.mem));\n"
	"\tr.appendChild(m);\n"
	"\tr.appendChild(el('td', 'msg', t.kind === 'pass' ? '' : t.msg));\n"
	"\tbody.appendChild(r);\n"
	"\trows.push(r);\n"
	"});\n"
	"/* ---- failures: every test that did not simply pass ---- */\n"
	"const fl = $('failures');\n"
	"const cards = [];\n"
	"function output(parent, name, text) {\n"
	"\tif (!text) return;\n"
	"\tconst d = el('details');\n"
	"\tconst lines = text.split('\\n').length;\n"
	"\td.appendChild(el('summary', null, name + ' (' + lines + (lines === 1 ? ' line)' : ' lines)')));\n"
	"\td.appendChild(el('pre', null, text));\n"
	"\tif (text.length < 4000) d.open = true;\n"
	"\tparent.appendChild(d);\n"
	"}\n"
	"function attemptBody(card, t, a, n) {\n"
	"\tif (t.attempts.length > 1) {\n"
	"\t\tconst h = el('div', 'when', 'attempt ' + (n + 1) + ' of ' + t.attempts.length + ': ');\n"
	"\t\th.appendChild(badge(a.v));\n"
	"\t\tcard.appendChild(h);\n"
	"\t}\n"
	"\tif (a.msg) card.appendChild(el('div', 'm', a.msg));\n"
	"\tif (a.asserts.length) {\n"
	"\t\tconst ul = el('ul', 'asserts');\n"
	"\t\ta.asserts.forEach((f) => ul.appendChild(el('li', null, f.file + ':' + f.line + ': ' + f.cond)));\n"
	"\t\tif (a.more) ul.appendChild(el('li', null, '(' + a.more + ' more failed assertions not recorded)'));\n"
	"\t\tcard.appendChild(ul);\n"
	"\t}\n"
	"\toutput(card, 'stdout', a.out);\n"
	"\toutput(card, 'stderr', a.err);\n"
	"}\n"
	"tests.forEach((t) => {\n"
	"\tif (t.kind === 'pass') return;\n"
	"\tconst card = el('div', 'card o-' + t.kind);\n"
	"\tcard.dataset.outcome = t.kind;\n"
	"\tcard.dataset.id = t.id;\n"
	"\tcard.id = 'failure-' + t.i;\n"
	"\tconst h = el('h3');\n"
	"\th.appendChild(badge(t.kind));\n"
	"\th.appendChild(el('code', null, t.id));\n"
	"\tif (t.a) h.appendChild(el('span', 'when', secs(t.a.wall) + (t.file ? ' \\u00b7 ' + t.file + (t.line ? ':' + t.line : '') : '')));\n"
	"\tcard.appendChild(h);\n"
	"\tif (!t.attempts.length) card.appendChild(el('div', 'm', t.msg));\n"
	"\tt.attempts.forEach((a, n) => attemptBody(card, t, a, n));\n"
	"\tfl.appendChild(card);\n"
	"\tcards.push(card);\n"
	"});\n"
	"$('f-note').textContent = cards.length ? cards.length + ' of ' + tests.length : 'none';\n"
	"if (!cards.length) fl.appendChild(el('p', 'empty', 'Every test passed.'));\n"
	"/* ---- filters ---- */\n"
	"const state = { on: new Set(), q: '' };\n"
	"function readHash() {\n"
	"\tstate.on = new Set();\n"
	"\tstate.q = '';\n"
	"\tlocation.hash.replace(/^#/, '').split('&').forEach((kv) => {\n"
	"\t\tconst i = kv.indexOf('=');\n"
	"\t\tif (i < 0) return;\n"
	"\t\tconst k = kv.slice(0, i);\n"
	"\t\tlet val = '';\n"
	"\t\ttry { val = decodeURIComponent(kv.slice(i + 1)); } catch (e) { return; }\n"
	"\t\tif (k === 'filter') val.split(',').forEach((o) => { if (KINDS.includes(o)) state.on.add(o); });\n"
	"\t\tif (k === 'q') state.q = val;\n"
	"\t});\n"
	"}\n"
	"function writeHash() {\n"
	"\tconst parts = [];\n"
	"\tif (state.on.size) parts.push('filter=' + [...state.on].join(','));\n"
	"\tif (state.q) parts.push('q=' + encodeURIComponent(state.q));\n"
	"\thistory.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search);\n"
	"}\n"
	"function shows(kind, id) {\n"
	"\treturn (!state.on.size || state.on.has(kind)) &&\n"
	"\t\t(!state.q || id.toLowerCase().includes(state.q.toLowerCase()));\n"
	"}\n"
	"function apply() {\n"
	"\tlet n = 0;\n"
	"\trows.forEach((r) => {\n"
	"\t\tr.hidden = !shows(r.dataset.outcome, r.dataset.id);\n"
	"\t\tif (!r.hidden) n++;\n"
	"\t});\n"
	"\tcards.forEach((c) => { c.hidden = !shows(c.dataset.outcome, c.dataset.id); });\n"
	"\tbars.forEach((b) => b.classList.toggle('off', !shows(b.dataset.outcome, b.dataset.id)));\n"
	"\tchips.querySelectorAll('.chip').forEach((c) => {\n"
	"\t\tconst o = c.dataset.outcome;\n"
	"\t\tconst on = o === 'all' ? !state.on.size : state.on.has(o);\n"
	"\t\tc.classList.toggle('on', on);\n"
	"\t\tc.setAttribute('aria-pressed', on ? 'true' : 'false');\n"
	"\t});\n"
	"\tif ($('q').value !== state.q) $('q').value = state.q;\n"
	"\tconst s = $('shown');\n"
	"\ts.dataset.visible = String(n);\n"
	"\ts.textContent = n === rows.length ? rows.length + ' tests' : n + ' of ' + rows.length + ' tests shown';\n"
	"}\n"
	"chips.addEventListener('click', (ev) => {\n"
	"\tconst c = ev.target.closest('.chip');\n"
	"\tif (!c) return;\n"
	"\tconst o = c.dataset.outcome;\n"
	"\tif (o === 'all') state.on.clear();\n"
	"\telse if (state.on.has(o)) state.on.delete(o);\n"
	"\telse state.on.add(o);\n"
	"\twriteHash();\n"
	"\tapply();\n"
	"});\n"
	"$('q').addEventListener('input', (ev) => { state.q = ev.target.value; writeHash(); apply(); });\n"
	"window.addEventListener('hashchange', () => { readHash(); apply(); });\n"
	"function jump(t) {\n"
	"\tconst target = $('failure-' + t.i) || $('test-' + t.i);\n"
	"\tif (target.hidden) { state.on.clear(); state.q = ''; writeHash(); apply(); }\n"
	"\ttarget.scrollIntoView({ behavior: 'smooth', block: 'center' });\n"
	"\tconst r = $('test-' + t.i);\n"
	"\tr.classList.add('hl');\n"
	"\tsetTimeout(() => r.classList.remove('hl'), 1500);\n"
	"}\n"
	"readHash();\n"
	"apply();\n"
	"document.body.dataset.ready = '1';\n"
	"})();\n"
	"</script>\n</body>\n</html>\n";

static int write_page(FILE *f, void *user)
{
	const struct pyn__report *r = user;

	errno = 0;
	fputs(page_head, f);
	data_json(f, r);
	fputs(page_tail, f);
	if (ferror(f))
		return errno ? errno : EIO;
	return 0;
}

int pyn__html_write_stream(const struct pyn__report *r, FILE *f,
			   struct pyn_error *err)
{
	int e = write_page(f, (void *)r);

	if (e || fflush(f))
		return pyn__report_error(err, PYN_EIO,
					 "cannot write HTML report: %s",
					 strerror(e ? e : errno));
	return 0;
}

int pyn__html_write(const struct pyn__report *r, const char *path,
		    struct pyn_error *err)
{
	return pyn__report_write_atomic(path, "HTML report", write_page,
					(void *)r, err);
}
