# SPDX-License-Identifier: MIT
"""tests/robust/rb.py - what the robustness scripts share beyond
tests/e2e/pyn_e2e.py (imported from there)."""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get(
    "PYN_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))), "tests", "e2e"))

import pyn_e2e  # noqa: E402,F401

HERE = os.path.dirname(os.path.abspath(__file__))


def manifest(name):
    return os.path.join(HERE, name)


def read_pids(path):
    try:
        with open(path) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []
