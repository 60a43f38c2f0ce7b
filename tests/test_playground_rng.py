"""The page's random streams (rng.js) are numpy's: SeedSequence, PCG64 and the Generator
methods aeviz draws with, compared number for number in headless Chromium."""

from __future__ import annotations

import numpy as np
import pytest

from tests.browser import chromium_driver, load_scripts  # noqa: F401 (a fixture)

SEEDS = [0, 1, 42, 2**40 + 3, 2**53 - 1, [0, 1], [5, 2], [123456789, 7, 0]]


@pytest.fixture(scope="module")
def page(browser):
    load_scripts(browser, "rng.js")
    return browser


def js_draws(driver, seed, plan: list[tuple]) -> list[list[float]]:
    """The draws of default_rng(seed) in the page, one list per (method, count, *args) of
    `plan`, in order from the one generator."""
    return driver.execute_script("""
        const rng = aevizRandom.defaultRng(arguments[0]);
        return arguments[1].map(([method, count, ...args]) => method === "permutation"
            ? Array.from(rng.permutation(count)) : Array.from(rng.fill(count, method, ...args)));
    """, seed, [list(step) for step in plan])


def numpy_draws(seed, plan: list[tuple]) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    methods = {"random": lambda n: rng.random(n), "standardNormal": rng.standard_normal,
               "permutation": rng.permutation,
               "uniform": lambda n, low, high: rng.uniform(low, high, n)}
    return [methods[method](count, *args) for method, count, *args in plan]


@pytest.mark.parametrize("seed", SEEDS)
def test_streams_equal_numpys(page, seed):
    # Mixed as training mixes them: uniform weights, then shuffles (32-bit draws, half of a
    # 64-bit one kept for the next), normals and doubles in between.
    plan = [("uniform", 31, -0.7, 0.7), ("permutation", 1), ("permutation", 400),
            ("standardNormal", 3001), ("random", 17), ("permutation", 1797),
            ("uniform", 5, 0.0, 3.0), ("standardNormal", 2)]
    for ours, numpys in zip(js_draws(page, seed, plan), numpy_draws(seed, plan)):
        np.testing.assert_array_equal(ours, numpys)


def test_normal_tail_and_large_shuffles(page):
    # 60 000 normals hold a dozen draws from the ziggurat's tail (1 in about 4 000), and
    # permutations of 70 000 need more than 16 bits of a 32-bit draw.
    plan = [("standardNormal", 60_000), ("permutation", 70_000), ("random", 1000)]
    ours, numpys = js_draws(page, 2024, plan), numpy_draws(2024, plan)
    assert (np.abs(numpys[0]) > 3.6541528853610087).sum() >= 5  # the tail was drawn
    for mine, theirs in zip(ours, numpys):
        np.testing.assert_array_equal(mine, theirs)


def test_seed_sequence_words_and_spawn(page):
    for entropy in [0, 1, 2**32, 2**52 + 9, [1, 2, 3, 4, 5, 6]]:
        ours = page.execute_script(
            "return new aevizRandom.SeedSequence(arguments[0]).generateState(8)", entropy)
        assert ours == np.random.SeedSequence(entropy).generate_state(8).tolist()
    children = page.execute_script("""
        const parent = new aevizRandom.SeedSequence(7);
        return parent.spawn(2).concat(parent.spawn(1)).map(child => child.generateState(4));""")
    parent = np.random.SeedSequence(7)
    expected = [c.generate_state(4).tolist() for c in parent.spawn(2) + parent.spawn(1)]
    assert children == expected


def test_bad_seed_is_refused(page):
    message = page.execute_script(
        "try { aevizRandom.defaultRng(-1); return null } catch (e) { return e.message }")
    assert message == "a seed must be a non-negative integer"
