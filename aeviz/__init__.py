"""aeviz: make the learning of an autoencoder visible.

The Python API (see `aeviz.api`): `aeviz.train`, `load`, `render`, `figure`, `show`. It is
imported on first use, so `import aeviz` stays cheap.
"""

import sys
import types

from aeviz.errors import AevizError

__version__ = "0.1.0"
__all__ = ["AevizError", "figure", "load", "render", "show", "train"]


def _api(name: str):
    from aeviz import api

    return getattr(api, name)


class _Package(types.ModuleType):
    """`aeviz.train` and `aeviz.render` are API functions, although submodules of those names
    exist: importing a submodule sets it as an attribute of the package, which these properties
    ignore (the submodules stay reachable by `from aeviz.train import ...` and sys.modules)."""

    train = property(lambda self: _api("train"), lambda self, submodule: None)
    render = property(lambda self: _api("render"), lambda self, submodule: None)


def __getattr__(name: str):
    if name in ("figure", "load", "show"):
        return _api(name)
    raise AttributeError(f"module 'aeviz' has no attribute {name!r}")


sys.modules[__name__].__class__ = _Package
