"""The metalayer client: arangopipe's vocabulary over metalayer's GraphQL API."""

from __future__ import annotations

import uuid
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from .errors import MetalayerError
from .runs import ActiveRun
from .transport import RetryPolicy, Transport

DEFAULT_URL = "http://127.0.0.1:4000/graphql"

_ASSET = "id kind name version tag properties createdAt updatedAt"
_PROJECT = f"{_ASSET} description"
_DATASET = f"{_ASSET} description source statistics"
_FEATURESET = f"{_ASSET} description features {{ name dtype }} datasets {{ id }}"
_MODEL = f"{_ASSET} description task framework uri project {{ id }}"
_RUN = (
    "id kind name tag properties createdAt updatedAt runId status startedAt endedAt deploymentTag"
    " model { id } params { id params } datasets { id } featuresets { id }"
    " devPerf { id metrics { name value } }"
)
_DEPLOYMENT = f"{_ASSET} environment model {{ id }} params {{ id }} featureset {{ id }}"
_SERVING_PERF = f"{_ASSET} periodStart periodEnd metrics {{ name value }} statistics deployment {{ id }}"
_LINEAGE = (
    "nodes { degree asset { id kind name version tag } }"
    " edges { kind from { id } to { id } } truncated restricted"
)


def _new_key() -> str:
    """A fresh idempotency key, chosen once per write before its first attempt."""
    return str(uuid.uuid4())


def camel_case(name: str) -> str:
    """``deployment_tag`` → ``deploymentTag``: Python keyword names to GraphQL input fields."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def graphql_input(fields: Mapping[str, Any]) -> Dict[str, Any]:
    """An input object from keyword arguments: camelCased names, ``None`` left out."""
    return {camel_case(name): value for name, value in fields.items() if value is not None}


def metric_inputs(metrics: Optional[Mapping[str, float]]) -> Optional[List[Dict[str, Any]]]:
    """``{"rmse": 0.3}`` → ``[{"name": "rmse", "value": 0.3}]``; ``None`` stays ``None``."""
    if metrics is None:
        return None
    return [{"name": name, "value": float(value)} for name, value in metrics.items()]


class Metalayer:
    """A client of one metalayer server.

    Every method sends one GraphQL operation and returns what the server
    answered as plain dicts (``{"id": "models/...", "name": ..., ...}``).
    Writes carry an idempotency key (``key``, or a run's ``run_id``), chosen
    here with uuid4 unless given, so a retried request never records an
    asset twice. Pass your own stable ``key`` to make a whole script safe to
    run again. Errors are raised as :class:`MetalayerError`.

    :param url: the GraphQL endpoint, ``http://127.0.0.1:4000/graphql`` by default.
    :param token: an API token, sent as ``Authorization: Bearer <token>``.
    :param timeout: seconds to wait for one attempt of one request.
    :param retry: how connection failures and HTTP 502/503/504 are retried.
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        token: Optional[str] = None,
        timeout: float = 30.0,
        retry: Optional[RetryPolicy] = None,
    ) -> None:
        self._transport = Transport(url, token, timeout, retry or RetryPolicy())

    @property
    def url(self) -> str:
        """The GraphQL endpoint this client talks to."""
        return self._transport.url

    def query(self, document: str, variables: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Runs any GraphQL operation and returns its ``data``.

        Connection failures are retried, so a mutation sent here should carry
        its own ``key`` to be safe to repeat.
        """
        return self._transport.execute(document, variables)

    def _mutate(self, mutation: str, input_type: str, payload_field: str, selection: str, fields: Mapping[str, Any]) -> Dict[str, Any]:
        document = (
            f"mutation {mutation[0].upper()}{mutation[1:]}($input: {input_type}!) "
            f"{{ {mutation}(input: $input) {{ {payload_field} {{ {selection} }} }} }}"
        )
        data = self.query(document, {"input": graphql_input(fields)})
        return data[mutation][payload_field]

    def register_project(
        self,
        name: str,
        *,
        key: Optional[str] = None,
        version: Optional[str] = None,
        tag: Optional[str] = None,
        description: Optional[str] = None,
        properties: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Registers a project (a group of models); returns it, with its ``id``."""
        return self._mutate(
            "registerProject", "RegisterProjectInput", "project", _PROJECT,
            dict(key=key or _new_key(), name=name, version=version, tag=tag, description=description, properties=properties),
        )

    def register_dataset(
        self,
        name: str,
        *,
        key: Optional[str] = None,
        version: Optional[str] = None,
        tag: Optional[str] = None,
        description: Optional[str] = None,
        source: Optional[str] = None,
        statistics: Optional[Mapping[str, Any]] = None,
        properties: Optional[Mapping[str, Any]] = None,
        derived_from: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Registers a dataset; ``statistics`` may come from :mod:`metalayer.statistics`."""
        return self._mutate(
            "registerDataset", "RegisterDatasetInput", "dataset", _DATASET,
            dict(key=key or _new_key(), name=name, version=version, tag=tag, description=description,
                 source=source, statistics=statistics, properties=properties, derived_from=derived_from),
        )

    def register_featureset(
        self,
        name: str,
        datasets: Sequence[str],
        *,
        key: Optional[str] = None,
        version: Optional[str] = None,
        tag: Optional[str] = None,
        description: Optional[str] = None,
        features: Optional[Mapping[str, str]] = None,
        properties: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Registers a featureset derived from ``datasets`` (ids); ``features`` maps names to dtypes."""
        feature_list = None if features is None else [{"name": n, "dtype": d} for n, d in features.items()]
        return self._mutate(
            "registerFeatureset", "RegisterFeaturesetInput", "featureset", _FEATURESET,
            dict(key=key or _new_key(), name=name, datasets=list(datasets), version=version, tag=tag,
                 description=description, features=feature_list, properties=properties),
        )

    def register_model(
        self,
        name: str,
        *,
        project: Optional[str] = None,
        key: Optional[str] = None,
        version: Optional[str] = None,
        tag: Optional[str] = None,
        description: Optional[str] = None,
        task: Optional[str] = None,
        framework: Optional[str] = None,
        uri: Optional[str] = None,
        properties: Optional[Mapping[str, Any]] = None,
        derived_from: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Registers a model, in ``project`` (an id) when given."""
        return self._mutate(
            "registerModel", "RegisterModelInput", "model", _MODEL,
            dict(key=key or _new_key(), name=name, project=project, version=version, tag=tag, description=description,
                 task=task, framework=framework, uri=uri, properties=properties, derived_from=derived_from),
        )

    def log_run(
        self,
        model: str,
        *,
        run_id: Optional[str] = None,
        name: Optional[str] = None,
        tag: Optional[str] = None,
        status: Optional[str] = None,
        started_at: Optional[str] = None,
        ended_at: Optional[str] = None,
        deployment_tag: Optional[str] = None,
        properties: Optional[Mapping[str, Any]] = None,
        datasets: Optional[Sequence[str]] = None,
        featuresets: Optional[Sequence[str]] = None,
        params: Optional[Mapping[str, Any]] = None,
        metrics: Optional[Mapping[str, float]] = None,
    ) -> Dict[str, Any]:
        """Logs a run of ``model`` in one write: the run, its params and performance, its relations.

        For a run still going, use :meth:`start_run` instead.
        """
        return self._mutate(
            "logRun", "LogRunInput", "run", _RUN,
            dict(run_id=run_id or _new_key(), model=model, name=name, tag=tag, status=status,
                 started_at=started_at, ended_at=ended_at, deployment_tag=deployment_tag, properties=properties,
                 datasets=None if datasets is None else list(datasets),
                 featuresets=None if featuresets is None else list(featuresets),
                 params=params, metrics=metric_inputs(metrics)),
        )

    def update_run(
        self,
        run: str,
        *,
        status: Optional[str] = None,
        ended_at: Optional[str] = None,
        deployment_tag: Optional[str] = None,
        properties: Optional[Mapping[str, Any]] = None,
        params: Optional[Mapping[str, Any]] = None,
        metrics: Optional[Mapping[str, float]] = None,
        datasets: Optional[Sequence[str]] = None,
        featuresets: Optional[Sequence[str]] = None,
    ) -> Dict[str, Any]:
        """Updates a run (an id, ``run/<runId>``): finishes it, merges metrics, adds relations.

        Status moves from RUNNING to COMPLETED or FAILED, never back.
        """
        return self._mutate(
            "updateRun", "UpdateRunInput", "run", _RUN,
            dict(run=run, status=status, ended_at=ended_at, deployment_tag=deployment_tag, properties=properties,
                 params=params, metrics=metric_inputs(metrics),
                 datasets=None if datasets is None else list(datasets),
                 featuresets=None if featuresets is None else list(featuresets)),
        )

    def log_metrics(self, run: str, points: Sequence[Mapping[str, Any]], *, key: Optional[str] = None) -> int:
        """Appends metric points (``{"name", "value", "step"?, "at"?}``) to a run's series in one write.

        The server takes at most 10,000 points a call; returns how many it recorded.
        """
        data = self.query(
            "mutation LogMetrics($input: LogMetricsInput!) { logMetrics(input: $input) { run { id } points } }",
            {"input": {"key": key or _new_key(), "run": run, "metrics": [graphql_input(p) for p in points]}},
        )
        return int(data["logMetrics"]["points"])

    def register_deployment(
        self,
        name: str,
        model: str,
        *,
        key: Optional[str] = None,
        version: Optional[str] = None,
        tag: Optional[str] = None,
        environment: Optional[str] = None,
        params: Optional[str] = None,
        featureset: Optional[str] = None,
        properties: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Registers a deployment of ``model``, with the params and featureset (ids) it serves with."""
        return self._mutate(
            "registerDeployment", "RegisterDeploymentInput", "deployment", _DEPLOYMENT,
            dict(key=key or _new_key(), name=name, model=model, version=version, tag=tag,
                 environment=environment, params=params, featureset=featureset, properties=properties),
        )

    def log_serving_perf(
        self,
        deployment: str,
        period_start: str,
        period_end: str,
        metrics: Mapping[str, float],
        *,
        key: Optional[str] = None,
        tag: Optional[str] = None,
        properties: Optional[Mapping[str, Any]] = None,
        statistics: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Records a deployment's serving performance over one period (ISO 8601 instants).

        ``statistics`` describe the data served over the period, as built by
        :mod:`metalayer.statistics`; the server compares them with the
        training data's for drift.
        """
        return self._mutate(
            "logServingPerf", "LogServingPerfInput", "servingPerf", _SERVING_PERF,
            dict(key=key or _new_key(), deployment=deployment, period_start=period_start, period_end=period_end,
                 metrics=metric_inputs(metrics), tag=tag, properties=properties, statistics=statistics),
        )

    def lineage(
        self,
        id: str,
        direction: str = "upstream",
        depth: Optional[int] = None,
        kinds: Optional[Iterable[str]] = None,
        limit: Optional[int] = None,
    ) -> Dict[str, Any]:
        """The lineage of asset ``id``: ``{"nodes", "edges", "truncated", "restricted"}``.

        ``direction`` is ``"upstream"`` (where it came from) or ``"downstream"``
        (what was derived from it); ``kinds`` filters the returned nodes by kind
        (``"dataset"`` or ``"DATASET"``). A missing asset is a NOT_FOUND error.
        """
        if direction not in ("upstream", "downstream"):
            raise MetalayerError("BAD_USER_INPUT", f'direction must be "upstream" or "downstream", got {direction!r}', field="direction")
        document = (
            "query Lineage($id: ID!, $depth: Int, $kinds: [AssetKind!], $limit: Int) {"
            f" node(id: $id) {{ ... on Asset {{ {direction}(depth: $depth, kinds: $kinds, limit: $limit) {{ {_LINEAGE} }} }} }} }}"
        )
        variables = {
            "id": id,
            "depth": depth,
            "kinds": None if kinds is None else [kind.upper() for kind in kinds],
            "limit": limit,
        }
        node = self.query(document, variables)["node"]
        if node is None:
            raise MetalayerError("NOT_FOUND", f'no asset with id "{id}"', field="id")
        return node[direction]

    def start_run(
        self,
        model: str,
        *,
        datasets: Optional[Sequence[str]] = None,
        featuresets: Optional[Sequence[str]] = None,
        params: Optional[Mapping[str, Any]] = None,
        run_id: Optional[str] = None,
        name: Optional[str] = None,
        tag: Optional[str] = None,
        properties: Optional[Mapping[str, Any]] = None,
        batch_size: int = 1000,
    ) -> ActiveRun:
        """A run to use as a context manager; it is logged as RUNNING on entry.

        ``with client.start_run(model=m, datasets=[d], params={...}) as run:``
        then ``run.log_metric("loss", 0.3, step=epoch)``. On exit the buffered
        points are sent and the run is COMPLETED, or FAILED when an exception
        escaped the block (the exception is re-raised). Points are sent in
        batches of ``batch_size`` (at most 10,000).
        """
        return ActiveRun(
            self,
            batch_size=batch_size,
            start=dict(model=model, run_id=run_id or _new_key(), name=name, tag=tag, properties=properties,
                       datasets=datasets, featuresets=featuresets, params=params),
        )
