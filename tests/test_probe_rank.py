"""Probe results in a workspace: read back, summarised by hand-checkable formulas, ranked on as the profile says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest

from advisor.decision.decide import decide, load_inputs
from advisor.decision.uncertainty import uncertainty
from advisor.evidence.under_load import load_levels, split
from advisor.ingest import native
from advisor.inputs.profiles import LatencyChoice, Profile, Weights

E2E = {  # model → concurrency → end-to-end ms of the successful requests
    "alpha": {1: [100.0, 110.0, 120.0, 130.0], 4: [200.0, 220.0, 260.0, 300.0]},
    "beta": {1: [90.0, 95.0, 99.0, 140.0], 4: [400.0, 410.0, 420.0, 900.0]},
}


def probe_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for model, levels in E2E.items():
        for c, values in levels.items():
            start = 0.0
            for i, e2e in enumerate(values):
                rows.append(
                    {"model": model, "task": "probe", "sample_id": f"r/c{c}/{i}", "score": 1.0, "outcome": "ok",
                     "latency_ms": e2e, "ttft_ms": e2e / 4, "itl_ms": 5.0, "output_tokens": 10, "input_tokens": 20,
                     "concurrency": c, "start_ms": start}
                )  # fmt: skip
                start += 50.0
            rows.append(
                {"model": model, "task": "probe", "sample_id": f"r/c{c}/9", "score": 0.0, "outcome": "error",
                 "latency_ms": 5.0, "concurrency": c, "start_ms": start, "error": "http_429: slow down"}
            )  # fmt: skip
    return rows


def workspace(tmp_path: Path, latency: str = "") -> Path:
    ws = tmp_path / "ws"
    (ws / "results").mkdir(parents=True)
    (ws / "probes").mkdir()
    evals = [
        {"model": m, "task": "qa", "sample_id": str(i), "score": float((i + k) % 3 != 0), "latency_ms": 50.0 + 10 * k}
        for k, m in enumerate(("alpha", "beta"))
        for i in range(30)
    ]
    (ws / "results" / "evals.jsonl").write_bytes(b"\n".join(orjson.dumps(r) for r in evals))
    (ws / "probes" / "probe-r.jsonl").write_bytes(b"\n".join(orjson.dumps(r) for r in probe_rows()))
    profile = f'name = "p"\n[weights]\naccuracy = 1\nlatency = 1\n[latency]\n{latency}\n'
    (ws / "profile.toml").write_text(profile)
    (ws / "advisor.toml").write_text('name = "w"\nresults = ["results/*.jsonl"]\nprofile = "profile.toml"\n')
    return ws


def test_levels_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in probe_rows()))
    eval_rows, probe = split(native.read(path))
    assert probe is not None and len(eval_rows) == 0
    alpha4 = load_levels(probe)["alpha"][1]
    assert (alpha4.concurrency, alpha4.requests, alpha4.ok, alpha4.errors) == (4, 5, 4, {"http_429": 1})
    assert alpha4.latency["e2e"] == {"p50": 240.0, "p95": 294.0, "p99": 298.8}  # linear: 260 + 0.85 × 40 …
    assert alpha4.latency["ttft"]["p50"] == pytest.approx(60.0)
    # wall time: first send (0 ms) to last end (150 + 300 ms); tokens and requests of the answered ones
    assert alpha4.duration_s == pytest.approx(0.45)
    assert alpha4.output_tokens_per_s == pytest.approx(40 / 0.45)
    assert alpha4.requests_per_s == pytest.approx(4 / 0.45)
    assert alpha4.error_rate == pytest.approx(0.2)


def ranked(tmp_path: Path, latency: str = "") -> dict[str, dict[str, object]]:
    inputs = load_inputs(workspace(tmp_path, latency))
    decision = decide(inputs)
    return {m.model: {"latency": m.latency_value, "source": m.latency_source, "excluded": m.excluded,
                      "accuracy": m.accuracy.mean if m.accuracy else None} for m in decision.models}  # fmt: skip


def test_auto_ranks_on_the_probe_at_the_highest_level(tmp_path: Path) -> None:
    got = ranked(tmp_path)
    assert got["alpha"]["latency"] == pytest.approx(np.percentile(E2E["alpha"][4], 95))
    assert got["beta"]["latency"] == pytest.approx(np.percentile(E2E["beta"][4], 95))
    assert got["alpha"]["source"] == "probe"
    # probe rows are not eval samples: accuracy is the eval file's alone (20 of 30 pass for each model)
    assert got["alpha"]["accuracy"] == pytest.approx(20 / 30)


def test_profile_chooses_ttft_at_a_level(tmp_path: Path) -> None:
    got = ranked(tmp_path, 'of = "ttft"\nconcurrency = 1\nmetric = "p50"')
    assert got["beta"]["latency"] == pytest.approx(np.percentile(E2E["beta"][1], 50) / 4)


def test_samples_source_ignores_the_probe(tmp_path: Path) -> None:
    got = ranked(tmp_path, 'source = "samples"')
    assert got["alpha"]["latency"] == pytest.approx(50.0) and got["alpha"]["source"] == "samples"


def test_a_level_not_probed_excludes_with_the_reason(tmp_path: Path) -> None:
    got = ranked(tmp_path, "concurrency = 16")
    assert "not probed at concurrency 16 (probed: c=1, c=4)" in str(got["alpha"]["excluded"])


def test_failed_probe_requests_are_said_and_the_bootstrap_resamples_probe_latency(tmp_path: Path) -> None:
    inputs = load_inputs(workspace(tmp_path))
    decision = decide(inputs)
    assert any("1 of 5 probe requests failed (http_429 1)" in w for w in decision.warnings)
    assert "probe" not in inputs.evidence.tasks
    u = uncertainty(inputs.evidence, decision, resamples=200, seed=3)
    assert sum(u.p_best.values()) == pytest.approx(1.0)
    again = uncertainty(inputs.evidence, decision, resamples=200, seed=3)
    assert u.p_best == again.p_best  # seeded


def test_latency_label() -> None:
    assert LatencyChoice().label() == "p95"
    assert LatencyChoice(of="ttft", concurrency=16, source="probe").label() == "p95 TTFT at c=16 (probe)"
    with pytest.raises(ValueError, match="need source"):
        LatencyChoice(source="samples", concurrency=4)
    assert Profile(name="x", weights=Weights(latency=1)).latency.source == "auto"
