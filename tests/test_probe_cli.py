"""``advisor probe`` as a user runs it: a real subprocess against the local SSE server (tests/probe_server.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from advisor.cli import main
from advisor.prices.select import open_sheet
from advisor.probe import prompts as prompt_sources
from advisor.probe.load import Target
from advisor.probe.spend import estimate, is_local
from tests.probe_server import Behaviour, ProbeServer

KEY = "sk-cli-test-SECRET-91c2"
DATA = Path(__file__).parent / "data"


def advisor(*args: str, env_key: bool = True, **kw: object) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROBE_")}
    if env_key:
        env["PROBE_KEY"] = KEY
    return subprocess.Popen(  # noqa: S603 (our own CLI)
        [sys.executable, "-m", "advisor", "probe", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        **kw,  # type: ignore[arg-type]
    )


def test_ctrl_c_keeps_every_measured_request_and_never_writes_the_key(tmp_path: Path) -> None:
    out = tmp_path / "probe.jsonl"
    b = Behaviour(ttft_ms=(80.0, 120.0), fail_every=4)
    with ProbeServer(b) as server:
        proc = advisor(
            server.url, "--model", "flaky", "--concurrency", "3", "--requests", "500",
            "--out", str(out), "--api-key-env", "PROBE_KEY", "--synthetic", "30,5",
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while server.state.completed() < 9 and time.monotonic() < deadline:
            time.sleep(0.02)
        done_before = server.state.completed()
        failed_before = sum(r.status == 500 for r in server.state.records)
        time.sleep(0.1)  # every answer the server finished has reached the client
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
        done_after = server.state.completed()
    assert proc.returncode == 130, stderr.decode()
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]  # whole rows only: written atomically
    ok = [r for r in rows if r["outcome"] == "ok"]
    assert done_before <= len(ok) <= done_after  # nothing measured was lost
    assert sum(r["outcome"] == "error" for r in rows) >= failed_before
    assert b"Interrupted" in stdout
    for blob in (out.read_bytes(), stdout, stderr):
        assert KEY.encode() not in blob
    assert not list(tmp_path.glob(".probe.jsonl.*"))  # no temp file left behind


def test_a_paid_endpoint_is_refused_without_yes_when_no_one_can_answer(tmp_path: Path) -> None:
    with ProbeServer(Behaviour()) as server:
        proc = advisor(server.url, "--model", "gpt-4o-mini", "--requests", "3", "--out", str(tmp_path / "p.jsonl"))
        stdout, stderr = proc.communicate(timeout=30)
        assert not server.state.records  # nothing was sent
    assert proc.returncode == 2
    assert b"--yes" in stderr and b"estimated spend" in stderr
    assert not (tmp_path / "p.jsonl").exists()


def test_yes_sends_and_json_reports_each_level(tmp_path: Path) -> None:
    out = tmp_path / "p.jsonl"
    with ProbeServer(Behaviour(ttft_ms=(10.0, 20.0))) as server:
        proc = advisor(
            server.url, "--model", "gpt-4o-mini=openai/gpt-4o-mini", "--concurrency", "1,2", "--requests", "4",
            "--yes", "--format", "json", "--out", str(out), "--synthetic", "20,0",
        )  # fmt: skip
        stdout, stderr = proc.communicate(timeout=30)
        assert {r.model for r in server.state.records} == {"gpt-4o-mini"}  # the API's name is sent
    assert proc.returncode == 0, stderr.decode()
    report = json.loads(stdout)
    levels = report["models"]["openai/gpt-4o-mini"]  # the results carry the evals' name
    assert [lv["concurrency"] for lv in levels] == [1, 2]
    assert [lv["requests"] for lv in levels] == [4, 4] and levels[1]["peak_in_flight"] == 2
    assert set(levels[0]["ttft_ms"]) == {"p50", "p95", "p99"}


def test_workspace_run_writes_into_probes_and_uses_its_prompts(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "results").mkdir(parents=True)
    src = DATA / "promptfoo" / "Wadys__ai-qa-demo@06634bf7" / "results.json"
    (ws / "results" / "results.json").write_bytes(src.read_bytes())
    (ws / "advisor.toml").write_text('name = "w"\nresults = ["results/*.json"]\n')
    with ProbeServer(Behaviour(ttft_ms=(5.0, 10.0))) as server:
        proc = advisor(server.url, "--model", "m", "--requests", "2", "--workspace", str(ws))
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr.decode()
    assert b"from the workspace's results" in stderr
    (written,) = (ws / "probes").glob("probe-*.jsonl")
    assert len(written.read_bytes().splitlines()) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--concurrency", "0"], "--concurrency: expected whole numbers of 1 or more"),
        (["--rate", "-1"], "--rate: must be a positive number"),
        (["--requests", "0"], "--requests: must be 1 or more"),
        (["--api-key-env", "PROBE_UNSET_VAR"], "PROBE_UNSET_VAR is not set"),
        (["--model", "a=b", "--model", "c=b"], "same name"),
        (["--prompts", "/nonexistent/p.jsonl"], "file not found"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["probe", "http://127.0.0.1:9/v1", *(["--model", "m"] if "--model" not in args else []), *args]
    assert main([*argv, "--out", str(tmp_path / "x.jsonl")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_prompt_files(tmp_path: Path) -> None:
    jsonl = tmp_path / "p.jsonl"
    messages = '{"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]}'
    jsonl.write_text(f'"plain"\n{{"prompt": "p"}}\n\n{messages}\n')
    found = prompt_sources.from_file(jsonl)
    assert found[0] == [{"role": "user", "content": "plain"}] and found[1][0]["content"] == "p"
    assert [m["role"] for m in found[2]] == ["system", "user"]
    text = tmp_path / "p.txt"
    text.write_text("one\n\ntwo\n")
    assert len(prompt_sources.from_file(text)) == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('"ok"\n{"nope": 1}\n')
    with pytest.raises(Exception, match=r"bad.jsonl:2"):
        prompt_sources.from_file(bad)


def test_prompts_from_eval_results() -> None:
    inspect_log = DATA / "inspect_ai" / "UKGovernmentBEIS__inspect_ai" / "2025-05-12T20-28-13-04-00_popularity.json"
    promptfoo = DATA / "promptfoo" / "Wadys__ai-qa-demo@06634bf7" / "results.json"
    lm_eval = (
        DATA / "lm_eval" / "DanielKluev__pyFade" / "gsm8k_gemma3-12b-u1" / "results_2025-09-09T13-31-53.431753.json"
    )
    helm = DATA / "helm" / "evaleval__every_eval_ever" / "narrative_qa-model=openai_gpt2" / "run_spec.json"
    found, skipped = prompt_sources.prompts_from_results([inspect_log])
    doc = json.loads(inspect_log.read_text())
    assert found[0] == [{"role": "user", "content": doc["samples"][0]["input"]}]
    assert len(found) == len({s["input"] for s in doc["samples"]})  # deduplicated
    found, _ = prompt_sources.prompts_from_results([promptfoo])
    assert [{"role": "user", "content": "Translate to Spanish: Hello world"}] in found
    found, _ = prompt_sources.prompts_from_results([lm_eval])
    assert found and found[0][0]["role"] == "user" and "Question:" in found[0][0]["content"]  # chat JSON unpacked
    found, skipped = prompt_sources.prompts_from_results([helm.parent])
    assert not found and "do not record prompts" in skipped[0]


def test_synthetic_prompts_follow_the_stated_length() -> None:
    prompts = prompt_sources.synthetic(400, mean_words=100, sd_words=20, seed=1)
    words = [len(p[0]["content"].split()) - len(prompt_sources.SYNTHETIC_INSTRUCTION.split()) for p in prompts]
    assert sum(words) / len(words) == pytest.approx(100, abs=3)
    assert min(words) >= 1
    assert prompt_sources.synthetic(3, mean_words=5, sd_words=1, seed=1) == prompt_sources.synthetic(
        3, mean_words=5, sd_words=1, seed=1
    )


def test_spend_estimate_by_hand() -> None:
    sheet, _ = open_sheet("bundled")
    prompt = [{"role": "user", "content": "x" * 400}]  # 100 tokens at 4 characters each, + 4 for the message
    (e,) = estimate([Target("gpt-4o-mini", "gpt-4o-mini")], [prompt], max_tokens=50, requests_per_model=10, sheet=sheet)
    price = next(m for m in sheet.models if m.id == e.priced_as)
    by_hand = (104 * float(price.input_per_mtok) + 50 * float(price.output_per_mtok)) / 1e6
    assert e.per_request_usd == pytest.approx(by_hand) and e.total_usd == pytest.approx(10 * by_hand)
    (unknown,) = estimate([Target("my-local-llama", "x")], [prompt], max_tokens=5, requests_per_model=1, sheet=sheet)
    assert unknown.per_request_usd is None
    assert is_local("http://127.0.0.1:8000/v1") and is_local("http://localhost/v1")
    assert not is_local("https://api.openai.com/v1")
