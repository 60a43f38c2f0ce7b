"""The one exception type for mistakes a user can fix (bad TOML, bad file, bad option)."""


class AevizError(Exception):
    """A user error: the CLI prints its message as one line and exits with status 2."""
