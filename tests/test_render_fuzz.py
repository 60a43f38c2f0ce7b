"""Fuzzing `aeviz render`'s options: whatever is typed, the exit status is 0 (drawn) or 2 (one
line), never a traceback, and a refusal writes nothing.

A fixed seed and a bounded count keep CI deterministic and quick; AEVIZ_FUZZ_EXAMPLES raises
the count for a longer local run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aeviz
from aeviz.cli import cli
from tests.conftest import tiny_text
from tests.strategies import number_texts, panel_lists, size_texts, title_texts

EXAMPLES = int(os.environ.get("AEVIZ_FUZZ_EXAMPLES", "12"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[Path]:
    """The tiny run, and the same run under a title of 3,000 characters of many scripts."""
    folder = tmp_path_factory.mktemp("fuzz")
    paths = []
    for name, title in (("tiny", "tiny"), ("long", "Ωmega ß 日本 عربى x\t" * 150)):
        (folder / f"{name}.toml").write_text(tiny_text(title=title,
                                                       train={"epochs": 3}))
        path = folder / f"{name}.npz"
        aeviz.train(str(folder / f"{name}.toml")).save(path)
        paths.append(path)
    return paths


# One frame (a still) or a handful (a clip of at most a third of a second).
options = st.fixed_dictionaries({}, optional={
    "--size": size_texts(),
    "--panels": panel_lists(),
    "--fps": number_texts(1, 12),
    "--duration": number_texts(0, 0.3),
    "--hold": number_texts(0, 0.2),
    "--title": title_texts(),
    "--caption": title_texts(),
    "--epochs": st.sampled_from(["0:2", "1:", ":1", "2:1", "5:9", "a:b", ":"]),
    "--every": number_texts(1, 4),
})


@FUZZ
@given(run=st.integers(0, 1), kind=st.sampled_from([".png", ".png", ".svg", ".gif", ".mp4"]),
       flags=options, epoch=st.one_of(st.none(), number_texts(-1, 4)))
def test_render_options_draw_or_refuse_in_one_line(runs, run, kind, flags, epoch):
    args = [a for flag, value in flags.items() for a in (flag, value)]
    if kind != ".png" and "--duration" not in flags:
        args += ["--duration", "0.2", "--hold", "0"]  # a few frames, not a 14 s clip
    if epoch is not None:
        args += ["--epoch", epoch]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"clip{kind}"
        result = CliRunner().invoke(cli, ["render", str(runs[run]), "-o", str(out), "-q",
                                          *args], catch_exceptions=False)
        written = sorted(p.name for p in Path(folder).iterdir())
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, \
            result.stderr
        assert written == []
    else:
        assert written == [out.name]
