"""The canonical record and the native JSONL/CSV reader: validation and faithful columns."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from advisor.errors import InputError
from advisor.ingest import native, native_lines
from advisor.ingest.load import load_paths
from advisor.records.samples import OUTCOMES, SampleTable, build
from tests.helpers import write_jsonl

ROWS = [
    {
        "model": "m1",
        "task": "t",
        "sample_id": "a",
        "score": 1,
        "latency_ms": 120.5,
        "input_tokens": 1000,
        "cached_input_tokens": 400,
        "output_tokens": 50,
        "reasoning_tokens": 20,
    },
    {"model": "m1", "task": "t", "sample_id": "b", "score": 0, "outcome": "refusal"},
    {"model": "m2", "task": "t", "sample_id": "a", "score": 0.5, "epoch": 1, "cost_usd": 0.002},
]


@pytest.fixture(params=["lines", "engine"])
def read(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], SampleTable]:
    """Both readers: the line reader, and the columnar engine (which hands bad files to the line reader)."""
    if request.param == "engine":
        monkeypatch.setattr(native, "ENGINE_MIN_BYTES", 0)
    return native.read


def test_jsonl_columns_and_defaults(tmp_path: Path, read: Callable[[Path], SampleTable]) -> None:
    t = read(write_jsonl(tmp_path / "s.jsonl", ROWS))
    assert t.models == ("m1", "m2")
    assert [OUTCOMES[o] for o in t.outcome] == ["ok", "refusal", "wrong"]  # absent: ok iff score is 1
    assert t.epoch.tolist() == [0, 0, 1]
    assert t.numbers["latency_ms"][0] == 120.5
    assert math.isnan(t.numbers["latency_ms"][1])  # missing stays missing
    assert t.numbers["cost_usd"][2] == 0.002
    assert t.where(1).endswith("s.jsonl:2")


def test_csv_reads_the_same_as_jsonl(tmp_path: Path, read: Callable[[Path], SampleTable]) -> None:
    cols = [
        "model",
        "task",
        "sample_id",
        "score",
        "epoch",
        "outcome",
        "latency_ms",
        "input_tokens",
        "cached_input_tokens",
        "output_tokens",
        "reasoning_tokens",
        "cost_usd",
    ]
    lines = [",".join(cols)]
    for r in ROWS:
        lines.append(",".join(str(r.get(c, "")) for c in cols))
    csv_path = tmp_path / "s.csv"
    csv_path.write_text("\n".join(lines) + "\n")
    a = read(csv_path)
    b = read(write_jsonl(tmp_path / "s.jsonl", ROWS))
    assert a.models == b.models and a.sample_ids == b.sample_ids
    np.testing.assert_array_equal(a.score, b.score)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    for name in b.numbers:
        np.testing.assert_array_equal(a.numbers[name], b.numbers[name])


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        ('{"model": "m", "task": "t", "sample_id": "1", "score": 1}\n{"model": "m", "task"\n', ":2", "not valid JSON"),
        ('{"model": "m", "task": "t", "score": 1}\n', ":1", "missing required field 'sample_id'"),
        ('{"model": "m", "task": "t", "sample_id": "1", "score": 1.5}\n', ":1", "outside [0, 1]"),
        ('{"model": "m", "task": "t", "sample_id": "1", "score": NaN}\n', ":1", "not valid JSON"),
        ('{"model": "m", "task": "t", "sample_id": "1", "score": 1, "latency_ms": -3}\n', ":1", "negative"),
        ('{"model": "m", "task": "t", "sample_id": "1", "score": 0, "outcome": "oops"}\n', ":1", "unknown outcome"),
        ('{"model": "m", "task": "t", "sample_id": "1", "score": 1, "latency": 3}\n', ":1", "unknown field 'latency'"),
        ('{"model": "m", "task": "t", "sample_id": "1", "score": "1"}\n', ":1", "score must be a number"),
        ('{"model": "m", "task": "t", "sample_id": "1", "score": 1}\n' * 2, ":2", "duplicate row"),
        ("\n\n", "", "empty"),
        (
            '{"model": "m", "task": "t", "sample_id": "1", "score": 1, "input_tokens": 5, "cached_input_tokens": 9}\n',
            ":1",
            "exceed input_tokens",
        ),
        ("[1, 2]\n", ":1", "expected a JSON object"),
    ],
)
def test_bad_jsonl_names_file_and_line(
    tmp_path: Path, content: str, where: str, message: str, read: Callable[[Path], SampleTable]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.line().startswith(f"{path}{where}")
    assert message in err.value.line()
    assert "\n" not in err.value.line()


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        ("model,task,score\nm,t,1\n", ":1", "missing required column 'sample_id'"),
        ("model,task,sample_id,score,foo\nm,t,1,1,2\n", ":1", "unknown column 'foo'"),
        ("model,task,sample_id,score\nm,t,1,abc\n", ":2", "'abc' is not a number"),
        ("model,task,sample_id,score\nm,t,1\n", ":2", "expected 4 fields"),
        ("model,task,sample_id,score\nm,t,1,nan\n", ":2", "not a finite number"),
    ],
)
def test_bad_csv_names_file_and_line(
    tmp_path: Path, content: str, where: str, message: str, read: Callable[[Path], SampleTable]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.line().startswith(f"{path}{where}")
    assert message in err.value.line()


def test_duplicates_across_files_and_every_bad_file_reported(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", ROWS)
    b = write_jsonl(tmp_path / "b.jsonl", ROWS[:1])
    with pytest.raises(InputError, match="also at"):
        load_paths([a, b])
    bad1 = tmp_path / "x.jsonl"
    bad1.write_text("{oops\n")
    bad2 = tmp_path / "y.jsonl"
    bad2.write_text("")
    with pytest.raises(InputError) as err:
        load_paths([a, bad1, bad2])
    assert "x.jsonl" in err.value.line() and "y.jsonl" in err.value.line()


def test_build_rejects_reasoning_above_output() -> None:
    with pytest.raises(InputError, match="reasoning_tokens exceed output_tokens"):
        build(
            model=["m"],
            task=["t"],
            sample_id=["1"],
            score=[1.0],
            source="f",
            numbers={"output_tokens": [10], "reasoning_tokens": [11]},
        )


def test_blank_and_whitespace_lines_are_skipped_and_lines_still_counted(
    tmp_path: Path, read: Callable[[Path], SampleTable]
) -> None:
    path = tmp_path / "s.jsonl"
    good = '{"model": "m", "task": "t", "sample_id": "%s", "score": 1}'
    path.write_text(good % 1 + "\n\n   \n" + good % 2 + "\n" + '{"model": 1}' + "\n")
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.line().startswith(f"{path}:5: ")  # line numbers count the blank lines
    path.write_text(good % 1 + "\n\n   \n" + good % 2 + "\n")
    table = read(path)
    assert table.place.tolist() == [1, 4] and len(table) == 2


def test_chunks_share_string_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native_lines, "CHUNK_LINES", 2)
    rows = [{"model": f"m{i % 2}", "task": "t", "sample_id": str(i // 2), "score": i % 3 / 2} for i in range(7)]
    rows[5]["latency_ms"] = 5.0  # a column present in one chunk only
    rows[0]["response"] = "I cannot help with that"  # text in the first chunk only
    rows[6]["error"] = 'the model said "epoch"'  # a field name inside a value must not confuse anything
    table = native_lines.read(write_jsonl(tmp_path / "s.jsonl", rows))
    assert table.texts["response"] == ["I cannot help with that"] + [None] * 6
    assert table.texts["error"] == [None] * 6 + ['the model said "epoch"']
    assert table.epoch.tolist() == [0] * 7
    assert table.models == ("m0", "m1")
    assert [table.models[c] for c in table.model] == [r["model"] for r in rows]
    assert [table.sample_ids[c] for c in table.sample] == [r["sample_id"] for r in rows]
    lat = table.numbers["latency_ms"]
    assert lat[5] == 5.0 and np.isnan(np.delete(lat, 5)).all()
    assert table.place.tolist() == list(range(1, 8))


def test_fast_path_schema_matches_the_documented_columns() -> None:
    assert set(native_lines._Row.__struct_fields__) == native.KNOWN


def test_fast_and_slow_paths_agree(tmp_path: Path) -> None:
    """A chunk the fast path rejects (a whole-number float epoch) is read by the dict path, identically."""
    rows = [dict(r) for r in ROWS]
    fast = native_lines.read(write_jsonl(tmp_path / "a.jsonl", rows))
    rows[2]["epoch"] = 1.0  # msgspec wants an int here; the dict path accepts a whole float
    slow = native_lines.read(write_jsonl(tmp_path / "b.jsonl", rows))
    for attr in ("model", "task", "sample", "epoch", "score", "outcome", "place"):
        np.testing.assert_array_equal(getattr(fast, attr), getattr(slow, attr))
    for name in fast.numbers:
        np.testing.assert_array_equal(fast.numbers[name], slow.numbers[name])
    assert fast.models == slow.models and fast.sample_ids == slow.sample_ids
