#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check config/schema/pyntest-manifest.schema.json against the repository.

Every manifest the project ships (examples/**/*.yaml, tests/suites/**/*.yaml
outside tests/suites/bad/) must validate; every tests/suites/bad/ fixture
whose mistake a schema can see must be rejected; and the time and memory
values of tests/unit/units-grammar.txt get the grammar's answers (the
range errors - below 1 ms, too large, a fraction of a byte - are beyond a
pattern and accepted).  Fixtures whose mistake
needs the file system or the whole manifest (missing library or symbol,
duplicate ids, ...) are listed in NOT_SCHEMA_CHECKABLE below with why.

Usage: check_schema.py SOURCE_DIR
Exit 0 all good, 1 a check failed (or python3-jsonschema or python3-yaml,
which .ci/deps installs, is missing).
"""
import glob
import json
import os
import re
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:
    print(f"FAIL {e.name} missing: apt-get install python3-jsonschema python3-yaml"
          " (.ci/deps installs them)")
    sys.exit(1)

# Mistakes only pyntest itself can see: the fixture's first line (a
# comment) or its expected message says which kind it is.
NOT_SCHEMA_CHECKABLE = re.compile(
    r"duplicate (test id|suite name|key)|not found|cannot (load|open|find|use)|"
    r"no such|not an ELF|is data, not a function|limiter '|"
    r"too large|not a whole number|below the 1 ms resolution|is a directory|control character",
    re.I)


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return text, yaml.safe_load(text)


def node_at(root, path):
    """The YAML node at a JSON Schema error path, or None."""
    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and part < len(node.value):
            node = node.value[part]
        else:
            return None
        if node is None:
            return None
    return node


def error_lines(text, errors):
    """1-based line spans of the nodes every error (and sub-error) is about."""
    root = yaml.compose(text)
    spans = []
    stack = list(errors)
    while stack:
        e = stack.pop()
        stack.extend(e.context or [])
        n = node_at(root, list(e.absolute_path)) if root is not None else None
        if n is not None:
            spans.append((n.start_mark.line + 1, n.end_mark.line + 1))
        else:
            spans.append((1, 1))
    return spans


def describe(err):
    err = jsonschema.exceptions.best_match([err]) if not err.context else min(err.context, key=lambda e: -len(list(e.absolute_path)))
    where = "/".join(str(p) for p in err.absolute_path) or "(top)"
    return f"{where}: {err.message[:200]}"


# The classes of units-grammar.txt a pattern cannot see.
RANGE = {"resolution", "large", "whole"}


def check_units(src, validator):
    """The schema agrees with the unit grammar, line by line."""
    path = os.path.join(src, "tests/unit/units-grammar.txt")
    failed = rows = 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            kind, text, expect = line.rstrip("\n").split("\t")
            value = json.loads(text)
            key = "memory" if kind == "memory" else "wall_time"
            doc = {"defaults": {key: value}, "suites": []}
            ok = not list(validator.iter_errors(doc))
            want = not expect.startswith("error ") or expect[6:] in RANGE
            rows += 1
            if ok != want:
                failed += 1
                print(f"FAIL units-grammar.txt:{n}: {kind} {text}: schema "
                      f"{'accepts' if ok else 'refuses'} it, grammar: {expect}")
    print(f"ok   units-grammar.txt: {rows} values, the schema agrees"
          if not failed else f"FAIL units-grammar.txt: {failed} disagreements")
    return failed + (rows < 100)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "."
    with open(os.path.join(src, "config/schema/pyntest-manifest.schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    failed = 0

    good = sorted(set(
        glob.glob(os.path.join(src, "examples/**/*.yaml"), recursive=True) +
        glob.glob(os.path.join(src, "tests/suites/**/*.yaml"), recursive=True)))
    bad_dir = os.path.join(src, "tests/suites/bad") + os.sep
    good = [p for p in good if not p.startswith(bad_dir)]
    # The schema's own cases: every value form, and a mistake of each kind.
    own = os.path.join(src, "tests/install/manifests")
    good += sorted(glob.glob(os.path.join(own, "good/*.yaml")))
    for path in good:
        rel = os.path.relpath(path, src)
        _, doc = load(path)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            failed += 1
            print(f"FAIL {rel}: valid manifest rejected by the schema")
            for e in errors[:5]:
                print(f"     {describe(e)}")
        else:
            print(f"ok   {rel}: valid")

    caught = skipped = 0
    for path in sorted(glob.glob(bad_dir + "**/*.yaml", recursive=True)):
        rel = os.path.relpath(path, src)
        text = None
        try:
            text, doc = load(path)
        except yaml.YAMLError as e:
            # A YAML editor flags this before the schema is even consulted.
            print(f"ok   {rel}: not YAML ({str(e).splitlines()[0]})")
            caught += 1
            continue
        hint = " ".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
        expected = os.path.splitext(path)[0]
        for ext in (".expect", ".expected", ".err", ".stderr"):
            if os.path.exists(expected + ext):
                with open(expected + ext, encoding="utf-8") as f:
                    hint += " " + f.read()
        errors = list(validator.iter_errors(doc))
        # FILE:LINE:COLUMN of pyntest's own message: the schema must object
        # to a node that covers that line, not to something else.
        m = re.search(r":(\d+):\d+: error:", hint)
        line = int(m.group(1)) if m else None
        spans = error_lines(text, errors) if errors and line else []
        if errors and line and not any(a <= line <= b for a, b in spans):
            failed += 1
            print(f"FAIL {rel}: rejected, but not at line {line} (errors at lines {sorted(set(spans))})")
        elif errors:
            print(f"ok   {rel}: rejected ({describe(errors[0])})")
            caught += 1
        elif NOT_SCHEMA_CHECKABLE.search(hint):
            print(f"ok   {rel}: accepted; a schema cannot see this mistake")
            skipped += 1
        else:
            failed += 1
            print(f"FAIL {rel}: bad manifest accepted by the schema"
                  f" (if no schema can catch it, say why in its first comment)")
    # Each of these names where the schema must object, at that node or
    # inside it (so a case cannot pass by being rejected for some other,
    # accidental reason).
    for path in sorted(glob.glob(os.path.join(own, "bad/*.yaml"))):
        rel = os.path.relpath(path, src)
        text, doc = load(path)
        m = re.search(r"^# schema-error-at: (\S+)", text, re.M)
        want = m.group(1) if m else None
        errors = list(validator.iter_errors(doc))
        seen = set()
        stack = list(errors)
        while stack:
            e = stack.pop()
            seen.add("/" + "/".join(str(p) for p in e.absolute_path))
            stack.extend(e.context or [])
        if not errors:
            failed += 1
            print(f"FAIL {rel}: bad manifest accepted by the schema")
        elif want is None or not any(p == want or p.startswith(want.rstrip("/") + "/")
                                     for p in seen):
            failed += 1
            print(f"FAIL {rel}: rejected, but not at {want} (errors at {sorted(seen)})")
        else:
            print(f"ok   {rel}: rejected at {want} ({describe(errors[0])})")
            caught += 1
    failed += check_units(src, validator)
    print(f"{len(good)} valid manifests checked, {caught} bad fixtures rejected,"
          f" {skipped} beyond a schema, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
