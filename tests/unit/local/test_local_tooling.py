"""The local tooling behind `make run` and the test fixtures, exercised for real:
DynamoDB Local (the jar from `make ddb-jar`), the local API server launcher with its 404 patch,
and the local job runner."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request

import boto3
import pytest
from chalice import Chalice
from chalice.config import Config
from chalice.local import create_local_server
from chalice.test import Client

from chalicelib.core.jobs import JOBS, Job
from chalicelib.core.stage_env import PROJECT_DIR
from chalicelib.local import dynamodb_local, job_runner
from chalicelib.local.server import NOT_FOUND_BODY, install_not_found_gateway


def _dynamodb(endpoint: str):
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-central-1",
                        aws_access_key_id="local", aws_secret_access_key="local")


def _wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


# ------------------------------------------------------------------ DynamoDB Local

@pytest.mark.timeout(90)
def test_dynamodb_local_starts_on_a_free_port_answers_and_stops():
    with dynamodb_local.start() as ddb:
        assert ddb.endpoint == f"http://127.0.0.1:{ddb.port}"
        assert ddb.running
        assert _dynamodb(ddb.endpoint).list_tables()["TableNames"] == []
    assert not ddb.running
    assert not dynamodb_local.port_in_use(ddb.port)
    ddb.stop()  # a second stop is harmless


@pytest.mark.timeout(120)
def test_dynamodb_local_on_disk_keeps_tables_across_restarts(tmp_path):
    data_dir = tmp_path / "ddb"
    with dynamodb_local.start(in_memory=False, data_dir=data_dir) as ddb:
        _dynamodb(ddb.endpoint).create_table(
            TableName="kept", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    assert any(data_dir.iterdir())
    with dynamodb_local.start(in_memory=False, data_dir=data_dir) as ddb:
        assert _dynamodb(ddb.endpoint).list_tables()["TableNames"] == ["kept"]


def test_dynamodb_local_refuses_a_taken_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(dynamodb_local.DynamoDBLocalError, match=f"port {port}.*in use"):
            dynamodb_local.start(port=port)


def test_old_java_is_refused_with_install_advice(tmp_path, monkeypatch):
    fake_home = tmp_path / "jdk8"
    (fake_home / "bin").mkdir(parents=True)
    java = fake_home / "bin" / "java"
    java.write_text('#!/bin/sh\necho \'java version "1.8.0_392"\' >&2\n')
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(fake_home))
    assert dynamodb_local.java_major_version(str(java)) == 8
    with pytest.raises(dynamodb_local.DynamoDBLocalError, match="openjdk-17-jre-headless"):
        dynamodb_local.check_java()


def test_installed_java_is_new_enough():
    assert dynamodb_local.java_major_version(dynamodb_local.check_java()) >= 17


# ------------------------------------------------------------------ unknown routes -> 404

def _tiny_app() -> Chalice:
    app = Chalice(app_name="tiny")

    @app.route("/hello")
    def hello():
        return {"hello": "world"}

    return app


def test_unknown_route_is_our_404_in_the_test_client(tmp_path):
    install_not_found_gateway()
    install_not_found_gateway()  # idempotent: the second call must not wrap again
    from chalice.local import LocalGateway
    assert not hasattr(LocalGateway.handle_request.__wrapped__, "_greenlight_not_found")

    # A project dir without .chalice/: the client then adds no stage config.
    with Client(_tiny_app(), project_dir=str(tmp_path)) as client:
        response = client.http.get("/nope")
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/json"
        assert json.loads(response.body) == NOT_FOUND_BODY
        assert client.http.get("/hello").json_body == {"hello": "world"}
        # A known path with another method is still the app's own 405.
        assert client.http.post("/hello").status_code == 405


def test_unknown_route_is_our_404_over_http():
    install_not_found_gateway()
    server = create_local_server(_tiny_app(), Config.create(), "127.0.0.1", 0)
    port = server.server.server_address[1]
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nope", timeout=10)
        assert err.value.code == 404
        assert err.value.headers.get_all("Content-Type") == ["application/json"]
        assert json.loads(err.value.read()) == NOT_FOUND_BODY
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello", timeout=10) as ok:
            assert json.loads(ok.read()) == {"hello": "world"}
    finally:
        server.server.shutdown()
        server.server.server_close()


# ------------------------------------------------------------------ the server launcher

@pytest.mark.timeout(60)
def test_server_launcher_lets_the_shell_win_over_the_stage(tmp_path):
    """`python -m chalicelib.local.server` on a throwaway project: a variable set in the shell
    beats the stage's value, the stage still fills what the shell left unset, and unknown routes
    get our 404."""
    (tmp_path / ".chalice").mkdir()
    (tmp_path / ".chalice" / "config.json").write_text(json.dumps({
        "version": "2.0", "app_name": "probe",
        "stages": {"local": {"environment_variables": {
            "PROBE_SHELL_WINS": "from-stage", "PROBE_STAGE_ONLY": "from-stage"}}},
    }))
    (tmp_path / "app.py").write_text(textwrap.dedent("""
        import os
        from chalice import Chalice
        app = Chalice(app_name="probe")

        @app.route("/env")
        def env():
            return {k: os.environ.get(k) for k in ("PROBE_SHELL_WINS", "PROBE_STAGE_ONLY")}
    """))
    env = dict(os.environ, PROBE_SHELL_WINS="from-shell", PYTHONUNBUFFERED="1")
    env.pop("PROBE_STAGE_ONLY", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "chalicelib.local.server", "--port", "0", "--stage", "local",
         "--project-dir", str(tmp_path)],
        cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first_line = proc.stdout.readline()
        assert first_line.startswith("Greenlight API listening on http://127.0.0.1:"), (
            first_line + proc.stdout.read() if proc.poll() is not None else first_line)
        base = first_line.split()[-1]
        with urllib.request.urlopen(f"{base}/env", timeout=10) as response:
            assert json.loads(response.read()) == {
                "PROBE_SHELL_WINS": "from-shell", "PROBE_STAGE_ONLY": "from-stage"}
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{base}/missing", timeout=10)
        assert err.value.code == 404
        assert json.loads(err.value.read()) == NOT_FOUND_BODY
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


# ------------------------------------------------------------------ the job runner

RUNS: list[str] = []


def record_run() -> dict:
    RUNS.append("ran")
    return {"runs": len(RUNS)}


def always_fail() -> dict:
    raise RuntimeError("this job always fails")


@pytest.fixture
def test_jobs():
    """Register jobs for one test; JOBS is left as it was found."""
    before = dict(JOBS)
    RUNS.clear()

    def register(name: str, func, every_minutes: int = 1) -> Job:
        job = Job(name=name, every_minutes=every_minutes, description="test job", handler=func)
        JOBS[name] = job
        return job

    yield register
    JOBS.clear()
    JOBS.update(before)
    RUNS.clear()


def _run_loop_in_thread(**kwargs):
    stop = threading.Event()
    thread = threading.Thread(target=job_runner.run_loop, args=(stop,), kwargs=kwargs, daemon=True)
    thread.start()
    return stop, thread


def test_job_runner_fires_a_registered_job_and_survives_a_failing_one(test_jobs, capsys):
    # only these two: the app's real jobs would run over the whole session's data first (seconds)
    jobs = {job.name: job for job in (test_jobs("test-always-fails", always_fail),
                                      test_jobs("test-record-run", record_run))}
    stop, thread = _run_loop_in_thread(tick=0.02, now=True, jobs=jobs)
    try:
        assert _wait_until(lambda: len(RUNS) >= 1)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(RUNS) == 1  # every_minutes=1: once now, not again within the test
    assert "[job] test-record-run" in capsys.readouterr().out


def test_job_runner_waits_one_interval_before_the_first_run(test_jobs):
    job = test_jobs("test-record-run", record_run, every_minutes=5)
    now = [1000.0]
    stop, thread = _run_loop_in_thread(tick=0.01, clock=lambda: now[0], jobs={job.name: job})
    try:
        time.sleep(0.2)
        assert RUNS == []
        now[0] += 5 * 60 - 1
        time.sleep(0.2)
        assert RUNS == []
        now[0] += 1
        assert _wait_until(lambda: len(RUNS) == 1)
        now[0] += 5 * 60
        assert _wait_until(lambda: len(RUNS) == 2)
    finally:
        stop.set()
        thread.join(timeout=5)


@pytest.mark.timeout(60)
def test_job_runner_process_stops_cleanly_on_sigterm():
    proc = subprocess.Popen(
        [sys.executable, "-m", "chalicelib.local.job_runner", "--tick", "0.1"],
        cwd=PROJECT_DIR, env=dict(os.environ, PYTHONUNBUFFERED="1"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        while not any(line.startswith("Job runner started") for line in lines):
            line = proc.stdout.readline()
            assert line, "job runner exited early:\n" + "".join(lines)
            lines.append(line)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert "Job runner stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
