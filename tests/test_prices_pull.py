"""``prices pull`` against a real HTTP server on 127.0.0.1, with faults injected.

The server (``tests.fault_server``) serves the real LiteLLM fixtures. After
every failure the previous good snapshot must still be ``latest``, byte for
byte, and no partial or temporary file may exist. More faults (deadlines,
permanent errors, locks, secrets, the data folder) are in
``test_prices_pull_faults.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.errors import InputError
from advisor.prices import history
from advisor.prices.pull import PullOptions, pull
from advisor.prices.sheet import load_sheet
from advisor.prices.store import LOCK_FILE
from tests.fault_server import Server
from tests.helpers import REAL_PRICING

REAL = REAL_PRICING
GOOD = REAL / "litellm-model_prices_and_context_window-2026-05-26.json"
DAY = dt.date(2026, 12, 1)  # after the bundled sheet, so a pulled snapshot becomes 'latest'


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def good_body() -> bytes:
    return GOOD.read_bytes()


@pytest.fixture
def server(good_body: bytes) -> Iterator[Server]:
    s = Server(good_body)
    yield s
    s.close()


FAST = PullOptions(read_timeout=0.3, connect_timeout=0.5, retries=1, backoff=0.01, progress=False)


def first_good_pull(server: Server) -> Path:
    result = pull(server.url, FAST, today=DAY)
    assert result.status == "new" and result.path is not None
    assert history.find("latest") == result.path
    return result.path


def files_in(folder: Path) -> list[str]:
    """Every file in the snapshots folder but the lock file (temporary files included)."""
    return sorted(p.name for p in (folder / "prices").iterdir() if p.name != LOCK_FILE)


def assert_still_good(data_dir: Path, good: Path, before: list[str], good_bytes: bytes | None = None) -> None:
    assert history.find("latest") == good
    assert files_in(data_dir) == before
    assert not [p for p in (data_dir / "prices").iterdir() if p.name.endswith(".tmp")]
    if good_bytes is not None:
        assert good.read_bytes() == good_bytes


def test_good_pull_then_304_costs_nothing(server: Server, data_dir: Path) -> None:
    good = first_good_pull(server)
    assert good.name == "2026-12-01-litellm.toml"
    assert "If-None-Match" not in server.requests[0] and "if-none-match" not in server.requests[0]
    again = pull(server.url, FAST, today=DAY)
    assert again.status == "unchanged" and again.path == good
    assert server.requests[-1].get("if-none-match")
    assert files_in(data_dir) == ["2026-12-01-litellm.toml", "http-cache.json"]


def test_500_then_200_retries_and_succeeds(server: Server, data_dir: Path) -> None:
    server.faults = ["500"]
    with_bar = PullOptions(read_timeout=2, retries=1, backoff=0.01, progress=True)
    result = pull(server.url, with_bar, today=DAY)
    assert result.status == "new" and len(server.requests) == 2


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (["slow", "slow"], "timed out"),
        (["500", "500"], "server answered HTTP 500"),
        (["truncated", "truncated"], "transfer failed"),
        (["invalid"], "not valid JSON"),
        (["html"], "text/html"),
        (["html-as-json"], "HTML, not JSON"),
    ],
)
def test_faults_leave_the_previous_snapshot_default(
    server: Server, data_dir: Path, fault: list[str], message: str
) -> None:
    good = first_good_pull(server)
    good_bytes = good.read_bytes()
    server.body = server.body.replace(b'"gpt-4o"', b'"gpt-4o"', 1) + b" "  # new ETag: a real download
    before = files_in(data_dir)
    server.faults = list(fault)
    with pytest.raises(InputError) as err:
        pull(server.url, FAST, today=DAY)
    assert message in err.value.line()
    assert err.value.line().startswith(server.url)
    assert_still_good(data_dir, good, before, good_bytes)


def test_body_over_the_cap_is_refused_with_or_without_content_length(server: Server, data_dir: Path) -> None:
    good = first_good_pull(server)
    server.body += b" "
    before = files_in(data_dir)
    small = PullOptions(max_bytes=500_000, retries=0, progress=False)
    with pytest.raises(InputError, match="cap"):
        pull(server.url, small, today=DAY)
    server.faults = ["chunked-big"]
    with pytest.raises(InputError, match="stopped reading"):
        pull(server.url, small, today=DAY)
    assert_still_good(data_dir, good, before)


def test_redirect_is_followed(server: Server, data_dir: Path) -> None:
    server.faults = ["redirect"]
    result = pull(server.url, FAST, today=DAY)
    assert result.status == "new"
    assert [r["path"] for r in server.requests] == ["/model_prices.json", "/moved"]


def test_schema_change_is_rejected(server: Server, data_dir: Path, good_body: bytes) -> None:
    good = first_good_pull(server)
    before = files_in(data_dir)
    server.body = good_body.replace(b'"input_cost_per_token"', b'"input_price_per_token"')
    with pytest.raises(InputError, match="no entry has input_cost_per_token"):
        pull(server.url, FAST, today=DAY)
    # Half the entries lose their prices: near-empty against the previous snapshot.
    raw = json.loads(good_body)
    for i, entry in enumerate(raw.values()):
        if isinstance(entry, dict) and i % 4:
            entry.pop("output_cost_per_token", None)
    server.body = json.dumps(raw, indent=4).encode()
    with pytest.raises(InputError, match="missing or invalid rates|renamed or missing fields"):
        pull(server.url, FAST, today=DAY)
    assert_still_good(data_dir, good, before)


def test_suspicious_move_needs_accept(server: Server, data_dir: Path, good_body: bytes) -> None:
    good = first_good_pull(server)
    before = files_in(data_dir)
    raw = json.loads(good_body)
    raw["gpt-4o"]["input_cost_per_token"] = 2.5e-04  # 100x
    server.body = json.dumps(raw, indent=4).encode()
    with pytest.raises(InputError, match="accept-suspicious"):
        pull(server.url, FAST, today=DAY)
    assert_still_good(data_dir, good, before)
    raw["gpt-4o"]["input_cost_per_token"] = 2.5e-05  # exactly 10x: suspicious too
    server.body = json.dumps(raw, indent=4).encode()
    with pytest.raises(InputError, match="gpt-4o input_per_mtok 2.5 → 25"):
        pull(server.url, FAST, today=DAY)
    assert_still_good(data_dir, good, before)
    accepted = pull(server.url, PullOptions(accept_suspicious=True, progress=False), today=DAY)
    assert accepted.status == "new" and accepted.flagged
    assert accepted.path is not None and accepted.path.name == "2026-12-01-litellm-2.toml"
    assert good.is_file()  # never over an older snapshot
    assert history.find("latest") == accepted.path


def test_negative_rate_for_a_priced_model_is_rejected(server: Server, data_dir: Path, good_body: bytes) -> None:
    good = first_good_pull(server)
    before = files_in(data_dir)
    raw = json.loads(good_body)
    raw["gpt-4o"]["output_cost_per_token"] = -1e-05
    server.body = json.dumps(raw, indent=4).encode()
    with pytest.raises(InputError, match="gpt-4o"):
        pull(server.url, FAST, today=DAY)
    assert_still_good(data_dir, good, before)


def test_empty_result_is_rejected(server: Server, data_dir: Path) -> None:
    server.body = json.dumps(
        {"x": {"mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}}
    ).encode()
    with pytest.raises(InputError, match="near-empty"):
        pull(server.url, FAST, today=DAY)
    assert not (data_dir / "prices").exists() or not list((data_dir / "prices").glob("*.toml"))


def test_cli_pull_exit_codes_and_one_line_errors(
    server: Server, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prices", "pull", "--source", server.url, "--no-progress", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "new" and Path(out["path"]).is_file()
    server.body += b" "
    server.faults = ["html"]
    assert main(["prices", "pull", "--source", server.url, "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("advisor: error: http://127.0.0.1")


def test_cli_pull_only_workspace_keeps_the_models_it_uses(
    server: Server, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "results.jsonl").write_text(
        '{"model": "gpt-4o", "task": "t", "sample_id": "1", "score": 1}\n'
        '{"model": "my-mini", "task": "t", "sample_id": "1", "score": 0}\n'
    )
    (ws / "advisor.toml").write_text('results = ["results.jsonl"]\n\n[aliases]\n"my-mini" = "gpt-4o-mini"\n')
    args = ["prices", "pull", "--source", server.url, "--no-progress", "--format", "json", "--only-workspace"]
    assert main([*args, str(ws)]) == 0
    saved = load_sheet(Path(json.loads(capsys.readouterr().out)["path"]))
    assert {m.id for m in saved.models} == {"gpt-4o", "gpt-4o-mini"}
