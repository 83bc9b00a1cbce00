"""metalayer: record ML pipelines in a metalayer server from Python.

>>> from metalayer import Metalayer
>>> ml = Metalayer("http://127.0.0.1:4000/graphql")
>>> project = ml.register_project("housing")

Standard library only; Python 3.9 or newer.
"""

from .client import DEFAULT_URL, Metalayer
from .errors import CONNECTION_FAILED, MetalayerError
from .runs import MAX_POINTS_PER_CALL, ActiveRun
from .transport import RetryPolicy

__all__ = [
    "ActiveRun",
    "CONNECTION_FAILED",
    "DEFAULT_URL",
    "MAX_POINTS_PER_CALL",
    "Metalayer",
    "MetalayerError",
    "RetryPolicy",
]

__version__ = "0.1.0"
