"""A real metalayer server for the tests: the built CLI on a temporary SQLite database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest

CLIENT_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = CLIENT_ROOT.parents[1]
sys.path.insert(0, str(CLIENT_ROOT))

from metalayer import Metalayer, RetryPolicy  # noqa: E402

CLI = REPO_ROOT / "dist" / "cli.js"
START_TIMEOUT = 30.0


def _server_env() -> dict:
    """The test process's environment without any metalayer setting it might carry."""
    settings = ("METALAYER_", "ARANGO_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(settings) and k not in ("PORT", "HOST")}
    env.update(NODE_ENV="test", LOG_LEVEL="info")
    return env


def _serving_url(log: Path) -> str:
    """The URL from the server's start line (`"msg":"metalayer is serving"`), or '' until it is written."""
    for line in log.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("msg") == "metalayer is serving":
            return str(entry["url"])
    return ""


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Starts `metalayer serve --port 0` on a fresh database; yields its GraphQL URL."""
    if not CLI.exists():
        subprocess.run(["npm", "run", "build"], cwd=REPO_ROOT, check=True)
    workdir = tmp_path_factory.mktemp("metalayer")
    log = workdir / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["node", str(CLI), "serve", "--host", "127.0.0.1", "--port", "0", "--db", str(workdir / "metalayer.db")],
            cwd=REPO_ROOT, env=_server_env(), stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        url = ""
        while not url:
            if process.poll() is not None:
                pytest.fail(f"metalayer exited with {process.returncode} before serving:\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"metalayer did not start within {START_TIMEOUT}s:\n{log.read_text()}")
            time.sleep(0.05)
            url = _serving_url(log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def client(server_url: str) -> Metalayer:
    return Metalayer(server_url, retry=RetryPolicy(attempts=3, initial_delay=0.05))


@pytest.fixture
def unique() -> str:
    """A suffix that keeps this test's asset names apart from every other test's."""
    return uuid.uuid4().hex[:8]


def server_port(url: str) -> int:
    return int(url.split(":")[2].split("/")[0])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FlakyProxy:
    """A TCP proxy on 127.0.0.1 in front of the server.

    It forwards each connection's request; for the first ``drop_responses``
    connections it then swallows the server's answer and closes the
    connection, as a network that fails after the server applied a write.
    """

    def __init__(self, upstream_port: int, drop_responses: int = 0, port: int = 0) -> None:
        self.upstream_port = upstream_port
        self.drop_responses = drop_responses
        self.connections = 0
        self.requests: List[bytes] = []
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", port))
        self._listener.listen(16)
        self.port = int(self._listener.getsockname()[1])
        self._closed = False
        self._handlers: List[threading.Thread] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def close(self) -> None:
        """Stops accepting, and waits for the connections in flight to end."""
        self._closed = True
        self._listener.close()
        for handler in list(self._handlers):
            handler.join(timeout=10)

    def _accept(self) -> None:
        while not self._closed:
            try:
                downstream, _ = self._listener.accept()
            except OSError:
                return
            drop = self.connections < self.drop_responses
            self.connections += 1
            handler = threading.Thread(target=self._serve, args=(downstream, drop), daemon=True)
            self._handlers.append(handler)
            handler.start()

    def _serve(self, downstream: socket.socket, drop: bool) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        forwarder = threading.Thread(target=self._forward_request, args=(downstream, upstream), daemon=True)
        forwarder.start()
        try:
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                if not drop:
                    downstream.sendall(chunk)
        except OSError:
            pass
        finally:
            # shutdown, not just close: it wakes the forwarder blocked reading the same socket.
            for end in (upstream, downstream):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            forwarder.join()
            upstream.close()
            downstream.close()

    def _forward_request(self, downstream: socket.socket, upstream: socket.socket) -> None:
        received = b""
        try:
            while True:
                chunk = downstream.recv(65536)
                if not chunk:
                    break
                received += chunk
                upstream.sendall(chunk)
        except OSError:
            pass
        self.requests.append(received)


def has_field(client: Metalayer, type_name: str, field: str) -> bool:
    """Whether the server's schema has ``type_name.field`` (by introspection)."""
    data = client.query("query Fields($t: String!) { __type(name: $t) { fields { name } } }", {"t": type_name})
    return any(f["name"] == field for f in ((data["__type"] or {}).get("fields") or []))
