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


def _cycles(graph) -> list[list[str]]:
    """The import cycles among the modules of `graph` (Tarjan's strongly connected
    components of more than one module, or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in graph.find_modules_directly_imported_by(module):
                cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_reaches_itself_through_its_imports():
    """No import cycle among aeviz's modules, counting imports inside functions and from a
    module to its own package's face (which the contracts' sibling check does not see)."""
    grimp = pytest.importorskip("grimp")
    import sys as system

    limit = system.getrecursionlimit()
    system.setrecursionlimit(max(limit, 10_000))
    try:
        graph = grimp.build_graph("aeviz")
        assert _cycles(graph) == []
        graph.add_import(importer="aeviz.renderer.scales", imported="aeviz.renderer.scene")
        assert ["aeviz.renderer.scales", "aeviz.renderer.scene"] in [  # the check can fail
            [m for m in cycle if m in ("aeviz.renderer.scales", "aeviz.renderer.scene")]
            for cycle in _cycles(graph)]
    finally:
        system.setrecursionlimit(limit)


def test_one_suffix_table_names_every_writer():
    from aeviz.batch import site
    from aeviz.cli.batch import BATCH_FORMATS
    from aeviz.renderer import formats
    from aeviz.renderer.writers import WRITERS

    assert list(WRITERS) == [*formats.CLIPS, ".png"]
    assert BATCH_FORMATS == ["mp4", "webm", "gif", "webp", "html", "handout"]
    assert site.CLIPS is formats.CLIPS  # the site index links the clips it knows


def test_the_renderers_face_is_cheap_and_hands_names_on():
    """`aeviz.renderer.formats` (which every command's start reads) loads neither numpy nor
    matplotlib; the face's names are the modules' own objects."""
    code = ("import sys, aeviz.renderer.formats; "
            "print(sorted({'numpy', 'matplotlib'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
    import aeviz.renderer as renderer
    from aeviz.renderer import budgets, rendering, views

    assert renderer.render is rendering.render and renderer.run_views is views.run_views
    assert renderer.within_budgets is budgets.within_budgets
