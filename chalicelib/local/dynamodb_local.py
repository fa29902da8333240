"""Start and stop DynamoDB Local (the official AWS jar) for `make run` and the tests.

`make ddb-jar` puts the jar in `.cache/dynamodb-local/` (from the npm package
amplify-dynamodb-simulator); Java 17 or newer runs it. Standard library only.

    with start() as ddb:                  # in memory, free port
        boto3.client("dynamodb", endpoint_url=ddb.endpoint, ...)

    ddb = start(port=8001, in_memory=False, data_dir=".data/dynamodb")
    ...
    ddb.stop()
"""
from __future__ import annotations

import atexit
import ctypes
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from chalicelib.core.stage_env import PROJECT_DIR

HOST = "127.0.0.1"
JAR_NAME = "DynamoDBLocal.jar"
MIN_JAVA = 17
JAVA_INSTALL_HINT = (
    "Install Java 17 or newer, e.g. on Debian/Ubuntu: "
    "sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless "
    "(`make java-check` does this when run as root)."
)


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local cannot be found, started or reached."""


def jar_dir() -> Path:
    """Folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/ (env DYNAMODB_LOCAL_DIR overrides)."""
    return Path(os.environ.get("DYNAMODB_LOCAL_DIR") or PROJECT_DIR / ".cache" / "dynamodb-local")


def find_jar() -> Path:
    jar = jar_dir() / JAR_NAME
    if not jar.is_file():
        raise DynamoDBLocalError(f"{jar} not found: run `make ddb-jar` (or `make setup`) first.")
    return jar


def find_java() -> str:
    """The java binary: $JAVA_HOME/bin/java if set, else `java` on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise DynamoDBLocalError(f"java not found on PATH. {JAVA_INSTALL_HINT}")
    return java


def java_major_version(java: str) -> int:
    """17 for `openjdk version "17.0.15"`, 8 for `java version "1.8.0_392"`."""
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise DynamoDBLocalError(f"cannot read the version of {java}: {out.stderr.strip()!r}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def check_java() -> str:
    """Return a java binary new enough for DynamoDB Local, or raise with install advice."""
    java = find_java()
    major = java_major_version(java)
    if major < MIN_JAVA:
        raise DynamoDBLocalError(f"{java} is Java {major}; DynamoDB Local needs {MIN_JAVA}+. {JAVA_INSTALL_HINT}")
    return java


def free_port() -> int:
    """A loopback port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_in_use(port: int, host: str = HOST) -> bool:
    """True if something already listens on host:port (or the port cannot be bound)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        if sock.connect_ex((host, port)) == 0:
            return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Like the servers we start: SO_REUSEADDR, so old TIME_WAIT connections don't count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


try:  # resolved here, in the parent: a forked child should not have to dlopen anything
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux: no safety net, stop() still works
    _prctl = None
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """preexec_fn: have Linux send SIGTERM to the child when the process that started it dies.

    A safety net for a parent killed hard (SIGKILL, os._exit) before it could call stop().
    Linux ties this to the *thread* that forked, so only use it from the main thread.
    """
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def child_preexec():
    """The preexec_fn to use for long-lived children, or None off the main thread."""
    on_main_thread = threading.current_thread() is threading.main_thread()
    return die_with_parent if _prctl is not None and on_main_thread else None


def _http_answers(port: int) -> bool:
    """Any HTTP response (DynamoDB answers a bare POST with 400) means the server is up."""
    conn = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        conn.request("POST", "/", body=b"{}", headers={"Content-Type": "application/x-amz-json-1.0"})
        conn.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


class DynamoDBLocal:
    """A running DynamoDB Local process. Use stop() or `with` to end it."""

    def __init__(self, process: subprocess.Popen, port: int, log_file) -> None:
        self.process = process
        self.port = port
        self.endpoint = f"http://{HOST}:{port}"
        self._log_file = log_file
        atexit.register(self.stop)

    def output(self) -> str:
        """Everything the process printed so far."""
        if self._log_file.closed:
            return ""
        # pread: the child shares the file offset, so seek()ing here would move where it writes.
        fd = self._log_file.fileno()
        return os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", "replace")

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate, wait, kill if it does not go; safe to call twice."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self._log_file.closed:
            self._log_file.close()
        atexit.unregister(self.stop)

    def __enter__(self) -> "DynamoDBLocal":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<DynamoDBLocal {self.endpoint} pid={self.process.pid} running={self.running}>"


def start(
    port: int | None = None,
    in_memory: bool = True,
    data_dir: str | os.PathLike | None = None,
    timeout: float = 30.0,
) -> DynamoDBLocal:
    """Start DynamoDB Local and return once it answers HTTP.

    port: None picks a free one. in_memory=False keeps tables in data_dir (created if missing;
    default `.data/dynamodb/`). The process gets its own session, so a Ctrl-C in the terminal
    reaches only our process, which then stops it in order.
    """
    jar = find_jar()
    java = check_java()
    port = port or free_port()
    if port_in_use(port):
        raise DynamoDBLocalError(f"port {port} on {HOST} is already in use; cannot start DynamoDB Local there.")
    # C1 only: C2's compiler threads cost more CPU than they save in a short-lived test or dev server on
    # a small machine (the publish-due benchmark: DynamoDB Local's CPU 19 s -> 11 s, wall 13.6 s -> 11.6 s).
    cmd = [java, "-XX:TieredStopAtLevel=1", f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
           "-sharedDb", "-disableTelemetry", "-port", str(port)]
    if in_memory:
        cmd.append("-inMemory")
    else:
        db_path = Path(data_dir or PROJECT_DIR / ".data" / "dynamodb").resolve()
        db_path.mkdir(parents=True, exist_ok=True)
        cmd += ["-dbPath", str(db_path)]

    # A file, not a pipe: nobody reads a pipe while the server runs, and a full pipe blocks java.
    log_file = tempfile.TemporaryFile(prefix="dynamodb-local-")
    process = subprocess.Popen(
        cmd, cwd=jar.parent, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
        start_new_session=True, preexec_fn=child_preexec(),
    )
    ddb = DynamoDBLocal(process, port, log_file)
    try:
        _wait_ready(ddb, cmd, timeout)
    except BaseException:  # includes Ctrl-C while waiting: never leave java behind
        ddb.stop()
        raise
    return ddb


def _wait_ready(ddb: DynamoDBLocal, cmd: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if ddb.process.poll() is not None:
            raise DynamoDBLocalError(
                f"DynamoDB Local exited with code {ddb.process.returncode} before it was ready.\n"
                f"command: {' '.join(cmd)}\noutput:\n{ddb.output()}")
        try:
            with socket.create_connection((HOST, ddb.port), timeout=1):
                pass
            if _http_answers(ddb.port):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise DynamoDBLocalError(
                f"DynamoDB Local did not answer on {ddb.endpoint} within {timeout:.0f}s.\n"
                f"command: {' '.join(cmd)}\noutput:\n{ddb.output()}")
        time.sleep(0.1)
