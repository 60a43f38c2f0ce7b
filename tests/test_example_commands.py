"""Every command in the examples' comments runs as written (only made quicker: fewer epochs,
a small, short clip), from the repository's root, with the file names `aeviz train` writes."""

from __future__ import annotations

import dataclasses
import re
import shlex
import shutil
from pathlib import Path

import pytest

import aeviz.settings
from aeviz import renderer
from aeviz.training import loop as trainer

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# "#   aeviz train ..." indented on a line of its own, or `aeviz ...` quoted inside a comment.
COMMAND = re.compile(r"^#\s{2,}(aeviz [^`#]+?)\s*$|`(aeviz [^`]+)`")
QUICK_RENDER = ["--size", "320x180", "--fps", "5", "--duration", "0.2", "--hold", "0"]
QUICKER = {"train": ["--set", "train.epochs=3"], "render": QUICK_RENDER, "demo": QUICK_RENDER}
QUICK_OPTIONS = {"size": "320x180", "fps": 5, "duration": 0.2, "hold": 0}  # for batch, which
# has no such flags: its training and rendering are made quicker where its workers call them.


def example_commands() -> list[str]:
    """The commands of every example's comments, in order, each once."""
    return [command for commands in example_groups().values() for command in commands]


def example_groups() -> dict[str, list[str]]:
    """Each example's commands not found in an earlier example's comments, by its name
    (examples with none left out): an example's comments run as a lecturer copies them, its
    training before its rendering; the examples apart, so that the suite's workers share
    them (in one test they took three minutes on one core)."""
    found: list[str] = []
    groups: dict[str, list[str]] = {}
    for path in sorted(EXAMPLES.glob("*.toml")):
        for line in path.read_text().splitlines():
            if not line.startswith("#"):
                continue
            for match in COMMAND.finditer(line):
                command = match.group(1) or match.group(2)
                if command not in found:
                    found.append(command)
                    groups.setdefault(path.stem, []).append(command)
    return groups


def test_the_examples_comments_hold_commands():
    commands = example_commands()
    assert any(c.startswith("aeviz render optimizers-sgd.npz") for c in commands)
    assert any(c.startswith("aeviz render activations-") for c in commands)


def test_an_examples_commands_need_no_other_examples_outputs():
    """Each group runs in a folder of its own: a command that reads a run (.npz) follows the
    command of its own group that writes it (else it passed only after another example's)."""
    for name, commands in example_groups().items():
        written: set[str] = set()
        for command in commands:
            words = shlex.split(command)
            if words[1] == "train":
                toml = next(w for w in words if w.endswith(".toml"))
                written.add(words[words.index("-o") + 1] if "-o" in words
                            else Path(toml).with_suffix(".npz").name)
            read = {w for w in words if w.endswith(".npz") and w not in written}
            if words[1] in ("render", "figure", "view", "info"):
                assert not read, f"{name}: {command} reads {read}, written by no command before"


@pytest.mark.parametrize("example", list(example_groups()))
def test_every_command_in_the_examples_comments_runs(example, tmp_path, monkeypatch, run_cli):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    quick_default = aeviz.settings.load_default
    monkeypatch.setattr(aeviz.settings, "load_default",
                        lambda overrides=(): quick_default(["train.epochs=3"]))
    quicken_batch(monkeypatch)
    for command in example_groups()[example]:
        words = shlex.split(command)[1:]
        result = run_cli(*words, *QUICKER.get(words[0], []))
        assert result.exit_code == 0, f"{command}: {result.output}"
        if "-o" in words:  # a file, or batch's folder
            assert (tmp_path / words[words.index("-o") + 1]).exists(), command


def quicken_batch(monkeypatch) -> None:
    """3 epochs and a tiny clip for every experiment of a batch (its workers are forked, so
    they see these patches)."""
    train, render = trainer.train, renderer.render

    def quick_train(exp, *args, **kwargs):
        quick = dataclasses.replace(exp, train=dataclasses.replace(exp.train, epochs=3))
        return train(quick, *args, **kwargs)

    def quick_render(runs, output, options, **kwargs):
        return render(runs, output, options.updated(QUICK_OPTIONS), **kwargs)

    monkeypatch.setattr(trainer, "train", quick_train)
    monkeypatch.setattr(renderer, "render", quick_render)
