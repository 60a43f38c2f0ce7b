"""SIGTERM and SIGHUP handled like Ctrl-C: what CI cancellation, `timeout`, container stops,
a closed terminal and a dropped SSH session send.

All three raise `Interrupted` (a KeyboardInterrupt, so every `except KeyboardInterrupt` that
cleans up after Ctrl-C cleans up after the others too), and the exit status says which one came:
130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP, as shells report them.

Two kinds of section hold a signal back: `deferred()`, a few lines that must not be cut in two
(the signal is raised at their end), and `saving()`, the save of finished work (the signal waits
for the save to end, and `stop_requested()` then says it came; the third signal aborts).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
SIGNALS_TO_ABORT_A_SAVE = 3  # the first two wait for the save; the third gives up on it
_received: list[int] = []  # the signals that stopped this process, in order
_deferring: list[int] = []  # while non-empty, a signal is remembered here instead of raised
_saving: list[int] = []  # while non-empty, a save is under way: the signals that came since


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread by SIGINT, SIGTERM or SIGHUP."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_interrupted(signum: int, frame) -> None:
    _received.append(signum)
    if _saving:
        _saving.append(signum)
        if len(_saving) > SIGNALS_TO_ABORT_A_SAVE:  # (the first entry marks the section)
            _saving.clear()
            raise Interrupted(signum)
        if len(_saving) == 2:
            sys.stderr.write("note: stopping once the finished work is saved (a third signal "
                             "aborts the save)\n")
            sys.stderr.flush()
        return
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


@contextlib.contextmanager
def saving() -> Iterator[None]:
    """The save of finished work (a run's trajectory): a stop signal during it waits for the
    save to end (`stop_requested()` then says it came), and so does a second; a third aborts
    the save by raising `Interrupted`. Once a save ends after a stop signal (during the save
    or before it), the process is stopping: further ones are ignored. Nested inside it,
    `deferred()` sections defer nothing more."""
    if _saving:
        yield
        return
    _saving.append(0)
    try:
        yield
    finally:
        aborted = not _saving
        _saving.clear()
    if _received and not aborted:
        # The process is stopping: a further signal must not cut short what is left (the
        # summary of what was saved, the exit).
        ignore_stop_signals()


def stop_requested() -> bool:
    """Whether a stop signal has come (one a `saving()` section held back, say)."""
    return bool(_received)


def handle_stop_signals() -> None:
    """Make SIGINT, SIGTERM and SIGHUP raise `Interrupted` in the main thread (a no-op elsewhere).

    A signal the process was started with ignored (a background job's SIGINT) stays ignored.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _raise_interrupted)


def exit_status() -> int:
    """128 + the first stop signal received (130 for SIGINT, 143 for SIGTERM, 129 for
    SIGHUP)."""
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
