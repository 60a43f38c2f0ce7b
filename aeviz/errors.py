"""The one exception type for mistakes a user can fix (bad TOML, bad file, bad option)."""

from __future__ import annotations


class AevizError(ValueError):
    """A user error. The CLI prints its message as one line and exits with status 2; the Python
    API raises it with the same message."""


class SettingError(AevizError):
    """A bad value for one setting, named by its dotted key (`render.smooth`).

    `source` names where the setting was read from (an experiment file); the CLI names the flag
    instead when the value came from one.
    """

    def __init__(self, key: str, problem: str, source: str = ""):
        self.key, self.problem, self.source = key, problem, source
        where = ": ".join(part for part in (source, key) if part)
        super().__init__(f"{where}: {problem}" if where else problem)

    def under(self, prefix: str) -> SettingError:
        """The same error for the key seen from the table `prefix` ("data" or "[2]") holds."""
        if not self.key:
            key = prefix
        elif self.key.startswith("["):
            key = prefix + self.key
        else:
            key = f"{prefix}.{self.key}"
        return SettingError(key, self.problem, self.source)

    def in_file(self, source: str) -> SettingError:
        """The same error, naming the file the setting came from."""
        return SettingError(self.key, self.problem, source)

    def from_override(self, key: str) -> SettingError:
        """The same error, naming the override `key` (the Python API's) the value came from:
        "override train.epochs: must be ...", not the file that never held it."""
        named = SettingError(self.key, self.problem, f"override {key}")
        named.args = (f"override {key}: "
                      + (self.problem if self.key == key else f"{self.key}: {self.problem}"),)
        return named


def out_of_memory(error: BaseException) -> str:
    """What a failure caused by a memory limit (`ulimit -v`, a container's cap) is, in words;
    "" for other errors. Such a limit shows as MemoryError, as a thread that cannot start, or
    as a library that cannot be mapped into memory when imported."""
    text = str(error)
    if isinstance(error, MemoryError) or (
            isinstance(error, RuntimeError) and "can't start new thread" in text) or (
            isinstance(error, ImportError) and "failed to map segment" in text):
        detail = f" ({text})" if text else ""
        return (f"out of memory{detail}; raise the memory limit (ulimit -v, the container's) "
                "or make the run smaller")
    return ""
