#!/usr/bin/python3
"""Runs the stock-client suites (test_*.py beside this file) with unittest and writes
{"passed", "failed", "skipped"} to the JSON file named by the first argument.
Run with Debian's /usr/bin/python3: the OpenStack client packages are installed for it."""
import json
import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py", top_level_dir=here)
result = unittest.TextTestRunner(verbosity=2).run(suite)
failed = len(result.failures) + len(result.errors) + len(getattr(result, "unexpectedSuccesses", []))
skipped = len(result.skipped)
passed = result.testsRun - failed - skipped
if len(sys.argv) > 1:
    with open(sys.argv[1], "w") as f:
        json.dump({"passed": passed, "failed": failed, "skipped": skipped}, f)
sys.exit(0 if failed == 0 else 1)
