"""A run in progress: logged as RUNNING, fed metric points, then finished."""

from __future__ import annotations

import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Type

from .errors import MetalayerError

if TYPE_CHECKING:
    from .client import Metalayer

#: The most points the server takes in one ``logMetrics`` call.
MAX_POINTS_PER_CALL = 10_000


def utc_now() -> str:
    """The current instant as metalayer writes instants: ISO 8601, UTC, milliseconds."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class ActiveRun:
    """A run started by :meth:`Metalayer.start_run`, used as a context manager.

    Entering logs the run (``logRun`` with status RUNNING); :meth:`log_metric`
    buffers points, sent by ``logMetrics`` whenever ``batch_size`` are
    waiting and on exit; leaving the block finishes the run (``updateRun``)
    as COMPLETED, or as FAILED when an exception escaped, which is then
    re-raised.
    """

    def __init__(self, client: "Metalayer", *, start: Mapping[str, Any], batch_size: int) -> None:
        if not 1 <= batch_size <= MAX_POINTS_PER_CALL:
            raise ValueError(f"batch_size must be between 1 and {MAX_POINTS_PER_CALL}, got {batch_size}")
        self._client = client
        self._start = dict(start)
        self._batch_size = batch_size
        self._pending: List[Dict[str, Any]] = []
        self.run_id: str = str(start["run_id"])
        #: The run's id, ``run/<runId>``, once it is logged.
        self.id: Optional[str] = None
        #: The run as the server last answered it.
        self.record: Dict[str, Any] = {}

    def __enter__(self) -> "ActiveRun":
        self.record = self._client.log_run(status="RUNNING", started_at=utc_now(), **self._start)
        self.id = str(self.record["id"])
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool:
        if exc_type is None:
            self.flush()
            self.finish("COMPLETED")
            return False
        # The block's own exception matters more than a failure to record it.
        try:
            self.flush()
        except MetalayerError:
            pass
        try:
            self.finish("FAILED", properties={"error": f"{exc_type.__name__}: {exc}"})
        except MetalayerError:
            pass
        return False

    @property
    def pending(self) -> int:
        """How many logged points are buffered, not yet sent."""
        return len(self._pending)

    def log_metric(self, name: str, value: float, step: Optional[int] = None, at: Optional[str] = None) -> None:
        """Buffers one point of metric ``name``; ``at`` defaults to now, when it was measured."""
        point: Dict[str, Any] = {"name": name, "value": float(value), "at": at or utc_now()}
        if step is not None:
            point["step"] = int(step)
        self._pending.append(point)
        if len(self._pending) >= self._batch_size:
            self.flush()

    def log_metrics(self, metrics: Mapping[str, float], step: Optional[int] = None) -> None:
        """Buffers one point of each metric, all at the same step and instant."""
        at = utc_now()
        for name, value in metrics.items():
            self.log_metric(name, value, step=step, at=at)

    def flush(self) -> None:
        """Sends every buffered point, in batches of at most ``batch_size``."""
        while self._pending:
            batch = self._pending[: self._batch_size]
            self._client.log_metrics(self._require_id(), batch)
            del self._pending[: len(batch)]

    def finish(self, status: str, **fields: Any) -> Dict[str, Any]:
        """Moves the run to ``status`` (COMPLETED or FAILED) with ``updateRun``.

        When a retried request already finished the run, the server refuses
        the move again; the run as it stands is then returned if it already
        has this status.
        """
        run = self._require_id()
        try:
            self.record = self._client.update_run(run, status=status, **fields)
        except MetalayerError:
            current = self._client.query("query RunStatus($id: ID!) { node(id: $id) { ... on Run { status } } }", {"id": run})
            if (current.get("node") or {}).get("status") != status:
                raise
            self.record = dict(self.record, status=status)
        return self.record

    def _require_id(self) -> str:
        if self.id is None:
            raise MetalayerError("BAD_USER_INPUT", "the run is not started: use it in a with block", field="run")
        return self.id
