"""The package's layout: the pipeline's stages import only the stages below them."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contract_holds():
    # The script beside this interpreter: the venv's, whether or not the venv is activated.
    lint_imports = Path(sys.executable).parent / "lint-imports"
    if not lint_imports.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout



def test_no_simple_namespace_carries_a_run():
    """Runs, summaries and settings are typed (dataclasses), never SimpleNamespaces that one
    module fills in and another reads back."""
    users = [str(path.relative_to(ROOT)) for path in (ROOT / "aeviz").rglob("*.py")
             if "SimpleNamespace" in path.read_text(encoding="utf-8")]
    assert users == []
