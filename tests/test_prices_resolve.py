"""Name resolution, sheet references (latest / date / bundled / path) and the prices CLI."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.errors import InputError
from advisor.prices import history
from advisor.prices.native import dump_sheet
from advisor.prices.resolve import AmbiguousModel, normalised_forms, resolve
from advisor.prices.select import open_sheet
from advisor.prices.sheet import ModelPrice, PriceSheet, load_sheet
from tests.helpers import REAL_PRICING

REAL = REAL_PRICING


def sheet(*models: ModelPrice, as_of: str = "2026-01-01") -> PriceSheet:
    return PriceSheet(as_of=dt.date.fromisoformat(as_of), source="test", models=models)


def mp(model_id: str, *aliases: str, provider: str | None = None, price: str = "1") -> ModelPrice:
    return ModelPrice(
        id=model_id,
        provider=provider,
        aliases=aliases,
        input_per_mtok=Decimal(price),
        output_per_mtok=Decimal(2),
    )


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    return tmp_path


def test_resolution_order_and_reporting() -> None:
    s = sheet(
        mp("gpt-4o", "openai/gpt-4o", "gpt-4o-2024-08-06"),
        mp("claude-sonnet-4-5"),
        mp("gemini/gemini-2.5-pro"),
    )
    assert resolve("gpt-4o", s).how == "exact id"
    assert resolve("openai/gpt-4o", s).how == "sheet alias"
    assert resolve("my-model", s, {"my-model": "gpt-4o"}).how == "workspace alias → gpt-4o"
    r = resolve("anthropic/claude-sonnet-4-5-20250929", s)
    assert r.price is not None and r.price.id == "claude-sonnet-4-5" and r.how.startswith("normalised to")
    r = resolve("bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0", s)
    assert r.price is not None and r.price.id == "claude-sonnet-4-5"
    r = resolve("vertex_ai/gemini-2.5-pro", s)  # last path segment of an id
    assert r.price is not None and r.price.id == "gemini/gemini-2.5-pro"
    assert resolve("GPT-4o", s).price is not None
    missing = resolve("llama-9", s)
    assert not missing.priced and missing.how == "no entry in the price sheet"
    bad = resolve("x", s, {"x": "nope"})
    assert not bad.priced and "nope" in bad.how


def test_ambiguity_lists_candidates_and_the_alias_line() -> None:
    s = sheet(mp("azure/gpt-4o"), mp("github_copilot/gpt-4o"))
    with pytest.raises(AmbiguousModel) as err:
        resolve("gpt-4o", s)
    assert err.value.candidates == ["azure/gpt-4o", "github_copilot/gpt-4o"]
    assert '[aliases] "gpt-4o" = "azure/gpt-4o"' in str(err.value)
    assert resolve("gpt-4o", s, {"gpt-4o": "azure/gpt-4o"}).price is not None


def test_normalised_forms_order() -> None:
    assert normalised_forms("openrouter/openai/gpt-4o:free") == [
        "openai/gpt-4o:free",
        "gpt-4o:free",
        "openrouter/openai/gpt-4o",
        "openai/gpt-4o",
        "gpt-4o",
    ]
    assert "claude-3-5-sonnet" in normalised_forms("anthropic/claude-3-5-sonnet-20241022")


def test_resolving_on_the_full_litellm_map() -> None:
    path = REAL / "litellm-model_prices_and_context_window.json"
    from advisor.prices.sources import read_litellm

    full = read_litellm(path.read_bytes(), as_of=dt.date(2026, 11, 19), source="x", where="x").sheet
    assert resolve("openai/gpt-4o", full).price.id == "gpt-4o"  # type: ignore[union-attr]
    assert resolve("anthropic/claude-sonnet-4-5", full).price.id == "claude-sonnet-4-5"  # type: ignore[union-attr]
    assert resolve("gemini/gemini-2.5-flash", full).how == "exact id"


def write_snapshot(folder: Path, name: str, as_of: str, price: str) -> Path:
    path = folder / "prices" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_sheet(sheet(mp("gpt-4o", price=price), as_of=as_of)), encoding="utf-8")
    return path


def test_sheet_references(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "today", lambda: dt.date(2027, 3, 1))
    bundled_sheet, bundled_path = open_sheet("bundled")
    assert open_sheet("latest")[1] == bundled_path  # nothing pulled yet
    a = write_snapshot(data_dir, "2026-01-05-litellm.toml", "2026-01-05", "1")
    b = write_snapshot(data_dir, "2027-02-01-litellm.toml", "2027-02-01", "2")
    c = write_snapshot(data_dir, "2027-02-01-litellm-2.toml", "2027-02-01", "3")
    assert open_sheet("latest")[1] == c
    monkeypatch.setattr(history, "today", lambda: dt.date(2026, 12, 2))
    assert open_sheet("latest")[1] == bundled_path  # the 2027 sheets are not in force yet: listed, not 'latest'
    monkeypatch.setattr(history, "today", lambda: dt.date(2027, 3, 1))
    with pytest.raises(InputError, match="on or before 2026-01-04"):
        open_sheet("2026-01-04")  # before every snapshot
    assert open_sheet("2026-01-05")[1] == a
    assert open_sheet("2026-12-01")[1] == bundled_path
    assert open_sheet("2027-02-01")[1] == c
    assert open_sheet(str(b))[1] == b
    assert open_sheet("bundled")[1] == bundled_path
    with pytest.raises(InputError, match="not a valid date"):
        open_sheet("2026-02-30")
    with pytest.raises(InputError, match="not found"):
        open_sheet(str(tmp_path / "nope.toml"))
    assert [s.path for s in history.list_snapshots()][-3:] == [bundled_path, b, c]


def test_cli_list_show_history_import_diff(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["prices", "list", "--provider", "anthropic", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    ids = [m["id"] for m in listed["models"]]
    assert {"claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5"} <= set(ids)
    assert {m["provider"] for m in listed["models"]} == {"anthropic"}
    assert main(["prices", "list", "sonnet-4-5", "--supports", "vision,reasoning", "--min-context", "150000"]) == 0
    table = capsys.readouterr().out
    assert "claude-sonnet-4-5" in table and "gpt-4o" not in table
    with pytest.raises(SystemExit):  # argparse names the known capabilities
        main(["prices", "list", "--supports", "telepathy"])
    assert "unknown capability 'telepathy'" in capsys.readouterr().err
    assert main(["prices", "show", "openai/gpt-4o-2024-11-20", "--sheet", "bundled", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["price"]["id"] == "gpt-4o-2024-11-20" and shown["price"]["input_per_mtok"] == 2.5
    assert main(["prices", "show", "no-such-model"]) == 2
    assert "no price for 'no-such-model'" in capsys.readouterr().err
    old = REAL / "litellm-model_prices_and_context_window-2025-11-26.json"
    assert old.is_file()
    assert main(["prices", "import", str(old)]) == 0  # dated from the file name
    out, err = capsys.readouterr()
    assert "as of 2025-11-26" in out and "from the file name" in err
    assert main(["prices", "diff", "2025-11-26", "bundled", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["old"]["as_of"] == "2025-11-26" and d["new"]["as_of"] == "2026-11-19"
    sonnet = next(r for r in d["repriced"] if r["new_id"] == "claude-sonnet-4-5")
    assert any(c["field"].startswith("tiers") for c in sonnet["changes"])
    assert main(["prices", "history", "claude-sonnet-4-5", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["as_of"] for r in rows][-2:] == ["2025-11-26", "2026-11-19"]
    assert rows[-2]["price"]["tiers"][0]["above_input_tokens"] == 200000
    native = data_dir / "mine.toml"
    native.write_text(dump_sheet(sheet(mp("my-model"), as_of="2027-03-01")), encoding="utf-8")
    monkeypatch.setattr(history, "today", lambda: dt.date(2027, 3, 5))  # a sheet dated in the future is refused
    assert main(["prices", "import", str(native)]) == 0
    capsys.readouterr()
    assert load_sheet(history.find("latest")).get("my-model") is not None
    assert main(["prices", "import", str(data_dir / "missing.json")]) == 2
