"""The deal of items to dev and holdout: keyed, deterministic, stable, independent, stratified by task."""

from __future__ import annotations

import hashlib
import hmac
import math
import struct

import numpy as np
import pytest
from scipy import stats as scipy_stats

from advisor.inputs.workspace import SplitConfig
from advisor.records.samples import build, concat
from advisor.split.assign import draws, in_holdout, message, split_of
from advisor.split.secret import fingerprint
from advisor.statistics.split_gap import binomial_range

SECRET = bytes(range(32))
OTHER = bytes(range(1, 33))


def _items(n: int, task: str = "t") -> list[tuple[str, str]]:
    return [(task, f"item-{i}") for i in range(n)]


def test_the_draw_is_hmac_sha256_of_length_prefixed_fields() -> None:
    """Recomputed by hand: HMAC-SHA256 over 4-byte big-endian lengths and UTF-8 fields, first 8 bytes."""
    fields = [b"advisor-split/1", b"2026-Q4", b"qa", "héllo-7".encode()]
    msg = b"".join(struct.pack(">I", len(f)) + f for f in fields)
    assert message("2026-Q4", "qa", "héllo-7") == msg
    digest = hmac.new(SECRET, msg, hashlib.sha256).digest()
    assert int(draws(SECRET, "2026-Q4", [("qa", "héllo-7")])[0]) == int.from_bytes(digest[:8], "big")
    # fields cannot run together: ("a", "bc") is not ("ab", "c")
    assert message("r", "a", "bc") != message("r", "ab", "c")


def test_deterministic_and_keyed() -> None:
    items = _items(2000)
    a = in_holdout(SECRET, "2026-Q4", 0.3, items)
    assert (a == in_holdout(SECRET, "2026-Q4", 0.3, items)).all()
    b = in_holdout(OTHER, "2026-Q4", 0.3, items)
    assert (a != b).any()  # another secret, another deal


def _within(count: int, n: int, p: float, coverage: float = 0.999) -> bool:
    low, high = binomial_range(n, p, coverage)
    return low <= count <= high


def test_about_thirty_percent_of_every_task() -> None:
    """Per task the holdout count is Binomial(n, 0.3): inside its 99.9% range for each of 8 tasks."""
    for t in range(8):
        n = 150 + 40 * t
        held = in_holdout(SECRET, "2026-Q4", 0.3, _items(n, task=f"task-{t}"))
        assert _within(int(held.sum()), n, 0.3), (t, int(held.sum()), n)


def test_stable_when_items_are_added() -> None:
    """An item's part depends on it alone: adding items (to its task and to others) moves nothing."""
    first = _items(500, "qa") + _items(300, "sql")
    before = in_holdout(SECRET, "2026-Q4", 0.3, first)
    grown = first + _items(900, "qa")[500:] + _items(200, "new-task")
    after = in_holdout(SECRET, "2026-Q4", 0.3, grown)
    assert (after[: len(first)] == before).all()


def test_shrinking_the_share_only_moves_holdout_items_to_dev() -> None:
    items = _items(3000)
    big = in_holdout(SECRET, "r1", 0.3, items)
    small = in_holdout(SECRET, "r1", 0.2, items)
    assert not (small & ~big).any()  # nothing moves from dev into the holdout
    assert (big & ~small).any()


@pytest.mark.parametrize("share", [0.3, 0.5])
def test_rotations_agree_as_independent_deals(share: float) -> None:
    """Two rotations: both-holdout ~ Binomial(n, h²), agreement ~ h² + (1−h)²; a test of independence too."""
    n = 6000
    items = _items(n)
    a = in_holdout(SECRET, "2026-Q4", share, items)
    b = in_holdout(SECRET, "2027-Q1", share, items)
    assert (a != b).any()
    assert _within(int((a & b).sum()), n, share * share)
    agree = share * share + (1 - share) ** 2
    assert _within(int((a == b).sum()), n, agree)
    table = [[int((a & b).sum()), int((a & ~b).sum())], [int((~a & b).sum()), int((~a & ~b).sum())]]
    assert scipy_stats.chi2_contingency(table).pvalue > 0.001


def test_the_same_ids_in_two_tasks_are_dealt_independently() -> None:
    n = 6000
    a = in_holdout(SECRET, "r", 0.3, _items(n, "qa"))
    b = in_holdout(SECRET, "r", 0.3, _items(n, "sql"))
    assert _within(int((a & b).sum()), n, 0.09)


def test_draws_look_uniform() -> None:
    u = draws(SECRET, "r", _items(5000)).astype(np.float64) / 2.0**64
    assert scipy_stats.kstest(u, "uniform").pvalue > 0.001


def _table(n: int, tasks: tuple[str, ...] = ("qa", "sql"), models: tuple[str, ...] = ("m1", "m2"), start: int = 0):  # type: ignore[no-untyped-def]
    rows = [(m, t, f"{t}-{i}") for t in tasks for i in range(start, start + n) for m in models]
    return build(
        model=[r[0] for r in rows],
        task=[r[1] for r in rows],
        sample_id=[r[2] for r in rows],
        score=[1.0] * len(rows),
        source="sim.jsonl",
    )


def test_split_of_a_table_keeps_parts_when_rows_are_added() -> None:
    cfg = SplitConfig(holdout=0.3, rotation="2026-Q4")
    small = _table(200)
    big = concat([small, _table(150, start=200), _table(50, tasks=("new",))])
    a = split_of(small, SECRET, cfg, "holdout")
    b = split_of(big, SECRET, cfg, "holdout")
    assert (b.row_holdout[: len(small)] == a.row_holdout).all()
    assert a.counts["qa"][1] == int(a.row_holdout[small.task == small.tasks.index("qa")].sum()) // 2  # two models
    assert a.fingerprint == fingerprint(SECRET, "2026-Q4") and len(a.fingerprint) == 16


def test_selection_of_parts() -> None:
    cfg = SplitConfig(holdout=0.3, rotation="r")
    table = _table(300)
    view = split_of(table, SECRET, cfg, "holdout")
    hold, dev = view.select(table, "holdout"), view.select(table, "dev")
    assert len(hold) + len(dev) == len(table)
    assert len(view.select(table, "all")) == len(table)
    held_ids = {(hold.tasks[t], hold.sample_ids[s]) for t, s in zip(hold.task, hold.sample, strict=True)}
    dev_ids = {(dev.tasks[t], dev.sample_ids[s]) for t, s in zip(dev.task, dev.sample, strict=True)}
    assert not held_ids & dev_ids
    assert len(held_ids) == view.holdout_items and len(dev_ids) == view.dev_items
    assert view.describe().startswith(f"the holdout of rotation r: {view.holdout_items:,} of 600 items")


def test_probe_rows_stay_in_every_part() -> None:
    eval_rows = _table(100)
    probe = build(
        model=["m1"] * 4,
        task=["probe"] * 4,
        sample_id=[f"p{i}" for i in range(4)],
        score=[1.0] * 4,
        numbers={"concurrency": [1.0, 1.0, 4.0, 4.0], "latency_ms": [10.0, 11.0, 12.0, 13.0]},
        source="probes/x.jsonl",
    )
    table = concat([eval_rows, probe])
    view = split_of(table, SECRET, SplitConfig(holdout=0.3, rotation="r"), "holdout")
    for part in ("holdout", "dev"):
        chosen = view.select(table, part)  # type: ignore[arg-type]
        assert int((~np.isnan(chosen.numbers["concurrency"])).sum()) == 4
    assert "probe" not in view.counts


def test_binomial_tolerance_is_what_the_docs_state() -> None:
    """docs/split.md: 250 items at 30% → 57–94 held out (99%)."""
    assert binomial_range(250, 0.3, 0.99) == (57, 94)
    assert math.isclose(250 * 0.3, 75)
