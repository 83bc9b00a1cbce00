"""Lineage questions and the errors the client raises."""

from __future__ import annotations

from typing import Dict

import pytest

from metalayer import Metalayer, MetalayerError


def _pipeline(client: Metalayer, unique: str) -> Dict[str, str]:
    dataset = client.register_dataset(f"lin-data-{unique}")
    model = client.register_model(f"lin-model-{unique}")
    run = client.log_run(model["id"], run_id=f"lin-run-{unique}", datasets=[dataset["id"]], status="COMPLETED")
    deployment = client.register_deployment(f"lin-dep-{unique}", model["id"])
    return {"dataset": dataset["id"], "model": model["id"], "run": run["id"], "deployment": deployment["id"]}


def test_upstream_of_a_deployment_reaches_its_dataset(client: Metalayer, unique: str) -> None:
    ids = _pipeline(client, unique)
    lineage = client.lineage(ids["deployment"])
    by_id = {node["asset"]["id"]: node["degree"] for node in lineage["nodes"]}
    assert by_id[ids["model"]] == 1
    assert by_id[ids["run"]] == 2
    assert by_id[ids["dataset"]] == 3
    assert lineage["truncated"] is False
    assert lineage["restricted"] == 0


def test_lineage_filters_kinds_and_bounds_depth(client: Metalayer, unique: str) -> None:
    ids = _pipeline(client, unique)
    only_datasets = client.lineage(ids["deployment"], kinds=["dataset"])
    assert [node["asset"]["id"] for node in only_datasets["nodes"]] == [ids["dataset"]]
    one_hop = client.lineage(ids["deployment"], depth=1)
    assert [node["asset"]["id"] for node in one_hop["nodes"]] == [ids["model"]]
    assert one_hop["truncated"] is True


def test_downstream_of_a_dataset_reaches_the_deployment(client: Metalayer, unique: str) -> None:
    ids = _pipeline(client, unique)
    reached = {node["asset"]["id"] for node in client.lineage(ids["dataset"], direction="downstream")["nodes"]}
    assert {ids["run"], ids["model"], ids["deployment"]} <= reached


def test_lineage_of_a_missing_asset_is_not_found(client: Metalayer) -> None:
    with pytest.raises(MetalayerError) as raised:
        client.lineage("datasets/never-registered")
    assert (raised.value.code, raised.value.field) == ("NOT_FOUND", "id")
    assert raised.value.message == 'no asset with id "datasets/never-registered"'


def test_an_unknown_direction_is_refused_before_any_request(client: Metalayer) -> None:
    with pytest.raises(MetalayerError) as raised:
        client.lineage("datasets/x", direction="sideways")
    assert (raised.value.code, raised.value.field) == ("BAD_USER_INPUT", "direction")


def test_a_missing_reference_names_the_input_field(client: Metalayer, unique: str) -> None:
    dataset = client.register_dataset(f"err-data-{unique}")
    model = client.register_model(f"err-model-{unique}")
    with pytest.raises(MetalayerError) as raised:
        client.log_run(model["id"], datasets=[dataset["id"], "datasets/missing"])
    assert raised.value.code == "NOT_FOUND"
    assert raised.value.field == "input.datasets.1"
    assert raised.value.message == 'input.datasets.1: no asset with id "datasets/missing"'
    assert str(raised.value) == 'NOT_FOUND: input.datasets.1: no asset with id "datasets/missing"'


def test_a_key_reused_with_other_content_is_a_conflict(client: Metalayer, unique: str) -> None:
    client.register_project(f"conflict-{unique}", key=f"conflict-{unique}")
    with pytest.raises(MetalayerError) as raised:
        client.register_project(f"conflict-{unique}", key=f"conflict-{unique}", description="changed")
    assert raised.value.code == "CONFLICT"


def test_an_invalid_document_is_a_validation_error(client: Metalayer) -> None:
    with pytest.raises(MetalayerError) as raised:
        client.query("query { noSuchField }")
    assert raised.value.code == "GRAPHQL_VALIDATION_FAILED"
    assert raised.value.field is None
    assert "noSuchField" in raised.value.message
    assert len(raised.value.errors) == 1


def test_statistics_off_the_format_are_refused_naming_the_json_path(client: Metalayer, unique: str) -> None:
    statistics = {"rows": 2, "features": {"area": {"type": "numeric", "bins": [0, 50], "counts": [1, 1], "missing": 0}}}
    with pytest.raises(MetalayerError) as raised:
        client.register_dataset(f"bad-stats-{unique}", statistics=statistics)
    assert (raised.value.code, raised.value.field) == ("BAD_USER_INPUT", "input.statistics.features.area.counts")
