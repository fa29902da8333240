"""A fake server in a process of its own (benchmarks): the fake does not share the measured process's
interpreter (its GIL, its CPU accounting), as a real receiver or site would not. Its address goes on
the outbound guard's allow-list in THIS process while it runs.

    FakeProcess(make, args, report).start()    make(*args) -> a started FakeAPI (module-level: it is
                                               pickled to the child); report(fake) -> what `report()` returns
    .url                                       the fake's base URL
    .report()                                  once, at the end: report(fake), then the child stops
    .stop()
"""
from __future__ import annotations

from typing import Callable


def _serve_in_child(conn, make: Callable, args: tuple, report: Callable) -> None:
    fake = make(*args)
    conn.send(fake.url)
    conn.recv()  # "report": then stop
    conn.send(report(fake))
    fake.stop()


class FakeProcess:
    def __init__(self, make: Callable, args: tuple, report: Callable, *, start_seconds: float = 60):
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_in_child, args=(child, make, args, report), daemon=True)
        self._start_seconds = start_seconds
        self.url = ""

    def start(self):
        from tests.support.fake_api import allow_outbound

        self._process.start()
        if not self._conn.poll(self._start_seconds):
            self._process.kill()
            raise RuntimeError("the fake's process did not start")
        self.url = self._conn.recv()
        allow_outbound(self.url)
        return self

    def report(self):
        self._conn.send("report")
        return self._conn.recv()

    def stop(self) -> None:
        from tests.support.fake_api import forbid_outbound

        if self.url:
            forbid_outbound(self.url)
            self.url = ""
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
