"""start_run: a run logged RUNNING, fed metric points in batches, then finished."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

import pytest

from metalayer import ActiveRun, Metalayer, MetalayerError

_RUN = """query Run($id: ID!, $metric: String!) {
  node(id: $id) { ... on Run { status startedAt endedAt properties
    params { params } datasets { id }
    devPerf { metrics { name value } series(name: $metric) { step value at } } } }
}"""


class _Recorder:
    """Wraps a client's query to record each operation's name and variables, then sends it."""

    def __init__(self, client: Metalayer) -> None:
        self.calls: List[Tuple[str, Dict[str, Any]]] = []
        self._send = client.query
        client.query = self  # type: ignore[method-assign]

    def __call__(self, document: str, variables: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        self.calls.append((document.split("(")[0].split()[-1], dict(variables or {})))
        return self._send(document, variables)

    def named(self, operation: str) -> List[Dict[str, Any]]:
        return [variables for name, variables in self.calls if name == operation]


def _model_and_dataset(client: Metalayer, unique: str) -> Tuple[str, str]:
    model = client.register_model(f"run-model-{unique}")
    dataset = client.register_dataset(f"run-data-{unique}")
    return model["id"], dataset["id"]


def _read(client: Metalayer, run: ActiveRun, metric: str) -> Dict[str, Any]:
    return client.query(_RUN, {"id": run.id, "metric": metric})["node"]


def test_a_run_is_logged_running_fed_metrics_and_completed(client: Metalayer, unique: str) -> None:
    model, dataset = _model_and_dataset(client, unique)
    recorder = _Recorder(client)
    with client.start_run(model=model, datasets=[dataset], params={"lr": 0.1}, run_id=f"ok-{unique}") as run:
        assert run.id == f"run/ok-{unique}"
        assert _read(client, run, "loss")["status"] == "RUNNING"
        for epoch, loss in enumerate([0.9, 0.5, 0.25]):
            run.log_metric("loss", loss, step=epoch)
        assert run.pending == 3
    assert run.pending == 0

    stored = _read(client, run, "loss")
    assert stored["status"] == "COMPLETED"
    assert stored["endedAt"] is not None and stored["endedAt"] >= stored["startedAt"]
    assert stored["params"] == {"params": {"lr": 0.1}}
    assert stored["datasets"] == [{"id": dataset}]
    assert [(p["step"], p["value"]) for p in stored["devPerf"]["series"]] == [(0, 0.9), (1, 0.5), (2, 0.25)]
    assert stored["devPerf"]["metrics"] == [{"name": "loss", "value": 0.25}]
    assert [name for name, _ in recorder.calls if name != "Run"] == ["LogRun", "LogMetrics", "UpdateRun"]
    (log_run,) = recorder.named("LogRun")
    assert log_run["input"]["status"] == "RUNNING"
    (update,) = recorder.named("UpdateRun")
    assert update["input"] == {"run": f"run/ok-{unique}", "status": "COMPLETED"}


def test_an_exception_fails_the_run_and_is_reraised(client: Metalayer, unique: str) -> None:
    model, dataset = _model_and_dataset(client, unique)
    with pytest.raises(ZeroDivisionError):
        with client.start_run(model=model, datasets=[dataset], run_id=f"fail-{unique}") as run:
            run.log_metric("loss", 1.5, step=0)
            1 / 0
    stored = _read(client, run, "loss")
    assert stored["status"] == "FAILED"
    assert stored["endedAt"] is not None
    assert stored["properties"] == {"error": "ZeroDivisionError: division by zero"}
    assert [(p["step"], p["value"]) for p in stored["devPerf"]["series"]] == [(0, 1.5)]


def test_points_are_sent_in_batches_of_batch_size(client: Metalayer, unique: str) -> None:
    model, _ = _model_and_dataset(client, unique)
    recorder = _Recorder(client)
    with client.start_run(model=model, batch_size=3) as run:
        for step in range(7):
            run.log_metric("acc", step / 10, step=step)
            if step == 2:
                # The third point filled a batch: it was sent at once.
                assert len(recorder.named("LogMetrics")) == 1
                assert run.pending == 0
    batches = recorder.named("LogMetrics")
    assert [len(b["input"]["metrics"]) for b in batches] == [3, 3, 1]
    assert [p["step"] for b in batches for p in b["input"]["metrics"]] == list(range(7))
    keys = [b["input"]["key"] for b in batches]
    assert len(set(keys)) == 3
    assert len(_read(client, run, "acc")["devPerf"]["series"]) == 7


def test_the_default_batch_is_one_call_for_a_thousand_points(client: Metalayer, unique: str) -> None:
    model, _ = _model_and_dataset(client, unique)
    recorder = _Recorder(client)
    with client.start_run(model=model) as run:
        for step in range(1001):
            run.log_metric("loss", 1 / (step + 1), step=step)
    assert [len(b["input"]["metrics"]) for b in recorder.named("LogMetrics")] == [1000, 1]


def test_a_batch_above_the_server_limit_is_refused() -> None:
    with pytest.raises(ValueError) as raised:
        Metalayer("http://127.0.0.1:1/graphql").start_run(model="models/m", batch_size=10_001)
    assert str(raised.value) == "batch_size must be between 1 and 10000, got 10001"


def test_finishing_twice_keeps_the_first_final_status(client: Metalayer, unique: str) -> None:
    model, _ = _model_and_dataset(client, unique)
    with client.start_run(model=model) as run:
        pass
    # A retried finish whose first answer was lost sees the run finished already.
    assert run.finish("COMPLETED")["status"] == "COMPLETED"
    with pytest.raises(MetalayerError) as raised:
        run.finish("FAILED")
    assert raised.value.code == "CONFLICT"
    assert raised.value.field == "input.status"


def test_log_run_retried_with_other_content_names_run_id(client: Metalayer, unique: str) -> None:
    model, _ = _model_and_dataset(client, unique)
    client.log_run(model, run_id=f"again-{unique}", status="RUNNING")
    with pytest.raises(MetalayerError) as raised:
        client.log_run(model, run_id=f"again-{unique}", status="COMPLETED")
    assert raised.value.code == "CONFLICT"
    assert raised.value.field == "input.runId"
    assert "updateRun" in raised.value.message
