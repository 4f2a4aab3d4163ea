"""Shared fixtures for the TUI tests: a fixed workspace, isolated config/data dirs, a runner."""

from __future__ import annotations

import asyncio
import html
import json
import re
import shutil
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from advisor.tui import guard
from advisor.tui.app import AdvisorApp
from advisor.tui.settings import Settings

WS = Path(__file__).resolve().parents[1] / "data" / "tui_ws"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A fixed (absent) path: the help screen prints it, and snapshots must not change per run.
    monkeypatch.setenv("ADVISOR_CONFIG_DIR", "/nonexistent/advisor-config")
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # where the TUI's log would go
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    yield
    guard.uninstall_log()  # the log setup is process-wide (``advisor.tui.run`` installs it)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the fixed workspace (tests may edit it)."""
    dest = tmp_path / "ws"
    shutil.copytree(WS, dest)
    return dest


#: Model and task names that try to take over a terminal: clear the screen, forge a row, inject markup,
#: reverse the text, set the window title.
HOSTILE = {
    "acme/large": "acme/\x1b[2Jlarge",
    "bolt/fast": "bolt/fa\nst [bold]x[/bold]",
    "acme/small": "acme/\u202esmall",
}
HOSTILE_TASK = "tri\x1b]0;pwned\x07age"
HOSTILE_FILE = "sam\x1b[31mples.jsonl"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The fixed workspace with hostile model, task, price id and file names (same numbers)."""
    dest = tmp_path / "hostile"
    shutil.copytree(WS, dest)
    rows = []
    for line in (dest / "results" / "samples.jsonl").read_text().splitlines():
        row = json.loads(line)
        row["model"] = HOSTILE.get(row["model"], row["model"])
        if row["task"] == "triage":
            row["task"] = HOSTILE_TASK
        rows.append(json.dumps(row))
    (dest / "results" / "samples.jsonl").unlink()
    (dest / "results" / HOSTILE_FILE).write_text("\n".join(rows) + "\n")
    sheet = (dest / "prices.toml").read_text()
    for name, evil in HOSTILE.items():
        sheet = sheet.replace(f'id = "{name}"', f"id = {json.dumps(evil)}")
    (dest / "prices.toml").write_text(sheet)
    return dest


def make_app(folder: Path = WS, **settings: Any) -> AdvisorApp:
    return AdvisorApp(folder, settings=Settings(debounce_ms=0, **settings))


def screen_lines(app: AdvisorApp) -> list[str]:
    """The terminal as the user sees it, one string per line (rebuilt from the app's SVG screenshot)."""
    svg = app.export_screenshot()
    lines: dict[int, dict[int, str]] = {}
    for x, line, text in re.findall(
        r'<text[^>]*? x="([\d.]+)"[^>]*?clip-path="url\(#[^)]*?-line-(\d+)\)"[^>]*>([^<]*)</text>', svg
    ):
        lines.setdefault(int(line), {})[round(float(x) / 12.2)] = (
            html.unescape(text).replace("\xa0", " ").replace("\n", "")
        )
    out = []
    for n in range(max(lines, default=-1) + 1):
        row = ""
        for col, text in sorted(lines.get(n, {}).items()):
            row = row.ljust(col) + text
        out.append(row)
    return out


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the app is idle: no re-rank queued, no bootstrap pending, nothing changed for a while.

    Messages travel a few hops (input → widget → app) before a re-rank is even
    queued, so one idle look is not enough on a loaded machine: require several
    in a row with the same revision.
    """
    app = pilot.app
    assert isinstance(app, AdvisorApp)
    quiet, last = 0, None
    for _ in range(1000):  # the bootstrap starts on a short timer after each decision
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
        state = (app.revision, app.stats is None)
        idle = not app.stats_pending and app._rerank_timer is None and not any(w.is_running for w in app.workers)
        quiet = quiet + 1 if idle and state == last else 0
        last = state
        if quiet >= 3:
            break
    await pilot.pause(0.05)


def drive(app: AdvisorApp, steps: Callable[[Pilot[None]], Awaitable[None]], size: tuple[int, int] = (160, 48)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await steps(pilot)

    asyncio.run(main())
