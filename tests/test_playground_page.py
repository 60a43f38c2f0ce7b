"""The page retrains live, and records what `aeviz train` records: aeviz.retrain of the demo,
the denoising example and the VAE example with changed keys against `aeviz train` with the same
`--set` values and dtype = "float64", epoch by epoch; aeviz.experiment() against `aeviz train`
of its text; Step, Stop and the decoder views (drag, path, prior, denoise) against the
model's forward pass, in headless Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aeviz
from aeviz.renderer.page.playground import KNOBS
from aeviz.training.model import Autoencoder, code_gradients, forward, split_params
from aeviz.trajectory import load
from tests.browser import chromium_driver, next_frames, requests, viewport  # noqa: F401
from tests.helpers import wait_until

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def open_page(driver, page: Path):
    driver.get_log("browser"), requests(driver)  # from empty logs
    driver.get(page.as_uri())
    wait_until(lambda: driver.execute_script("return !!(window.aeviz && window.aeviz.playground)"),
               "the playground's API ready")
    # Its first drawing (the plane's scales, the loss chart) is made in an animation frame.
    next_frames(driver)
    problems = [entry for entry in driver.get_log("browser")
                if entry["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems
    return driver


def retrain(driver, overrides: dict):
    """aeviz.retrain(overrides) awaited: its {epoch, loss, stopReason}, or "Error: message"."""
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        aeviz.retrain(arguments[0]).then(done, (error) => done("Error: " + error.message));
    """, overrides)


def call(driver, script: str, *args):
    """An async page call (a Promise) awaited."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"Promise.resolve({script}).then(done, (error) => done('Error: ' + error.message));",
        *args)


@pytest.fixture(scope="module")
def pages(tmp_path_factory, run_cli) -> dict[str, Path]:
    """Pages of the demo, the denoising example and the VAE example (as rendered), each
    beside a link to the examples' data, so that experiment files written there train."""
    folder = tmp_path_factory.mktemp("playground")
    (folder / "data").symlink_to(EXAMPLES / "data")
    made = {}
    for name, toml in [("demo", "seed-default.toml"), ("denoising", "denoising.toml"),
                       ("vae", "vae-vs-ae-vae.toml")]:
        run = folder / f"{name}.npz"
        assert run_cli("train", EXAMPLES / toml, "-o", run, "-q").exit_code == 0
        made[name] = aeviz.render(run, folder / f"{name}.html", notify=lambda message: None)
    return made


@pytest.fixture(scope="module")
def run_cli():
    from click.testing import CliRunner

    from aeviz.cli import cli

    def invoke(*args):
        return CliRunner().invoke(cli, [str(a) for a in args], prog_name="aeviz",
                                  catch_exceptions=False)
    return invoke


def aeviz_train(run_cli, toml: Path, overrides: dict, output: Path):
    """`aeviz train toml --set key=value ... --set train.dtype=float64`: its trajectory."""
    sets = [f"{key}={json.dumps(value)}" for key, value in overrides.items()]
    args = [arg for text in sets + ["train.dtype=float64"] for arg in ("--set", text)]
    result = run_cli("train", toml, "-o", output, "-q", *args)
    assert result.exit_code == 0, result.output
    return load(output)


def assert_same_record(page_run: dict, trajectory) -> None:
    assert page_run["epoch"] == [int(e) for e in trajectory.epoch]
    ours, theirs = np.array(page_run["loss"]), np.asarray(trajectory.loss, float)
    assert np.max(np.abs(ours - theirs) / theirs) <= 1e-5
    if trajectory.terms is not None:  # code_l1 and a VAE's KL, as recorded (float32)
        np.testing.assert_allclose(page_run["terms"], trajectory.terms, rtol=1e-5)


CASES = [
    ("demo", "seed-default.toml", {"train.optimizer": "sgd"}),
    ("demo", "seed-default.toml", {"train.optimizer": "momentum", "model.activation": "sigmoid",
                                   "train.seed": 7}),
    ("denoising", "denoising.toml", {"train.noise": 0.1}),
    ("vae", "vae-vs-ae-vae.toml", {"train.beta": 0.01, "train.epochs": 6}),
    ("demo", "seed-default.toml", {"train.masking": 0.2, "train.code_l1": 0.01,
                                   "train.optimizer": "adamw", "train.epochs": 50}),
    # Too high a learning rate on the demo's page: the loss jumps four orders of magnitude in
    # epoch 1 (recorded mini-batch by mini-batch) and comes back down.
    ("demo", "seed-default.toml", {"model.activation": "identity", "train.learning_rate": 4.0,
                                   "record.batches": 1, "train.epochs": 100}),
    # ... and one that overflows in epoch 1: the stop rule says "diverged" and the record
    # keeps the finite mini-batch snapshots before the overflow.
    ("demo", "seed-default.toml", {"model.activation": "identity", "train.optimizer": "momentum",
                                   "train.learning_rate": 50.0, "record.batches": 1,
                                   "train.epochs": 30}),
]


@pytest.mark.slow
@pytest.mark.parametrize("name, toml, overrides", CASES,
                         ids=["demo-sgd", "demo-momentum-sigmoid-seed", "denoising-noise",
                              "vae-beta", "demo-masking-code_l1-adamw", "demo-blow-up",
                              "demo-diverging"])
def test_retrain_records_what_aeviz_train_records(browser, pages, run_cli, tmp_path,
                                                  name, toml, overrides):
    driver = open_page(browser, pages[name])
    page_run = retrain(driver, overrides)
    assert not isinstance(page_run, str), page_run
    # Offline, from disk: the page asked for itself, and its Worker's script is a blob: URL.
    asked = requests(driver)
    assert asked[0] == pages[name].as_uri()
    assert {url.split(":")[0] for url in asked[1:]} <= {"blob", "data"}
    reference = aeviz_train(run_cli, EXAMPLES / toml, overrides, tmp_path / "reference.npz")
    assert page_run["stopReason"] == reference.meta.stop_reason
    assert_same_record(page_run, reference)
    # The page's experiment, trained by aeviz (beside the data, as the page says), again.
    text = driver.execute_script("return aeviz.experiment()")
    written = pages[name].parent / f"retrained-{name}.toml"
    written.write_text(text, encoding="utf-8")
    again = aeviz_train(run_cli, written, {}, tmp_path / "again.npz")
    assert_same_record(page_run, again)


def test_bad_overrides_are_refused_with_one_line(browser, pages):
    driver = open_page(browser, pages["demo"])
    refusals = {
        '{"train.learing_rate": 0.1}': "Error: train.learing_rate: not a key the page retrains "
                                       "with; allowed: train.optimizer, train.learning_rate",
        '{"train.batch_size": 2.5}': "Error: train.batch_size: must be a whole number, got 2.5",
        '{"train.learning_rate": 0}': "Error: train.learning_rate: must be > 0, got 0",
        '{"train.optimizer": "lbfgs"}': "Error: train.optimizer: must be one of sgd, momentum,",
        '{"data.seed": 3}': "Error: data.seed: not a key the page retrains with",
        '{"model.layers": [4, 6, 3, 5, 4]}': "Error: model.layers: the code layer (entry 2) "
                                             "stays the one hidden layer of 2 neurons, got "
                                             "[4,6,3,5,4]",
        '{"model.layers": [4, 6, 2, 4]}': "Error: model.layers: must be 5 whole numbers",
    }
    for overrides, message in refusals.items():
        assert retrain(driver, json.loads(overrides)).startswith(message), overrides


def test_a_network_past_the_pages_budget_is_refused_before_it_trains(browser, pages):
    """Found by the attack pass: the budget held for the recorded network only, so layers of
    4096 on the VAE's page would train for hours in the tab, in gigabytes."""
    driver = open_page(browser, pages["vae"])
    wide = [64, 4096, 4096, 2, 4096, 4096, 64]
    assert retrain(driver, {"model.layers": wide}) == (
        "Error: model.layers: one epoch of [64,4096,4096,2,4096,4096,64] on these 1797 "
        "samples costs 1.8e+11 multiply-adds; the page trains up to 6e+7 (train it with aeviz "
        "train)")
    assert driver.execute_script("return aeviz.playground.experimentFor({})").count(
        "4096") == 0  # nothing changed


def test_keys_named_after_objects_own_members_are_refused_and_change_nothing(
        browser, pages):
    driver = open_page(browser, pages["demo"])
    for key in ("__proto__", "constructor", "toString", "hasOwnProperty"):
        # (JSON.parse makes "__proto__" an own key, as a script's data would.)
        refused = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            aeviz.retrain(JSON.parse(arguments[0])).then(
                () => done("trained"), (error) => done("Error: " + error.message));
        """, json.dumps({key: 7}))
        assert refused.startswith(f"Error: {key}: not a key the page retrains with"), refused
    assert driver.execute_script("return [({}).undefined, Object.undefined]") == [None, None]


def test_set_knob_of_an_unknown_key_says_which_knobs_there_are(browser, pages):
    driver = open_page(browser, pages["demo"])
    for key in ("train.learing_rate", "__proto__", "train.beta"):  # (beta: a VAE's only)
        said = driver.execute_script(
            "try { aeviz.playground.setKnob(arguments[0], 1); return 'set'; }"
            " catch (e) { return e.message; }", key)
        assert said.startswith(f"{key}: not a knob of this page; knobs: train.optimizer, "), said


def test_a_plain_run_refuses_the_vaes_beta_as_aeviz_train_does(browser, pages):
    driver = open_page(browser, pages["demo"])
    refused = retrain(driver, {"train.beta": 1})
    assert refused.startswith("Error: train.beta: not a key the page retrains with (this run "
                              "is not a variational autoencoder)"), refused


def test_whole_numbers_past_1e21_reach_the_experiment_as_whole_numbers(
        browser, pages, run_cli, tmp_path):
    driver = open_page(browser, pages["demo"])
    text = driver.execute_script("return aeviz.playground.experimentFor(arguments[0])",
                                 {"train.batch_size": 1e21, "record.every": 1e300})
    assert "\nbatch_size = 1000000000000000000000\n" in text
    path = pages["demo"].parent / "huge-integers.toml"
    path.write_text(text)
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.output


def test_a_seed_past_2_53_turns_live_training_off(browser, pages, run_cli,
                                                  tmp_path):
    run = tmp_path / "seed.npz"
    assert run_cli("train", EXAMPLES / "seed-default.toml", "-o", run, "-q", "--set",
                   "train.epochs=2", "--set", f"train.seed={2**53 + 1}").exit_code == 0
    page = aeviz.render(run, tmp_path / "seed.html", notify=lambda message: None)
    driver = open_page(browser, page)
    why = (f"live training is off: train.seed = {2**53 + 1} is too large for the page, whose "
           "numbers hold whole numbers exactly below 2**53 only; train it with aeviz train")
    assert retrain(driver, {}) == "Error: " + why
    assert driver.execute_script(
        "try { aeviz.experiment(); return 'written'; } catch (e) { return e.message; }") == why
    assert driver.find_element("id", "aeviz-download").get_attribute("disabled") == "true"


def test_step_shows_one_batch_and_training_goes_on_from_it(browser, pages):
    driver = open_page(browser, pages["demo"])
    first = call(driver, "aeviz.playground.step()")
    assert first["step"] == 1 and len(first["rows"]) == 32 and first["epoch"] == 1
    # Its pull arrows: -d(the batch's MSE)/d(each code), aeviz's pull (code_gradients) with
    # the initial weights, as `aeviz train` draws them from the seed.
    run = load(pages["demo"].with_suffix(".npz"))
    exp = run.experiment
    net = Autoencoder(exp.model.layers, exp.model.activations, np.random.default_rng(0))
    rows, code = first["rows"], exp.code_layer
    x = run.x[rows].astype(float)
    codes = net.forward(x)[code]
    pull = -code_gradients(codes, x, net.weights[code:], net.biases[code:],
                           exp.model.activations[code:]) / len(rows)
    np.testing.assert_allclose(np.reshape(first["arrows"], (-1, 2)), pull, rtol=1e-9,
                               atol=1e-15)
    for _ in range(14):
        last = call(driver, "aeviz.playground.step()")
    assert last["step"] == 15
    # 400 samples in batches of 32: 13 steps an epoch, so epoch 1 was evaluated and recorded
    live = driver.execute_script("return aeviz.playground.live()")
    assert (live["epoch"], live["records"], last["epoch"]) == (2, 2, 2)
    stepped_on = call(driver, "aeviz.playground.train()")
    fresh = retrain(driver, {})
    assert stepped_on == fresh  # 15 steps, then the rest: the very same run


def test_a_new_retrain_replaces_the_one_running(browser, pages):
    driver = open_page(browser, pages["demo"])
    first, second = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const settle = (run) => run.then((r) => r.loss.length, (error) => error.message);
        const first = settle(aeviz.retrain({"train.optimizer": "sgd"}));
        const second = settle(aeviz.retrain({}));
        Promise.all([first, second]).then(done);""")
    assert first == "replaced by a new run"
    assert second == len(retrain(driver, {})["loss"])  # the replacing run ran to its end


def test_stop_keeps_the_completed_epochs(browser, pages):
    driver = open_page(browser, pages["vae"])
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const run = aeviz.retrain({"train.epochs": 40});
        const poll = () => aeviz.playground.live().epoch >= 3 ? aeviz.playground.stop()
                                                               : setTimeout(poll, 20);
        poll();
        run.then(done, (error) => done("Error: " + error.message));""")
    assert result["stopReason"] == "interrupted"
    assert 2 <= len(result["epoch"]) - 1 < 40  # epochs 1 and 2 at least, not all 40
    assert result["epoch"] == list(range(len(result["epoch"])))


def test_keys_typed_into_a_knob_stay_there(browser, pages):
    from selenium.webdriver.common.keys import Keys

    driver = open_page(browser, pages["demo"])
    driver.execute_script("aeviz.seek(5)")
    knob = driver.find_element("css selector", '#aeviz-playground [data-key="model.layers"]')
    knob.clear()
    knob.send_keys("4, 8, 2, 8, 4", Keys.ARROW_LEFT, Keys.HOME, Keys.END, " ")
    assert driver.execute_script("return aeviz.current().index") == 5  # the slider stayed
    assert knob.get_attribute("value") == "4, 8, 2, 8, 4 "
    assert driver.execute_script("return aeviz.playground.knobs()") == {
        "model.layers": [4, 8, 2, 8, 4]}


def shown_knobs(driver) -> list[str]:
    """The keys of the playground's knobs a student sees."""
    return driver.execute_script("""
        return Array.from(document.querySelectorAll('#aeviz-playground [data-key]'))
            .filter((input) => input.closest('label').offsetParent !== null)
            .map((input) => input.dataset.key);""")


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam", "adamw"])
def test_only_the_chosen_optimizers_settings_are_knobs(browser, pages, optimizer):
    """SGD was offered Adam's betas and eps, RMSProp Momentum's dampening: the knobs shown
    are those the chosen optimizer reads (as `aeviz info` names them), chosen from the select
    or by setKnob."""
    from selenium.webdriver.support.ui import Select

    from aeviz.settings.names import OPTIMIZER_SETTINGS

    driver = open_page(browser, pages["demo"])
    own = {"train.beta1", "train.beta2", "train.eps", "train.dampening"}
    recorded = load(pages["demo"].with_suffix(".npz")).experiment.train.optimizer
    expected = {f"train.{name}" for name in OPTIMIZER_SETTINGS[optimizer]}
    assert set(shown_knobs(driver)) & own == {f"train.{name}"
                                              for name in OPTIMIZER_SETTINGS[recorded]}
    driver.execute_script("aeviz.playground.setKnob('train.optimizer', arguments[0])", optimizer)
    assert set(shown_knobs(driver)) & own == expected
    assert "train.learning_rate" in shown_knobs(driver)
    select = Select(driver.find_element("css selector",
                                        '#aeviz-playground [data-key="train.optimizer"]'))
    select.select_by_value("sgd")
    assert not set(shown_knobs(driver)) & own
    select.select_by_value(optimizer)
    assert set(shown_knobs(driver)) & own == expected


def test_a_network_with_an_activation_per_layer_shows_them_all(browser, pages, run_cli):
    """The digits' network has an activation per layer (identity at the code): its knob
    showed "tanh", the first. It shows them all, as its first choice, and leaves them
    unchanged (no override); a name picked sets every layer."""
    from selenium.webdriver.support.ui import Select

    folder = pages["demo"].parent
    run = folder / "digits.npz"
    assert run_cli("train", EXAMPLES / "digits.toml", "-o", run, "-q",
                   "--set", "train.epochs=2").exit_code == 0
    page = aeviz.render(run, folder / "digits.html", notify=lambda message: None)
    driver = open_page(browser, page)
    names = load(run).experiment.model.activation
    assert isinstance(names, (list, tuple)) and "identity" in names
    knob = driver.find_element("css selector", '#aeviz-playground [data-key="model.activation"]')
    assert knob.get_attribute("value") == ", ".join(names)
    # The layers' box shows the whole list (it was cut to "64, 64, 16, 2, 16, 64, (").
    box = driver.find_element("css selector", '#aeviz-playground [data-key="model.layers"]')
    assert driver.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth",
                                 box)
    shown = driver.execute_script("return arguments[0].selectedOptions[0].textContent", knob)
    assert shown == "per layer: " + ", ".join(names)
    assert driver.execute_script("return aeviz.playground.knobs()") == {}
    Select(knob).select_by_value("tanh")
    assert driver.execute_script("return aeviz.playground.knobs()") == {
        "model.activation": "tanh"}


def test_set_knob_refuses_a_choice_the_select_does_not_offer(browser, pages):
    """setKnob('model.activation', 'bogus') left the select blank and Train used the
    recorded run: refused, naming what is offered; the knob keeps its value."""
    driver = open_page(browser, pages["demo"])
    for value in ("bogus", "tanh, identity"):
        said = driver.execute_script(
            "try { aeviz.playground.setKnob('model.activation', arguments[0]); return null; }"
            " catch (error) { return 'Error: ' + error.message; }", value)
        assert said.startswith("Error: model.activation: must be one of "), said
        assert f"got {json.dumps(value)}" in said and "tanh" in said
    knob = driver.find_element("css selector", '#aeviz-playground [data-key="model.activation"]')
    assert knob.get_attribute("value") == "tanh"
    assert driver.execute_script("return aeviz.playground.knobs()") == {}


def knob_box(driver, key: str):
    return driver.find_element("css selector", f'#aeviz-playground [data-key="{key}"]')


@pytest.mark.parametrize("key, text, refused, optimizer", [
    ("train.dampening", "7", "must be < 1, got 7", "adam"),
    ("train.beta1", "abc", 'must be a number, got string "abc"', "sgd"),
    ("train.eps", "-1", "must be > 0, got -1", "momentum"),
])
def test_a_knob_the_chosen_optimizer_does_not_read_is_not_checked(
        browser, pages, key, text, refused, optimizer):
    """Found by the attack pass: a dampening of 7 typed for Momentum, then Adam chosen (the
    dampening knob hidden), refused every Step and Train with "must be < 1, got 7"."""
    from selenium.webdriver.support.ui import Select

    from aeviz.settings.names import OPTIMIZER_SETTINGS

    driver = open_page(browser, pages["demo"])
    select = Select(knob_box(driver, "train.optimizer"))
    reader = next(name for name, read in OPTIMIZER_SETTINGS.items() if key.split(".")[1] in read)
    select.select_by_value(reader)
    knob_box(driver, key).clear()
    knob_box(driver, key).send_keys(text)
    assert call(driver, "aeviz.playground.step()") == f"Error: {key}: {refused}"  # read: refused
    select.select_by_value(optimizer)
    assert key not in shown_knobs(driver)
    stepped = call(driver, "aeviz.playground.step()")
    assert isinstance(stepped, dict) and stepped["step"] == 1, stepped
    recorded = load(pages["demo"].with_suffix(".npz")).experiment.train.optimizer
    assert driver.execute_script("return aeviz.playground.knobs()") == (
        {} if optimizer == recorded else {"train.optimizer": optimizer})


def test_a_hidden_knobs_value_is_neither_used_nor_saved(browser, pages):
    """A beta1 of 0.5 set, then SGD chosen (which reads no beta1): the overrides and the
    downloaded experiment held "train.beta1": 0.5. Chosen again with Adam, it is read again."""
    driver = open_page(browser, pages["demo"])
    recorded = load(pages["demo"].with_suffix(".npz")).experiment.train
    assert recorded.optimizer == "adam" and recorded.beta1 != 0.5
    driver.execute_script("aeviz.playground.setKnob('train.beta1', '0.5');"
                          "aeviz.playground.setKnob('train.optimizer', 'sgd')")
    assert driver.execute_script("return aeviz.playground.knobs()") == {"train.optimizer": "sgd"}
    call(driver, "aeviz.playground.step()")
    saved = driver.execute_script("return aeviz.experiment()")
    assert 'optimizer = "sgd"\n' in saved and f"beta1 = {recorded.beta1}\n" in saved
    driver.execute_script("aeviz.playground.setKnob('train.optimizer', 'adam')")
    assert driver.execute_script("return aeviz.playground.knobs()") == {"train.beta1": 0.5}


# Text typed into a number knob: (key, text), each set with setKnob and given to
# `aeviz validate --set key=text`.
NUMBER_TEXTS = [("train.learning_rate", text) for text in (
    "abc", "-1", "0", "Infinity", "inf", "-inf", "1e999", "nan", "0x10", "0o7", ".5", "1.",
    "1_0", "+0.5", "1e-3", "2.5e-05", "", "0.01 0.02", "1e21", "\u202eabc 1e400 \u200f",
    "a\tb", 'say "hi" \\ there', "x\U0001F600")] + [
    ("train.batch_size", text) for text in ("0.5", "2.0", "abc", "0", "0x2", "1e400", "08",
                                            "-3", "1e2", "1e9")] + [
    ("train.masking", "1.5"), ("train.epochs", "0"), ("train.seed", "-1"),
    ("train.epsilon", "-0.5"), ("record.every", "inf")]


def test_set_knob_reads_a_number_as_aeviz_train_set_does(browser, pages, run_cli):
    """setKnob took any text and Train refused it later, as "must be a number, got null"
    ("abc"), or read it as JavaScript does ("0x1g", "Infinity", ""): a number knob's text is
    read as `--set` reads it (TOML), and refused at once with the CLI's message."""
    from aeviz.settings.overrides import parse_assignment

    driver = open_page(browser, pages["demo"])
    recorded = load(pages["demo"].with_suffix(".npz")).experiment
    for key, text in NUMBER_TEXTS:
        driver.execute_script("aeviz.playground.reset()")
        said = driver.execute_script(
            "try { aeviz.playground.setKnob(arguments[0], arguments[1]); return null; }"
            " catch (error) { return error.message; }", key, text)
        cli = run_cli("validate", EXAMPLES / "seed-default.toml", "--set", f"{key}={text}")
        if cli.exit_code:
            assert cli.exit_code == 2
            assert said == cli.output.strip().removeprefix("Error: --set "), (key, text)
            assert driver.execute_script("return aeviz.playground.knobs()") == {}
        else:
            assert said is None, (key, text, said)
            value = parse_assignment(f"{key}={text}")[1]
            table, name = key.split(".")
            knobs = driver.execute_script("return aeviz.playground.knobs()")
            assert knobs == ({} if getattr(getattr(recorded, table), name) == value
                             else {key: value}), (key, text)


@pytest.mark.parametrize("key, value, message", [
    ("train.learning_rate", "null", "must be a number, got null"),
    ("train.learning_rate", "({a: 1})", 'must be a number, got {"a":1}'),
    ("train.learning_rate", "true", "must be a number, got true"),
    ("train.learning_rate", "Infinity", "must be a finite number, got inf"),
    ("train.learning_rate", "NaN", "must be a finite number, got nan"),
    ("train.learning_rate", "-1", "must be > 0, got -1"),
    ("train.batch_size", "0.5", "must be a whole number, got number 0.5"),
    ("train.batch_size", "[4]", "must be a whole number, got [4]"),
    ("model.layers", "[4, 6, 3, 6, 4]", "the code layer (entry 2) stays the one hidden layer"),
])
def test_set_knob_refuses_a_bad_script_value_at_once(browser, pages, key, value, message):
    driver = open_page(browser, pages["demo"])
    said = driver.execute_script(
        f"try {{ aeviz.playground.setKnob(arguments[0], {value}); return null; }}"
        " catch (error) { return error.message; }", key)
    assert said is not None and said.startswith(f"{key}: {message}"), said
    assert driver.execute_script("return aeviz.playground.knobs()") == {}


def test_text_typed_into_a_knob_is_named_when_train_refuses_it(browser, pages):
    """Typing abc as the learning rate and clicking Train said "must be a number, got null"."""
    driver = open_page(browser, pages["demo"])
    knob_box(driver, "train.learning_rate").clear()
    knob_box(driver, "train.learning_rate").send_keys("abc")
    driver.find_element("id", "aeviz-train").click()
    assert refusals(driver) == {
        "train.learning_rate": 'train.learning_rate: must be a number, got string "abc"'}
    assert nothing_trained(driver)


def nothing_trained(driver) -> bool:
    """No step taken and none under way (training runs in a worker: a Train taken when it
    should have been refused shows as running before its first step)."""
    live = driver.execute_script("return aeviz.playground.live()")
    return live["steps"] == 0 and not live["running"]


def refusals(driver) -> dict[str, str]:
    """The knobs marked refused (aria-invalid), each with the text of the message it names
    (aria-describedby), in the knobs' order."""
    return dict(driver.execute_script("""
        const marked = document.querySelectorAll('#aeviz-playground [aria-invalid="true"]');
        return Array.from(marked, (input) => [input.dataset.key,
            document.getElementById(input.getAttribute('aria-describedby')).textContent]);"""))


def refusal_boxes(driver, key: str) -> dict:
    """Where knob `key` and its message are in the window: {knob, message: [left, top, right,
    bottom]}, and the window's {width, height}."""
    return driver.execute_script("""
        const input = document.querySelector(`#aeviz-playground [data-key="${arguments[0]}"]`);
        const message = document.getElementById(input.getAttribute('aria-describedby'));
        const box = (e) => {
            const r = e.getBoundingClientRect();
            return [r.left, r.top, r.right, r.bottom];
        };
        return {knob: box(input), message: box(message),
                width: innerWidth, height: innerHeight};""", key)


def assert_in_window_under_its_knob(boxes: dict) -> None:
    left, top, right, bottom = boxes["message"]
    assert 0 <= left and right <= boxes["width"] and 0 <= top and bottom <= boxes["height"], boxes
    # Right under the knob's line of knobs (a line is about 28 px high).
    assert 0 <= top - boxes["knob"][3] <= 8, boxes


@pytest.mark.parametrize("width, height", [(640, 400), (1280, 800)])
def test_a_refused_knob_is_marked_and_said_under_it_as_it_is_typed(browser, pages, width,
                                                                    height):
    """A lecturer at 640x400 (issue #23): a refused value was said only at Train, in the
    status line above the knobs, half above the window, and its knob was not marked. It is
    said as it is typed, right under its knob and within the window, the knob marked until
    the value is taken; Train, pressed with the knob scrolled out of view, brings both back."""
    viewport(browser, width, height)
    try:
        driver = open_page(browser, pages["demo"])
        knob = knob_box(driver, "train.learning_rate")
        # Typed at the window's bottom edge: its message is scrolled into view, Train unpressed.
        driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", knob)
        knob.clear()
        knob.send_keys("-1")
        assert refusals(driver) == {"train.learning_rate": "train.learning_rate: must be > 0, "
                                                           "got -1"}
        assert_in_window_under_its_knob(refusal_boxes(driver, "train.learning_rate"))
        assert driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle",
                                     knob) == "solid"
        # Train with the knob out of view above: refused beside it, both in view.
        train = driver.find_element("id", "aeviz-train")
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", train)
        train.click()
        assert_in_window_under_its_knob(refusal_boxes(driver, "train.learning_rate"))
        assert driver.execute_script("return document.activeElement.dataset.key") == (
            "train.learning_rate")
        assert nothing_trained(driver)
        # Taken: unmarked, its message gone.
        knob.clear()
        knob.send_keys("0.05")
        assert refusals(driver) == {}
        assert driver.execute_script(
            "return [arguments[0].hasAttribute('aria-describedby'),"
            " document.querySelectorAll('#aeviz-playground .refusal').length,"
            " getComputedStyle(arguments[0]).outlineStyle]", knob)[:2] == [False, 0]
        assert driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle",
                                     knob) != "solid"  # (focused: the browser's own ring)
        assert driver.execute_script("return aeviz.playground.knobs()") == {
            "train.learning_rate": 0.05}
    finally:
        viewport(browser, 1280, 900)


def test_a_refusal_follows_its_knob_when_the_window_narrows(browser, pages):
    """The seed, on the first line of knobs at 1280, is on the second at 640: its message
    moves under it (left where it was, it sat a line below, under another knob's line)."""
    driver = open_page(browser, pages["demo"])
    seed = knob_box(driver, "train.seed")
    on_first_line = ("return arguments[0].closest('label').offsetTop === document.querySelector("
                     "'#aeviz-playground label').offsetTop")
    try:
        seed.clear()
        seed.send_keys("-1")
        assert driver.execute_script(on_first_line, seed)
        assert_in_window_under_its_knob(refusal_boxes(driver, "train.seed"))
        viewport(browser, 640, 400)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", seed)
        assert not driver.execute_script(on_first_line, seed)
        narrow = refusal_boxes(driver, "train.seed")
        assert narrow["width"] == 640
        assert_in_window_under_its_knob(narrow)
    finally:
        viewport(browser, 1280, 900)


def test_each_refused_knob_keeps_its_own_message_until_it_is_taken_or_not_read(browser,
                                                                                 pages):
    """Two knobs on one line refused: each marked, each message under that line in the
    knobs' order, Train refused on the first; one fixed, the other still refused; a refused
    knob the chosen optimizer does not read, and Reset, unmark."""
    from selenium.webdriver.support.ui import Select

    driver = open_page(browser, pages["demo"])  # 1280 wide: one line holds both
    for key, text in (("train.batch_size", "0"), ("train.learning_rate", "abc")):
        knob_box(driver, key).clear()
        knob_box(driver, key).send_keys(text)
    both = {"train.learning_rate": 'train.learning_rate: must be a number, got string "abc"',
            "train.batch_size": "train.batch_size: must be >= 1, got 0"}
    assert refusals(driver) == both
    assert list(refusals(driver)) == ["train.learning_rate", "train.batch_size"]
    shown = driver.execute_script(
        "return Array.from(document.querySelectorAll('#aeviz-playground .refusal'),"
        " (line) => line.textContent)")
    assert shown == list(both.values())
    rate, size = (refusal_boxes(driver, key) for key in both)
    assert rate["knob"][1] == size["knob"][1]  # one line of knobs ...
    assert_in_window_under_its_knob(rate)  # ... its messages under it, in order
    assert rate["message"][3] <= size["message"][1]
    driver.find_element("id", "aeviz-step").click()
    assert driver.execute_script("return document.activeElement.dataset.key") == (
        "train.learning_rate")
    assert nothing_trained(driver)
    knob_box(driver, "train.learning_rate").clear()
    knob_box(driver, "train.learning_rate").send_keys("0.01")
    assert refusals(driver) == {"train.batch_size": both["train.batch_size"]}
    assert_in_window_under_its_knob(refusal_boxes(driver, "train.batch_size"))
    # A beta1 of 2 refused for Adam; SGD reads no beta1: unmarked, and back with Adam.
    knob_box(driver, "train.beta1").clear()
    knob_box(driver, "train.beta1").send_keys("2")
    assert "train.beta1" in refusals(driver)
    Select(knob_box(driver, "train.optimizer")).select_by_value("sgd")
    assert list(refusals(driver)) == ["train.batch_size"]
    Select(knob_box(driver, "train.optimizer")).select_by_value("adam")
    assert list(refusals(driver)) == ["train.batch_size", "train.beta1"]
    driver.find_element("id", "aeviz-reset").click()
    assert refusals(driver) == {}
    assert driver.execute_script(
        "return document.querySelectorAll('#aeviz-playground .refusal').length") == 0


def test_download_gives_the_experiment(browser, pages):
    driver = open_page(browser, pages["demo"])
    driver.execute_script("aeviz.playground.setKnob('train.learning_rate', '0.02')")
    call(driver, "aeviz.playground.step()")  # a run with the knobs: the experiment shown
    saved = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        URL.createObjectURL = (blob) => { window.savedBlob = blob; return "blob:saved"; };
        HTMLAnchorElement.prototype.click = function () {
            window.savedBlob.text().then((text) => done([this.download, text]));
        };
        document.getElementById("aeviz-download").click();""")
    assert saved == ["retrained.toml", driver.execute_script("return aeviz.experiment()")]
    assert "learning_rate = 0.02\n" in saved[1] and 'dtype = "float64"\n' in saved[1]


def test_the_recorded_run_is_drawn_behind_at_the_same_epoch(browser, pages):
    driver = open_page(browser, pages["demo"])
    run = load(pages["demo"].with_suffix(".npz"))
    behind = np.array(driver.execute_script("return aeviz.playground.recordedAt(50)"))
    codes = run.codes[list(run.epoch).index(50)]
    limits = np.array(json.loads(driver.execute_script(
        "return document.getElementById('aeviz-data').textContent"))["runs"][0]["axes"]["limits"])
    step = (limits[:, 1] - limits[:, 0]) / (2 * 32767)  # int16 on the run's axes
    assert np.all(np.abs(behind.reshape(-1, 2) - codes) <= step)


def test_shift_clicks_pick_the_paths_ends(browser, pages):
    driver = open_page(browser, pages["demo"])
    codes = np.array(driver.execute_script(
        "document.querySelector('canvas.live-code').scrollIntoView();"
        "return aeviz.playground.codes()")).reshape(-1, 2)
    for sample in (17, 345):  # samples of different clusters, drawn apart
        x, y = driver.execute_script("return aeviz.playground.pointAt(arguments[0])",
                                     codes[sample].tolist())
        for kind in ("mousePressed", "mouseReleased"):
            driver.execute_cdp_cmd("Input.dispatchMouseEvent", {
                "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1,
                "modifiers": 8})  # shift
    ends = driver.execute_script("""
        return Array.from(document.querySelectorAll('.path input'), (input) => input.value)""")
    assert ends == ["17", "345"]
    assert driver.execute_script("return aeviz.playground.dragged()") is None  # no drag


def page_model(driver) -> dict:
    return driver.execute_script("return aeviz.playground.model()")


def network(model: dict) -> tuple[list, list]:
    """The page model's weights and biases (a VAE's log-variance layer left out)."""
    layers = model["layers"]
    count = sum(a * b + b for a, b in zip(layers, layers[1:]))
    return split_params(np.array(model["params"])[:count], layers)


def decoded(model: dict, codes: np.ndarray) -> np.ndarray:
    weights, biases = network(model)
    code = model["codeLayer"]
    return forward(codes, weights[code:], biases[code:], model["activations"][code:])[-1]


def test_drag_path_and_prior_decode_as_the_model_does(browser, pages):
    driver = open_page(browser, pages["vae"])
    driver.execute_script("aeviz.seek(aeviz.steps() - 1)")  # the page's slider at the end
    run = load(pages["vae"].with_suffix(".npz"))
    wait_until(lambda: driver.execute_script("return aeviz.playground.model().snapshot")
               == len(run.loss) - 1, "the playground's model at the slider's last snapshot")
    model = page_model(driver)
    assert model["from"] == f"the recorded run at {run.moment(len(run.loss) - 1)}"
    np.testing.assert_allclose(np.array(model["params"])[:run.weights[0][-1].size],
                               run.weights[0][-1].ravel(), rtol=0, atol=0)
    # Drag: the mouse on the live code plane, the large view shows the decoder's output there.
    point = driver.execute_script("document.querySelector('canvas.live-code').scrollIntoView();"
                                  "return aeviz.playground.pointAt([0.3, -0.4])")
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mousePressed", "x": point[0],
                           "y": point[1], "button": "left", "clickCount": 1})
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mouseReleased", "x": point[0],
                           "y": point[1], "button": "left", "clickCount": 1})
    shown = driver.execute_script("return aeviz.playground.dragged()")
    np.testing.assert_allclose(shown["code"], [0.3, -0.4], atol=0.02)  # a pixel's worth
    np.testing.assert_allclose(shown["output"], decoded(model, np.array([shown["code"]]))[0],
                               rtol=1e-12)
    code = driver.execute_script("return aeviz.playground.drag([0.3, -0.4])")
    np.testing.assert_allclose(code, decoded(model, np.array([[0.3, -0.4]]))[0], rtol=1e-12)
    # ... drawn as an 8 x 8 image: each cell's grey is its pixel's value.
    pixels = np.array(driver.execute_script("""
        return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
            const canvas = document.querySelector("canvas.decoded"), g = canvas.getContext("2d");
            const ratio = window.devicePixelRatio || 1, width = canvas.width / ratio;
            const side = Math.min(width, 320) - 16, left = (width - side) / 2, cell = side / 8;
            const out = [];
            for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) {
                out.push(g.getImageData(Math.round((left + (c + 0.5) * cell) * ratio),
                                        Math.round((8 + (r + 0.5) * cell) * ratio), 1, 1).data[0]);
            }
            resolve(out);
        })));"""))
    x = run.x.astype(float)
    expected = np.round(255 * (1 - np.clip((np.array(code) - x.min()) / np.ptp(x), 0, 1)))
    assert np.abs(pixels - expected).max() <= 1
    # The path between two samples: their codes (the encoder's means) and 9 decodes between.
    path = driver.execute_script("return aeviz.playground.path(3, 42, 9)")
    weights, biases = network(model)
    ends = forward(x[[3, 42]], weights, biases, model["activations"])[model["codeLayer"]]
    np.testing.assert_allclose(path["codes"][0], ends[0], rtol=1e-9)
    np.testing.assert_allclose(path["codes"][-1], ends[1], rtol=1e-9)
    np.testing.assert_allclose(path["decoded"], decoded(model, np.array(path["codes"])),
                               rtol=1e-12)
    # The prior: 16 codes from N(0, 1), from their own stream.
    prior = driver.execute_script("return aeviz.playground.prior(16)")
    expected_codes = np.random.default_rng([0, 3, 0]).standard_normal(32).reshape(16, 2)
    np.testing.assert_array_equal(prior["codes"], expected_codes)
    np.testing.assert_allclose(prior["decoded"], decoded(model, expected_codes), rtol=1e-12)
    # ... drawn as 16 images, 8 a row: each image's pixels are its decoded values' greys.
    drawn = np.array(driver.execute_script("""
        const canvas = document.querySelector("canvas.prior"), g = canvas.getContext("2d");
        const ratio = window.devicePixelRatio || 1, width = canvas.clientWidth;
        const cell = Math.min(120, Math.floor((width - 8) / 8));
        const perRow = Math.floor((width - 8) / cell), pixel = (cell - 4) / 8, out = [];
        for (let i = 0; i < 16; i++) {
            const left = 6 + (i % perRow) * cell, top = 6 + Math.floor(i / perRow) * cell;
            for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) {
                out.push(g.getImageData(Math.round((left + (c + 0.5) * pixel) * ratio),
                                        Math.round((top + (r + 0.5) * pixel) * ratio),
                                        1, 1).data[0]);
            }
        }
        return out;"""))
    greys = np.round(255 * (1 - np.clip((np.array(prior["decoded"]) - x.min()) / np.ptp(x), 0,
                                        1)))
    assert np.abs(drawn - greys.ravel()).max() <= 1


def test_the_noise_slider_corrupts_a_sample_and_shows_its_reconstruction(browser,
                                                                         pages):
    driver = open_page(browser, pages["denoising"])
    model = page_model(driver)
    run = load(pages["denoising"].with_suffix(".npz"))
    shown = driver.execute_script("return aeviz.playground.denoise(5, 0.4)")
    clean = run.x[5].astype(float)
    noisy = clean + 0.4 * np.random.default_rng([0, 4, 5]).standard_normal(2)
    np.testing.assert_allclose(shown["corrupted"], noisy, rtol=1e-12)
    weights, biases = network(model)
    np.testing.assert_allclose(shown["output"], forward(noisy[None], weights, biases,
                                                        model["activations"])[-1][0], rtol=1e-12)


def test_the_pages_stay_within_their_size_budgets(pages):
    assert pages["demo"].stat().st_size < 8e6
    assert pages["vae"].stat().st_size < 25e6  # digits, with the VAE's 40 snapshots


def test_wide_data_are_not_packed_for_retraining(browser, pages, tmp_path,
                                                 monkeypatch):
    from aeviz.renderer.page import playground

    monkeypatch.setattr(playground, "DATA_BYTES", 1000)
    page = aeviz.render(pages["demo"].with_suffix(".npz"), tmp_path / "wide.html",
                        notify=lambda message: None)
    driver = open_page(browser, page)
    assert driver.find_element("id", "aeviz-playground-status").text == (
        "live training is off: the data take 0.0064 MB, the page carries up to 0.001 MB for "
        "retraining; train it with aeviz train")  # 400 samples x 4 features x 4 bytes


def test_a_page_too_large_to_train_live_says_why(browser, pages, tmp_path,
                                                 monkeypatch):
    from aeviz.renderer.page import playground

    monkeypatch.setattr(playground, "LIVE_MADDS", 1000)
    page = aeviz.render(pages["demo"].with_suffix(".npz"), tmp_path / "off.html",
                        notify=lambda message: None)
    driver = open_page(browser, page)
    why = ("live training is off: one epoch of this run costs 7.9e+04 multiply-adds, the page "
           "trains up to 1e+03; train it with aeviz train")
    assert driver.find_element("id", "aeviz-playground-status").text == why
    assert driver.find_element("id", "aeviz-train").get_attribute("disabled") == "true"
    assert retrain(driver, {}) == "Error: " + why
    assert "x" not in json.loads(driver.execute_script(
        "return document.getElementById('aeviz-data').textContent"))["playground"]


# Overrides as a student (or a script) might set them: each knob's key with values of its
# kind (seven times in eight), near misses and wrong types.
NEAR_MISSES = st.one_of(st.floats(min_value=-2, max_value=3, allow_nan=False),
                        st.integers(min_value=-3, max_value=70),
                        st.sampled_from([0, 1, 1e-9, 0.999]), st.text(max_size=3),
                        st.booleans())


def knob_values(knob: dict):
    if knob["kind"] == "choice":
        valid = st.sampled_from(knob["choices"])
    elif knob["kind"] == "layers":
        valid = st.tuples(st.integers(1, 9), st.integers(1, 9)).map(
            lambda h: [4, h[0], 2, h[1], 4])
        return st.one_of(valid, valid, valid, st.lists(st.integers(0, 9), min_size=3,
                                                       max_size=6))
    elif knob["kind"] == "integer":
        valid = st.integers(knob["minimum"], knob["minimum"] + 60)
    else:
        low = knob.get("minimum", knob.get("above", 0.0))
        valid = st.floats(low, 0.99 if "below" in knob else 3.0, exclude_min="above" in knob)
    return st.one_of(*[valid] * 7, NEAR_MISSES)


KNOB_VALUES = {knob["key"]: knob_values(knob) for knob in KNOBS if knob["key"] != "train.beta"}
OVERRIDES = st.lists(st.sampled_from(sorted(KNOB_VALUES)), max_size=4, unique=True).flatmap(
    lambda keys: st.fixed_dictionaries({key: KNOB_VALUES[key] for key in keys}))


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(overrides=OVERRIDES)
def test_the_page_reads_overrides_as_aeviz_train_does(browser, pages, overrides):
    """What the page accepts, `aeviz train --set` accepts and resolves to the same experiment;
    what it refuses, aeviz refuses too (the page alone keeps model.layers' length and code
    layer, its knob changing sizes only, and trains at most 100,000 epochs)."""
    from aeviz.errors import AevizError
    from aeviz.settings import experiment_from_dict, load_experiment, parse_toml

    driver = pages_driver(browser, pages)
    text = driver.execute_script("""
        try { return aeviz.playground.experimentFor(arguments[0]) }
        catch (error) { return "Error: " + error.message }""", overrides)
    # JavaScript has one number type: 1.0 is the integer 1 there.
    as_js = {key: int(value) if isinstance(value, float) and value.is_integer() else value
             for key, value in overrides.items()}
    try:
        theirs = load_experiment(EXAMPLES / "seed-default.toml",
                                 dict(as_js, **{"train.dtype": "float64"}))
    except AevizError as error:
        theirs = error
    if text.startswith("Error: "):
        assert isinstance(theirs, AevizError) or text.startswith("Error: model.layers:"), text
        key = text[len("Error: "):].split(":")[0]
        assert key in overrides
        return
    assert not isinstance(theirs, AevizError), (text, theirs)
    ours = experiment_from_dict(parse_toml(text, "page"), "page")
    # The title and caption aside: `--set` of a trained key drops the file's (they describe
    # the file as written); the page keeps them for the lesson it retrains.
    def words_aside(exp):
        plain = exp.to_dict()
        return plain | {"title": "", "render": {**plain["render"], "caption": None}}

    assert words_aside(ours) == words_aside(theirs)


def pages_driver(browser, pages):
    """The demo page, opened once for all the fuzz examples."""
    if not browser.current_url.endswith("/demo.html"):
        open_page(browser, pages["demo"])
    return browser


@pytest.fixture(scope="module")
def diverging(tmp_path_factory, run_cli) -> tuple[Path, object]:
    """The too-high-learning-rate page (render.future = false) and its trajectory."""
    folder = tmp_path_factory.mktemp("diverging")
    run = folder / "diverging.npz"
    assert run_cli("train", EXAMPLES / "too-high-learning-rate.toml", "-o", run,
                   "-q").exit_code == 0
    return aeviz.render(run, folder / "diverging.html", notify=lambda message: None), load(run)


def test_a_hidden_future_stays_hidden_in_the_playground(browser, diverging):
    """Found by a lecturer's look: with future = false the page's loss panel kept the blow-up
    for the end, but the playground's loss chart drew the whole recorded curve (to 7.7e27)
    from the first step, and its code plane showed the last snapshot's codes (at 1e14, on a
    line). Now the playground starts from the snapshot the slider shows, and draws the
    recorded curve only as far as the slider or the student's own run has come."""
    page, run = diverging
    driver = open_page(browser, page)
    codes = np.array(driver.execute_script("return aeviz.playground.codes()")).reshape(-1, 2)
    np.testing.assert_allclose(codes, run.codes[0], atol=1e-5)  # the cloud, not a line
    model = driver.execute_script("return aeviz.playground.model()")
    assert model["from"] == "the recorded run at epoch 0"
    chart = driver.execute_script("return aeviz.playground.lossChart()")
    assert chart["recorded"] == 1 and chart["axis"][1] < 1, chart  # epoch 0 alone
    driver.execute_script("aeviz.seek(5)")
    wait_until(lambda: driver.execute_script("return aeviz.playground.lossChart().recorded")
               == 6, "the playground redrawn at the slider's step 5")  # (its next frame)
    chart = driver.execute_script("return aeviz.playground.lossChart()")
    assert chart["axis"][1] == pytest.approx(max(run.loss[:6]), rel=1e-6)
    assert driver.execute_script("return aeviz.playground.model().snapshot") == 5
    assert chart["readout"] == f"recorded run at epoch 1, batch 5/13 | RMSE {run.loss[5]:.4g}"
    driver.execute_script("aeviz.seek(0)")
    for _ in range(3):  # the student's run reveals the recorded curve as far as it comes
        call(driver, "aeviz.playground.step()")
    wait_until(lambda: driver.execute_script("return aeviz.playground.lossChart().recorded")
               == 4, "the playground redrawn after three steps")
    chart = driver.execute_script("return aeviz.playground.lossChart()")
    assert chart["axis"][1] < 1, chart


def test_a_following_runs_live_plane_follows_its_codes_and_its_loss_axis_reads_as_ticks(
        browser, diverging):
    """Found by two lecturers' look at the too-high-learning-rate page (scales = "follow", its
    codes blowing up to ~1.4e14): before a retrain the playground's code plane drew on the
    recorded run's limits, which squeezed epoch 0's codes into one dot and gave the blow-up
    away, while the page's own plane follows the codes; and its RMSE axis read "0.17637102".
    Now the live plane has, at each snapshot the slider shows, the limits the page's plane
    has there (pack.py's `follow` row), its codes spread across it; after a retrain, limits
    holding the student's codes; the axis's numbers written as the page's ticks (tickText)."""
    import base64

    page, run = diverging
    viewport(browser, 640, 400)
    try:
        driver = open_page(browser, page)
        data = json.loads(driver.execute_script(
            "return document.getElementById('aeviz-data').textContent"))
        follow = np.frombuffer(base64.b64decode(data["runs"][0]["follow"]), "<f8").reshape(-1, 4)
        assert len(follow) == data["steps"][-1]["indexes"][0] + 1 and np.abs(follow).max() > 1e13
        text = "return aeviz.internals.kit.tickText(arguments[0], arguments[1])"
        for step in (0, 5, len(data["steps"]) - 1):
            k = data["steps"][step]["indexes"][0]
            driver.execute_script("aeviz.seek(arguments[0])", step)
            wait_until(lambda k=k: driver.execute_script(
                "return aeviz.playground.model().snapshot") == k, f"the playground at {k}")
            next_frames(driver)  # the redraw the seek asked for done
            limits = driver.execute_script("return aeviz.playground.planeLimits()")
            np.testing.assert_allclose(np.ravel(limits), follow[k], rtol=1e-9)
            chart = driver.execute_script("return aeviz.playground.lossChart()")
            low, high = chart["axis"]
            want = [driver.execute_script(text, high, 2)]
            if low != high:
                want.append(driver.execute_script(text, low, 2))
            assert chart["labels"]["y"] == want, (step, chart)
            # its scale said, in its heading: 0.18 at its foot and 7.7e27 at its top read as
            # a linear axis
            assert driver.execute_script(
                "return document.querySelector('canvas.live-loss').closest('figure')"
                ".textContent").startswith("RMSE per epoch, log scale:")
            assert all(len(re.sub(r"e.*|\D", "", t).lstrip("0")) <= 2 for t in want), want
        # epoch 0's codes across the plane (on the recorded limits: one dot, ~0 px wide)
        driver.execute_script("aeviz.seek(0)")
        wait_until(lambda: driver.execute_script("return aeviz.playground.model().snapshot")
                   == 0, "the playground at epoch 0")
        next_frames(driver)
        at0 = plane_geometry(driver)
        assert max(at0["spread"]) > 0.5 * min(at0["box"]), at0
        call(driver, "aeviz.playground.step()")  # the student's run: limits holding its codes
        wait_until(lambda: "your run" in plane_geometry(driver)["title"], "a step drawn")
        codes = np.array(driver.execute_script("return aeviz.playground.codes()")).reshape(-1, 2)
        limits = np.array(driver.execute_script("return aeviz.playground.planeLimits()"))
        assert (limits[:, 0] < codes.min(axis=0)).all() and (codes.max(axis=0) < limits[:, 1]).all()
        assert np.ptp(limits, axis=1).max() < 10 * np.ptp(codes, axis=0).max(), (limits, codes)
    finally:
        viewport(browser, 1280, 900)


def test_a_run_that_learns_after_one_that_blew_up_is_drawn_on_its_own_scale(browser, diverging):
    """Found by a lecturer's look: after a retrain that diverged (codes ~1e14), the retrain
    the example suggests (learning rate 1.5: it learns) kept the blown-up run's plane limits
    (one pixel at the plane's edge) and a loss chart up to the recorded 7.7e27 (its curve a
    flat line on the floor). Now each run starts its plane on limits of its own, and the
    chart spans the run that learns, the recorded curve cut at its top and said so."""
    page, run = diverging
    driver = open_page(browser, page)
    assert retrain(driver, {})["stopReason"] == "diverged"
    learned = retrain(driver, {"train.learning_rate": 1.5, "train.epochs": 20})
    assert learned["stopReason"] != "diverged", learned
    next_frames(driver)  # the redraw after the last record
    codes = np.array(driver.execute_script("return aeviz.playground.codes()")).reshape(-1, 2)
    limits = np.array(driver.execute_script("return aeviz.playground.planeLimits()"))
    assert np.isfinite(codes).all() and np.abs(codes).max() < 1e3
    assert (limits[:, 0] < codes.min(axis=0)).all() and (codes.max(axis=0) < limits[:, 1]).all()
    assert np.ptp(limits, axis=1).max() < 10 * np.ptp(codes, axis=0).max(), (limits, codes)
    chart = driver.execute_script("return aeviz.playground.lossChart()")
    assert chart["axis"][1] < 10, chart  # (up to 7.7e27 before)
    note = "; the recorded run goes up to 7.7e27, above the chart"
    assert chart["offChart"] == note, chart
    assert driver.execute_script(
        "return document.querySelector('canvas.live-loss').closest('figure')"
        ".querySelector('h3').textContent").endswith(note)


def test_the_recorded_run_is_drawn_behind_at_the_same_mini_batch(browser, diverging):
    """A run recorded by mini-batch: the recorded codes behind the student's are those of the
    same step (3 of 13: the timeline's 3/13), to within the int16 packing's step on the
    page's symlog axes; before, the snapshot of the same epoch number, which for every batch
    of epoch 1 was the last, the blown-up one."""
    page, run = diverging
    driver = open_page(browser, page)
    for _ in range(3):
        call(driver, "aeviz.playground.step()")
    behind = np.array(driver.execute_script(
        "return aeviz.playground.recordedAt(3 / 13)")).reshape(-1, 2)
    np.testing.assert_allclose(behind, run.codes[3], atol=2e-3)  # the quantization's step
    live = np.array(driver.execute_script("return aeviz.playground.codes()")).reshape(-1, 2)
    np.testing.assert_allclose(live, run.codes[3], rtol=1e-4, atol=1e-5)  # the same step


def test_a_retrained_runs_mini_batch_records_sit_at_their_steps(browser, diverging):
    """The student's run of the diverging example, recorded by mini-batch as the run is: the
    loss chart draws each record where the recorded run's is on the timeline (batch 3 of 13 at
    3/13), not every batch of epoch 1 at 1 (a vertical line beside the recorded curve)."""
    page, run = diverging
    driver = open_page(browser, page)
    result = call(driver, "aeviz.playground.train()")
    assert result["stopReason"] == "diverged", result
    # why it stopped, in words ("(epochs)", "(diverged)" after the numbers read as ciphers)
    status = driver.find_element("id", "aeviz-playground-status").text
    assert status.endswith(": diverged") and "(" not in status, status
    # named by its last record's moment, never "1 epochs" for a run that diverged in batch 12
    assert status.startswith(f"retrained to {run.moment(len(run.loss) - 1)}, RMSE "), status
    wait_until(lambda: len(driver.execute_script("return aeviz.playground.lossChart().live"))
               == len(run.loss), "the retrained run's records drawn")
    places = driver.execute_script("return aeviz.playground.lossChart().live")
    np.testing.assert_allclose(places, np.asarray(run.step) / 13, atol=1e-12)
    # The readout: the last record's moment beside its RMSE (it read "epoch 2 | RMSE ..."
    # beside batch 12's RMSE, and after four steps "epoch 1" beside epoch 0's).
    readout = driver.execute_script("return aeviz.playground.lossChart().readout")
    moment, rmse = re.fullmatch(r"(epoch [^|:]+?)(?: \| RMSE |: )(\S+)", readout).groups()
    assert moment == "epoch 1, batch 12/13", readout
    # (the blow-up amplifies the browser's last-bit differences: 7.670e27 against 7.683e27)
    assert float(rmse) == pytest.approx(float(run.loss[-1]), rel=1e-2)
    driver.execute_script("aeviz.playground.reset()")
    for _ in range(4):
        call(driver, "aeviz.playground.step()")
    wait_until(lambda: re.match(r"epoch 0( \| RMSE |: )", driver.execute_script(
        "return aeviz.playground.lossChart().readout")), "the readout of four steps: epoch 0's")
    readout = driver.execute_script("return aeviz.playground.lossChart().readout")
    assert float(re.split(r" \| RMSE |: ", readout)[1]) == pytest.approx(float(run.loss[0]),
                                                                        rel=1e-3)


def test_the_readout_before_a_retrain_names_what_the_chart_draws(browser, diverging, pages):
    """Found by a lecturer's look: before the student trained, the too-high-learning-rate
    page's playground read "epoch 0 | recorded run" (then "recorded run at epoch 12", no
    RMSE) beside a recorded curve drawn to the slider's step 12. Now the readout names the
    last recorded point drawn, the slider's, and its recorded RMSE, and follows the slider
    as the student drags it (a page that shows the whole run: the next test)."""
    page, run = diverging
    driver = open_page(browser, page)
    for index in (7, 3, 12):  # the page's slider moved as a student moves it
        move_slider(driver, index)
        wait_until(lambda index=index: driver.execute_script(
            "return aeviz.playground.lossChart().recorded") == index + 1,
            f"the playground redrawn at the slider's step {index}")
        drawn = index  # the last recorded point drawn (the page holds every moment here)
        readout = driver.execute_script("return aeviz.playground.lossChart().readout")
        moment, rmse = re.fullmatch(RECORDED_READOUT, readout).groups()
        assert moment == run.moment(drawn), readout
        counter = driver.find_element("id", "counter").text  # the slider's moment
        assert counter == moment or counter.startswith(moment + " "), (readout, counter)
        assert float(rmse) == pytest.approx(float(run.loss[drawn]), rel=1e-3), readout


# The readout of a recorded snapshot in its longer forms: "recorded run at epoch 3 | RMSE
# 0.1234", "recorded at epoch 3: 0.1234" (the moment, the RMSE).
RECORDED_READOUT = r"recorded (?:run )?at (epoch [^|:]+?)(?: \| RMSE |: )(\S+)"


def move_slider(driver, index: int) -> None:
    """The page's slider moved to step `index` as a student moves it."""
    driver.execute_script("const slider = document.getElementById('slider');"
                          "slider.value = String(arguments[0]);"
                          "slider.dispatchEvent(new Event('input'));", index)


@pytest.mark.parametrize("width", [640, 1280])
def test_the_readout_and_model_follow_the_slider_with_the_future_shown(browser, pages, width):
    """Found by two lecturers: on every page that shows the whole run (seed-default, the VAE,
    ...), with the slider at epoch 0 or 28 the playground read "epoch 300 | RMSE 0.04210" under
    a header saying "epoch 0" (at 640 px without "recorded run at", so it read as the
    header's moment), and its live code plane showed the final codes. Now the readout names
    the slider's recorded snapshot and its RMSE in every form, the model the decoder views
    use is that snapshot's, and the recorded curve stays whole with the slider's point
    marked on it."""
    demo = load(pages["demo"].with_suffix(".npz"))
    viewport(browser, width, 800)
    try:
        driver = open_page(browser, pages["demo"])
        for index in (0, 28, 5):
            move_slider(driver, index)
            wait_until(lambda index=index: driver.execute_script(
                "return aeviz.playground.model().snapshot") == index,
                f"the playground's model at the slider's step {index}")
            wait_until(lambda index=index: (driver.execute_script(
                "return aeviz.playground.lossChart().mark") or [None])[0] == demo.epoch[index],
                "the chart redrawn at the slider's step")
            chart = driver.execute_script("return aeviz.playground.lossChart()")
            assert chart["recorded"] == len(demo.loss)  # the whole curve (future shown)
            assert chart["mark"] == pytest.approx([float(demo.epoch[index]),
                                                   float(demo.loss[index])])
            moment, rmse = re.fullmatch(RECORDED_READOUT, chart["readout"]).groups()
            assert moment == demo.moment(index) == driver.find_element("id", "counter").text
            assert float(rmse) == pytest.approx(float(demo.loss[index]), rel=1e-3)
            model = page_model(driver)
            assert model["from"] == f"the recorded run at {demo.moment(index)}"
            np.testing.assert_array_equal(  # (float32 on the page, as recorded)
                np.array(model["params"])[:demo.weights[0][index].size],
                demo.weights[0][index].astype(np.float32).ravel())
            # The live code plane: the snapshot's codes (the encoder's, within float32's reach).
            codes = np.array(driver.execute_script("return aeviz.playground.codes()"))
            codes = codes.reshape(-1, 2)
            np.testing.assert_allclose(codes, demo.codes[index], atol=1e-4)
    finally:
        viewport(browser, 1280, 900)


def test_the_recorded_curve_covers_the_epochs_the_page_covers(browser, pages, tmp_path):
    """Found by a tester: a page cut to epochs 0:20 read "recorded run at epoch 20" beside a
    recorded curve drawn to epoch 300 (the whole run). Now the curve runs over the page's
    epochs only, ending at the readout's snapshot; a window from epoch 5 starts there."""
    npz = pages["demo"].with_suffix(".npz")
    demo = load(npz)
    for window, first, last in (("0:20", 0, 20), ("5:12", 5, 12)):
        page = aeviz.render(npz, tmp_path / f"cut-{first}.html", epochs=window,
                            notify=lambda message: None)
        driver = open_page(browser, page)
        driver.execute_script("aeviz.seek(aeviz.steps() - 1)")
        wait_until(lambda last=last: (browser.execute_script(
            "return aeviz.playground.lossChart().mark") or [None])[0] == last,
            "the chart redrawn at the page's end")
        assert driver.execute_script("return aeviz.playground.model().snapshot") == last - first
        chart = driver.execute_script("return aeviz.playground.lossChart()")
        assert (chart["first"], chart["recorded"]) == (first, last - first + 1)
        assert chart["readout"].startswith(f"recorded run at epoch {last} | RMSE ")
        assert chart["axis"][1] == pytest.approx(max(demo.loss[first:last + 1]), rel=1e-6)


def plane_geometry(driver) -> dict:
    """Where the live code plane draws its codes now (page pixels) and its scales: pixels per
    code unit along x and along y, and the canvas's size."""
    return driver.execute_script("""
        const p = aeviz.playground, c = p.codes(), xs = [], ys = [];
        for (let i = 0; i < c.length; i += 2) {
          const q = p.pointAt([c[i], c[i + 1]]); xs.push(q[0]); ys.push(q[1]);
        }
        const o = p.pointAt([0, 0]), ex = p.pointAt([1, 0]), ey = p.pointAt([0, 1]);
        const canvas = document.querySelector('#aeviz-playground canvas.live-code');
        return {spread: [Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)],
                scale: [ex[0] - o[0], o[1] - ey[1]], codes: c,
                box: [canvas.clientWidth, canvas.clientHeight],
                title: document.querySelector('#aeviz-playground .live-code h3').textContent};""")


@pytest.mark.parametrize("name", ["activations-sigmoid", "seed-default"])
def test_the_live_code_plane_keeps_a_tight_epoch_0_tight(browser, run_cli, tmp_path, name):
    """Found by two lecturers (#23): at epoch 0 the recorded codes span 0.08 x 0.04 and the
    page's own code plane shows one dot, but the playground's plane fitted each snapshot to
    its box, x and y apart, and drew four well-separated clusters. Now it draws on the
    recorded run's plane limits, one unit as long on both axes; and its title, which said
    "grey: the recorded run" over codes in class colours, says what it draws."""
    run = tmp_path / f"{name}.npz"
    assert run_cli("train", EXAMPLES / f"{name}.toml", "-o", run, "-q").exit_code == 0
    page = aeviz.render(run, tmp_path / f"{name}.html", notify=lambda message: None)
    viewport(browser, 640, 400)
    try:
        driver = open_page(browser, page)
        driver.execute_script("aeviz.seek(0)")
        wait_until(lambda: driver.execute_script("return aeviz.playground.model().snapshot") == 0,
                   "the playground at the slider's epoch 0")
        driver.execute_async_script(  # two frames on: any redraw the seek asked for done
            "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));")
        at0 = plane_geometry(driver)
        assert at0["scale"][0] == pytest.approx(at0["scale"][1], rel=1e-9)  # one scale
        codes = np.array(at0["codes"]).reshape(-1, 2)
        trajectory = load(run)
        np.testing.assert_allclose(codes, trajectory.codes[0], atol=1e-4)
        # The codes drawn at the scale of the recorded run's plane limits (the page's own
        # code plane's: they fill the box along one axis at most) ...
        limits = np.array(driver.execute_script(
            "return JSON.parse(document.getElementById('aeviz-data').textContent)"
            ".runs[0].axes.limits"))
        fits = min(at0["box"][0] / np.ptp(limits[0]), at0["box"][1] / np.ptp(limits[1]))
        assert 0.8 * fits < at0["scale"][0] <= fits, (at0["scale"], fits)
        np.testing.assert_allclose(at0["spread"], np.ptp(codes, axis=0) * at0["scale"][0],
                                   rtol=1e-6)
        if name == "activations-sigmoid":  # ... so a tight epoch 0 looks tight (was 198 x 207)
            assert max(at0["spread"]) < 0.1 * min(at0["box"]), at0["spread"]
        assert "grey" not in at0["title"] and "recorded run at epoch 0" in at0["title"]
        driver.execute_script("aeviz.seek(aeviz.steps() - 1)")  # the last epoch fills it
        wait_until(lambda: "epoch 0" not in plane_geometry(driver)["title"], "the plane redrawn")
        end = plane_geometry(driver)
        assert max(end["spread"]) > 0.5 * min(end["box"]), end["spread"]
        assert end["scale"] == pytest.approx(at0["scale"])  # the same limits
        call(driver, "aeviz.playground.step()")  # the student's run: colour; recorded: grey
        wait_until(lambda: "grey" in plane_geometry(driver)["title"], "the title after a step")
        stepped = plane_geometry(driver)
        assert stepped["scale"][0] == pytest.approx(stepped["scale"][1], rel=1e-9)
        assert "your run" in stepped["title"]
    finally:
        viewport(browser, 1280, 900)


def test_a_page_cut_with_epochs_draws_the_loss_axis_from_its_first_epoch(browser, run_cli,
                                                                         tmp_path):
    """Found by two lecturers (#23): iris cut to --epochs 100:200 drew its playground's loss
    axis from epoch 0 (its left half empty) and both y labels read "0.11" (0.107 to 0.111).
    Now the axis starts at the page's first epoch until a retrain (which starts at 0), and
    its labels never read alike."""
    run = tmp_path / "iris.npz"
    assert run_cli("train", EXAMPLES / "iris.toml", "-o", run, "-q").exit_code == 0
    page = tmp_path / "iris.html"
    assert run_cli("render", run, "--epochs", "100:200", "-o", page).exit_code == 0
    driver = open_page(browser, page)
    chart = driver.execute_script("return aeviz.playground.lossChart()")
    assert chart["labels"]["x"] == ["100", "epoch 200"], chart
    top, bottom = chart["labels"]["y"]
    assert top != bottom, chart
    assert float(top) == pytest.approx(chart["axis"][1], rel=0.01)
    assert float(bottom) == pytest.approx(chart["axis"][0], rel=0.01)
    call(driver, "aeviz.playground.step()")  # the student's run starts at epoch 0
    wait_until(lambda: driver.execute_script("return aeviz.playground.lossChart().labels.x[0]")
               == "0", "the loss axis from 0 after a step")


def test_the_noise_demo_holds_its_noisy_input(browser, pages):
    """Found by two lecturers (#23): on the denoising page, sample 0's noisy input fell off
    the panel's bottom edge (its limits were the clean data's). Now the panels' limits hold
    every point they draw, at any noise."""
    driver = open_page(browser, pages["denoising"])
    for noise in (0.3, 1.0):
        shown = driver.execute_script(f"return aeviz.playground.denoise(0, {noise})")
        limits = np.array(shown["limits"])
        for point in (shown["clean"], shown["corrupted"]):
            assert np.all(limits[:, 0] < np.array(point[:2])), (noise, limits, point)
            assert np.all(np.array(point[:2]) < limits[:, 1]), (noise, limits, point)
