"""aeviz: make the learning of an autoencoder visible.

The Python API (see `aeviz.api`): `aeviz.train`, `load`, `render`, `figure`, `show`. It is
imported on first use, so `import aeviz` stays cheap (no numpy, no matplotlib). The modules
behind it are `aeviz.training.loop` and `aeviz.renderer`.
"""

from aeviz.errors import AevizError
from aeviz.version import __version__

__all__ = ["AevizError", "__version__", "figure", "load", "render", "show", "train"]


def __getattr__(name: str):
    if name in ("figure", "load", "render", "show", "train"):
        from aeviz import api

        return getattr(api, name)
    raise AttributeError(f"module 'aeviz' has no attribute {name!r}")
