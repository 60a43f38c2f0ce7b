"""aeviz: make the learning of an autoencoder visible."""

__version__ = "0.1.0"
