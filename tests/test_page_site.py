"""The site index of `batch --format html` (aeviz.batch.site): built from what batch recorded
only, every link a relative, escaped path, grouped by lesson with captions and posters."""

from __future__ import annotations

import html
import os
import re
import threading
from pathlib import Path
from urllib.parse import unquote

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aeviz.batch.manifest import write_manifest
from aeviz.batch.site import Entry, link, make_poster, shared_heading, write_index
from tests.conftest import tiny_text

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def recorded(folder: Path, name: str, title: str = "", caption: str = "", poster: bool = True,
             runs: tuple[str, ...] = ()) -> None:
    """The outputs and manifest a batch job leaves for one page (the page a stub: its head)."""
    page = folder / f"{name}.html"
    page.write_text(f"<!DOCTYPE html><html><head><title>{title}</title>"
                    f'<meta name="description" content="{caption}"></head></html>')
    made = [page]
    if poster:
        (folder / f"{name}.png").write_bytes(PNG)
        made.append(folder / f"{name}.png")
    extra = {"runs": {run: "0" * 64 for run in runs}, "own": "0" * 64} if runs else {}
    write_manifest(folder / f"{name}.json", "0" * 64, made,
                   {"epochs": 3, "final_rmse": 0.1, "stop_reason": "epochs", **extra})


def hrefs(index: Path) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', index.read_text(encoding="utf-8"))


def test_links_are_relative_escaped_paths_whatever_the_name(tmp_path):
    names = ["javascript:alert(1)", "http:127.0.0.1:8765#", "a b?c=1&d", '"><script>x']
    for name in names:
        recorded(tmp_path, name, title=name)
    index = write_index(tmp_path)
    links = [h for h in hrefs(index) if h != "data:,"]
    assert len(links) == 3 * len(names)  # each: poster link, poster, title link
    for href in links:
        assert href.startswith("./") and re.fullmatch(r"\./[A-Za-z0-9%._~-]+", href), href
    assert link("javascript:alert(1).html") == "./javascript%3Aalert%281%29.html"
    text = index.read_text(encoding="utf-8")
    assert "<script" not in text  # names and titles are text, never markup
    assert not re.search(r'(?:href|src)="(?!\./|data:,)', text)


def test_only_what_batch_recorded_is_listed(tmp_path):
    recorded(tmp_path, "kept", title="Kept")
    (tmp_path / "stray.html").write_text("<title>Stray</title>")  # no manifest: not batch's
    recorded(tmp_path, "changed", title="Changed")
    (tmp_path / "changed.html").write_text("<title>Changed, longer now</title>")  # not as recorded
    os.mkfifo(tmp_path / "fifo.html")  # a FIFO never blocks: no manifest lists it
    os.mkfifo(tmp_path / "pipe.json")  # nor a FIFO in a manifest's place
    result = {}
    worker = threading.Thread(target=lambda: result.update(index=write_index(tmp_path)),
                              daemon=True)
    worker.start()
    worker.join(60)
    assert "index" in result, "write_index hung"
    assert hrefs(result["index"]) == ["data:,", "./kept.html", "./kept.png", "./kept.html"]


def test_lessons_group_a_comparison_with_its_runs_with_captions_and_posters(tmp_path):
    recorded(tmp_path, "vae-vs-ae", title="AE against VAE", caption="Two runs.",
             runs=("vae-vs-ae-ae", "vae-vs-ae-vae"))
    recorded(tmp_path, "vae-vs-ae-ae", title="AE")
    recorded(tmp_path, "vae-vs-ae-vae", title="VAE", caption="It samples & pays <KL>.")
    recorded(tmp_path, "optimizers-adam", title="Optimizers: Adam")
    recorded(tmp_path, "optimizers-sgd", title="Optimizers: SGD", poster=False)
    recorded(tmp_path, "activations-tanh", title="Tanh hidden layers")
    recorded(tmp_path, "activations-relu", title="Activations: ReLU")
    recorded(tmp_path, "iris", title="Iris", caption="Three species.")
    recorded(tmp_path, "digits", title="Digits")
    text = write_index(tmp_path).read_text(encoding="utf-8")
    sections = re.split(r"<h2>", text)
    titles = [re.findall(r'class="page" href="[^"]+">([^<]*)<', part) for part in sections]
    assert titles[0] == []  # every group has its heading, the first one too
    # The lessons of their own: first, together, under a heading of their own.
    assert sections[1].startswith("A lesson in one run</h2>") and titles[1] == ["Digits", "Iris"]
    # Runs sharing a first word: their titles' shared head, else the word as a title.
    assert sections[2].startswith("Activations</h2>")
    assert titles[2] == ["Activations: ReLU", "Tanh hidden layers"]
    assert sections[3].startswith("Optimizers</h2>")
    assert titles[3] == ["Optimizers: Adam", "Optimizers: SGD"]
    assert sections[4].startswith("AE against VAE</h2>") and titles[4] == ["AE against VAE",
                                                                          "AE", "VAE"]
    assert "<p>Three species.</p>" in text and "<p>It samples &amp; pays &lt;KL&gt;.</p>" in text
    assert text.count('<div class="none">no poster</div>') == 1  # SGD's poster was not made


def test_a_comparisons_runs_are_listed_in_the_order_it_names_them(tmp_path):
    """A lecturer: the optimizers' cards ran Adam, Momentum, RMSProp, SGD (by file name),
    against the comparison's story from SGD to Adam."""
    names = ("optimizers-sgd", "optimizers-momentum", "optimizers-rmsprop", "optimizers-adam")
    recorded(tmp_path, "optimizers", title="Four optimizers", runs=names)
    for name in names:
        recorded(tmp_path, name, title=name.split("-")[1])
    text = write_index(tmp_path).read_text(encoding="utf-8")
    assert re.findall(r'class="page" href="[^"]+">([^<]*)<', text) == [
        "Four optimizers", "sgd", "momentum", "rmsprop", "adam"]


def test_shared_heading_of_runs_titled_alike_or_not():
    def entries(*titles):
        return [Entry(f"run{i}", title, "", True) for i, title in enumerate(titles)]

    assert shared_heading("optimizers", entries("Optimizers: SGD", "Optimizers : Adam")) \
        == "Optimizers"
    assert shared_heading("optimizers", entries("Optimizers: SGD", "SGD")) == "Optimizers"
    assert shared_heading("vae", entries("VAE: plain", "Digits: VAE")) == "Vae"


def test_the_poster_leaves_the_caption_to_its_card(tiny_run_path, tmp_path):
    """The card shows the caption under the poster; the poster drew it too, so every card
    read it twice. A poster with a caption is now the poster without one, pixel for pixel."""
    import imageio.v3 as iio

    from aeviz import trajectory
    from aeviz.settings import RenderOptions

    runs = [trajectory.load(tiny_run_path)]
    make_poster(runs, RenderOptions(caption="The lesson, in brief. And more."),
                tmp_path / "captioned.png")
    make_poster(runs, RenderOptions(), tmp_path / "plain.png")
    captioned, plain = iio.imread(tmp_path / "captioned.png"), iio.imread(tmp_path / "plain.png")
    assert captioned.shape[:2] == (360, 640)
    assert np.array_equal(captioned, plain)


def test_a_hidden_future_keeps_its_ending_off_the_poster(tiny_run_path, tmp_path):
    """A lecturer's look: too-high-learning-rate's card showed its last snapshot (RMSE 7.7e27,
    "diverged") beside a clip that keeps the ending for the end. With `future = false` the
    poster is the first snapshot's still, pixel for pixel."""
    import imageio.v3 as iio

    from aeviz import trajectory
    from aeviz.renderer import render
    from aeviz.settings import RenderOptions

    runs = [trajectory.load(tiny_run_path)]
    hidden = RenderOptions(future=False, size="640x360")
    make_poster(runs, hidden, tmp_path / "poster.png")
    render(runs, tmp_path / "first.png", hidden, epoch=0)
    render(runs, tmp_path / "last.png", hidden)
    poster = iio.imread(tmp_path / "poster.png")
    assert np.array_equal(poster, iio.imread(tmp_path / "first.png"))
    assert not np.array_equal(poster, iio.imread(tmp_path / "last.png"))


def test_an_experiment_named_index_keeps_its_page(run_cli, tmp_path):
    experiments = tmp_path / "experiments"
    experiments.mkdir()
    text = tiny_text(train={"epochs": 2}, render={"size": "320x180", "caption": "The lesson."})
    (experiments / "index.toml").write_text(text)
    result = run_cli("batch", experiments, "-o", tmp_path / "site", "--format", "html")
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    assert 'id="aeviz-data"' in (site / "index.html").read_text(encoding="utf-8")
    listing = (site / "experiments.html").read_text(encoding="utf-8")
    assert hrefs(site / "experiments.html")[1:] == ["./index.html", "./index.png",
                                                    "./index.html"]
    assert "<p>The lesson.</p>" in listing
    assert "the site's index is" in result.stderr and "experiments.html" in result.stderr


# Any file name a batch can write: no "/" or NUL, not hidden, a few bytes to a few hundred.
FILE_NAMES = st.text(st.characters(exclude_characters="/\0", exclude_categories=("Cs",)),
                     min_size=1, max_size=30).filter(
    lambda name: not name.startswith(".") and len(name.encode()) < 200)


@settings(max_examples=30, deadline=None)
@given(names=st.lists(FILE_NAMES, min_size=1, max_size=3, unique=True))
def test_any_name_becomes_a_relative_link_to_itself_and_text(tmp_path_factory, names):
    folder = tmp_path_factory.mktemp("names")
    for name in names:
        recorded(folder, name, title=html.escape(name))
    index = write_index(folder)
    links = [h for h in hrefs(index) if h != "data:,"]
    assert all(re.fullmatch(r"\./[A-Za-z0-9%._~-]+", h) for h in links), links
    targets = {unquote(html.unescape(h))[2:] for h in links}
    assert targets == {f"{name}{suffix}" for name in names for suffix in (".html", ".png")}
    titles = re.findall(r'class="page" href="[^"]+">([^<]*)</a>', index.read_bytes().decode())
    # A page's title as its <title> says it (stripped), its name when that is blank.
    assert sorted(html.unescape(t) for t in titles) == sorted(n.strip() or n for n in names)


def test_an_interrupted_batch_indexes_only_its_finished_pages_and_says_so(run_cli, tmp_path,
                                                                          monkeypatch):
    """A batch stopped soon after it started wrote an index as if it had finished (empty, or
    listing a page made from older inputs): now the index lists the finished pages only and
    says the batch was interrupted, naming the pages it did not finish."""
    import aeviz.batch
    from aeviz.batch.jobs import Result

    experiments, site = tmp_path / "experiments", tmp_path / "site"
    experiments.mkdir()
    site.mkdir()
    for name in ("done", "stale", "early"):
        (experiments / f"{name}.toml").write_text(tiny_text(train={"epochs": 2}))
    recorded(site, "done", title="Done")
    recorded(site, "stale", title="Stale")  # made by an earlier batch from other inputs

    def stopped(jobs, workers, on_result):  # "done" finished; Ctrl-C stopped the others
        return [Result(job.name, "done") if job.name == "done" else
                Result(job.name, "interrupted", output="stopped before it finished")
                for job in jobs], True

    monkeypatch.setattr(aeviz.batch, "run_batch", stopped)
    result = run_cli("batch", experiments, "-o", site, "--format", "html")
    assert result.exit_code == 130
    text = (site / "index.html").read_text(encoding="utf-8")
    assert ('<p class="interrupted">This batch was interrupted: 2 pages unfinished (early, '
            "stale), not listed here. Only finished pages are listed; run the batch again to "
            "finish the others.</p>") in text
    assert hrefs(site / "index.html") == ["data:,", "./done.html", "./done.png", "./done.html"]

    monkeypatch.setattr(aeviz.batch, "run_batch", lambda jobs, workers, on_result: (
        [Result(job.name, "interrupted", output="not started") for job in jobs], True))
    assert run_cli("batch", experiments, "-o", site, "--format", "html").exit_code == 130
    text = (site / "index.html").read_text(encoding="utf-8")
    assert "This batch was interrupted: 3 pages unfinished (done, early, stale)" in text
    assert hrefs(site / "index.html") == ["data:,"]  # nothing unfinished taken for done


def test_the_notice_of_an_interrupted_batch_names_at_most_ten_pages(tmp_path):
    recorded(tmp_path, "kept", title="Kept")
    names = [f"run{number:02}" for number in range(12)]
    text = write_index(tmp_path, unfinished=["kept", *names]).read_text(encoding="utf-8")
    assert ("This batch was interrupted: 13 pages unfinished (kept, run00, run01, run02, run03, "
            "run04, run05, run06, run07, run08 and 3 more), not listed here.") in text
    assert hrefs(tmp_path / "index.html") == ["data:,"]
    assert "was interrupted" not in write_index(tmp_path).read_text(encoding="utf-8")


def test_a_link_planted_at_the_index_or_a_manifest_is_replaced_never_written_through(tmp_path):
    """Found by the attack pass: index.html as a symbolic link to another file made
    `python -m aeviz.batch.site` (and batch) overwrite that file; a manifest the same. The
    batch's files are replaced as its outputs are (os.replace), the other file untouched."""
    site, elsewhere = tmp_path / "site", tmp_path / "precious.txt"
    site.mkdir()
    elsewhere.write_text("keep me")
    (site / "index.html").symlink_to(elsewhere)
    (site / "kept.json").symlink_to(elsewhere)
    recorded(site, "kept", title="Kept")
    index = write_index(site)
    assert elsewhere.read_text() == "keep me"
    assert not index.is_symlink() and not (site / "kept.json").is_symlink()
    assert hrefs(index) == ["data:,", "./kept.html", "./kept.png", "./kept.html"]
