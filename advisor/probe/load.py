"""Load generation: exactly the asked number of requests in flight, or arrivals at a rate.

Why this module exists: a latency figure means something only at a stated
load. Closed loop (``--concurrency C``): C requests are in flight, a new one
starts when one ends — an ``asyncio.Semaphore(C)`` guards every send, so more
than C never are. Open loop (``--rate R``): requests are sent at Poisson
arrival times of mean rate R (seeded, as vLLM ``bench serve`` does by
default), still never more than the in-flight cap. Models and levels run one
after another, so each level's load is its own. A 429's ``Retry-After`` pauses
every new send until it has passed (the server asked the client, not one
connection, to wait). Cancelling the run (Ctrl-C, the overall deadline)
cancels the requests in flight; every request that had completed is kept.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx
import numpy as np

from advisor.probe.client import Endpoint, Messages, Result, send


@dataclass(frozen=True)
class Target:
    """A model to probe: the name the endpoint knows, and the name the results carry."""

    api_model: str
    name: str


@dataclass(frozen=True)
class Level:
    """A load level: ``concurrency`` in flight (closed loop), or arrivals at ``rate``/s capped at it."""

    concurrency: int
    rate: float | None = None

    def label(self) -> str:
        return (
            f"rate {self.rate:g}/s (≤{self.concurrency} in flight)" if self.rate else f"concurrency {self.concurrency}"
        )


@dataclass(frozen=True)
class Plan:
    targets: tuple[Target, ...]
    levels: tuple[Level, ...]
    #: Requests per model and level, or None to run each level for ``duration_s``.
    requests: int | None
    duration_s: float | None = None
    seed: int = 0

    def request_count(self) -> int | None:
        """Requests the whole run sends (None in duration mode without a rate)."""
        if self.requests is not None:
            return self.requests * len(self.targets) * len(self.levels)
        if self.duration_s is not None and all(lv.rate for lv in self.levels):
            return round(sum(lv.rate or 0 for lv in self.levels) * self.duration_s) * len(self.targets)
        return None


@dataclass
class RunState:
    """What has been measured so far; the writer and the progress bar read it while the run goes on."""

    t0: float
    results: list[Result] = field(default_factory=list)
    #: Most requests in flight at once, per (model name, level).
    peak: dict[tuple[str, Level], int] = field(default_factory=dict)
    #: Requests cancelled in flight (Ctrl-C, deadline): nothing was measured for them.
    cancelled: int = 0
    interrupted: str | None = None


class _Backoff:
    """A shared 'not before' instant set by Retry-After."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.until = 0.0

    def pause(self, seconds: float) -> None:
        self.until = max(self.until, self.clock() + seconds)

    async def wait(self) -> None:
        while (left := self.until - self.clock()) > 0:
            await asyncio.sleep(left)


def arrivals(rate: float, *, count: int | None, duration_s: float | None, seed: int) -> list[float]:
    """Poisson arrival offsets (s) at ``rate``: ``count`` of them, or all before ``duration_s``."""
    rng = np.random.default_rng(seed)
    out: list[float] = []
    t = 0.0
    while True:
        t += float(rng.exponential(1.0 / rate))
        if (count is not None and len(out) >= count) or (duration_s is not None and t >= duration_s):
            return out
        out.append(t)


async def run_level(
    client: httpx.AsyncClient,
    endpoint: Endpoint,
    target: Target,
    level: Level,
    plan: Plan,
    prompts: Sequence[Messages],
    state: RunState,
    on_result: Callable[[Result], None],
    clock: Callable[[], float] = time.perf_counter,
) -> None:
    """One model at one level; results go to ``state`` (and ``on_result``) as they complete."""
    gate = asyncio.Semaphore(level.concurrency)
    backoff = _Backoff(clock)
    tasks: set[asyncio.Task[None]] = set()
    in_flight = 0
    key = (target.name, level)
    state.peak.setdefault(key, 0)
    schedule = (
        arrivals(level.rate, count=plan.requests, duration_s=plan.duration_s, seed=plan.seed) if level.rate else None
    )
    start = clock()

    async def one(index: int) -> None:
        nonlocal in_flight
        try:
            in_flight += 1
            state.peak[key] = max(state.peak[key], in_flight)
            result = Result(target.name, index, level.concurrency, level.rate, start_s=clock() - state.t0)
            await send(client, endpoint, target.api_model, prompts[index % len(prompts)], result, clock=clock)
            state.results.append(result)
            on_result(result)
            if result.retry_after_s:
                backoff.pause(result.retry_after_s)
        finally:
            in_flight -= 1
            gate.release()

    try:
        index = 0
        while True:
            if schedule is not None:
                if index >= len(schedule):
                    break
                wait = start + schedule[index] - clock()
                if wait > 0:
                    await asyncio.sleep(wait)
            elif plan.requests is not None and index >= plan.requests:
                break
            if plan.duration_s is not None and clock() - start >= plan.duration_s:
                break
            await gate.acquire()
            await backoff.wait()
            task = asyncio.create_task(one(index))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            index += 1
        if tasks:
            await asyncio.gather(*tasks)
    except asyncio.CancelledError:
        pending = [t for t in tasks if not t.done()]
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        state.cancelled += len(pending)
        raise


async def run(
    plan: Plan,
    endpoint: Endpoint,
    prompts: Sequence[Messages],
    state: RunState,
    on_result: Callable[[Result], None] = lambda r: None,
    on_level: Callable[[Target, Level], None] = lambda t, lv: None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> RunState:
    """Every model at every level, one after another."""
    most = max(lv.concurrency for lv in plan.levels)
    limits = httpx.Limits(max_connections=most, max_keepalive_connections=most)
    timeout = httpx.Timeout(endpoint.timeout_s)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, transport=transport) as client:
        for target in plan.targets:
            for level in plan.levels:
                on_level(target, level)
                await run_level(client, endpoint, target, level, plan, prompts, state, on_result)
    return state
