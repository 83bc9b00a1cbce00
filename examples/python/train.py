#!/usr/bin/env python3
"""Train a small model and record the whole pipeline in metalayer.

A least-squares fit of ``y = w * x + b`` by gradient descent on generated
data, with the standard library only. It records the project and the
dataset (with its statistics), the model, the run (RUNNING, then one loss
point per epoch, then COMPLETED with its final metrics), a deployment of the
model, and a day of serving performance.

    npm start                                   # in another terminal
    PYTHONPATH=clients/python python3 examples/python/train.py

The server is ``http://127.0.0.1:4000/graphql`` unless ``--url`` or
``METALAYER_URL`` says otherwise; ``METALAYER_TOKEN`` is sent when set. The
last line printed is a JSON object of the recorded ids.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
from pathlib import Path
from typing import Dict, List, Tuple

# Run from a checkout without installing the client.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python"))

from metalayer import DEFAULT_URL, Metalayer  # noqa: E402
from metalayer.statistics import describe  # noqa: E402

SEED = 7
TRUE_W, TRUE_B = 3.0, 2.0


def generate(rows: int, seed: int) -> Tuple[List[float], List[float]]:
    """Points of y = 3x + 2 with Gaussian noise, x in [0, 10); the same seed gives the same data."""
    rng = random.Random(seed)
    xs = [rng.uniform(0, 10) for _ in range(rows)]
    ys = [TRUE_W * x + TRUE_B + rng.gauss(0, 1) for x in xs]
    return xs, ys


def mse(xs: List[float], ys: List[float], w: float, b: float) -> float:
    return sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)


def epoch(xs: List[float], ys: List[float], w: float, b: float, lr: float) -> Tuple[float, float]:
    """One full-batch gradient step on the mean squared error."""
    n = len(xs)
    grad_w = sum(2 * (w * x + b - y) * x for x, y in zip(xs, ys)) / n
    grad_b = sum(2 * (w * x + b - y) for x, y in zip(xs, ys)) / n
    return w - lr * grad_w, b - lr * grad_b


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("METALAYER_URL", DEFAULT_URL), help="the GraphQL endpoint")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.03, help="the learning rate")
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument(
        "--version",
        default=datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S%f"),
        help="the model's version (default: now), so each training run registers a new one",
    )
    return parser.parse_args()


def main() -> Dict[str, str]:
    args = parse_args()
    ml = Metalayer(args.url, token=os.environ.get("METALAYER_TOKEN"))
    xs, ys = generate(args.rows, SEED)

    # Stable keys: the project and the (seeded, so identical) dataset are the same assets on every run.
    project = ml.register_project("line-fit", key="line-fit", description="least squares on generated data")
    dataset = ml.register_dataset(
        "line-points", key=f"line-points-{args.rows}-{SEED}", version=f"{args.rows}-{SEED}",
        source=f"generated: y = {TRUE_W}x + {TRUE_B} + N(0, 1), seed {SEED}",
        statistics=describe({"x": xs, "y": ys}, bins=5),
    )
    model = ml.register_model(
        "line-fit", version=args.version, project=project["id"], task="regression", framework="python-stdlib",
    )

    w, b = 0.0, 0.0
    with ml.start_run(model=model["id"], datasets=[dataset["id"]], params={"lr": args.lr, "epochs": args.epochs}) as run:
        for step in range(args.epochs):
            w, b = epoch(xs, ys, w, b, args.lr)
            run.log_metric("loss", mse(xs, ys, w, b), step=step)
        run.log_metrics({"w": w, "b": b}, step=args.epochs - 1)

    deployment = ml.register_deployment(
        "line-fit-prod", model["id"], version=args.version, environment="production",
        params=f"modelparams/{run.run_id}",
    )
    today = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    served = ml.log_serving_perf(
        deployment["id"],
        (today - datetime.timedelta(days=1)).isoformat().replace("+00:00", "Z"),
        today.isoformat().replace("+00:00", "Z"),
        {"mse": mse(*generate(50, SEED + 1), w, b)},
    )
    print(f"trained w={w:.3f} b={b:.3f}, final loss {mse(xs, ys, w, b):.4f} after {args.epochs} epochs", file=sys.stderr)
    return {
        "project": project["id"],
        "dataset": dataset["id"],
        "model": model["id"],
        "run": str(run.id),
        "deployment": deployment["id"],
        "servingPerf": served["id"],
    }


if __name__ == "__main__":
    print(json.dumps(main()))
