"""The page's script passes eslint with the project's rules (.ci/eslint.config.mjs), as CI
runs it (.ci/run installs eslint where it is missing); skipped, with the reason, without it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from aeviz.renderer.page.template import SCRIPTS

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "aeviz" / "renderer" / "page"
ESLINT = shutil.which("eslint")


def test_every_script_file_is_assembled_into_the_page():
    # activations.js runs before them all (template.shared_script), in the page and its Worker
    assert sorted(SCRIPTS + ("activations.js",)) == sorted(p.name for p in PAGE.glob("*.js"))
    assert SCRIPTS[-1] == "main.js"


@pytest.mark.skipif(ESLINT is None, reason="eslint is not installed (npm install -g eslint@9; "
                                           ".ci/run does it)")
def test_the_page_script_passes_eslint():
    result = subprocess.run([ESLINT, "--config", str(ROOT / ".ci" / "eslint.config.mjs"),
                             "--max-warnings", "0", str(PAGE)], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(ESLINT is None, reason="eslint is not installed (npm install -g eslint@9; "
                                           ".ci/run does it)")
def test_eslint_finds_a_fault(tmp_path):
    """The rules bite: a loose comparison and an undeclared name are reported."""
    (tmp_path / "bad.js").write_text("page.bad = () => missing == 1;\n")
    result = subprocess.run([ESLINT, "--config", str(ROOT / ".ci" / "eslint.config.mjs"),
                             "bad.js"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "no-undef" in result.stdout and "eqeqeq" in result.stdout
