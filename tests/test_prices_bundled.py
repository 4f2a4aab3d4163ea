"""The bundled price sheet is exactly what scripts/make_bundled_sheet.py makes from the real LiteLLM map."""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

from advisor.prices.select import bundled_sheet_path, open_sheet
from advisor.prices.sheet import load_sheet
from tests.helpers import REAL_PRICING

REPO = Path(__file__).resolve().parent.parent
REAL = REAL_PRICING
NEWEST = REAL / "litellm-model_prices_and_context_window.json"
BUNDLED = REPO / "pricing" / "2026-11-19-litellm.toml"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_bundled_sheet", REPO / "scripts" / "make_bundled_sheet.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_bundled_sheet_is_what_the_script_makes() -> None:
    assert BUNDLED.read_text(encoding="utf-8") == _script().make(NEWEST)


def test_bundled_sheet_is_the_default_and_loads() -> None:
    assert bundled_sheet_path() == BUNDLED
    sheet, path = open_sheet("bundled")
    assert path == BUNDLED
    assert str(sheet.as_of) == "2026-11-19"
    assert "1.110.2" in sheet.source
    assert len(sheet.models) == 20
    assert {m.provider for m in sheet.models} == {"openai", "anthropic", "google", "mistral", "deepseek"}


def test_bundled_rates_spot_checks() -> None:
    sheet = load_sheet(BUNDLED)

    def rates(model_id: str) -> tuple[Decimal | None, ...]:
        m = sheet.get(model_id)
        assert m is not None, model_id
        return (
            m.input_per_mtok,
            m.output_per_mtok,
            m.cached_input_per_mtok,
            m.cache_write_per_mtok,
            m.batch_discount,
        )

    D = Decimal
    assert rates("gpt-4o") == (D("2.5"), D("10"), D("1.25"), None, D("0.5"))
    assert rates("gpt-4o-mini") == (D("0.15"), D("0.6"), D("0.075"), None, D("0.5"))
    assert rates("gpt-5-nano") == (D("0.05"), D("0.4"), D("0.005"), None, D("0.5"))
    assert rates("claude-sonnet-4-5") == (D("3"), D("15"), D("0.3"), D("3.75"), D("0.5"))
    assert rates("claude-haiku-4-5") == (D("1"), D("5"), D("0.1"), D("1.25"), D("0.5"))
    assert rates("deepseek-chat") == (D("0.28"), D("0.42"), D("0.028"), None, None)
    pro = sheet.get("gemini-2.5-pro")
    assert pro is not None and len(pro.tiers) == 1
    tier = pro.tiers[0]
    assert (
        tier.above_input_tokens,
        tier.input_per_mtok,
        tier.output_per_mtok,
        tier.cached_input_per_mtok,
    ) == (200_000, D("2.5"), D("15"), D("0.25"))
    gpt4o = sheet.get("gpt-4o")
    assert gpt4o is not None
    assert {"openai/gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-2024-11-20"} <= set(gpt4o.aliases)
    assert "gpt-4o-2024-05-13" not in gpt4o.aliases  # priced differently (5 / 15)
    sonnet = sheet.get("claude-sonnet-4-5")
    assert sonnet is not None and "claude-sonnet-4-5-20250929" in sonnet.aliases
    flash = sheet.get("gemini-2.5-flash")
    assert flash is not None and "gemini/gemini-2.5-flash" in flash.aliases


def test_no_float_noise_in_bundled_file() -> None:
    for line in BUNDLED.read_text(encoding="utf-8").splitlines():
        if line.endswith("_mtok") or "_per_mtok =" in line or line.startswith("batch_discount"):
            value = line.split("=", 1)[1].strip()
            assert all(c in "0123456789." for c in value), line
            assert "0000000" not in value and "9999999" not in value, line
