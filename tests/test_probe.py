"""The probe against a real local SSE server with injected latency and faults (tests/probe_server.py).

Tolerance: a measured time exceeds the injected one by the client's and the
server's overhead, never the other way round. Each request is paired with its
injected delay (by its prompt) and must measure at least that delay (a probe
timing the role-only first chunk, sent at once, would not). A measured
percentile must then lie in [injected, injected + tolerance], the tolerance the
run's largest per-request overhead, at least 15 ms (an idle machine adds 1–3 ms
per request; a busy shared 2-core machine tens, which is why it is measured).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import orjson
import pytest

from advisor.evidence.under_load import load_levels, split
from advisor.ingest import native
from advisor.probe import session
from advisor.probe.client import Endpoint, chat_url, retry_after
from advisor.probe.load import Level, Plan, Target, arrivals
from advisor.probe.prompts import synthetic
from tests.probe_server import Behaviour, ProbeServer, Record

TOLERANCE_MS = 15.0
KEY = "sk-probe-test-SECRET-7f3a"


def probe(
    server: ProbeServer,
    tmp_path: Path,
    models: list[str],
    levels: list[Level],
    requests: int,
    *,
    timeout_s: float = 5.0,
    deadline_s: float | None = None,
) -> tuple[session.RunState, Path]:
    plan = Plan(tuple(Target(m, m) for m in models), tuple(levels), requests)
    endpoint = Endpoint(chat_url(server.url), timeout_s, 16, api_key=KEY)
    path = tmp_path / "probe.jsonl"
    state = session.execute(plan, endpoint, synthetic(8, mean_words=20, sd_words=5), path, "run", deadline_s=deadline_s)
    return state, path


def levels_of(path: Path) -> dict[str, tuple]:  # type: ignore[type-arg]
    _, rows = split(native.read(path))
    assert rows is not None
    return load_levels(rows)


def paired(path: Path, records: list[Record], prompts: list[str], column: str) -> tuple[np.ndarray, np.ndarray]:
    """Each successful row's measured value and its request's injected TTFT, paired by the prompt sent."""
    injected = {r.prompt: r.ttft_ms for r in records}
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    pairs = [(r[column], injected[prompts[int(r["sample_id"].rsplit("/", 1)[1]) % len(prompts)]]) for r in rows]
    measured, truth = np.asarray(pairs, dtype=np.float64).T
    return measured, truth


def tolerance(measured: np.ndarray, truth: np.ndarray) -> float:
    overhead = measured - truth
    assert (overhead >= -0.5).all(), "a request measured faster than its injected delay"
    return max(TOLERANCE_MS, float(overhead.max()))


def within(measured: float, truth: float, tol: float) -> bool:
    return truth - 0.5 <= measured <= truth + tol


def prompt_file(tmp_path: Path, n: int) -> tuple[Path, list[str]]:
    prompts = [f"prompt number {i}" for i in range(n)]
    path = tmp_path / "prompts.txt"
    path.write_text("\n".join(prompts) + "\n")
    return path, prompts


def test_percentiles_match_the_injected_latency(tmp_path: Path) -> None:
    # the probe runs in its own process (as a user runs it): the server's threads do not share its GIL
    b = Behaviour(ttft_ms=(20.0, 80.0), gap_ms=5.0, tokens=8)
    path = tmp_path / "probe.jsonl"
    prompts_path, prompts = prompt_file(tmp_path, 40)
    with ProbeServer(b) as server:
        args = ["--model", "steady", "--concurrency", "4", "--requests", "40", "--out", str(path)]
        done = subprocess.run(  # noqa: S603 (our own CLI)
            [sys.executable, "-m", "advisor", "probe", server.url, *args, "--prompts", str(prompts_path)],
            capture_output=True,
            timeout=60,
            check=True,
        )
        records = server.state.records
        assert server.state.max_in_flight == 4
    (level,) = levels_of(path)["steady"]
    assert level.requests == level.ok == 40 and not level.errors
    measured, truth = paired(path, records, prompts, "ttft_ms")
    tol = tolerance(measured, truth)
    e2e, _ = paired(path, records, prompts, "latency_ms")
    e2e_tol = tolerance(e2e, truth + 35.0)  # the first token, then 7 more 5 ms apart (sleep never returns early)
    for p in (50, 95, 99):
        assert within(level.latency["ttft"][f"p{p}"], float(np.percentile(truth, p)), tol), (p, level.latency, tol)
        assert within(level.latency["e2e"][f"p{p}"], float(np.percentile(truth + 35.0, p)), e2e_tol)
    # ITL = (last − first) / (8 − 1) with gaps of at least 5 ms; 7 × (ITL − 5) never exceeds the e2e overhead
    assert 5.0 - 0.1 <= level.latency["itl"]["p50"] <= 5.0 + e2e_tol / 7, (level.latency["itl"], e2e_tol)
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert {r["output_tokens"] for r in rows} == {8} and {r["input_tokens"] for r in rows} == {17}  # from usage
    # throughput by hand from the written rows: tokens of the answered requests over first send → last end
    span = (max(r["start_ms"] + r["latency_ms"] for r in rows) - min(r["start_ms"] for r in rows)) / 1000
    assert level.output_tokens_per_s == pytest.approx(8 * 40 / span)
    assert level.requests_per_s == pytest.approx(40 / span)
    assert b"c=4" in done.stdout and b"Wrote" in done.stdout


def test_slow_first_token_is_the_first_text_not_the_role_chunk(tmp_path: Path) -> None:
    # the server sends a role-only chunk and a comment at once, then waits 150–200 ms for the first text
    b = Behaviour(ttft_ms=(150.0, 200.0), gap_ms=5.0, tokens=4)
    prompts = [f"slow {i}" for i in range(4)]
    plan = Plan((Target("steady", "steady"),), (Level(2),), 4)
    path = tmp_path / "p.jsonl"
    with ProbeServer(b) as server:
        endpoint = Endpoint(chat_url(server.url), 5.0, 8)
        session.execute(plan, endpoint, [[{"role": "user", "content": p}] for p in prompts], path, "run")
        records = server.state.records
    measured, truth = paired(path, records, prompts, "ttft_ms")
    tol = tolerance(measured, truth)  # every request: no faster than its 150–200 ms
    (level,) = levels_of(path)["steady"]
    assert within(level.latency["ttft"]["p50"], float(np.percentile(truth, 50)), tol)


def test_errors_are_counted_by_kind_and_never_show_the_key(tmp_path: Path) -> None:
    b = Behaviour(fail_every=3, rate_limited=2, retry_after_s=0.05, hang_s=2.0)
    with ProbeServer(b) as server:
        state, path = probe(server, tmp_path, ["flaky", "dropper", "limited-429"], [Level(1)], 6)
        hung, hung_path = probe(server, tmp_path / "hang", ["hang"], [Level(2)], 2, timeout_s=0.3)
        assert {r.authorization for r in server.state.records} == {f"Bearer {KEY}"}  # the key was sent
    levels = levels_of(path) | levels_of(hung_path)
    assert levels["flaky"][0].errors == {"http_500": 2}
    assert levels["dropper"][0].errors == {"disconnected": 2}
    assert levels["limited-429"][0].errors == {"http_429": 2}
    assert levels["hang"][0].errors == {"timeout": 2}
    assert levels["flaky"][0].ok == 4 and levels["hang"][0].ok == 0
    assert levels["hang"][0].error_rate == 1.0
    text = path.read_bytes()
    assert KEY.encode() not in text
    assert b"Bearer ***" in text  # the 500 echoed the header; the probe masked it
    assert all(KEY not in (r.error or "") for r in state.results)


def test_retry_after_pauses_every_new_request(tmp_path: Path) -> None:
    b = Behaviour(rate_limited=2, retry_after_s=0.3, ttft_ms=(5.0, 10.0))
    with ProbeServer(b) as server:
        probe(server, tmp_path, ["limited-429"], [Level(2)], 6)
        records = server.state.records
    limited = [r for r in records if r.status == 429]
    assert len(limited) == 2
    told = max(r.responded for r in limited if r.responded is not None)  # both were in flight together
    later = [r.arrived for r in records if r.arrived > told]
    assert len(later) == 4 and min(later) - told >= 0.3 - 0.02  # nothing was sent before Retry-After had passed


@pytest.mark.parametrize("concurrency", [1, 3])
def test_never_more_in_flight_than_asked(tmp_path: Path, concurrency: int) -> None:
    b = Behaviour(ttft_ms=(10.0, 30.0), limit=concurrency)  # the server rejects anything over the limit
    with ProbeServer(b) as server:
        state, path = probe(server, tmp_path, ["steady"], [Level(concurrency)], 15)
        assert server.state.max_in_flight == concurrency
    (level,) = levels_of(path)["steady"]
    assert level.ok == 15 and not level.errors  # not one 429 from the limit
    assert state.peak[("steady", Level(concurrency))] == concurrency


def test_more_than_the_server_allows_is_counted_as_429(tmp_path: Path) -> None:
    b = Behaviour(ttft_ms=(40.0, 60.0), limit=2)
    with ProbeServer(b) as server:
        _, path = probe(server, tmp_path, ["steady"], [Level(4)], 16)
        assert 2 < server.state.max_in_flight <= 4  # more than it allows arrived, never more than asked
    (level,) = levels_of(path)["steady"]
    assert level.errors.get("http_429", 0) > 0 and level.ok + level.errors["http_429"] == 16


def test_rate_mode_caps_in_flight_and_arrives_at_the_rate(tmp_path: Path) -> None:
    b = Behaviour(ttft_ms=(60.0, 80.0))
    with ProbeServer(b) as server:
        state, path = probe(server, tmp_path, ["steady"], [Level(2, rate=100.0)], 12)
        assert server.state.max_in_flight <= 2
    (level,) = levels_of(path)["steady"]
    assert level.rate == 100.0 and level.requests == 12 and state.peak[("steady", Level(2, 100.0))] == 2
    gaps = np.diff(arrivals(4.0, count=4000, duration_s=None, seed=3))
    assert gaps.mean() == pytest.approx(1 / 4.0, rel=0.05)  # Poisson: exponential gaps of mean 1/rate
    assert np.std(gaps) == pytest.approx(1 / 4.0, rel=0.08)


def test_deadline_stops_the_run_and_keeps_what_was_measured(tmp_path: Path) -> None:
    b = Behaviour(ttft_ms=(40.0, 50.0))
    with ProbeServer(b) as server:
        start = time.monotonic()
        state, path = probe(server, tmp_path, ["steady"], [Level(2)], 1000, deadline_s=0.6)
        assert time.monotonic() - start < 3.0
        completed = server.state.completed()
    assert state.interrupted == "deadline"
    rows = path.read_bytes().splitlines()
    assert 0 < len(rows) == len(state.results) <= completed


def test_tokens_are_counted_when_the_server_sends_no_usage(tmp_path: Path) -> None:
    with ProbeServer(Behaviour(tokens=6)) as server:
        state, path = probe(server, tmp_path, ["nousage"], [Level(1)], 3)
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert [r["output_tokens"] for r in rows] == [6, 6, 6]
    assert all("input_tokens" not in r for r in rows)  # missing, not guessed
    assert all(r.tokens_counted for r in state.results)


def test_connection_refused_is_an_error_kind(tmp_path: Path) -> None:
    with ProbeServer(Behaviour()) as server:
        url = server.url
    plan = Plan((Target("steady", "steady"),), (Level(1),), 2)
    path = tmp_path / "p.jsonl"
    state = session.execute(plan, Endpoint(chat_url(url), 2.0, 8), [[{"role": "user", "content": "hi"}]], path, "r")
    assert {r.error_kind for r in state.results} == {"connect"}


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("http://h:8000/v1", "http://h:8000/v1/chat/completions"),
        ("http://h:8000/v1/", "http://h:8000/v1/chat/completions"),
        ("http://h:8000", "http://h:8000/v1/chat/completions"),
        ("https://api.x.com/v1/chat/completions", "https://api.x.com/v1/chat/completions"),
        (
            "https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21",
            "https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21",
        ),
        ("https://openrouter.ai/api/v1", "https://openrouter.ai/api/v1/chat/completions"),
    ],
)
def test_chat_url(base: str, url: str) -> None:
    assert chat_url(base) == url


def test_retry_after_header() -> None:
    assert retry_after("2") == 2.0
    assert retry_after("0.25") == 0.25
    assert retry_after("3600") == 60.0  # capped
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert retry_after("-1") is None and retry_after(None) is None
