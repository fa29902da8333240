"""`python -m tests.support.clocked <module> [args…]`: run a module (`chalice local`, a job) as
`python -m <module>` would, on the test run's clock (tests/support/test_clock.py)."""
from __future__ import annotations

import runpy
import sys

from tests.support import test_clock

if __name__ == "__main__":
    test_clock.pin()
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
