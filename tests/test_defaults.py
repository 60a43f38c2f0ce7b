"""One story for defaults: a flag beats the experiment's [render] table, which beats the
built-in default; validate, --help, README and the init template all tell the same one."""

import re
import sys
from pathlib import Path

from aeviz.settings import RenderOptions, default_experiment_text
from tests.conftest import tiny_text
from tests.helpers import decode_mp4

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

README = Path(__file__).parent.parent / "README.md"
MINIMAL = """[[data.clusters]]
mean = [0.0, 0.0, 0.0]
std = 0.1

[model]
layers = [3, 2, 3]
"""
EFFECTIVE_RENDER = """[render]
fps = 30
size = "1280x720"
theme = "light"
panels = ["code", "loss", "weights"]
duration = 12.0
hold = 2.0
pace = "linear"
every = 1
align = "none"
trails = 0
smooth = 0
pca = true
pca_ghost = false
future = true
scales = "shared"
""" + ("# not set: title (the experiment's title), epochs (all), labels (label keys, else what "
       "differs), pull (off), ellipses (on for a VAE), log_loss (log where the losses drawn "
       "span more than 10x)\n")


def test_validate_prints_every_effective_render_value(run_cli, tmp_path):
    (tmp_path / "min.toml").write_text(MINIMAL)
    result = run_cli("validate", tmp_path / "min.toml")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("\n\n" + EFFECTIVE_RENDER)


def test_readme_shows_the_defaults_validate_prints():
    block = re.search(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)[1]
    render = block[block.index("[render]"):]  # the demo's: the built-in defaults, log pace
    built_in = tomllib.loads(EFFECTIVE_RENDER)["render"]  # and its lesson as a caption
    shown = tomllib.loads(render)["render"]
    assert shown.pop("caption").startswith("Four clusters in 4-D")
    assert shown == {**built_in, "pace": "log"}
    assert 'pace = "log"              # the demo\'s; built-in default "linear"' in render
    assert render.splitlines()[-1] == EFFECTIVE_RENDER.splitlines()[-1]


def test_the_template_comments_out_the_built_in_defaults():
    """`aeviz init`'s [render] table: the keys it sets, and the built-in defaults commented."""
    render = default_experiment_text().split("\n[render]")[1]
    commented = dict(re.findall(r"^# (\w+) = (.*?)(?:\s+#.*)?$", render, re.M))
    values = tomllib.loads("\n".join(f"{k} = {v}" for k, v in commented.items()))
    defaults = RenderOptions()
    assert values and all(values[key] == _toml(getattr(defaults, key)) for key in values)
    set_here = tomllib.loads(render.split("\n", 1)[1])
    assert set_here.pop("caption").startswith("Four clusters")  # the demo's lesson
    assert set_here == {"pace": "log"}


def _toml(value):
    return list(value) if isinstance(value, tuple) else value


def test_a_flag_beats_the_table_which_beats_the_default(run_cli, tmp_path):
    (tmp_path / "e.toml").write_text(tiny_text(
        train={"epochs": 3}, render={"size": "320x180", "fps": 5, "duration": 1}))
    assert run_cli("train", tmp_path / "e.toml", "-o", tmp_path / "e.npz", "-q").exit_code == 0

    def clip(*flags):
        out = tmp_path / "c.mp4"
        assert run_cli("render", tmp_path / "e.npz", "-o", out, "-q", *flags).exit_code == 0
        meta, frames = decode_mp4(out)
        return meta["fps"], len(frames)

    # the table's fps and duration, the built-in 2 s hold: 5 + 10 frames at 5 fps
    assert clip() == (5, 5 + 10)
    # flags beat the table (fps, duration) and the default (hold)
    assert clip("--fps", "4", "--duration", "0.5", "--hold", "0") == (4, 2)


def test_render_help_states_the_order_and_the_defaults(run_cli):
    text = " ".join(run_cli("render", "--help").stdout.split())
    assert ("Which value wins: a flag, else the experiment's [render] table (a trajectory keeps "
            "it), else the built-in default shown with each flag.") in text
    assert "Frames per second [30]." in text
    assert "Fit the clip to SECONDS; 0: one frame per snapshot [12]." in text
    assert "Freeze the last frame for SECONDS [2]." in text
