"""Sheet entries beyond rates: capabilities, self-hosted deployments, local models; the free-model cost curve."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from advisor.decision.utilities import Anchors, log_shift, resolve_anchors
from advisor.errors import InputError
from advisor.inputs.profiles import Curve as ProfileCurve
from advisor.prices.indexed import index_path, make_index, open_indexed
from advisor.prices.native import dump_sheet
from advisor.prices.own import price_own
from advisor.prices.resolve import Resolution, resolve
from advisor.prices.self_hosted import SelfHosted, derive_tokens_per_second
from advisor.prices.sheet import ModelPrice, PriceSheet, load_sheet
from advisor.statistics.sensitivity import Curve, break_even_multiplier

H100 = {"gpu": "H100 80GB", "gpu_count": 2, "usd_per_gpu_hour": Decimal("2.49"), "tokens_per_second": Decimal(1800)}


def test_self_hosted_rates_are_gpu_dollars_over_throughput() -> None:
    m = ModelPrice(id="llama", self_hosted=SelfHosted(**H100))
    # $4.98/h over 1800 tok/s × 3600 s = 6.48M tokens an hour → $0.768518518519 per 1M output tokens
    assert m.output_per_mtok == Decimal("0.768518518519") and m.input_per_mtok == 0
    total = ModelPrice(id="llama", self_hosted=SelfHosted(**H100, throughput_of="total", utilization=Decimal("0.5")))
    assert total.input_per_mtok == total.output_per_mtok == Decimal("1.53703703704")  # half busy: twice the cost
    assert m.on_premises and m.priced


def test_self_hosted_entry_rules() -> None:
    with pytest.raises(ValidationError, match="rates come from its GPU cost"):
        ModelPrice(id="x", self_hosted=SelfHosted(**H100), input_per_mtok=Decimal(1), output_per_mtok=Decimal(1))
    with pytest.raises(ValidationError, match="priced from the eval"):
        ModelPrice(
            id="x",
            self_hosted=SelfHosted(gpu="L4", usd_per_gpu_hour=Decimal(1)),
            input_per_mtok=Decimal(1),
            output_per_mtok=Decimal(1),
        )
    with pytest.raises(ValidationError, match="required"):
        ModelPrice(id="x", input_per_mtok=Decimal(1))
    waiting = ModelPrice(id="x", self_hosted=SelfHosted(gpu="L4", usd_per_gpu_hour=Decimal("0.8")))
    assert not waiting.priced
    # the same rates written out are accepted back (a memo snapshot stores both)
    m = ModelPrice(id="llama", self_hosted=SelfHosted(**H100))
    assert ModelPrice.model_validate(m.model_dump()) == m


def test_native_round_trip_of_every_new_field(tmp_path: Path) -> None:
    models = (
        ModelPrice(
            id="gpt-x",
            provider="openai",
            input_per_mtok=Decimal("1.5"),
            output_per_mtok=Decimal(6),
            max_input_tokens=128000,
            max_output_tokens=16384,
            supports_function_calling=True,
            supports_vision=False,
            hugging_face_id="org/gpt-x",
        ),
        ModelPrice(id="llama", provider="self-hosted", self_hosted=SelfHosted(**H100, concurrency=8)),
        ModelPrice(id="ollama/qwen", local=True, input_per_mtok=Decimal(0), output_per_mtok=Decimal(0)),
        ModelPrice(id="derive-me", self_hosted=SelfHosted(gpu="L4", usd_per_gpu_hour=Decimal("0.8"))),
    )
    sheet = PriceSheet(as_of=dt.date(2026, 12, 1), source="test", models=models)
    path = tmp_path / "s.toml"
    text = dump_sheet(sheet)
    path.write_text(text, encoding="utf-8")
    assert "[models.self_hosted]" in text and "local = true" in text and "supports_vision = false" in text
    assert load_sheet(path).models == models
    index_path(path).write_text(make_index(sheet, text), encoding="utf-8")
    lazy = open_indexed(path)
    assert "models" not in lazy.__dict__ and lazy.get("llama") == models[1]
    assert lazy.models == models


def test_workspace_entries_overlay_a_lazy_sheet_without_reading_it(tmp_path: Path) -> None:
    from advisor.prices.select import open_sheet

    bundled, _ = open_sheet("bundled")
    mine = ModelPrice(id="gpt-4o", provider="negotiated", input_per_mtok=Decimal(1), output_per_mtok=Decimal(4))
    sheet = bundled.overlay((mine,))
    assert "models" not in sheet.__dict__
    assert sheet.get("gpt-4o") == mine  # your own entry wins on its id
    assert resolve("openai/gpt-4o", sheet).price == mine  # and on the aliases it takes over
    assert sheet.get("gpt-4o-mini") == bundled.get("gpt-4o-mini")


def test_derived_throughput_is_a_ratio_of_sums() -> None:
    sh = SelfHosted(gpu="L4", usd_per_gpu_hour=Decimal(1), concurrency=8)
    out = np.array([100.0, 300.0, np.nan, 50.0])
    lat = np.array([1000.0, 2000.0, 500.0, np.nan])
    tps = derive_tokens_per_second(sh, input_tokens=out * 0, output_tokens=out, latency_ms=lat)
    assert tps is not None and float(tps) == pytest.approx(8 * 400 / 3.0)
    none = derive_tokens_per_second(sh, input_tokens=out, output_tokens=out, latency_ms=np.full(4, np.nan))
    assert none is None


def test_aggregated_self_hosted_model_needs_a_measured_throughput() -> None:
    waiting = ModelPrice(id="x", self_hosted=SelfHosted(gpu="L4", usd_per_gpu_hour=Decimal("0.8")))
    res = price_own(Resolution("x", waiting, "exact id"))
    assert res.price is None and "give tokens_per_second" in res.how and "aggregates" in res.how


def test_log_cost_curve_with_a_free_model_keeps_paid_models_apart() -> None:
    costs = [0.0, 0.001, 0.004, 0.016]
    a = resolve_anchors(ProfileCurve(), "cost", costs)
    assert (a.best, a.worst, a.shift) == (0.0, 0.016, 0.001)
    u = a.utility(costs)
    # log(x + s) between log(s) and log(0.016 + s), by hand
    hand = [(math.log(0.017) - math.log(c + 0.001)) / (math.log(0.017) - math.log(0.001)) for c in costs]
    assert u.tolist() == pytest.approx(hand)
    assert u[0] == 1.0 and u[1] - u[2] > 0.2 and u[2] - u[3] > 0.2
    # no free model: the curve is the plain log one, unchanged
    plain = resolve_anchors(ProfileCurve(), "cost", costs[1:])
    assert plain.shift == 0 and plain.utility([0.004]).tolist() == pytest.approx([0.5])
    # both anchors fixed by the profile: the shift comes from them, not from the models present
    fixed = ProfileCurve(best=0.0, worst=0.05, scale="log")
    assert resolve_anchors(fixed, "cost", costs).shift == resolve_anchors(fixed, "cost", [0.0]).shift == 0.05e-3
    assert log_shift("linear", 0.0, 1.0, [0.5]) == 0.0


def test_sensitivity_curve_with_a_shift_matches_the_utility_and_inverts() -> None:
    a = Anchors(best=0.0, worst=0.016, scale="log", from_data=True, shift=0.001)
    c = Curve(best=0.0, worst=0.016, scale="log", shift=0.001)
    for x in (0.0, 0.0005, 0.004, 0.016, 0.03):
        assert c(x) == pytest.approx(float(a.utility([x])[0]))
    for u in (0.0, 0.3, 0.9, 1.0):
        assert c(c.inverse(u)) == pytest.approx(u)
    # before: math.log(0) on a best anchor of 0
    assert Curve(best=0.0, worst=0.0, scale="log")(0.0) in (0.0, 1.0)
    mult = break_even_multiplier(score_model=0.6, score_pick=0.7, cost=0.004, cost_weight=0.3, curve=c)
    assert mult is not None and 0 < mult < 1
    assert c(0.004 * mult) == pytest.approx(c(0.004) + 0.1 / 0.3)


def test_first_pull_against_the_big_bundled_baseline_tolerates_single_corrections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor.prices import history
    from advisor.prices.checks import check
    from advisor.prices.select import bundled_sheet_path

    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))

    def sheet(moved: int, factor: int = 100) -> PriceSheet:
        return PriceSheet(
            as_of=dt.date(2026, 12, 1),
            source="t",
            models=tuple(
                ModelPrice(id=f"m{i}", input_per_mtok=Decimal(factor if i < moved else 1), output_per_mtok=Decimal(2))
                for i in range(100)
            ),
        )

    bundled = history.Base(sheet(0), bundled_sheet_path(), ())
    yours = history.Base(sheet(0), history.snapshots_dir() / "2026-11-30-litellm.toml", ())
    one = check(sheet(1), bundled, where="u")
    assert one.suspicious == () and "1 rates moved tenfold or more since the bundled sheet" in one.notes[0]
    assert check(sheet(1), yours, where="u").suspicious == ("m0 input_per_mtok 1 → 100",)  # your last pull: strict
    assert len(check(sheet(10), bundled, where="u").suspicious) == 10  # systematic: a broken feed?
    dropped = check(sheet(0), bundled, where="u", bad_rates=["m5"], missing_rates=["m5"])
    assert "no per-token price now: m5" in dropped.notes[0]
    with pytest.raises(InputError, match="missing or invalid rates"):
        check(sheet(0), bundled, where="u", bad_rates=["m5"])  # an invalid rate is never churn
    with pytest.raises(InputError, match="missing or invalid rates"):
        check(sheet(0), yours, where="u", bad_rates=["m5"], missing_rates=["m5"])
