"""Price pulls and imports under faults: deadlines, permanent errors, bad input, locks, secrets, stale files.

Every failure must leave the last good snapshot as ``latest``, byte for byte,
with no partial or temporary file beside it, and end as one line (exit 2).
The HTTP server is real (``tests.fault_server``, on 127.0.0.1).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.errors import InputError
from advisor.prices import history
from advisor.prices.pull import PullOptions, pull
from advisor.prices.store import STATE_FILE
from tests.fault_server import Server
from tests.helpers import REAL_PRICING
from tests.test_prices_pull import DAY, FAST, assert_still_good, files_in, first_good_pull

GOOD = REAL_PRICING / "litellm-model_prices_and_context_window-2026-05-26.json"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server(GOOD.read_bytes())
    yield s
    s.close()


def scaled(factor: float) -> bytes:
    """The good LiteLLM map with every per-token price multiplied by ``factor``."""
    raw = json.loads(GOOD.read_bytes())
    for entry in raw.values():
        if isinstance(entry, dict):
            for key, value in list(entry.items()):
                if key.endswith("_cost_per_token") and isinstance(value, int | float):
                    entry[key] = value * factor
    return json.dumps(raw, indent=4).encode()


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("advisor: error: ")
    return err[0]


# ----------------------------------------------------------------------------- the network


@pytest.mark.parametrize("fault", ["drip-body", "drip-status"])
def test_a_dripping_server_hits_the_overall_deadline(server: Server, data_dir: Path, fault: str) -> None:
    good = first_good_pull(server)
    good_bytes, before = good.read_bytes(), files_in(data_dir)
    server.body += b" "
    server.faults = [fault]
    opts = PullOptions(read_timeout=0.5, connect_timeout=0.5, deadline=1.0, retries=0, progress=False)
    start = time.monotonic()
    with pytest.raises(InputError, match="no complete answer within the 1 s deadline"):
        pull(server.url, opts, today=DAY)
    assert time.monotonic() - start < 2.5  # each byte came within the read timeout: only the deadline stops it
    assert_still_good(data_dir, good, before, good_bytes)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("404", "HTTP 404 Not Found; not retried"),
        ("redirect-file", "redirected to an address that is not http(s)"),
        ("redirect-ftp", "redirected to an address that is not http(s)"),
    ],
)
def test_permanent_errors_are_not_retried(server: Server, data_dir: Path, fault: str, message: str) -> None:
    good = first_good_pull(server)
    good_bytes, before = good.read_bytes(), files_in(data_dir)
    server.body += b" "
    asked = len(server.requests)
    server.faults = [fault] * 5
    with pytest.raises(InputError, match=re.escape(message)) as err:
        pull(server.url, PullOptions(retries=3, backoff=0.01, progress=False), today=DAY)
    assert "attempts" not in err.value.line()
    assert len(server.requests) == asked + 1  # one try, no retries
    assert_still_good(data_dir, good, before, good_bytes)


@pytest.mark.parametrize("fault", ["429", "408"])
def test_transient_statuses_are_retried(server: Server, data_dir: Path, fault: str) -> None:
    server.faults = [fault]
    assert pull(server.url, FAST, today=DAY).status == "new"
    assert len(server.requests) == 2


def test_304_to_an_unconditional_request_is_an_error(server: Server, data_dir: Path) -> None:
    server.faults = ["304-always"]
    with pytest.raises(InputError, match="304 Not Modified to a request that was not conditional"):
        pull(server.url, FAST, today=DAY)
    assert "if-none-match" not in server.requests[0]
    assert not list((data_dir / "prices").glob("*.toml"))


def test_an_empty_body_is_an_error(server: Server, data_dir: Path) -> None:
    good = first_good_pull(server)
    good_bytes, before = good.read_bytes(), files_in(data_dir)
    server.body += b" "
    server.faults = ["empty"]
    with pytest.raises(InputError, match="not a JSON object"):
        pull(server.url, FAST, today=DAY)
    assert_still_good(data_dir, good, before, good_bytes)


# ----------------------------------------------------------------------------- bad input before any traffic


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1/x", "not a valid URL"),
        ("http://127.0.0.1:abc/", "not a valid URL"),
        ("http://a..b/", "bad host name"),
        ("http:///nohost", "not a valid URL"),
        ("ftp://127.0.0.1/x.json", "unknown price source"),
        ("file:///etc/passwd", "unknown price source"),
    ],
)
def test_bad_urls_are_one_line(data_dir: Path, url: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prices", "pull", "--source", url, "--no-progress"]) == 2
    assert message in one_error_line(capsys)


@pytest.mark.parametrize(
    ("flag", "value"), [("--timeout", "-1"), ("--timeout", "nan"), ("--timeout", "inf"), ("--deadline", "0")]
)
def test_bad_durations_are_one_line(
    server: Server, data_dir: Path, flag: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prices", "pull", "--source", server.url, flag, value, "--no-progress"]) == 2
    assert f"{flag}: must be a number of seconds above 0" in one_error_line(capsys)
    assert server.requests == []


def test_data_dir_that_is_a_file(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(afile))
    assert main(["prices", "pull", "--source", server.url, "--no-progress"]) == 2
    assert "is a file, not a folder" in one_error_line(capsys)
    assert server.requests == []  # refused before any download
    sheet = tmp_path / "s.json"
    sheet.write_bytes(GOOD.read_bytes())
    assert main(["prices", "import", str(sheet), "--as-of", "2026-05-26"]) == 2
    assert "is a file, not a folder" in one_error_line(capsys)


def test_http_cache_that_is_a_folder(server: Server, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data_dir / "prices" / STATE_FILE).mkdir(parents=True)
    assert main(["prices", "pull", "--source", server.url, "--no-progress"]) == 2
    assert f"{STATE_FILE}: is not a regular file" in one_error_line(capsys)
    assert server.requests == [] and not list((data_dir / "prices").glob("*.toml"))


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root writes everywhere")
def test_read_only_data_dir(server: Server, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data_dir / "prices").mkdir(parents=True)
    (data_dir / "prices").chmod(0o500)
    try:
        assert main(["prices", "pull", "--source", server.url, "--no-progress"]) == 2
        assert "is not writable" in one_error_line(capsys)
    finally:
        (data_dir / "prices").chmod(0o700)


# ----------------------------------------------------------------------------- sanity against the newest readable


@pytest.mark.parametrize("factor", [10.0, 9.9])
def test_a_whole_sheet_move_needs_accept(server: Server, data_dir: Path, factor: float) -> None:
    good = first_good_pull(server)
    good_bytes, before = good.read_bytes(), files_in(data_dir)
    server.body = scaled(factor)
    with pytest.raises(InputError, match=r"the whole sheet moved: the median input/output rate is ×"):
        pull(server.url, FAST, today=DAY)
    assert_still_good(data_dir, good, before, good_bytes)
    accepted = pull(server.url, PullOptions(accept_suspicious=True, progress=False), today=DAY)
    assert accepted.status == "new" and "the whole sheet moved" in accepted.flagged[0]


def test_an_unreadable_newer_snapshot_does_not_switch_the_checks_off(server: Server, data_dir: Path) -> None:
    good = first_good_pull(server)
    stray = data_dir / "prices" / f"{(DAY + dt.timedelta(days=1)).isoformat()}-litellm-9.toml"
    stray.write_text("this is not a price sheet [[[\n")
    before = files_in(data_dir)
    raw = json.loads(GOOD.read_bytes())
    raw["gpt-4o"]["input_cost_per_token"] *= 500
    server.body = json.dumps(raw, indent=4).encode()
    with pytest.raises(InputError, match="gpt-4o input_per_mtok 2.5 → 1250"):
        pull(server.url, FAST, today=DAY)
    assert files_in(data_dir) == before and good.is_file()
    server.body = GOOD.read_bytes() + b" "  # same prices: compared with the good one, not the stray
    result = pull(server.url, FAST, today=DAY)
    assert result.status == "same" and result.path == good
    assert any(stray.name in n and "could not read" in n for n in result.notes)


def test_future_dated_pull_and_import_are_refused(
    server: Server, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(InputError, match="after today"):
        pull(server.url, FAST, today=dt.date(2999, 1, 1))
    sheet = tmp_path / "litellm.json"
    sheet.write_bytes(GOOD.read_bytes())
    assert main(["prices", "import", str(sheet), "--as-of", "2999-01-01"]) == 2
    assert "prices dated 2999-01-01, after today" in one_error_line(capsys)
    assert not list((data_dir / "prices").glob("*.toml"))


def test_a_future_snapshot_on_disk_never_becomes_latest(data_dir: Path) -> None:
    (data_dir / "prices").mkdir(parents=True)
    future = data_dir / "prices" / "2999-01-01-litellm.toml"
    future.write_text(history.find("bundled").read_text())
    assert history.find("latest") != future
    assert history.find("2999-01-01") == future  # still there when asked for by date


def test_import_gets_the_same_checks(tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = tmp_path / "litellm-2026-05-26.json"
    first.write_bytes(GOOD.read_bytes())
    assert main(["prices", "import", str(first)]) == 0
    capsys.readouterr()
    before = files_in(data_dir)
    tenfold = tmp_path / "litellm-2026-05-27.json"
    tenfold.write_bytes(scaled(10.0))
    assert main(["prices", "import", str(tenfold)]) == 2
    assert "the whole sheet moved" in one_error_line(capsys)
    assert files_in(data_dir) == before
    assert main(["prices", "import", str(tenfold), "--accept-suspicious"]) == 0
    assert len(files_in(data_dir)) == len(before) + 1
    assert main(["prices", "import", str(tenfold)]) == 0  # the same file again: nothing new to save
    assert "no new snapshot" in capsys.readouterr().out


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null"])
def test_import_reads_regular_files_only(data_dir: Path, special: str, capsys: pytest.CaptureFixture[str]) -> None:
    if not Path(special).exists():
        pytest.skip(f"no {special} here")
    assert main(["prices", "import", special, "--format", "litellm"]) == 2
    assert "not a regular file" in one_error_line(capsys)


# ----------------------------------------------------------------------------- secrets


def test_credentials_in_the_url_are_stored_and_shown_nowhere(
    server: Server, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_url = f"http://alice:S3CRETPW@127.0.0.1:{server.port}/model_prices.json?api_key=K3YVALUE&v=2"
    assert main(["prices", "pull", "--source", secret_url, "--no-progress"]) == 0
    assert server.requests[0]["authorization"].startswith("Basic ")  # the credentials were used …
    out = capsys.readouterr()
    stored = "".join(p.read_text() for p in (data_dir / "prices").iterdir() if p.is_file())
    assert "?api_key=***&v=2" in stored and "***@127.0.0.1" in stored
    server.body += b" "
    server.faults = ["404"]
    assert main(["prices", "pull", "--source", secret_url, "--no-progress"]) == 2
    err = capsys.readouterr().err
    memo = tmp_path / "memo.md"
    ws = Path(__file__).parent / "data" / "memo_ws"
    assert main(["memo", str(ws), "--prices", "latest", "-o", str(memo)]) == 0
    provenance = memo.read_text()
    assert "api\\_key=\\*\\*\\*" in provenance or "api_key=***" in provenance
    for text in (out.out, out.err, stored, err, provenance):  # … and kept nowhere
        assert "S3CRETPW" not in text and "K3YVALUE" not in text and "alice" not in text


# ----------------------------------------------------------------------------- two at once, and kill -9


def _pull_process(url: str, data: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "ADVISOR_DATA_DIR": str(data)}
    cmd = [sys.executable, "-m", "advisor", "prices", "pull", "--source", url, "--no-progress", "--format", "json"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_pulls_at_once_write_one_snapshot(server: Server, data_dir: Path) -> None:
    server.faults = ["slow-ok", "slow-ok"]  # both are in flight together
    procs = [_pull_process(server.url, data_dir) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    statuses = sorted(json.loads(out)["status"] for out, _ in outs)
    assert statuses == ["new", "same"]
    assert len(list((data_dir / "prices").glob("*.toml"))) == 1


def test_a_killed_writer_leaves_no_temp_file_behind(server: Server, data_dir: Path) -> None:
    prices = data_dir / "prices"
    prices.mkdir(parents=True)
    child = subprocess.Popen(
        [sys.executable, "-c", STUCK_WRITER, str(prices / "2026-11-30-litellm.toml")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        temps = [p for p in prices.iterdir() if p.name.endswith(".tmp")]
        assert len(temps) == 1
        old = time.time() - 60
        os.utime(temps[0], (old, old))
        first_good_pull(server)  # a live writer's file is left alone …
        assert temps[0].exists()
    finally:
        child.kill()  # SIGKILL: no cleanup runs in the child
        child.wait()
    server.body += b" "
    pull(server.url, FAST, today=DAY)  # … a dead one's is removed by the next write
    assert not [p for p in prices.iterdir() if p.name.endswith(".tmp")]


#: A child that writes a snapshot and is "killed" mid-way: it hangs just before putting the file in place.
STUCK_WRITER = """
import os, sys, time
from pathlib import Path
from advisor.files import atomic

def stuck(*args, **kwargs):
    print("writing", flush=True)
    time.sleep(120)

os.link = os.replace = stuck
atomic.write_new(Path(sys.argv[1]), "half a snapshot")
"""
