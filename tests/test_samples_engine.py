"""The columnar engine reads native files into the same table as the line reader, and is never laxer.

Every case runs through ``native.read`` with the engine forced on (``ENGINE_MIN_BYTES = 0``):
good files must come out identical to the line reader's table without falling back to it, and
bad ones must end in the line reader's one-line error (the engine may not accept them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from advisor.errors import InputError
from advisor.ingest import native, native_columnar, native_lines
from advisor.records.samples import SampleTable

FIELDS = ("model", "task", "sample", "epoch", "score", "outcome", "place", "source")


def rows(n: int = 300, seed: int = 3) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        row: dict[str, Any] = {
            "model": f"m/é{i % 4}",
            "task": ["t", "u", "v"][i % 3],
            "sample_id": i // 8 if i % 2 else f"s{i // 8}",
            "score": float(rng.choice([0.0, 0.5, 1.0])),
            "epoch": (i // 4) % 2,
        }
        if i % 5:
            row["latency_ms"] = round(float(rng.lognormal(6, 1)), 1)
            row["input_tokens"] = int(rng.integers(100, 5000))
            row["cached_input_tokens"] = row["input_tokens"] // 3
            row["output_tokens"] = int(rng.integers(10, 500))
            row["reasoning_tokens"] = row["output_tokens"] // 2
        if i % 7 == 0:
            row["outcome"] = ["refusal", "error", "ok", "timeout"][i % 4]
            row["cost_usd"] = 0.001 * (i % 3)
        if i % 11 == 0:
            row["response"] = 'said "no": \u00e9\n'
            row["error"] = None
        out.append(row)
    return out


def assert_same(a: SampleTable, b: SampleTable) -> None:
    assert a.models == b.models and a.tasks == b.tasks and a.sample_ids == b.sample_ids
    assert a.sources == b.sources
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for name in b.numbers:
        np.testing.assert_array_equal(a.numbers[name], b.numbers[name], err_msg=name)
    assert a.texts == b.texts


@pytest.fixture
def engine_only(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], SampleTable]:
    """``native.read`` with the engine on and the line reader forbidden: the engine must cope alone."""
    monkeypatch.setattr(native, "ENGINE_MIN_BYTES", 0)

    def refuse(path: Path) -> SampleTable:
        raise AssertionError(f"the engine handed {path} to the line reader")

    monkeypatch.setattr(native_lines, "read", refuse)
    return native.read


def test_jsonl_read_by_the_engine_equals_the_line_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=i % 2 == 0) + "\n" for i, r in enumerate(rows())))
    expected = native_lines.read(path)
    monkeypatch.setattr(native, "ENGINE_MIN_BYTES", 0)
    monkeypatch.setattr(native_lines, "read", lambda p: pytest.fail("fell back to the line reader"))
    assert_same(native.read(path), expected)


def test_csv_read_by_the_engine_equals_the_line_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cols = ["model", "task", "sample_id", "score", "epoch", "outcome", "latency_ms", "input_tokens", "cost_usd"]
    lines = [",".join(cols)]
    for r in rows():
        lines.append(",".join(str(r.get(c, "")) for c in cols))
    path = tmp_path / "s.csv"
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n")  # a BOM and Windows line ends, as Excel writes
    expected = native_lines.read(path)
    monkeypatch.setattr(native, "ENGINE_MIN_BYTES", 0)
    monkeypatch.setattr(native_lines, "read", lambda p: pytest.fail("fell back to the line reader"))
    assert_same(native.read(path), expected)


def test_no_trailing_newline_and_a_byte_order_mark(tmp_path: Path, engine_only: Callable[[Path], SampleTable]) -> None:
    path = tmp_path / "s.jsonl"
    body = "\n".join(json.dumps(r) for r in rows(20))
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    table = engine_only(path)
    assert len(table) == 20 and table.place.tolist() == list(range(1, 21))


LENIENT_ELSEWHERE = [
    # what DuckDB's own typed reader would accept silently, and advisor must not
    ('"score": "1"', "score must be a number"),
    ('"score": true', "score must be a number"),
    ('"latency_ms": "12"', "latency_ms must be a number"),
    ('"model": 5', "model must be a string"),
    ('"model": {"a": 1}', "model must be a string"),
    ('"epoch": 1.5', "not a non-negative whole number"),
    ('"response": {"a": 1}', "response must be a string"),
    ('"latency_ms": NaN', "not valid JSON"),
    ('"latency_ms": Infinity', "not valid JSON"),
]


@pytest.mark.parametrize(("field", "message"), LENIENT_ELSEWHERE)
def test_the_engine_is_as_strict_as_the_line_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, message: str
) -> None:
    monkeypatch.setattr(native, "ENGINE_MIN_BYTES", 0)
    good = [json.dumps({"model": "m", "task": "t", "sample_id": str(i), "score": 1}) for i in range(50)]
    bad = json.dumps({"model": "m", "task": "t", "sample_id": "x", "score": 1})[:-1] + ", " + field + "}"
    if field.startswith(('"model"', '"score"')):
        key = field.split(":")[0].strip('"')
        bad = bad.replace(f'"{key}": {"1" if key == "score" else chr(34) + "m" + chr(34)}, ', "", 1)
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join([*good, bad, *good[:1]]).replace('"sample_id": "0"}\n', '"sample_id": "0"}\n', 1) + "\n")
    path.write_text("\n".join([*good, bad]) + "\n")
    with pytest.raises(InputError) as err:
        native.read(path)
    assert err.value.line().startswith(f"{path}:51: "), err.value.line()
    assert message in err.value.line()


def test_unknown_key_after_the_engine_sample_is_still_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB detects keys from a sample of rows; a typo far below it must still stop the read."""
    monkeypatch.setattr(native, "ENGINE_MIN_BYTES", 0)
    good = [json.dumps({"model": "m", "task": "t", "sample_id": str(i), "score": 1}) for i in range(30_000)]
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join([*good, '{"model": "m", "task": "t", "sample_id": "z", "score": 1, "latency": 3}']))
    with pytest.raises(InputError, match="unknown field 'latency'") as err:
        native.read(path)
    assert err.value.line().startswith(f"{path}:30001: ")


def test_known_key_first_seen_after_the_sample_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "ENGINE_MIN_BYTES", 0)
    good = [json.dumps({"model": "m", "task": "t", "sample_id": str(i), "score": 1}) for i in range(30_000)]
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join([*good, '{"model": "m", "task": "t", "sample_id": "z", "score": 1, "latency_ms": 3}']))
    table = native.read(path)
    assert table.numbers["latency_ms"][-1] == 3.0 and np.isnan(table.numbers["latency_ms"][:-1]).all()


def test_engine_columns_never_include_unchecked_names() -> None:
    assert set(native_columnar.NUMERIC) | set(native_columnar.NAMES) <= native.KNOWN


@pytest.mark.parametrize("epochs", [1, 3])
def test_item_means_and_unpaired_warnings_against_plain_python(epochs: int) -> None:
    """The one-epoch shortcuts (no sort) and the sorting path, against dicts and sets."""
    from advisor.evidence.from_samples import item_means, unpack_item_key
    from advisor.ingest.load import warnings
    from advisor.records.samples import build

    rng = np.random.default_rng(epochs)
    recs = [
        (f"m{m}", f"t{t}", f"s{s}", e, float(rng.random()))
        for m in range(3)
        for t in range(2)
        for s in range(40)
        for e in range(epochs)
        if rng.random() > 0.1 or m == 0
    ]
    table = build(
        model=[r[0] for r in recs],
        task=[r[1] for r in recs],
        sample_id=[r[2] for r in recs],
        epoch=[r[3] for r in recs],
        score=[r[4] for r in recs],
        source="x",
    )
    keys, means, counts = item_means(table, table.score)
    got = {}
    for k, mean, c in zip(keys.tolist(), means.tolist(), counts.tolist(), strict=True):
        m, t, s = (int(x[0]) for x in unpack_item_key(table, np.asarray([k])))
        got[(table.models[m], table.tasks[t], table.sample_ids[s])] = (mean, c)
    expected: dict[tuple[str, str, str], list[float]] = {}
    for m, t, s, _, score in recs:
        expected.setdefault((m, t, s), []).append(score)
    assert got.keys() == expected.keys()
    for key, scores in expected.items():
        assert got[key][0] == pytest.approx(sum(scores) / len(scores)) and got[key][1] == len(scores)
    lacking = []
    for t in ("t0", "t1"):
        union = {s for m, tt, s, _, _ in recs if tt == t}
        for m in ("m0", "m1", "m2"):
            mine = {s for mm, tt, s, _, _ in recs if tt == t and mm == m}
            if len(union) - len(mine):
                lacking.append(f"task {t!r}: model {m!r} lacks {len(union) - len(mine)} of the {len(union)}")
    assert sorted(w.split(" samples")[0] for w in warnings(table)) == sorted(lacking)
