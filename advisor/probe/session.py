"""One probe run from start to file: the event loop, Ctrl-C, the deadline and the checkpoints.

Why this module exists: whatever stops a run — its end, the overall deadline,
Ctrl-C — every request measured so far must be in the results file, and the
file must never be half written. Results are written atomically (the whole
file replaced) at most every ``checkpoint_s`` while the run goes on and once
more when it stops; Ctrl-C (SIGINT) cancels the requests in flight (nothing
was measured for them) and then writes. A ``kill -9`` loses at most the last
checkpoint interval.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from advisor.probe import load, results
from advisor.probe.client import Endpoint, Messages, Result
from advisor.probe.load import Level, Plan, RunState, Target


def execute(
    plan: Plan,
    endpoint: Endpoint,
    prompts: Sequence[Messages],
    path: Path,
    run: str,
    *,
    deadline_s: float | None = None,
    checkpoint_s: float = 1.0,
    on_result: Callable[[Result], None] = lambda r: None,
    on_level: Callable[[Target, Level], None] = lambda t, lv: None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> RunState:
    """Run the plan; returns what was measured (``interrupted`` says why it stopped early, if it did)."""

    async def main() -> RunState:
        state = RunState(t0=time.perf_counter())
        written = [time.perf_counter()]

        def record(result: Result) -> None:
            on_result(result)
            now = time.perf_counter()
            if now - written[0] >= checkpoint_s:
                results.write(path, state.results, run)
                written[0] = now

        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()

        def interrupt() -> None:
            state.interrupted = "interrupted"
            task.cancel()

        try:
            loop.add_signal_handler(signal.SIGINT, interrupt)
            handler = True
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals here
            handler = False
        try:
            async with asyncio.timeout(deadline_s):
                await load.run(plan, endpoint, prompts, state, record, on_level, transport=transport)
        except TimeoutError:
            state.interrupted = "deadline"
        except asyncio.CancelledError:
            if state.interrupted is None:
                raise
            task.uncancel()
        finally:
            if handler:
                loop.remove_signal_handler(signal.SIGINT)
            if state.results:
                results.write(path, state.results, run)
        return state

    return asyncio.run(main())  # without loop signal handlers Ctrl-C still ends in main's finally
