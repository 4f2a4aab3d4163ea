"""The bundled price sheet: exactly what scripts/make_bundled_sheet.py makes, every text model, opened lazily."""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Context, Decimal
from pathlib import Path
from types import ModuleType

from advisor.prices.indexed import index_path, open_indexed
from advisor.prices.select import bundled_sheet_path, open_sheet
from advisor.prices.sheet import load_sheet
from tests.helpers import REAL_PRICING

REPO = Path(__file__).resolve().parent.parent
REAL = REAL_PRICING
NEWEST = REAL / "litellm-model_prices_and_context_window.json"
OPENROUTER = REAL / "openrouter-models-token-tariff-2026-08-01.json"
BUNDLED = REPO / "pricing" / "2026-11-19-litellm.toml"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_bundled_sheet", REPO / "scripts" / "make_bundled_sheet.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_bundled_sheet_and_index_are_what_the_script_makes() -> None:
    text, index = _script().make()
    assert BUNDLED.read_text(encoding="utf-8") == text
    assert index_path(BUNDLED).read_text(encoding="utf-8") == index


def _independent_litellm() -> dict[str, dict[str, object]]:
    """The text-generation entries with real per-token prices, read with json alone (not advisor's reader)."""
    raw = json.loads(NEWEST.read_text(encoding="utf-8"))
    out = {}
    for key, e in raw.items():
        if key == "sample_spec" or not isinstance(e, dict) or e.get("mode") not in ("chat", "responses", "completion"):
            continue
        i, o = e.get("input_cost_per_token"), e.get("output_cost_per_token")
        if i is None or o is None or (i == 0 and o == 0):
            continue
        out[key] = e
    return out


def _mtok(x: object) -> Decimal:
    """Per token → per million, kept to 12 significant digits (the documented rule against float noise)."""
    return Context(prec=12).create_decimal(Decimal(str(x)) * 1_000_000).normalize()


def test_bundled_sheet_covers_every_litellm_text_model_with_its_rates_and_capabilities() -> None:
    sheet = load_sheet(BUNDLED)
    expected = _independent_litellm()
    litellm_ids = {m.id for m in sheet.models if m.provider != "openrouter" or not m.id.startswith("openrouter/")}
    assert litellm_ids == set(expected)
    for key, e in expected.items():
        m = sheet.get(key)
        assert m is not None, key
        assert m.input_per_mtok == _mtok(e["input_cost_per_token"]), key
        assert m.output_per_mtok == _mtok(e["output_cost_per_token"]), key
        for field in ("max_input_tokens", "max_output_tokens"):
            stated = e.get(field)
            want = int(stated) if isinstance(stated, int | float) and stated > 0 else None  # 0: not stated
            assert getattr(m, field) == want, (key, field)
        for cap in ("function_calling", "response_schema", "vision", "prompt_caching", "reasoning"):
            assert getattr(m, f"supports_{cap}") == e.get(f"supports_{cap}"), (key, cap)


def test_bundled_sheet_has_openrouter_open_weight_models() -> None:
    sheet = load_sheet(BUNDLED)
    raw = json.loads(OPENROUTER.read_text(encoding="utf-8"))["data"]
    weights = {m["id"] for m in raw if m.get("hugging_face_id")}
    priced = {
        m["id"]
        for m in raw
        if m["id"].split(":", 1)[0] in weights
        and m["pricing"]["prompt"] not in ("-1",)
        and (Decimal(m["pricing"]["prompt"]) or Decimal(m["pricing"]["completion"]) or m["id"].endswith(":free"))
    }
    routed = {m.id.removeprefix("openrouter/") for m in sheet.models if m.id.startswith("openrouter/")}
    assert routed == priced and len(routed) > 100
    llama = sheet.get("openrouter/meta-llama/llama-3.3-70b-instruct")
    src = next(m for m in raw if m["id"] == "meta-llama/llama-3.3-70b-instruct")
    assert llama is not None and llama.provider == "openrouter"
    assert llama.input_per_mtok == _mtok(src["pricing"]["prompt"])
    assert llama.hugging_face_id == src["hugging_face_id"]
    assert llama.max_input_tokens == src["context_length"]
    assert llama.supports_function_calling == ("tools" in src["supported_parameters"])


def test_bundled_sheet_is_the_default_and_opens_lazily() -> None:
    assert bundled_sheet_path() == BUNDLED
    sheet, path = open_sheet("bundled")
    assert path == BUNDLED
    assert str(sheet.as_of) == "2026-11-19"
    assert "1.110.2" in sheet.source and "OpenRouter" in sheet.source
    assert "models" not in sheet.__dict__  # nothing parsed yet
    gpt = sheet.get("gpt-4o")
    assert gpt is not None and gpt.input_per_mtok == Decimal("2.5") and gpt.max_input_tokens == 128000
    assert "models" not in sheet.__dict__  # one entry read, not the sheet
    assert sheet.models == load_sheet(BUNDLED).models  # every entry, through the index, equals the TOML


def test_an_edited_sheet_is_read_whole_not_through_its_stale_index(tmp_path: Path) -> None:
    copy = tmp_path / BUNDLED.name
    copy.write_text(BUNDLED.read_text(encoding="utf-8").replace('id = "gpt-4o"\n', 'id = "gpt-4o-mine"\n'))
    index_path(copy).write_bytes(index_path(BUNDLED).read_bytes())
    sheet = open_indexed(copy)
    assert "models" in sheet.__dict__  # the hash did not match: parsed whole
    assert sheet.get("gpt-4o") is None and sheet.get("gpt-4o-mine") is not None


def test_a_truncated_or_foreign_index_is_ignored(tmp_path: Path) -> None:
    copy = tmp_path / BUNDLED.name
    copy.write_bytes(BUNDLED.read_bytes())
    index_path(copy).write_bytes(index_path(BUNDLED).read_bytes()[:5000])
    assert "models" in open_indexed(copy).__dict__  # read whole, correctly
    index_path(copy).write_text("not json\n")
    assert open_indexed(copy).get("gpt-4o") is not None


def test_bundled_rates_spot_checks() -> None:
    sheet = load_sheet(BUNDLED)

    def rates(model_id: str) -> tuple[Decimal | None, ...]:
        m = sheet.get(model_id)
        assert m is not None, model_id
        return (m.input_per_mtok, m.output_per_mtok, m.cached_input_per_mtok, m.cache_write_per_mtok, m.batch_discount)

    D = Decimal
    assert rates("gpt-4o") == (D("2.5"), D("10"), D("1.25"), None, D("0.5"))
    assert rates("gpt-4o-mini") == (D("0.15"), D("0.6"), D("0.075"), None, D("0.5"))
    assert rates("gpt-5-nano") == (D("0.05"), D("0.4"), D("0.005"), None, D("0.5"))
    assert rates("claude-sonnet-4-5") == (D("3"), D("15"), D("0.3"), D("3.75"), D("0.5"))
    assert rates("claude-haiku-4-5") == (D("1"), D("5"), D("0.1"), D("1.25"), D("0.5"))
    assert rates("deepseek/deepseek-chat") == (D("0.28"), D("0.42"), D("0.028"), None, None)
    pro = sheet.get("gemini/gemini-2.5-pro")
    assert pro is not None and pro.provider == "gemini" and len(pro.tiers) == 1
    tier = pro.tiers[0]
    assert (tier.above_input_tokens, tier.input_per_mtok, tier.output_per_mtok, tier.cached_input_per_mtok) == (
        200_000,
        D("2.5"),
        D("15"),
        D("0.25"),
    )
    vertex = sheet.get("gemini-2.5-pro")
    assert vertex is not None and vertex.provider == "vertex_ai"  # LiteLLM's bare key is the Vertex route
    assert "openai/gpt-4o" in sheet.get("gpt-4o").aliases  # type: ignore[union-attr]


def test_no_float_noise_in_bundled_file() -> None:
    for line in BUNDLED.read_text(encoding="utf-8").splitlines():
        if "_per_mtok =" in line or line.startswith("batch_discount"):
            value = line.split("=", 1)[1].strip()
            assert all(c in "0123456789." for c in value), line
            assert "0000000" not in value and "9999999" not in value, line
