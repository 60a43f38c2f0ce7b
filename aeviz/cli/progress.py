"""What a command shows while it works: notes on stderr, a progress bar on a terminal, and
training's status line."""

from __future__ import annotations

import sys
import time

import click

from aeviz.text import printable


def note_printer(quiet: bool):
    """Where notes for the user go: stderr, unless --quiet."""
    def note(message: str) -> None:
        if not quiet:
            click.echo(f"note: {printable(message)}", err=True)
    return note


def warning_printer(quiet: bool):
    """Where warnings go: stderr as they are worded ("warning: ..."), unless --quiet."""
    def warn(message: str) -> None:
        if not quiet:
            click.echo(printable(message), err=True)
    return warn


class Progress:
    """A progress bar on stderr, only when stderr is a terminal (never in logs or CI)."""

    def __init__(self, label: str, quiet: bool = False, eta: bool = True):
        self.label, self.enabled, self.bar = label, not quiet and sys.stderr.isatty(), None
        self.eta = eta  # click's own estimate of the time left

    def __call__(self, done: int, total: int, item: str | None = None) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr,
                                         item_show_func=lambda shown: shown,
                                         show_eta=self.eta)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos, item)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


class TrainingStatus:
    """Training's progress line: the latest RMSE, samples per second and the time left,
    redrawn at most every REDRAW seconds (mini-batches can come thousands a second)."""

    REDRAW = 0.2

    def __init__(self, progress: Progress, clock=time.perf_counter):
        self.progress, self.clock = progress, clock
        self.started = self.shown = clock()
        self.rmse: float | None = None

    def epoch(self, epoch: int, rmse: float) -> None:
        self.rmse = rmse

    def step(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.shown >= self.REDRAW:
            self.shown = now
            self.progress(done, total, self.text(done, total, now - self.started))

    def text(self, done: int, total: int, seconds: float) -> str:
        """The line shown, such as: RMSE 0.0412  5,310 samples/s  1:23 left."""
        rate = done / max(seconds, 1e-9)
        rmse = "" if self.rmse is None else f"RMSE {self.rmse:.4f}  "
        return f"{rmse}{rate:,.0f} samples/s  {clock_text((total - done) / rate)} left"


def clock_text(seconds: float) -> str:
    """1:05 or 2:03:09: minutes and seconds, hours when needed."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def divergence_warning(run, exp) -> str:
    """What a diverged run's end means, and which settings to lower (training.advice)."""
    from aeviz.training.advice import divergence_advice

    return (f"warning: training diverged at epoch {run.meta.diverged_at} (the loss or weights "
            f"stopped being finite); the trajectory ends at {run.ends_at}. "
            f"{divergence_advice(exp)}")
