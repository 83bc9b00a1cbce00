"""examples/python/train.py records a pipeline whose lineage the documented queries answer."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Dict

from conftest import REPO_ROOT
from metalayer import Metalayer

SCRIPT = REPO_ROOT / "examples" / "python" / "train.py"

# The query docs/pipeline.md shows for "where did this deployment come from".
DEPLOYMENT_PROVENANCE = """query DeploymentProvenance($id: ID!) {
  node(id: $id) {
    ... on Deployment {
      name
      model { id }
      upstream(kinds: [DATASET, RUN, MODEL]) { nodes { degree asset { id kind } } truncated }
    }
  }
}"""

RUN_SERIES = """query RunLoss($id: ID!) {
  node(id: $id) { ... on Run { status params { params } devPerf { metric(name: "loss") series(name: "loss") { step value } } } }
}"""


def _train(server_url: str, *args: str) -> Dict[str, str]:
    finished = subprocess.run(
        [sys.executable, str(SCRIPT), "--url", server_url, *args],
        capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout.strip().splitlines()[-1])


def test_the_example_records_a_pipeline_whose_deployment_reaches_its_dataset(server_url: str) -> None:
    ids = _train(server_url, "--epochs", "6")
    client = Metalayer(server_url)

    deployment = client.query(DEPLOYMENT_PROVENANCE, {"id": ids["deployment"]})["node"]
    assert deployment["model"] == {"id": ids["model"]}
    reached = {node["asset"]["id"]: (node["asset"]["kind"], node["degree"]) for node in deployment["upstream"]["nodes"]}
    assert reached == {ids["model"]: ("MODEL", 1), ids["run"]: ("RUN", 2), ids["dataset"]: ("DATASET", 3)}

    run = client.query(RUN_SERIES, {"id": ids["run"]})["node"]
    assert run["status"] == "COMPLETED"
    assert run["params"] == {"params": {"lr": 0.03, "epochs": 6}}
    series = run["devPerf"]["series"]
    assert [point["step"] for point in series] == [0, 1, 2, 3, 4, 5]
    losses = [point["value"] for point in series]
    assert losses == sorted(losses, reverse=True), "the loss falls epoch by epoch"
    assert run["devPerf"]["metric"] == losses[-1]


def test_running_the_example_again_reuses_the_project_and_dataset(server_url: str) -> None:
    first = _train(server_url, "--epochs", "2", "--version", "again-1")
    second = _train(server_url, "--epochs", "2", "--version", "again-2")
    assert (second["project"], second["dataset"]) == (first["project"], first["dataset"])
    assert second["model"] != first["model"]
