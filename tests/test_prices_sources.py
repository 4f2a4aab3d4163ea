"""Readers of public price sources, checked on copies of the real files in tests/data/pricing/.

Expected counts are computed here independently, with plain ``json``; known
rates are the ones the research notes and provider pages state.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.prices.history import diff
from advisor.prices.sheet import PriceSheet
from advisor.prices.sources import Imported, per_token_to_mtok, read_litellm
from advisor.prices.sources_extra import genai_change_dates, read_genai_prices, read_openrouter
from tests.helpers import REAL_PRICING

REAL = REAL_PRICING
LITELLM = {
    "2025-11-26": REAL / "litellm-model_prices_and_context_window-2025-11-26.json",
    "2026-05-26": REAL / "litellm-model_prices_and_context_window-2026-05-26.json",
    "2026-11-19": REAL / "litellm-model_prices_and_context_window.json",
}
OPENROUTER = REAL / "openrouter-models-token-tariff-2026-08-01.json"
GENAI = REAL / "genai-prices-v2-data_slim.json"
D = Decimal


@cache
def litellm(day: str) -> Imported:
    path = LITELLM[day]
    return read_litellm(path.read_bytes(), as_of=dt.date.fromisoformat(day), source=path.name, where=str(path))


def expected_text_models(path: Path) -> int:
    """Independent count: text modes, both per-token prices present, not both zero."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    n = 0
    for key, e in raw.items():
        if key == "sample_spec" or not isinstance(e, dict):
            continue
        if e.get("mode") not in {"chat", "responses", "completion"}:
            continue
        i, o = e.get("input_cost_per_token"), e.get("output_cost_per_token")
        if i is None or o is None or (i == 0 and o == 0):
            continue
        n += 1
    return n


def rates(sheet: PriceSheet, model_id: str) -> tuple[Decimal | None, ...]:
    m = sheet.get(model_id)
    assert m is not None, model_id
    return (m.input_per_mtok, m.output_per_mtok, m.cached_input_per_mtok, m.cache_write_per_mtok)


@pytest.mark.parametrize("day", sorted(LITELLM))
def test_litellm_counts_match_an_independent_count(day: str) -> None:
    imp = litellm(day)
    assert len(imp.sheet.models) == expected_text_models(LITELLM[day])
    assert imp.report.kept == len(imp.sheet.models)
    raw_entries = len(json.loads(LITELLM[day].read_text(encoding="utf-8")))
    alias_stubs = sum(1 for line in LITELLM[day].read_text(encoding="utf-8").splitlines() if '"alias_of"' in line)
    assert imp.report.kept + sum(imp.report.skipped.values()) + alias_stubs >= raw_entries
    assert imp.report.skipped["documentation entry (sample_spec)"] == 1
    assert "sample_spec" not in {m.id for m in imp.sheet.models}


def test_litellm_known_rates_at_each_date() -> None:
    old, mid, new = (litellm(d).sheet for d in sorted(LITELLM))
    for sheet in (old, mid, new):
        assert rates(sheet, "gpt-4o")[:3] == (D("2.5"), D("10"), D("1.25"))
        assert rates(sheet, "claude-sonnet-4-5") == (D("3"), D("15"), D("0.3"), D("3.75"))
    # azure_ai/grok-4 was cut from 5.5 to 3 per 1M input between 2025-11 and 2026-05 (research §6).
    assert rates(old, "azure_ai/grok-4")[:2] == (D("5.5"), D("27.5"))
    assert rates(mid, "azure_ai/grok-4")[:2] == (D("3"), D("15"))
    # claude-sonnet-4-5 had a >200k tier in the two older sheets, none in the newest.
    tier = old.get("claude-sonnet-4-5").tiers  # type: ignore[union-attr]
    assert [(t.above_input_tokens, t.input_per_mtok, t.output_per_mtok) for t in tier] == [(200_000, D("6"), D("22.5"))]
    assert new.get("claude-sonnet-4-5").tiers == ()  # type: ignore[union-attr]
    # Gemini 2.5 Pro: long-context tier and an explicit 50% batch price in the newest sheet.
    pro = new.get("gemini/gemini-2.5-pro")
    assert pro is not None and pro.batch_discount == D("0.5")
    assert [(t.above_input_tokens, t.input_per_mtok, t.output_per_mtok) for t in pro.tiers] == [
        (200_000, D("2.5"), D("15"))
    ]


def test_litellm_quirks() -> None:
    mid = litellm("2026-05-26")
    assert any("zai.glm-5" in note and "duplicate" in note for note in mid.report.notes)
    new = litellm("2026-11-19")
    # OpenAI keys have no provider prefix in LiteLLM; eval tools write one.
    assert "openai/gpt-4o" in new.sheet.get("gpt-4o").aliases  # type: ignore[union-attr]
    # alias_of stubs become aliases of their target.
    target = new.sheet.get("global.anthropic.claude-opus-5-5")
    assert target is not None and "bedrock/claude-opus-latest" in target.aliases
    # A zero cache-write rate (DeepSeek) means no separate fee, not free writes.
    assert new.sheet.get("deepseek/deepseek-chat").cache_write_per_mtok is None  # type: ignore[union-attr]
    # 0/0 placeholders are skipped, and said so.
    assert mid.sheet.get("anthropic.claude-mythos-preview") is None
    assert new.sheet.get("anthropic.claude-mythos-preview") is not None
    assert mid.report.skipped["priced 0/0 (placeholder or free: not trusted)"] > 0


def test_exact_decimal_conversion() -> None:
    assert per_token_to_mtok(8e-07) == D("0.8")
    assert str(per_token_to_mtok(8e-07)) == "0.8"
    assert str(per_token_to_mtok((0.1 + 0.2) / 1e6)) == "0.3"  # float noise rounded at 12 digits
    assert str(per_token_to_mtok("0.0000006000000000000001")) == "0.6"
    assert str(per_token_to_mtok(1e-05)) == "10"
    assert str(per_token_to_mtok(0.0005666666666666667)) == "566.666666667"


def test_diff_between_real_snapshots_shows_real_repricings() -> None:
    old, mid, new = (litellm(d).sheet for d in sorted(LITELLM))
    d1 = diff(old, mid)
    moved = {r.id: r for r in d1.repriced}
    grok = moved["azure_ai/grok-4"]
    inp = next(c for c in grok.changes if c.field == "input_per_mtok")
    assert (inp.old, inp.new) == (D("5.5"), D("3"))
    assert inp.percent == pytest.approx(-45.4545, rel=1e-4)
    assert "azure_ai/grok-code-fast-1" in moved
    d2 = diff(mid, new)
    sonnet = {r.id: r for r in d2.repriced}["claude-sonnet-4-5"]
    assert any(c.field.startswith("tiers") for c in sonnet.changes)
    assert "anthropic.claude-mythos-preview" in d2.added  # 0/0 placeholder → priced
    assert len(d1.added) > 100 and len(d1.removed) > 50 and len(d2.repriced) > 50
    # Candidates first.
    d3 = diff(old, mid, candidates={"cerebras/gpt-oss-120b"})
    assert d3.repriced[0].id == "cerebras/gpt-oss-120b" and d3.repriced[0].candidate


def test_openrouter_reader() -> None:
    imp = read_openrouter(OPENROUTER.read_bytes(), as_of=dt.date(2026, 8, 1), source="or", where=str(OPENROUTER))
    raw = json.loads(OPENROUTER.read_text(encoding="utf-8"))["data"]
    variable = sum(1 for m in raw if m["pricing"]["prompt"] == "-1" or m["pricing"]["completion"] == "-1")
    assert imp.report.skipped["variable price (-1)"] == variable
    assert imp.report.kept == len(imp.sheet.models) == len(raw) - sum(imp.report.skipped.values())
    assert rates(imp.sheet, "openai/gpt-4o")[:3] == (D("2.5"), D("10"), D("1.25"))
    tiered = [m for m in imp.sheet.models if m.tiers]
    assert tiered and all(t.above_input_tokens > 0 for m in tiered for t in m.tiers)
    free = [m for m in imp.sheet.models if m.id.endswith(":free")]
    assert free and all(m.input_per_mtok == 0 for m in free)
    for m in imp.sheet.models:  # float noise in the strings never reaches the sheet
        assert len(str(m.output_per_mtok).replace(".", "").lstrip("0")) <= 12


def test_genai_prices_reader_and_history() -> None:
    data = GENAI.read_bytes()
    before = read_genai_prices(data, as_of=dt.date(2026, 8, 1), source="gp", where=str(GENAI)).sheet
    after = read_genai_prices(data, as_of=dt.date(2026, 9, 2), source="gp", where=str(GENAI)).sheet
    # claude-sonnet-5: 2/10 until 2026-09-01, then 3/15.
    assert rates(before, "anthropic/claude-sonnet-5")[:2] == (D("2"), D("10"))
    assert rates(after, "anthropic/claude-sonnet-5")[:2] == (D("3"), D("15"))
    assert "claude-sonnet-5" in after.get("anthropic/claude-sonnet-5").aliases  # type: ignore[union-attr]
    assert dt.date(2026, 9, 1) in genai_change_dates(json.loads(data))
    moved = {r.id for r in diff(before, after).repriced}
    assert "anthropic/claude-sonnet-5" in moved


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "top level is not a JSON object"),
        (b'{"a": {"mode": "chat", "price_in": 1}}', "no entry has input_cost_per_token"),
    ],
)
def test_litellm_bad_input_is_one_line(body: bytes, message: str) -> None:
    with pytest.raises(InputError) as err:
        read_litellm(body, as_of=dt.date(2026, 1, 1), source="x", where="file.json")
    assert message in err.value.line() and err.value.line().startswith("file.json:")
    assert "\n" not in err.value.line()


def test_negative_and_nan_rates_are_skipped_and_reported() -> None:
    body = json.dumps(
        {
            "good": {"mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
            "neg": {"mode": "chat", "input_cost_per_token": -1e-06, "output_cost_per_token": 2e-06},
            "nan": {"mode": "chat", "input_cost_per_token": "NaN", "output_cost_per_token": 2e-06},
        }
    )
    imp = read_litellm(body, as_of=dt.date(2026, 1, 1), source="x", where="f")
    assert [m.id for m in imp.sheet.models] == ["good"]
    assert sorted(imp.report.bad_rates) == ["nan", "neg"]
