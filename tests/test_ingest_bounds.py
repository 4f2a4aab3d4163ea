"""Hostile native files (issue 12): nothing dropped, nothing wrapped, nothing absurd, both readers alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.ingest import aggregates, native
from advisor.records.samples import MAX_EPOCH, SampleTable

HEAD = '{"model": "m", "task": "t", "sample_id": "1", "score": 1'


@pytest.fixture(params=["lines", "engine"])
def read(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], SampleTable]:
    if request.param == "engine":
        monkeypatch.setattr(native, "ENGINE_MIN_BYTES", 0)
    return native.read


def error(read: Callable[[Path], SampleTable], path: Path) -> str:
    with pytest.raises(InputError) as err:
        read(path)
    line = err.value.line()
    assert "\n" not in line and line.startswith(str(path))
    return line


def test_csv_unbalanced_quote_is_an_error_not_a_shorter_file(
    tmp_path: Path, read: Callable[[Path], SampleTable]
) -> None:
    path = tmp_path / "s.csv"
    path.write_text('model,task,sample_id,score,response\nA,t,1,1,"oops\nB,t,1,0,fine\n')
    assert "malformed CSV" in error(read, path)


def test_csv_duplicate_header_column(tmp_path: Path, read: Callable[[Path], SampleTable]) -> None:
    path = tmp_path / "s.csv"
    path.write_text("model,task,sample_id,score,model\nA,t,1,1,B\n")
    line = error(read, path)
    assert line.startswith(f"{path}:1: ") and "'model' appears twice" in line


def test_aggregates_csv_is_strict_about_quotes_and_headers(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('model,task,n,mean,sd\nA,"t,10,0.5,0.1\nB,t,10,0.5,0.1\n')
    with pytest.raises(InputError, match="not valid CSV"):
        aggregates.read(path)
    path.write_text("model,task,n,mean,sd,n\nA,t,10,0.5,0.1,11\n")
    with pytest.raises(InputError, match="'n' appears twice"):
        aggregates.read(path)


def test_epoch_beyond_int32_is_refused_before_it_wraps(tmp_path: Path, read: Callable[[Path], SampleTable]) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(f'{HEAD}, "epoch": {MAX_EPOCH + 1}}}\n{HEAD}, "epoch": 0}}\n')
    line = error(read, path)
    assert line.startswith(f"{path}:1: ") and "too large" in line
    path.write_text(f'{HEAD}, "epoch": {MAX_EPOCH}}}\n{HEAD}, "epoch": 0}}\n')
    assert read(path).epoch.tolist() == [MAX_EPOCH, 0]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ('"input_tokens": 1e300', "larger than 1e+09"),
        ('"output_tokens": 12.5', "not a whole number of tokens"),
        ('"latency_ms": 1e12', "larger than"),
        ('"cost_usd": 1e7', "larger than"),
    ],
)
def test_absurd_numbers_are_refused(
    tmp_path: Path, read: Callable[[Path], SampleTable], field: str, message: str
) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(f"{HEAD}}}\n" + HEAD.replace('"1"', '"2"') + f", {field}}}\n")
    line = error(read, path)
    assert line.startswith(f"{path}:2: ") and message in line


def test_fractional_tokens_in_csv(tmp_path: Path, read: Callable[[Path], SampleTable]) -> None:
    path = tmp_path / "s.csv"
    path.write_text("model,task,sample_id,score,input_tokens\nm,t,1,1,10\nm,t,2,1,10.5\n")
    assert "not a whole number of tokens" in error(read, path)


def test_a_byte_order_mark_is_accepted_in_jsonl_as_in_csv(tmp_path: Path, read: Callable[[Path], SampleTable]) -> None:
    j = tmp_path / "s.jsonl"
    j.write_bytes(b"\xef\xbb\xbf" + f"{HEAD}}}\n".encode())
    c = tmp_path / "s.csv"
    c.write_bytes(b"\xef\xbb\xbfmodel,task,sample_id,score\nm,t,1,1\n")
    assert read(j).models == read(c).models == ("m",)
