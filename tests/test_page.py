"""The .html page's content, checked in Python: the data it embeds against the trajectory,
escaping, the caps on its size, the caption key and `batch --format html` (its drawing is
checked in a real browser in test_page_browser.py)."""

from __future__ import annotations

import base64
import dataclasses
import json
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aeviz
from aeviz.renderer.page import pack
from aeviz.renderer.page.template import script_json
from aeviz.settings import RenderOptions
from aeviz.text import math_as_unicode
from aeviz.trajectory import load
from tests.conftest import FAST, tiny_text
from tests.helpers import big_run, page_data
from tests.strategies import examples, page_texts


def array(text: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), np.dtype(dtype).newbyteorder("<"))


def decoded_codes(run_data: dict) -> np.ndarray:
    """The codes a page holds, back in code coordinates [used snapshots, N, 2]."""
    q = array(run_data["codes"], "i2").astype(float).reshape(len(run_data["used"]), -1, 2)
    limits = np.array(run_data["axes"]["limits"])
    codes = limits[:, 0] + (q + pack.QUANT) / (2 * pack.QUANT) * (limits[:, 1] - limits[:, 0])
    assert run_data["axes"]["symlog"] == 0
    return codes


def test_a_page_holds_the_run(tiny_run_path, tmp_path):
    run = load(tiny_run_path)
    output = aeviz.render(run, tmp_path / "run.html", notify=lambda message: None)
    text = output.read_text(encoding="utf-8")
    # One file, nothing to fetch: no address, no src or href but data: ones.
    assert not re.search(r"https?:|//[a-z]", text.split('<script id="aeviz-data"')[0])
    assert re.findall(r'(?:src|href)="([^"]*)"', text) == ["data:,"]
    data = page_data(output)
    (one,) = data["runs"]
    assert one["used"] == list(range(len(run)))
    assert [step["indexes"] for step in data["steps"]] == [[i] for i in range(len(run))]
    assert data["counters"] == [run.moment(i) for i in range(len(run))]
    assert one["epochs"] == run.epoch.tolist()
    limits = np.array(one["axes"]["limits"])
    step = (limits[:, 1] - limits[:, 0]) / (2 * pack.QUANT)
    assert np.all(np.abs(decoded_codes(one) - run.codes) <= step / 2 + 1e-9)
    # The weights exactly, snapshot by snapshot: the page's decoder runs on them.
    params = array(one["params"], "f4").reshape(len(run), one["paramCount"])
    offset = 0
    for w, b in zip(run.weights, run.biases):
        size = w[0].size
        assert np.array_equal(params[:, offset:offset + size], w.reshape(len(run), -1))
        assert np.array_equal(params[:, offset + size:offset + size + b.shape[1]], b)
        offset += size + b.shape[1]
    assert np.array_equal(array(one["hoverX"], "f4").reshape(run.x.shape), run.x)
    assert np.array_equal(array(one["labels"], "i4"), run.labels)
    assert one["pairs"] == [[0, 1], [0, 2], [1, 2]]  # 3-D data: its three projections
    assert one["activations"] == list(run.activations)
    assert data["title"] == "tiny"
    assert [(p["name"], p["title"]) for p in data["panels"]] == [
        ("code", "code layer"), ("loss", "reconstruction error"),
        ("weights", "weights and biases"), ("recon", "reconstruction")]


def test_a_hostile_title_cannot_end_the_script(tiny_run_path, tmp_path):
    run = load(tiny_run_path)
    title = '</script><script>alert(1)</script><!-- "&amp;'
    output = aeviz.render(run, tmp_path / "x.html", title=title, caption="a </SCRIPT> b",
                          labels=["<b>run</b>"], notify=lambda message: None)
    text = output.read_text(encoding="utf-8")
    assert len(re.findall(r"</script", text, re.I)) == 2  # the page's own two scripts
    assert "<!--" not in text and "<script>alert" not in text
    assert f"<title>{'&lt;/script&gt;'}" in text
    data = page_data(output)
    assert data["title"] == title and data["caption"] == "a </SCRIPT> b"


@examples(6)
@given(st.recursive(st.text() | st.floats(allow_nan=False, allow_infinity=False) | st.none(),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8))
def test_script_json_is_inert_in_a_script_and_reads_back(value):
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == value


@examples(0.8)
@given(texts=page_texts())
def test_any_text_stays_text_on_a_page(tiny_run_path, tmp_path_factory, texts, outcomes):
    output = tmp_path_factory.mktemp("fuzz") / "x.html"
    try:
        aeviz.render(tiny_run_path, output, title=texts.title, caption=texts.caption,
                     labels=[texts.label], notify=lambda message: None)
    except aeviz.AevizError as error:  # control characters, bad math: refused, in one line
        assert not texts.printable, str(error)
        assert ("text must be printable Unicode" in str(error) or "math text" in str(error)
                or "has no glyph for" in str(error)) \
            and "\n" not in str(error)
        assert not output.exists()
        return outcomes.refused()
    outcomes.accepted()
    text = output.read_text(encoding="utf-8")
    assert len(re.findall(r"</script", text, re.I)) == 2 and "<!--" not in text
    data = page_data(output)
    assert (data["title"], data["caption"]) == (  # the page shows math as Unicode
        math_as_unicode(texts.title) or "tiny", math_as_unicode(texts.caption))


def test_caption_is_a_render_key(tmp_path):
    assert RenderOptions().caption is None
    assert RenderOptions().updated({"caption": "Watch cluster 3."}).caption == "Watch cluster 3."
    with pytest.raises(aeviz.AevizError, match=r"render\.caption"):
        RenderOptions().updated({"caption": 3})


def test_caption_from_the_experiment_reaches_the_page(run_cli, tmp_path):
    toml = tmp_path / "cap.toml"
    toml.write_text(tiny_text(render={"caption": "Watch the clusters part."}))
    assert run_cli("train", toml, "-o", tmp_path / "cap.npz").exit_code == 0
    result = run_cli("render", tmp_path / "cap.npz", "-o", tmp_path / "cap.html")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{tmp_path / 'cap.html'}: 13 frames")
    assert page_data(tmp_path / "cap.html")["caption"] == "Watch the clusters part."


def test_smooth_is_refused_for_a_page(run_cli, tiny_run_path, tmp_path):
    result = run_cli("render", tiny_run_path, "-o", tmp_path / "x.html", "--smooth", "2")
    assert result.exit_code == 2
    assert "a page shows the recorded snapshots only" in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_seventy_thousand_points_are_all_drawn_and_some_respond(tiny_run_path, tmp_path,
                                                                monkeypatch):
    run = big_run(load(tiny_run_path), 1750)  # 70,000 samples
    notes = []
    output = aeviz.render(run, tmp_path / "big.html", notify=notes.append)
    (one,) = page_data(output)["runs"]
    hover = array(one["hover"], "i4")
    assert one["n"] == 70_000 and len(array(one["labels"], "i4")) == 70_000
    assert len(hover) <= pack.HOVER_SAMPLES + len(one["strip"]) and len(hover) < 70_000
    assert set(one["strip"]) <= set(hover.tolist())
    assert np.array_equal(array(one["hoverX"], "f4").reshape(len(hover), 3), run.x[hover])
    assert any("70,000 samples" in note and "respond to the pointer" in note for note in notes)
    assert output.stat().st_size < 25e6


def test_snapshots_are_thinned_to_the_cap_with_a_note(tiny_run_path, tmp_path, monkeypatch):
    run = load(tiny_run_path)
    monkeypatch.setattr(pack, "SNAPSHOT_BYTES", 2000)
    notes = []
    data = page_data(aeviz.render(run, tmp_path / "thin.html", notify=notes.append))
    (one,) = data["runs"]
    assert one["used"][0] == 0 and one["used"][-1] == len(run) - 1
    assert len(one["used"]) < len(run)
    assert any("snapshots thinned" in note for note in notes)
    assert data["counters"] == [run.moment(i) for i in one["used"]]
    # A real budget: the kept snapshots fit in it.
    from aeviz.renderer import run_views

    per_snapshot = pack.snapshot_bytes(run_views([run], RenderOptions()))
    assert len(one["used"]) * per_snapshot <= 2000 < (len(one["used"]) + 1) * per_snapshot


def test_a_run_too_large_for_a_page_is_refused_in_one_line(tiny_run_path, tmp_path,
                                                            monkeypatch):
    """Even its first and last snapshots would exceed the budget (a wide network's page was
    129 MB): refused, nothing written."""
    monkeypatch.setattr(pack, "SNAPSHOT_BYTES", 300)
    with pytest.raises(aeviz.AevizError) as refused:
        aeviz.render(load(tiny_run_path), tmp_path / "wide.html", notify=lambda message: None)
    assert "a page cannot hold this run: one snapshot takes" in str(refused.value)
    assert "\n" not in str(refused.value) and not (tmp_path / "wide.html").exists()


def test_labels_past_the_int16_range_reach_the_page(tiny_run_path, tmp_path):
    run = load(tiny_run_path)
    labels = np.asarray(run.labels) * 50_000 + 32_767  # 32,767 and 82,767
    page = aeviz.render(dataclasses.replace(run, labels=labels), tmp_path / "many.html",
                        notify=lambda message: None)
    (one,) = page_data(page)["runs"]
    assert np.array_equal(array(one["labels"], "i4"), labels)
    assert sorted(c["value"] for c in one["classes"]) == [32_767, 82_767]


def test_comparisons_step_through_the_union_of_epochs(run_cli, tmp_path):
    for name, epochs in (("a", 4), ("b", 7)):
        (tmp_path / f"{name}.toml").write_text(tiny_text(train={"epochs": epochs},
                                                         label=name))
        assert run_cli("train", tmp_path / f"{name}.toml", "-o",
                       tmp_path / f"{name}.npz").exit_code == 0
    output = aeviz.render([tmp_path / "a.npz", tmp_path / "b.npz"], tmp_path / "ab.html",
                          notify=lambda message: None)
    data = page_data(output)
    assert [r["label"] for r in data["runs"]] == ["a", "b"]
    assert [s["position"] for s in data["steps"]] == list(range(8))
    # The shorter run holds its last snapshot once it has finished.
    assert [s["indexes"][0] for s in data["steps"]] == [0, 1, 2, 3, 4, 4, 4, 4]
    assert data["counters"][-1] == "epoch 7"


def test_batch_html_makes_an_index_and_a_page_per_experiment_and_comparison(run_cli,
                                                                             tmp_path):
    from aeviz.cli.batch import BATCH_FORMATS
    from aeviz.renderer import CLIPS, PAGES

    assert BATCH_FORMATS == [*(s[1:] for s in CLIPS + PAGES), "handout"]
    experiments = tmp_path / "experiments"
    experiments.mkdir()
    for name, seed in (("alpha", 1), ("beta", 2)):
        (experiments / f"{name}.toml").write_text(FAST.replace("seed = 3", f"seed = {seed}")
                                                  .replace('title = "tiny"',
                                                           f'title = "{name} <i>"'))
    (experiments / "both.toml").write_text('[compare]\nruns = ["alpha", "beta"]\n')
    result = run_cli("batch", experiments, "-o", tmp_path / "site", "--format", "html",
                     "--jobs", "1")
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    assert sorted(p.name for p in site.glob("*.html")) == [
        "alpha.html", "beta.html", "both.html", "index.html"]
    index = (site / "index.html").read_text()
    links = re.findall(r'<a class="page" href="([^"]+)">([^<]*)</a>', index)
    # One lesson: the comparison first, then its runs.
    assert links == [("./both.html", "seed 1 vs seed 2"), ("./alpha.html", "alpha &lt;i&gt;"),
                     ("./beta.html", "beta &lt;i&gt;")]
    posters = re.findall(r'<img src="\./([^"]+)"', index)
    assert posters == ["both.png", "alpha.png", "beta.png"]  # the comparison's too
    for poster in posters:
        assert (site / poster).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((site / "both.json").read_text())["outputs"].keys() == {
        "both.html", "both.png"}
    made = {poster: (site / poster).stat().st_mtime_ns for poster in posters}
    again = run_cli("batch", experiments, "-o", site, "--format", "html")
    assert again.exit_code == 0
    assert again.stdout.splitlines()[:3] == [f"{n}: up to date" for n in ("alpha", "beta",
                                                                           "both")]
    assert made == {poster: (site / poster).stat().st_mtime_ns for poster in posters}


@pytest.mark.parametrize("mode", ["shared", "own", "follow"])
def test_a_page_draws_the_clips_description(two_runs, mode):
    """The page's panels and scales are the description a clip of the same runs draws."""
    from aeviz.renderer import run_views
    from aeviz.renderer.description import describe, to_json

    options = RenderOptions(scales=mode, panels=("code", "loss", "weights", "decoder"))
    views = run_views(list(two_runs), options)
    data, frames, _ = pack.pack_runs(views, options)
    clip = to_json(describe(views, options, (frames[0].position, frames[-1].position)))
    drawn = [p for p in data["panels"] if p["name"] != "recon"]  # the page's own probe
    assert [(p["name"], p["run"]) for p in drawn] == [(p["name"], p["run"])
                                                      for p in clip["panels"]]
    for page_panel, clip_panel in zip(drawn, clip["panels"]):
        for key in ("title", "title_color", "code", "loss", "colors", "decoder", "layers"):
            assert page_panel[key] == clip_panel[key], (page_panel["name"], key)
    first, second = (p for p in drawn if p["name"] == "code")
    assert (first["code"] == second["code"]) == (mode != "own")
    weights = [p["colors"] for p in drawn if p["name"] == "weights"]
    assert weights == ([None, None] if mode == "follow" else weights)
    for one, view, code in zip(data["runs"], views, (first, second)):
        limits = np.array(one["axes"]["limits"])  # the codes are packed on the plane's limits
        assert limits.tolist() == [code["code"]["x"], code["code"]["y"]]
        step = (limits[:, 1] - limits[:, 0]) / (2 * pack.QUANT)
        assert np.all(np.abs(decoded_codes(one) - view.codes[one["used"]]) <= step / 2 + 1e-9)


def test_follow_ships_the_clips_growing_limits(tiny_run_path):
    from aeviz.renderer import run_views
    from aeviz.renderer.scales import growing_extents, padded

    run = load(tiny_run_path)
    options = RenderOptions(scales="follow")
    data, _, _ = pack.pack_runs(run_views([run], options), options)
    (one,) = data["runs"]
    follow = array(one["follow"], "f8").reshape(-1, 4)
    expected = [[*padded((x0, x1)), *padded((y0, y1))]
                for x0, x1, y0, y1 in growing_extents(run.codes.astype(float))]
    assert np.array_equal(follow, np.array(expected)[one["used"]])
    weights = next(p for p in data["panels"] if p["name"] == "weights")
    assert weights["colors"] is None  # the page follows the largest weight so far
    largest = array(one["largest"], "f4")
    assert np.all(np.diff(largest) >= 0) and largest[-1] == np.float32(max(
        max(np.abs(w[i]).max(), np.abs(b[i]).max()) for w, b in zip(run.weights, run.biases)
        for i in range(len(run))))
    # The title's "|w|" is each snapshot's largest weight, not a bias, as the clip's title
    # (the page showed the color scale's reach: a bias, 1.105 where no weight passed 1.020).
    edge = array(one["largestEdge"], "f4")
    assert np.array_equal(edge, np.array([max(np.abs(w[i]).max() for w in run.weights)
                                          for i in one["used"]], np.float32))


@given(scale=st.floats(1e-3, 1e300), layer=st.integers(0, 3))
def test_a_following_profiles_limits_hold_the_data_and_outputs_and_never_shrink(
        tiny_run_path, scale, layer):
    """Under "follow" the reconstruction profile's value limits (reconFollow) grow with the
    outputs drawn: finite whatever the weights (a diverging run's outputs overflow to inf and
    are left out), never shrinking, the data's range always inside."""
    from aeviz.renderer import run_views

    run = load(tiny_run_path)
    layer %= len(run.weights)
    with np.errstate(over="ignore"):  # (float32 weights overflow to inf: left out too)
        weights = [w * scale if i == layer else w for i, w in enumerate(run.weights)]
    view = run_views([dataclasses.replace(run, weights=weights)], RenderOptions())[0]
    used = list(range(0, len(run), 3))
    limits = pack._recon_follow(view, [0, 1, 2], used)
    assert limits.shape == (len(used), 2) and np.all(np.isfinite(limits))
    assert np.all(np.diff(limits[:, 0]) <= 0) and np.all(np.diff(limits[:, 1]) >= 0)
    assert np.all(limits[:, 0] <= run.x.min()) and np.all(limits[:, 1] >= run.x.max())
