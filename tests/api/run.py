#!/usr/bin/env python3
"""run.py - run every tests/api/test_*.py; the last line is "api: N passed, N failed".

N passed counts tests that ran and neither failed, erred nor were skipped; N failed
counts failures and errors (including errors in setUpClass/tearDownClass).
Exits 0 only when nothing failed. Extra arguments are test-name patterns (-k).
"""
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    sys.path.insert(0, HERE)
    from harness import BIN
    if not (os.path.isfile(BIN) and os.access(BIN, os.X_OK)):
        print("no gongzhi binary at %s (build it with make, or set GONGZHI_BIN)" % BIN)
        print("api: 0 passed, 1 failed")
        return 1
    loader = unittest.TestLoader()
    if argv:
        loader.testNamePatterns = ["*%s*" % a if "*" not in a else a for a in argv]
    suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    t0 = time.monotonic()
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=1).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - len(result.failures) - len(result.errors) - len(result.skipped) \
        - len(result.unexpectedSuccesses)
    sys.stdout.flush()
    print("api suite took %.1f s" % (time.monotonic() - t0))
    print("api: %d passed, %d failed" % (max(passed, 0), failed))
    sys.stdout.flush()
    return 1 if failed or not result.wasSuccessful() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
