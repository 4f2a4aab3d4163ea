"""Pull a fresh price sheet over HTTP, safely, into a new dated snapshot.

Prices move; a stale sheet makes a stale decision. But a pull must never make
things worse: a slow, broken, truncated or surprising download has to leave
the previous good snapshot as the default. So a pull fetches with timeouts,
a body-size cap, retries with backoff on timeouts and 5xx, and a conditional
request (ETag / Last-Modified) so that an unchanged source costs nothing;
reads the body with the source's reader; runs sanity checks against the
previous snapshot; and only then writes a new, never-overwriting snapshot
atomically. Any failure is one ``InputError`` line naming the URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from advisor.errors import InputError
from advisor.files.atomic import write_atomic, write_new
from advisor.prices import history
from advisor.prices.indexed import open_indexed
from advisor.prices.native import dump_sheet
from advisor.prices.resolve import AmbiguousModel, resolve
from advisor.prices.sheet import PriceSheet, load_sheet
from advisor.prices.sources import Imported, read_litellm
from advisor.prices.sources_extra import read_openrouter

#: Default source URLs (override with ``--source URL``).
SOURCES: dict[str, str] = {
    "litellm": "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
    "openrouter": "https://openrouter.ai/api/v1/models",
}
READERS: dict[str, Callable[..., Imported]] = {"litellm": read_litellm, "openrouter": read_openrouter}
STATE_FILE = "http-cache.json"
MIN_MODELS = 10  # fewer than this from a whole source is "near-empty"
MAX_MOVE = 10  # a rate moving by more than this factor is suspicious


@dataclass(frozen=True)
class PullOptions:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 64 * 1024 * 1024
    retries: int = 3
    backoff: float = 0.5
    accept_suspicious: bool = False
    progress: bool | None = None  # None: only when stderr is a terminal
    keep: Collection[str] | None = None  # keep only what these model names resolve to (``--only-workspace``)


@dataclass
class PullResult:
    url: str
    kind: str
    status: str  # "new", "unchanged" (304) or "same" (content equal to the latest snapshot)
    path: Path | None
    imported: Imported | None = None
    flagged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    content_type: str


def _progress_bar(total: int | None, url: str, enabled: bool) -> Any:
    if not enabled:
        return None
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    bar = Progress(
        TextColumn("[bold]pull[/] {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    bar.start()
    bar.add_task(url.rsplit("/", 1)[-1][:40], total=total)
    return bar


def _download(client: httpx.Client, url: str, headers: dict[str, str], opts: PullOptions) -> Fetched:
    with client.stream("GET", url, headers=headers) as r:
        if r.status_code == 304:
            return Fetched(304, b"", r.headers.get("etag"), r.headers.get("last-modified"), "")
        if r.status_code >= 500:
            raise _Retry(f"server error {r.status_code}")
        if r.status_code != 200:
            raise InputError(url, f"HTTP {r.status_code} {r.reason_phrase}")
        declared = r.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > opts.max_bytes:
            raise InputError(url, f"body of {int(declared):,} bytes is over the {opts.max_bytes:,}-byte cap")
        show = opts.progress if opts.progress is not None else sys.stderr.isatty()
        bar = _progress_bar(int(declared) if declared and declared.isdigit() else None, url, show)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in r.iter_bytes():
                size += len(chunk)
                if size > opts.max_bytes:
                    raise InputError(url, f"body is over the {opts.max_bytes:,}-byte cap; stopped reading")
                chunks.append(chunk)
                if bar is not None:
                    bar.update(bar.task_ids[0], advance=len(chunk))
        finally:
            if bar is not None:
                bar.stop()
        return Fetched(
            200,
            b"".join(chunks),
            r.headers.get("etag"),
            r.headers.get("last-modified"),
            r.headers.get("content-type", ""),
        )


class _Retry(Exception):
    pass


def fetch(url: str, *, etag: str | None, last_modified: str | None, opts: PullOptions) -> Fetched:
    """GET with timeouts, a size cap, conditional headers and retries on timeouts and 5xx."""
    headers = {"Accept": "application/json", "User-Agent": "advisor-prices"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = httpx.Timeout(opts.read_timeout, connect=opts.connect_timeout)
    last = ""
    with httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5) as client:
        for attempt in range(opts.retries + 1):
            if attempt:
                time.sleep(opts.backoff * 2 ** (attempt - 1))
            try:
                return _download(client, url, headers, opts)
            except _Retry as exc:
                last = str(exc)
            except httpx.TimeoutException as exc:
                last = f"timed out ({type(exc).__name__})"
            except httpx.TooManyRedirects:
                raise InputError(url, "too many redirects") from None
            except (httpx.TransportError, httpx.DecodingError) as exc:
                last = f"transfer failed: {exc}"
    raise InputError(url, f"{last}, after {opts.retries + 1} attempts")


def detect_kind(body: bytes, url: str) -> str:
    """``litellm`` or ``openrouter`` from the body; HTML and non-objects are errors."""
    head = body.lstrip()[:200].lower()
    if head.startswith(b"<"):
        raise InputError(url, "the server sent HTML, not JSON (a login, error or captive-portal page?)")
    if not head.startswith(b"{"):
        raise InputError(url, "not a JSON object: neither a LiteLLM map nor an OpenRouter models response")
    return "openrouter" if head.startswith(b'{"data"') or b'"data":' in head[:20] else "litellm"


# ----------------------------------------------------------------------------- sanity


def sanity(
    new: Imported, previous: PriceSheet | None, *, where: str, keep: Collection[str] | None, strict: bool = True
) -> list[str]:
    """Reject broken results (InputError); return suspicious moves that need ``--accept-suspicious``.

    Not ``strict`` (the baseline is the bundled sheet, months older than a first pull): dropped prices
    and big moves count only when systematic (over 2% of the models, e.g. a unit change), since the
    bundled sheet prices thousands of models and single corrections are real.
    """
    count = len(new.sheet.models)
    floor = 1 if keep is not None else MIN_MODELS
    if count < floor:
        raise InputError(where, f"only {count} priced models: empty or near-empty result, not saved")
    if previous is None:
        return []
    if keep is None and count < len(previous.models) // 2:
        raise InputError(
            where,
            f"only {count} priced models against {len(previous.models)} in the previous snapshot "
            "(renamed or missing fields?); not saved",
        )
    prev_ids = {m.id for m in previous.models} | {a for m in previous.models for a in m.aliases}
    missing = set(new.report.missing_rates)
    broken = [k for k in new.report.bad_rates if k in prev_ids]
    churn = len(previous.models) // 50  # 2%
    if broken and (strict or any(k not in missing for k in broken) or len(broken) > churn):
        more = f" and {len(broken) - 5} more" if len(broken) > 5 else ""
        raise InputError(
            where,
            f"missing or invalid rates for models that had them: {', '.join(broken[:5])}{more}; not saved",
        )
    flagged: list[str] = []
    for r in history.diff(previous, new.sheet).repriced:
        for c in r.changes:
            if c.old is None or c.new is None:
                continue
            if (c.old == 0) != (c.new == 0) or (c.old and c.new and max(c.new / c.old, c.old / c.new) > MAX_MOVE):
                flagged.append(f"{r.id} {c.field} {c.old} → {c.new}")
    if not strict and len({f.split(" ", 1)[0] for f in flagged}) <= churn:
        return []
    return flagged


# ----------------------------------------------------------------------------- pull


def _state() -> dict[str, Any]:
    path = history.snapshots_dir() / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_state(state: dict[str, Any]) -> None:
    write_atomic(history.snapshots_dir() / STATE_FILE, json.dumps(state, indent=2, sort_keys=True) + "\n")


def _previous(kind: str) -> tuple[PriceSheet | None, Path | None]:
    mine = [s for s in history.list_snapshots() if s.rank == 1 and s.label == kind]
    path = mine[-1].path if mine else None
    if path is None:
        try:
            path = history.find("bundled")
        except InputError:
            return None, None
    try:
        return open_indexed(path), (mine[-1].path if mine else None)
    except InputError:
        return None, None


def pull(source: str, opts: PullOptions | None = None, *, today: dt.date | None = None) -> PullResult:
    """Fetch ``source`` (``litellm``, ``openrouter`` or a URL) and save a new snapshot if it is good."""
    opts = opts or PullOptions()
    url = SOURCES.get(source, source)
    if not url.startswith(("http://", "https://")):
        raise InputError(None, f"unknown price source {source!r} (use litellm, openrouter or an http(s) URL)")
    state = _state()
    mine = state.get(url, {}) if isinstance(state.get(url), dict) else {}
    cached_snapshot = Path(mine["snapshot"]) if mine.get("snapshot") else None
    have_cached = cached_snapshot is not None and cached_snapshot.is_file()
    got = fetch(
        url,
        etag=mine.get("etag") if have_cached else None,
        last_modified=mine.get("last_modified") if have_cached else None,
        opts=opts,
    )
    if got.status == 304:
        return PullResult(url, str(mine.get("kind", "?")), "unchanged", cached_snapshot)
    if "html" in got.content_type.lower():
        raise InputError(url, f"the server sent {got.content_type.split(';')[0]}, not JSON; not saved")
    kind = detect_kind(got.body, url)
    day = today or dt.datetime.now(dt.UTC).date()
    digest = hashlib.sha256(got.body).hexdigest()
    src = f"{kind} {url} fetched {day.isoformat()} (sha256 {digest[:16]})"
    imported = READERS[kind](got.body, as_of=day, source=src, where=url)
    if opts.keep is not None:
        wanted = _resolved_ids(imported.sheet, opts.keep)
        kept = tuple(m for m in imported.sheet.models if m.id in wanted)
        imported = Imported(imported.sheet.model_copy(update={"models": kept}), imported.report)
    previous, previous_path = _previous(kind)
    flagged = sanity(imported, previous, where=url, keep=opts.keep, strict=previous_path is not None)
    if flagged and not opts.accept_suspicious:
        more = f" (and {len(flagged) - 3} more)" if len(flagged) > 3 else ""
        raise InputError(
            url,
            f"{len(flagged)} rates moved more than {MAX_MOVE}×: {'; '.join(flagged[:3])}{more}; "
            "not saved (re-run with --accept-suspicious to keep it)",
        )
    text = dump_sheet(imported.sheet)
    result_path: Path
    status = "new"
    if previous_path is not None and _same_models(previous_path, imported.sheet):
        result_path, status = previous_path, "same"
    else:
        result_path = history.snapshot_path(day, kind)
        try:
            write_new(result_path, text)
        except FileExistsError:  # another pull raced us to the name: take the next one
            result_path = history.snapshot_path(day, kind)
            write_new(result_path, text)
    state[url] = {
        "kind": kind,
        "etag": got.etag,
        "last_modified": got.last_modified,
        "sha256": digest,
        "snapshot": str(result_path),
        "fetched": day.isoformat(),
    }
    _save_state(state)
    return PullResult(url, kind, status, result_path, imported, flagged)


def _resolved_ids(sheet: PriceSheet, names: Collection[str]) -> set[str]:
    """Sheet ids that eval model names resolve to (every candidate when a name is ambiguous)."""
    ids: set[str] = set()
    for name in names:
        try:
            hit = resolve(name, sheet).price
        except AmbiguousModel as exc:
            ids.update(exc.candidates)
            continue
        if hit is not None:
            ids.add(hit.id)
    return ids


def _same_models(path: Path, sheet: PriceSheet) -> bool:
    try:
        return load_sheet(path).models == sheet.models
    except InputError:
        return False
