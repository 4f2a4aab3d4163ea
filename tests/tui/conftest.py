"""Shared fixtures for the TUI tests: a fixed workspace, isolated config/data dirs, a runner."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from advisor.tui.app import AdvisorApp
from advisor.tui.settings import Settings

WS = Path(__file__).resolve().parents[1] / "data" / "tui_ws"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A fixed (absent) path: the help screen prints it, and snapshots must not change per run.
    monkeypatch.setenv("ADVISOR_CONFIG_DIR", "/nonexistent/advisor-config")
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    yield


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the fixed workspace (tests may edit it)."""
    dest = tmp_path / "ws"
    shutil.copytree(WS, dest)
    return dest


def make_app(folder: Path = WS, **settings: Any) -> AdvisorApp:
    return AdvisorApp(folder, settings=Settings(debounce_ms=0, **settings))


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
