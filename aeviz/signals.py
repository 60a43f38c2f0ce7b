"""SIGTERM handled like Ctrl-C: what CI cancellation, `timeout` and container stops send.

Both signals raise `Interrupted` (a KeyboardInterrupt, so every `except KeyboardInterrupt` that
cleans up after Ctrl-C cleans up after SIGTERM too), and the exit status says which one came:
130 for SIGINT, 143 for SIGTERM, as shells report them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_received: list[int] = []  # the signals that stopped this process, in order
_deferring: list[int] = []  # while non-empty, a signal is remembered here instead of raised


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread by SIGINT or SIGTERM."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_interrupted(signum: int, frame) -> None:
    _received.append(signum)
    if _deferring:
        _deferring.append(signum)
        return
    raise Interrupted(signum)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A section a stop signal must not cut in two (a temporary file made and its name kept,
    a child process started and its pid kept): the signal is raised when the section ends."""
    if _deferring:  # nested: the outer section raises
        yield
        return
    _deferring.append(0)
    try:
        yield
    finally:
        signums = _deferring[1:]
        _deferring.clear()
        if signums:
            raise Interrupted(signums[0])


def checkpoint() -> None:
    """A place inside a deferred section where stopping is safe (between two steps of a long
    section): a signal received so far is raised here instead of at the section's end."""
    if len(_deferring) > 1:
        signum = _deferring[1]
        del _deferring[1:]  # still deferring: the exception leaves the section undisturbed
        raise Interrupted(signum)


def handle_stop_signals() -> None:
    """Make SIGINT and SIGTERM raise `Interrupted` in the main thread (a no-op elsewhere).

    A signal the process was started with ignored (a background job's SIGINT) stays ignored.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _raise_interrupted)


def exit_status() -> int:
    """128 + the first stop signal received (130 for SIGINT, 143 for SIGTERM)."""
    return 128 + (_received[0] if _received else signal.SIGINT)


def stop_when_orphaned(poll_seconds: float = 0.5, grace_seconds: float = 5.0) -> None:
    """In a worker process: when the parent dies (even by SIGKILL), stop as if sent SIGTERM.

    A daemon thread watches the parent's pid; SIGTERM to ourselves lets the main thread clean
    up (stop ffmpeg, remove temporary files); if that takes too long, the thread ends the
    process outright.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_seconds)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace_seconds)
        os._exit(128 + signal.SIGTERM)

    threading.Thread(target=watch, name="aeviz-orphan-watch", daemon=True).start()


def ignore_stop_signals() -> None:
    """While stopping after a first signal: a second Ctrl-C must not cut the clean-up short."""
    if threading.current_thread() is threading.main_thread():
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
