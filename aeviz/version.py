"""The version of aeviz: a leaf, so that any stage can name it without importing the package's
face (and through it the API)."""

__version__ = "0.1.0"
