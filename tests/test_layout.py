"""The package's layout: the pipeline's stages import only the stages below them."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contract_holds():
    lint_imports = shutil.which("lint-imports")
    if lint_imports is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout



def test_no_simple_namespace_carries_a_run():
    """Runs, summaries and settings are typed (dataclasses), never SimpleNamespaces that one
    module fills in and another reads back."""
    users = [str(path.relative_to(ROOT)) for path in (ROOT / "aeviz").rglob("*.py")
             if "SimpleNamespace" in path.read_text(encoding="utf-8")]
    assert users == []
