"""Registering a whole pipeline, and reading it back, against a real server."""

from __future__ import annotations

from metalayer import Metalayer


def test_registers_every_kind_and_returns_what_the_server_answered(client: Metalayer, unique: str) -> None:
    project = client.register_project(f"housing-{unique}", description="house prices", properties={"team": "ml"})
    assert project["id"].startswith("project/")
    assert project["kind"] == "PROJECT"
    assert project["name"] == f"housing-{unique}"
    assert project["description"] == "house prices"
    assert project["properties"] == {"team": "ml"}

    dataset = client.register_dataset(f"listings-{unique}", source="s3://data/listings.csv", statistics={"rows": 3, "features": {}})
    assert dataset["kind"] == "DATASET"
    assert dataset["source"] == "s3://data/listings.csv"
    assert dataset["statistics"] == {"rows": 3, "features": {}}

    featureset = client.register_featureset(f"features-{unique}", [dataset["id"]], features={"area": "float", "rooms": "int"})
    assert featureset["features"] == [{"name": "area", "dtype": "float"}, {"name": "rooms", "dtype": "int"}]
    assert featureset["datasets"] == [{"id": dataset["id"]}]

    model = client.register_model(f"price-{unique}", project=project["id"], task="regression", framework="stdlib")
    assert model["project"] == {"id": project["id"]}
    assert (model["task"], model["framework"]) == ("regression", "stdlib")

    run = client.log_run(
        model["id"], run_id=f"run-{unique}", datasets=[dataset["id"]], featuresets=[featureset["id"]],
        params={"lr": 0.1}, metrics={"rmse": 0.5}, status="COMPLETED", deployment_tag="prod",
    )
    assert run["id"] == f"run/run-{unique}"
    assert run["runId"] == f"run-{unique}"
    assert run["status"] == "COMPLETED"
    assert run["deploymentTag"] == "prod"
    assert run["model"] == {"id": model["id"]}
    assert run["datasets"] == [{"id": dataset["id"]}]
    assert run["featuresets"] == [{"id": featureset["id"]}]
    assert run["params"]["params"] == {"lr": 0.1}
    assert run["devPerf"]["metrics"] == [{"name": "rmse", "value": 0.5}]

    deployment = client.register_deployment(
        f"price-prod-{unique}", model["id"], environment="production", params=run["params"]["id"], featureset=featureset["id"],
    )
    assert deployment["environment"] == "production"
    assert deployment["model"] == {"id": model["id"]}
    assert deployment["params"] == {"id": run["params"]["id"]}
    assert deployment["featureset"] == {"id": featureset["id"]}

    served = {"rows": 2, "features": {"area": {"type": "numeric", "bins": [0, 50, 100], "counts": [1, 1], "missing": 0}}}
    perf = client.log_serving_perf(
        deployment["id"], "2026-11-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z", {"rmse": 0.7, "requests": 1200},
        statistics=served,
    )
    assert perf["statistics"] == served
    assert perf["deployment"] == {"id": deployment["id"]}
    assert perf["periodStart"] == "2026-11-01T00:00:00.000Z"
    assert perf["metrics"] == [{"name": "requests", "value": 1200}, {"name": "rmse", "value": 0.7}]


def test_the_same_key_twice_returns_the_same_asset(client: Metalayer, unique: str) -> None:
    first = client.register_dataset(f"repeat-{unique}", key=f"repeat-{unique}", source="a.csv")
    second = client.register_dataset(f"repeat-{unique}", key=f"repeat-{unique}", source="a.csv")
    assert second["id"] == first["id"] == f"datasets/repeat-{unique}"
    assert second["createdAt"] == first["createdAt"]


def test_query_runs_any_operation(client: Metalayer, unique: str) -> None:
    dataset = client.register_dataset(f"queried-{unique}", tag=f"tag-{unique}")
    data = client.query(
        "query Tagged($tag: String) { assets(filter: { tag: $tag }) { edges { node { id name } } } }",
        {"tag": f"tag-{unique}"},
    )
    assert data == {"assets": {"edges": [{"node": {"id": dataset["id"], "name": f"queried-{unique}"}}]}}
