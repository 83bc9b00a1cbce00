"""GraphQL over HTTP with retries: the only module that touches the network."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional

from .errors import CONNECTION_FAILED, MetalayerError

#: HTTP statuses that mean "not now" rather than "no": a proxy or the server is
#: overloaded or restarting, so the same request may succeed later.
RETRYABLE_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How connection failures are retried.

    A request is tried at most ``attempts`` times; before try ``n`` (from 2)
    the client sleeps ``min(max_delay, initial_delay * 2 ** (n - 2))``
    seconds. Only failures where the request may not have been applied are
    retried, and every write carries an idempotency key, so a retry that
    reaches the server twice returns the same asset rather than a second one.
    """

    attempts: int = 5
    initial_delay: float = 0.2
    max_delay: float = 5.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (from 1)."""
        return min(self.max_delay, self.initial_delay * (2 ** (attempt - 1)))


class _Retryable(Exception):
    """A failure worth another attempt, with what to raise when none is left."""

    def __init__(self, final: MetalayerError) -> None:
        super().__init__(final.message)
        self.final = final


class Transport:
    """Posts GraphQL operations to one endpoint, retrying connection failures."""

    def __init__(
        self,
        url: str,
        token: Optional[str],
        timeout: float,
        retry: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout
        self.retry = retry
        self._sleep = sleep

    def execute(self, document: str, variables: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """The ``data`` of the operation; raises MetalayerError on any GraphQL error."""
        body = json.dumps({"query": document, "variables": dict(variables or {})}).encode("utf-8")
        attempt = 1
        while True:
            try:
                return self._post_once(body)
            except _Retryable as failure:
                if attempt >= self.retry.attempts:
                    raise failure.final from None
                self._sleep(self.retry.delay(attempt))
                attempt += 1

    def _post_once(self, body: bytes) -> Dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return _data_of(response.status, response.read())
        except urllib.error.HTTPError as error:
            payload = error.read()
            if error.code in RETRYABLE_STATUSES:
                raise _Retryable(_http_failure(error.code, payload)) from None
            return _data_of(error.code, payload)
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError, socket.timeout, TimeoutError) as error:
            raise _Retryable(MetalayerError(CONNECTION_FAILED, f"cannot reach {self.url}: {_reason(error)}")) from None


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", None)
    return str(reason if reason is not None else error) or type(error).__name__


def _http_failure(status: int, payload: bytes) -> MetalayerError:
    """The error for a retryable status once retries are exhausted: the server's own, if it sent one."""
    try:
        decoded = json.loads(payload.decode("utf-8"))
        if isinstance(decoded, dict) and decoded.get("errors"):
            return MetalayerError.from_graphql(decoded["errors"])
    except (ValueError, UnicodeDecodeError):
        pass
    return MetalayerError(CONNECTION_FAILED, f"the server answered HTTP {status}")


def _data_of(status: int, payload: bytes) -> Dict[str, Any]:
    """Decodes a GraphQL response; any error in it (even beside partial data) is raised."""
    try:
        decoded = json.loads(payload.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise MetalayerError("BAD_RESPONSE", f"HTTP {status} with a body that is not JSON") from None
    if not isinstance(decoded, dict):
        raise MetalayerError("BAD_RESPONSE", f"HTTP {status} with a JSON body that is not an object")
    errors = decoded.get("errors")
    if errors:
        raise MetalayerError.from_graphql(errors)
    data = decoded.get("data")
    if not isinstance(data, dict):
        raise MetalayerError("BAD_RESPONSE", f"HTTP {status} with neither data nor errors")
    return data
