"""`aeviz figure`: handout figures with one and several runs, and their --at moments."""

import re
import xml.etree.ElementTree as ET

import imageio.v3 as iio
import pytest

import aeviz
from aeviz import AevizError
from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions
from aeviz.trajectory import load

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(path) -> list[str]:
    return [element.text for element in ET.parse(path).iter(f"{SVG}text")]


def test_one_run_as_pdf(run_cli, tiny_run_path, tmp_path):
    out = tmp_path / "fig.pdf"
    result = run_cli("figure", tiny_run_path, "-o", out, "--at", "0,5,last")
    assert result.exit_code == 0 and result.stdout == f"wrote {out}\n"
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(re.findall(rb"/Type /Page\b(?!s)", data)) == 1
    run_cli("figure", tiny_run_path, "-o", tmp_path / "again.pdf", "--at", "0,5,last")
    assert (tmp_path / "again.pdf").read_bytes() == data


def test_several_runs_as_svg_one_row_each(tiny_run_path, tmp_path):
    out = aeviz.figure([tiny_run_path, tiny_run_path], tmp_path / "fig.svg", at="0,0.5,last",
                       labels=["first", "second"])
    texts = svg_texts(out)
    for title in ("(a) epoch 0", "(b) epoch 6", "(c) epoch 12"):  # 0.5 of 12 epochs is 6
        assert texts.count(title) == 1  # over the top row only
    assert {"first", "second", "epoch", "RMSE", "code neuron 1"} <= set(texts)
    # 2 rows x 3 moments, 2 clusters each, plus the legend's: the points are vectors
    assert len(list(ET.parse(out).iter(f"{SVG}use"))) >= 2 * 3 * 40


def test_png_is_the_text_width_at_200_dpi(tiny_run_path, tmp_path):
    out = aeviz.figure(tiny_run_path, tmp_path / "fig.png", at=[0, "last"])
    height, width, _ = iio.imread(out).shape
    assert width == 1260 and height > 500


@pytest.mark.parametrize("args, message", [
    (["--at", "0,99"], "--at: epoch 99 is outside the run (epochs 0 to 12)"),
    (["--at", "0,2.5"], "--at: '2.5' is not a moment: give whole epochs (50), fractions of "
                        "the run from 0 to 1 (0.5) or last"),
    (["--at", ",".join(["0"] * 9)], "--at: give 1 to 8 moments, got 9"),
    (["--labels", "a,b"], "--labels: got 2 names for 1 runs; give one per run, "
                          "comma-separated"),
])
def test_bad_figure_requests(run_cli, tiny_run_path, tmp_path, args, message):
    result = run_cli("figure", tiny_run_path, "-o", tmp_path / "f.pdf", *args)
    assert result.exit_code == 2 and result.stderr == f"Error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_figure_format_is_checked_first(tiny_run_path, tmp_path):
    with pytest.raises(AevizError, match=re.escape(
            "f.mp4: unknown figure format '.mp4' (allowed: .pdf, .svg, .png)")):
        aeviz.figure(tiny_run_path, tmp_path / "f.mp4")


def test_a_caption_goes_under_the_handout(tiny_run_path, tmp_path):
    plain = aeviz.figure(tiny_run_path, tmp_path / "plain.png", at=[0, "last"])
    caption = ("Codes at the start and the end. " * 200)[:4096]  # three lines, then cut
    run = load(tiny_run_path)
    options = RenderOptions(caption=caption)
    handout = HandoutFigure([RunView(run, None)], options, [0.0, float(run.epoch[-1])],
                            TEXT_WIDTH)
    (shown,) = [t.get_text() for t in handout.figure.texts if t.get_text().startswith("Codes")]
    assert shown.count("\n") == 2 and shown.endswith("…") and len(shown) < len(caption) // 10
    with_caption = aeviz.figure(tiny_run_path, tmp_path / "fig.png", at=[0, "last"],
                                caption="One line.")
    (plain_height, width, _), (height, same_width, _) = (iio.imread(plain).shape,
                                                         iio.imread(with_caption).shape)
    assert same_width == width and plain_height < height < plain_height + 80  # one line more
