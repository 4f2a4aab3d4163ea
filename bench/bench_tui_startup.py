"""Startup of the TUI to a usable screen on the demo workspace (median of several runs).

"Usable" means the ranking table has its rows and the verdict is drawn: the
workspace has been loaded and ranked and the first frame painted. Each run
is a fresh process, so imports (Textual, numpy, pydantic) count. Run:

    python bench/bench_tui_startup.py [--runs 7] [WORKSPACE]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CHILD = r"""
import asyncio, sys, time
t0 = float(sys.argv[1])  # wall clock when the parent spawned this process
from pathlib import Path
from advisor.files import bundled
from advisor.tui.app import AdvisorApp
from advisor.tui.settings import Settings

async def main() -> None:
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] else bundled.demo_workspace()
    app = AdvisorApp(folder, settings=Settings())
    async with app.run_test(size=(160, 48)) as pilot:
        while app.session.decision is None and app.session.problem is None:
            await pilot.pause(0.005)
        await pilot.pause()  # the repaint with the ranking
        table = app.screen.query_one("#ranking")
        assert table.row_count, "ranking not shown"
        print(time.time() - t0)

asyncio.run(main())
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("workspace", nargs="?", default="")
    args = ap.parse_args()
    times = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, repr(time.time()), args.workspace],
            capture_output=True,
            text=True,
            check=True,
        )
        # From spawning the process (interpreter start and imports included) to the ranked screen.
        times.append(float(out.stdout.strip().splitlines()[-1]))
    where = args.workspace or "demo workspace"
    print(f"TUI startup to a usable screen ({where}, {args.runs} runs, process start included):")
    ms = sorted(t * 1000 for t in times)
    print(f"  median {statistics.median(ms):.0f} ms   min {ms[0]:.0f} ms   max {ms[-1]:.0f} ms")


if __name__ == "__main__":
    main()
