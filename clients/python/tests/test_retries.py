"""Connection failures are retried with backoff, and a retried write is recorded once."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import List

import pytest

from conftest import FlakyProxy, free_port, server_port
from metalayer import CONNECTION_FAILED, Metalayer, MetalayerError, RetryPolicy
from metalayer.transport import Transport

FAST = RetryPolicy(attempts=4, initial_delay=0.05, max_delay=0.2)


def _count_named(client: Metalayer, name: str) -> int:
    data = client.query(
        "query Named($name: String) { assets(kind: PROJECT, filter: { nameContains: $name }) { edges { node { id } } } }",
        {"name": name},
    )
    return len(data["assets"]["edges"])


def test_a_write_whose_answer_was_lost_is_retried_with_its_key_and_recorded_once(server_url: str, unique: str) -> None:
    proxy = FlakyProxy(server_port(server_url), drop_responses=1)
    try:
        project = Metalayer(proxy.url, retry=FAST).register_project(f"lost-answer-{unique}")
    finally:
        proxy.close()
    assert proxy.connections == 2
    # Both attempts reached the server with the same body, so the same key.
    bodies = [request.split(b"\r\n\r\n", 1)[1] for request in proxy.requests]
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    key = json.loads(bodies[0])["variables"]["input"]["key"]
    assert project["id"] == f"project/{key}"
    assert _count_named(Metalayer(server_url), f"lost-answer-{unique}") == 1


def test_a_refused_connection_is_retried_until_the_server_listens(server_url: str, unique: str) -> None:
    port = free_port()
    proxies: List[FlakyProxy] = []
    opener = threading.Timer(0.15, lambda: proxies.append(FlakyProxy(server_port(server_url), port=port)))
    opener.start()
    try:
        client = Metalayer(f"http://127.0.0.1:{port}/graphql", retry=RetryPolicy(attempts=8, initial_delay=0.05, max_delay=0.4))
        project = client.register_project(f"refused-{unique}")
    finally:
        opener.join()
        for proxy in proxies:
            proxy.close()
    assert project["name"] == f"refused-{unique}"
    assert proxies[0].connections == 1


def test_retries_back_off_exponentially_then_raise_connection_failed() -> None:
    sleeps: List[float] = []
    transport = Transport(f"http://127.0.0.1:{free_port()}/graphql", None, 1.0, RetryPolicy(4, 0.1, 0.3), sleep=sleeps.append)
    with pytest.raises(MetalayerError) as raised:
        transport.execute("{ __typename }")
    assert raised.value.code == CONNECTION_FAILED
    assert raised.value.message.startswith(f"cannot reach {transport.url}: ")
    assert sleeps == [0.1, 0.2, 0.3]


class _Unavailable(BaseHTTPRequestHandler):
    """Answers 503 to the first `failures` requests, then a GraphQL result."""

    failures = 2
    seen = 0

    def do_POST(self) -> None:  # noqa: N802 (the http.server name)
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen += 1
        unavailable = type(self).seen <= type(self).failures
        body = json.dumps({"data": {"__typename": "Query"}}).encode() if not unavailable else b"busy"
        self.send_response(503 if unavailable else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_http_503_is_retried_and_400_is_not() -> None:
    _Unavailable.seen = 0
    server = HTTPServer(("127.0.0.1", 0), _Unavailable)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sleeps: List[float] = []
        url = f"http://127.0.0.1:{server.server_address[1]}/graphql"
        transport = Transport(url, None, 2.0, RetryPolicy(4, 0.01, 1.0), sleep=sleeps.append)
        assert transport.execute("{ __typename }") == {"__typename": "Query"}
        assert _Unavailable.seen == 3
        assert sleeps == [0.01, 0.02]
    finally:
        server.shutdown()
        server.server_close()


def test_a_graphql_error_is_not_retried(server_url: str) -> None:
    sleeps: List[float] = []
    transport = Transport(server_url, None, 2.0, RetryPolicy(4, 0.01, 1.0), sleep=sleeps.append)
    with pytest.raises(MetalayerError) as raised:
        transport.execute("query { nope }")
    assert raised.value.code == "GRAPHQL_VALIDATION_FAILED"
    assert sleeps == []


def test_the_token_is_sent_as_a_bearer_credential(server_url: str) -> None:
    proxy = FlakyProxy(server_port(server_url))
    try:
        assert Metalayer(proxy.url, token="ml_secret").query("{ __typename }") == {"__typename": "Query"}
    finally:
        proxy.close()
    headers = proxy.requests[0].split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert b"Authorization: Bearer ml_secret" in headers
