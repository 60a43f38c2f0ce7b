"""The `aeviz` command's entry point. Importing the commands (click, and numpy for most of
them) takes a noticeable moment; a stop signal that comes during it ends the process quietly
with the usual status (130, 143, 129), before any work has started, instead of a traceback
from whatever was being imported. Once loaded, the commands handle signals themselves
(aeviz.signals)."""

from __future__ import annotations

import signal
import sys

from aeviz.signals import STOP_SIGNALS  # (standard library imports only)


def _stop_while_loading(signum: int, frame: object) -> None:
    sys.exit(128 + signum)


def main() -> None:
    """Console-script entry point: signals first, then the commands."""
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:  # a background job's SIGINT stays
            signal.signal(signum, _stop_while_loading)
    from aeviz.cli import main as run_command

    run_command()
