"""The example GitHub Actions workflow runs as written: its `run:` steps, in order, in a
course repository made here, with the install step pointed at this checkout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from aeviz.settings.tomlwriter import dump_toml
from tests.conftest import FAST

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CI = ROOT / "examples" / "ci"
WORKFLOW = (CI / "aeviz-clips.yml").read_text()
SHARDS = 3


def run_steps(text: str) -> list[str]:
    """The workflow's `run:` commands in order: one-line steps and `run: |` blocks."""
    lines, steps = text.splitlines(), []
    for number, line in enumerate(lines):
        match = re.match(r"^(\s*)(?:- )?run: (.*)$", line)
        if not match:
            continue
        if match[2].strip() != "|":
            steps.append(match[2])
            continue
        indent = len(match[1]) + 2
        block = []
        for following in lines[number + 1:]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            block.append(following[indent + 2:])
        steps.append("\n".join(block))
    return steps


def test_the_workflow_installs_from_a_source_that_exists():
    requirements = (CI / "requirements-clips.txt").read_text()
    wanted = [line for line in requirements.splitlines() if line and not line.startswith("#")]
    assert wanted == ["aeviz @ git+https://github.com/OWNER/aeviz@v0.1.0"]  # one placeholder
    assert "pip install aeviz" not in WORKFLOW
    # pip's cache is keyed by a file the course repository keeps: the one it installs from.
    assert "cache-dependency-path: requirements-clips.txt" in WORKFLOW
    assert "pip install -r requirements-clips.txt" in run_steps(WORKFLOW)
    assert f"shard: [{', '.join(str(i) for i in range(1, SHARDS + 1))}]" in WORKFLOW
    assert "actions/upload-artifact/merge@v4" in WORKFLOW and "name: lecture-clips" in WORKFLOW


def course_repository(tmp_path: Path) -> Path:
    """A course repository: experiments, a comparison of two of them in shard 1 (one of its
    runs is shard 2's), and requirements pointing at this checkout."""
    repo = tmp_path / "course"
    (repo / "examples").mkdir(parents=True)
    for name, seed in (("kmeans", 1), ("optimizers", 2), ("pca", 3), ("sigmoid", 4)):
        (repo / "examples" / f"{name}.toml").write_text(FAST.replace("seed = 3", f"seed = {seed}"))
    (repo / "examples" / "race.toml").write_text(dump_toml({
        "compare": {"runs": ["pca", "kmeans"]},
        "render": {"size": "320x180", "fps": 5, "duration": 1.0, "hold": 0.0}}))
    (repo / "requirements-clips.txt").write_text(f"aeviz @ {ROOT.as_uri()}\n")
    return repo


def can_build_offline() -> bool:
    """setuptools builds wheels by itself from 70.1 on, before that with the wheel package.
    Python 3.12+ venvs have no setuptools at all unless it is installed (the test extra
    installs it); read its version without importing it."""
    from importlib import metadata, util

    try:
        version = tuple(int(part) for part in metadata.version("setuptools").split(".")[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return False
    return version >= (70, 1) or util.find_spec("wheel") is not None


def workflow_venv(tmp_path: Path) -> Path:
    """A fresh virtual environment that sees this one's packages (numpy, matplotlib, pip,
    setuptools) but not its aeviz; its `pip` fetches nothing but, where this environment
    cannot build a wheel offline, the build tools."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv)}))
    site.mkdir(parents=True, exist_ok=True)
    (site / "parent.pth").write_text(sysconfig.get_path("purelib") + "\n")
    pip = venv / "bin" / "pip"
    offline = "--no-build-isolation --no-index " if can_build_offline() else ""
    pip.write_text('#!/bin/sh\nexec "$(dirname "$0")/python" -m pip "$@" --no-deps '
                   f"{offline}--ignore-installed --quiet --disable-pip-version-check\n")
    pip.chmod(0o755)
    return venv


def job(name: str) -> str:
    """One job's part of the workflow's text."""
    match = re.search(rf"^  {name}:.*?(?=^  [a-z]+:|\Z)", WORKFLOW, re.M | re.S)
    assert match, name
    return match[0]


def test_the_workflow_runs_as_written(tmp_path):
    repo, venv = course_repository(tmp_path), workflow_venv(tmp_path)
    env = {**os.environ, "PATH": f"{venv / 'bin'}:/usr/bin:/bin", "MPLBACKEND": "Agg"}
    env.pop("PYTHONPATH", None)
    made = []
    for shard in range(1, SHARDS + 1):
        for step in run_steps(job("clips")):
            if shard > 1 and step.startswith("pip install"):
                continue  # one install serves the three jobs here
            command = step.replace("${{ matrix.shard }}", str(shard))
            result = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=repo,
                                    env=env, capture_output=True, text=True)
            if result.returncode and "pip install" in command and (
                    "NewConnectionError" in result.stderr or "No matching distribution" in
                    result.stderr):
                pytest.skip("building aeviz here needs the package index (no setuptools "
                            ">= 70.1 here, nor the wheel package)")
            assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"
            if "--dry-run" in command:  # a shard may be empty: it says so
                assert all(line.split(": ")[1] in ("up to date", "would train and render",
                                                   "would render comparison")
                           for line in result.stdout.splitlines()) or result.stdout == (
                    f"shard {shard}/{SHARDS}: no experiments in this share\n"), result.stdout
        made.append(sorted(p.stem for p in (repo / "clips").glob("*.mp4")))
    # The shards wrote into one folder here, so it grows; together they cover every experiment.
    assert made[0] == ["pca", "race"]  # shard 1 made its comparison with shard 2's kmeans
    assert made[-1] == ["kmeans", "optimizers", "pca", "race", "sigmoid"]
    # The site job: every shard's uploads (clips-N, pages-N) downloaded into one folder, then
    # its run steps; the deploy job publishes that folder as it is.
    site = repo / "site"
    site.mkdir()
    for pattern in ("clips/*.mp4", "clips/*.gif", "pages/*.html", "pages/*.png",
                    "pages/*.json"):
        for path in repo.glob(pattern):
            shutil.copy(path, site / path.name)
    (site / "index.html").unlink()  # a shard's index: the site job makes the whole one
    assert "path: site" in job("site") and "merge-multiple: true" in job("site")
    for step in run_steps(job("site")):
        if step.startswith("pip install"):
            continue
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", step], cwd=repo, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0, f"{step}\n{result.stdout}{result.stderr}"
    index = (site / "index.html").read_text()
    names = ("kmeans", "optimizers", "pca", "race", "sigmoid")
    pages = [p[2:] for p in re.findall(r'<a class="page" href="([^"]+)">', index)]
    assert sorted(pages) == [f"{name}.html" for name in names]
    posters = [p[2:] for p in re.findall(r'<img src="([^"]+)"', index)]
    assert sorted(posters) == [f"{name}.png" for name in names]  # comparisons' too
    assert sorted(re.findall(r'<a href="\./([^"]+\.mp4)">', index)) == [
        f"{name}.mp4" for name in names]
    for link in pages + posters:
        assert (site / link).stat().st_size > 1000
    for page in pages:  # self-contained: nothing to fetch from anywhere
        text = (site / page).read_text()
        assert re.findall(r'(?:src|href)="([^"]*)"', text) == ["data:,"]
    installed = subprocess.run([venv / "bin" / "python", "-c",
                                "import aeviz; print(aeviz.__file__)"],
                               capture_output=True, text=True, env=env, cwd=repo, check=True)
    assert str(venv) in installed.stdout  # the workflow's aeviz, not this checkout's
