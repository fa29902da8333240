"""`make run`: the whole app on this machine, stopped as one with Ctrl-C.

DynamoDB Local (persisted in .data/dynamodb/) -> create-tables -> seed-demo -> API server
(chalicelib.local.server) + job runner (chalicelib.local.job_runner), all on loopback.
Ports from env: PORT (API, 8000), DDB_PORT (DynamoDB Local, 8001).

Every child runs in its own process group, so a terminal Ctrl-C reaches only this process,
which then stops the children in order; if any child dies on its own, everything stops and
the exit code is non-zero.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from chalicelib.core.stage_env import PROJECT_DIR, apply_stage_environment
from chalicelib.local import dynamodb_local


class Shutdown(Exception):
    """Raised by the SIGINT/SIGTERM handler to unwind to the cleanup."""


def _on_signal(signum, _frame):
    raise Shutdown(signal.Signals(signum).name)


def _port_taken(port: int, what: str, variable: str) -> None:
    print(f"error: port {port} ({what}) is already in use on 127.0.0.1 — another `make run`, or a "
          f"leftover process? Stop it (e.g. `ss -ltnp 'sport = :{port}'` shows who), or pick "
          f"another port: make run {variable}=<port>", file=sys.stderr)
    sys.exit(1)


def _run_step(*args: str) -> None:
    """A one-shot `python -m chalicelib.cli ...` step; its output goes straight to the terminal."""
    cmd = [sys.executable, "-m", "chalicelib.cli", *args]
    print(f"$ python {' '.join(cmd[1:])}", flush=True)
    result = subprocess.run(cmd, stdin=subprocess.DEVNULL, start_new_session=True,
                            preexec_fn=dynamodb_local.child_preexec())
    if result.returncode != 0:
        raise SystemExit(f"error: `{' '.join(cmd[1:])}` failed with exit code {result.returncode}")


def _spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", *args], stdin=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=dynamodb_local.child_preexec())


def _stop_child(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM the child's whole process group, SIGKILL it if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)  # pgid == pid: the child leads its own session
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=timeout)
            # The leader is gone; reap any straggler it left in its group.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_listening(proc: subprocess.Popen, port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"error: the API server exited with code {proc.returncode} during start")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"error: the API server did not listen on port {port} within {timeout:.0f}s")


def main() -> int:
    os.chdir(PROJECT_DIR)  # the stage config's relative paths (.data/...) are the project's
    port = int(os.environ.get("PORT") or 8000)
    ddb_port = int(os.environ.get("DDB_PORT") or 8001)
    # Shell values win; otherwise follow the ports chosen here, then the stage config.
    os.environ.setdefault("DYNAMODB_ENDPOINT", f"http://127.0.0.1:{ddb_port}")
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    apply_stage_environment("local")
    os.environ["PYTHONUNBUFFERED"] = "1"  # children's output shows up as it happens
    webhook_port = int(os.environ.setdefault("WEBHOOK_PORT", "8002"))
    # the outbound guard reaches no private address but those listed: here, the demo webhook receiver
    os.environ.setdefault("OUTBOUND_ALLOW_PRIVATE", f"127.0.0.1:{webhook_port}")
    # The demo webhook channel signs with this (its credentials_ref is env:GL_BRAND_DEMO_WEBHOOK_SECRET); the
    # local receiver checks the signature with the same value. Local only, like the signing key.
    os.environ.setdefault("GL_BRAND_DEMO_WEBHOOK_SECRET", "local-demo-webhook-secret")
    os.environ.setdefault("WEBHOOK_SECRET", os.environ["GL_BRAND_DEMO_WEBHOOK_SECRET"])

    if dynamodb_local.port_in_use(ddb_port):
        _port_taken(ddb_port, "DynamoDB Local", "DDB_PORT")
    if dynamodb_local.port_in_use(port):
        _port_taken(port, "API", "PORT")
    if dynamodb_local.port_in_use(webhook_port):
        _port_taken(webhook_port, "demo webhook receiver", "WEBHOOK_PORT")

    ddb = None
    children: dict[str, subprocess.Popen] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _on_signal)
    try:
        data_dir = PROJECT_DIR / ".data" / "dynamodb"
        print(f"Starting DynamoDB Local on port {ddb_port} (data in {data_dir}) ...", flush=True)
        ddb = dynamodb_local.start(port=ddb_port, in_memory=False, data_dir=data_dir)
        _run_step("create-tables")
        _run_step("seed-demo")

        children["API server"] = _spawn("chalicelib.local.server", "--host", "127.0.0.1",
                                        "--port", str(port), "--stage", "local")
        children["job runner"] = _spawn("chalicelib.local.job_runner")
        children["webhook receiver"] = _spawn("chalicelib.local.webhook_receiver", "--port", str(webhook_port))
        _wait_listening(children["API server"], port)

        outbox = Path(os.environ.get("OUTBOX_DIR", ".data/outbox")).resolve()
        outbox.mkdir(parents=True, exist_ok=True)
        print(
            "\n" + "=" * 72 +
            f"\n  Greenlight is running: http://127.0.0.1:{port}/"
            f"\n  DynamoDB Local:        {ddb.endpoint}"
            f"\n  Sign in with one of the demo emails above; the sign-in mail lands in {outbox}"
            f"\n  (one .eml per message; open it and follow the link)."
            f"\n  Try the approval loop: sign in as copywriter@demo.greenlight.example.com, open the"
            f"\n  draft post and submit it; the approval request for the content manager lands in the"
            f"\n  same folder — its Approve link works without signing in."
            f"\n  Publishing: a demo post goes out to the demo webhook channel at the time printed"
            f"\n  above; see what the receiver got at http://127.0.0.1:{webhook_port}/ (the post page"
            f"\n  shows it as published, with each attempt)."
            f"\n  Ctrl-C stops everything.\n" + "=" * 72 + "\n", flush=True)

        while True:  # watch: any child (or DynamoDB Local) dying on its own ends the run
            for name, proc in children.items():
                if proc.poll() is not None:
                    print(f"error: the {name} exited unexpectedly (code {proc.returncode}); "
                          "stopping everything.", file=sys.stderr, flush=True)
                    return 1
            if not ddb.running:
                print(f"error: DynamoDB Local exited unexpectedly:\n{ddb.output()[-2000:]}",
                      file=sys.stderr, flush=True)
                return 1
            time.sleep(0.5)
    except Shutdown as why:
        print(f"\n{why}: stopping ...", flush=True)
        return 0
    except (SystemExit, dynamodb_local.DynamoDBLocalError) as exc:
        print(exc, file=sys.stderr, flush=True)
        return 1
    finally:
        # No second signal may interrupt the cleanup; each step below is bounded in time.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        for proc in children.values():
            _stop_child(proc)
        if ddb is not None:
            ddb.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
