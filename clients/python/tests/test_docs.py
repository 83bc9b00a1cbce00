"""docs/pipeline.md: every GraphQL operation it shows runs, in order, with the variables shown after it."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Tuple

from conftest import REPO_ROOT
from metalayer import Metalayer
from metalayer.statistics import categorical, dataset_statistics, histogram

PAGE = REPO_ROOT / "docs" / "pipeline.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def _operations() -> List[Tuple[str, Dict[str, Any]]]:
    """Each ```graphql block with the ```json block right after it as its variables."""
    blocks = BLOCK.findall(PAGE.read_text())
    operations = []
    for (language, text), following in zip(blocks, blocks[1:] + [("", "")]):
        if language == "graphql":
            assert following[0] == "json", f"no variables after:\n{text}"
            operations.append((text, json.loads(following[1])))
    return operations


def test_the_page_shows_the_whole_pipeline_in_order() -> None:
    names = [re.match(r"(query|mutation) (\w+)", text).group(2) for text, _ in _operations()]  # type: ignore[union-attr]
    assert names == ["RegisterAssets", "StartRun", "LogEpochs", "FinishRun", "Deploy", "ServingDay", "DeploymentProvenance", "RunLoss"]


def test_its_operations_record_a_pipeline_the_queries_then_answer(server_url: str) -> None:
    client = Metalayer(server_url)
    results = [client.query(text, variables) for text, variables in _operations()]

    provenance = results[6]["node"]
    assert provenance["model"] == {"id": "models/price-model-v1"}
    assert [(n["degree"], n["asset"]["id"]) for n in provenance["upstream"]["nodes"]] == [
        (1, "models/price-model-v1"),
        (2, "run/price-model-v1-run-1"),
        (3, "datasets/listings-2026-11"),
    ]
    run = results[7]["node"]
    assert run["status"] == "COMPLETED"
    assert (run["startedAt"], run["endedAt"]) == ("2026-12-01T09:00:00.000Z", "2026-12-01T09:04:00.000Z")
    assert run["params"] == {"params": {"learningRate": 0.03, "epochs": 3}}
    assert run["devPerf"]["metric"] == 0.31
    assert [(p["step"], p["value"]) for p in run["devPerf"]["series"]] == [(0, 0.91), (1, 0.52), (2, 0.31)]
    assert results[5]["logServingPerf"]["servingPerf"]["id"] == "servingperf/price-prod-2026-12-01"


def test_its_statistics_are_what_the_python_helpers_build() -> None:
    shown = _operations()[0][1]["dataset"]["statistics"]
    built = dataset_statistics(4, {
        "area": histogram([55, 85, 100, 118], bins=[40, 80, 120]),
        "city": categorical(["Paris", "Paris", "Lyon", "Paris"]),
    })
    assert shown == built
