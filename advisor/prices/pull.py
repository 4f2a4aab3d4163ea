"""Pull a fresh price sheet over HTTP, safely, into a new dated snapshot.

Prices move; a stale sheet makes a stale decision. But a pull must never make
things worse: a slow, broken, truncated or surprising download has to leave
the previous good snapshot as the default. So a pull checks the URL and the
data folder before any network traffic; fetches with per-read timeouts, an
overall deadline, a body-size cap, retries with backoff on timeouts, dropped
connections, 5xx, 408 and 429 only (a bad URL, a redirect to ``file://``, a
4xx are permanent and fail at once), and a conditional request (ETag /
Last-Modified) so that an unchanged source costs nothing; reads the body with
the source's reader; and hands it to ``advisor.prices.store``, which checks
it against the newest readable snapshot and writes a new, never-overwriting
snapshot atomically under a lock. Any failure is one ``InputError`` line
naming the URL, with credentials redacted (``advisor.text.redact``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import sys
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from advisor.errors import InputError
from advisor.prices import history, store
from advisor.prices.resolve import AmbiguousModel, resolve
from advisor.prices.sheet import PriceSheet
from advisor.prices.sources import Imported, read_litellm
from advisor.prices.sources_extra import read_openrouter
from advisor.text.redact import redact_text, redact_url

#: Default source URLs (override with ``--source URL``).
SOURCES: dict[str, str] = {
    "litellm": "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
    "openrouter": "https://openrouter.ai/api/v1/models",
}
READERS: dict[str, Callable[..., Imported]] = {"litellm": read_litellm, "openrouter": read_openrouter}
#: Statuses worth another try: the server may answer next time.
TRANSIENT_STATUS = frozenset({408, 429})


@dataclass(frozen=True)
class PullOptions:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    #: The whole fetch (every attempt, every byte) must finish within this many seconds.
    deadline: float = 300.0
    max_bytes: int = 64 * 1024 * 1024
    retries: int = 3
    backoff: float = 0.5
    accept_suspicious: bool = False
    progress: bool | None = None  # None: only when stderr is a terminal
    keep: Collection[str] | None = None  # keep only what these model names resolve to (``--only-workspace``)

    def check(self) -> None:
        """Every duration a finite number of seconds above zero, the counts sensible; else an InputError."""
        for flag, value in (
            ("--timeout", self.read_timeout),
            ("connect timeout", self.connect_timeout),
            ("--deadline", self.deadline),
        ):
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise InputError(flag, f"must be a number of seconds above 0, not {value}")
        if self.retries < 0 or self.max_bytes <= 0 or not (math.isfinite(self.backoff) and self.backoff >= 0):
            raise InputError(None, "pull options: retries and backoff must be 0 or more, the size cap above 0")


@dataclass
class PullResult:
    url: str  # as shown: credentials redacted
    kind: str
    status: str  # "new", "unchanged" (304) or "same" (content equal to the latest snapshot)
    path: Path | None
    imported: Imported | None = None
    flagged: list[str] = field(default_factory=list)
    #: What the user should know though nothing failed (a newer snapshot that could not be read …).
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    content_type: str


def check_url(url: str) -> str:
    """``url`` as it may be shown (credentials redacted); an InputError if it is not a usable http(s) URL."""
    shown = redact_url(url)
    try:
        parsed = httpx.URL(url)
        port = parsed.port
    except Exception as exc:  # httpx.InvalidURL, idna errors (UnicodeError), ValueError: all mean "not a URL"
        raise InputError(shown, f"not a valid URL ({redact_text(str(exc))})") from None
    if parsed.scheme not in ("http", "https"):
        raise InputError(shown, "only http and https URLs can be pulled")
    host = parsed.raw_host
    if not host:
        raise InputError(shown, "not a valid URL (no host name)")
    if b":" not in host:  # a name, not an IPv6 address: DNS labels of 1–63 bytes, 253 in all
        labels = host.rstrip(b".").split(b".")
        if len(host) > 253 or any(not 0 < len(label) <= 63 for label in labels):
            raise InputError(shown, f"not a valid URL (bad host name {host.decode('ascii', 'replace')!r})")
    if port is not None and not 0 < port < 65536:
        raise InputError(shown, f"not a valid URL (port {port})")
    return shown


def _progress_bar(total: int | None, shown: str, enabled: bool) -> Any:
    if not enabled:
        return None
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from advisor.text.sanitise import clean

    bar = Progress(
        TextColumn("[bold]pull[/] {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    bar.start()
    name = clean(shown.rsplit("/", 1)[-1][:40]).replace("[", "\\[")
    bar.add_task(name, total=total)
    return bar


class _Retry(Exception):
    pass


def _download(
    client: httpx.Client, url: str, shown: str, headers: dict[str, str], opts: PullOptions, cancel: threading.Event
) -> Fetched:
    with client.stream("GET", url, headers=headers) as r:
        if r.status_code == 304:
            return Fetched(304, b"", r.headers.get("etag"), r.headers.get("last-modified"), "")
        if r.status_code >= 500 or r.status_code in TRANSIENT_STATUS:
            raise _Retry(f"HTTP {r.status_code} {r.reason_phrase}".rstrip())
        if r.status_code != 200:
            where = " (redirect without a Location)" if 300 <= r.status_code < 400 else ""
            raise InputError(shown, f"HTTP {r.status_code} {r.reason_phrase}{where}; not retried, not saved")
        declared = r.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > opts.max_bytes:
            raise InputError(shown, f"body of {int(declared):,} bytes is over the {opts.max_bytes:,}-byte cap")
        show = opts.progress if opts.progress is not None else sys.stderr.isatty()
        bar = _progress_bar(int(declared) if declared and declared.isdigit() else None, shown, show)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in r.iter_bytes():
                if cancel.is_set():
                    raise _Cancelled
                size += len(chunk)
                if size > opts.max_bytes:
                    raise InputError(shown, f"body is over the {opts.max_bytes:,}-byte cap; stopped reading")
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


class _Cancelled(Exception):
    """The deadline passed while the worker was still reading."""


def _attempts(url: str, shown: str, headers: dict[str, str], opts: PullOptions, cancel: threading.Event) -> Fetched:
    timeout = httpx.Timeout(opts.read_timeout, connect=opts.connect_timeout)
    last = ""
    with httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5) as client:
        for attempt in range(opts.retries + 1):
            if attempt and cancel.wait(opts.backoff * 2 ** (attempt - 1)):
                raise _Cancelled
            try:
                return _download(client, url, shown, headers, opts, cancel)
            except _Retry as exc:
                last = f"server answered {exc}"
            except httpx.TimeoutException as exc:
                last = f"timed out ({type(exc).__name__})"
            except httpx.TooManyRedirects:
                raise InputError(shown, "too many redirects; not saved") from None
            except httpx.UnsupportedProtocol as exc:
                raise InputError(
                    shown, f"redirected to an address that is not http(s) ({redact_text(str(exc))}); not followed"
                ) from None
            except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeError) as exc:
                raise InputError(shown, f"cannot request this URL ({redact_text(str(exc))}); not retried") from None
            except (httpx.TransportError, httpx.DecodingError) as exc:
                last = f"transfer failed: {redact_text(str(exc)) or type(exc).__name__}"
    tries = opts.retries + 1
    raise InputError(shown, f"{last}, after {tries} attempt{'s' if tries > 1 else ''}; not saved")


def fetch(
    url: str, *, etag: str | None, last_modified: str | None, opts: PullOptions, shown: str | None = None
) -> Fetched:
    """GET with timeouts, an overall deadline, a size cap, conditional headers and retries on transient faults."""
    shown = shown or redact_url(url)
    headers = {"Accept": "application/json", "User-Agent": "advisor-prices"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    outcome: dict[str, Any] = {}
    done, cancel = threading.Event(), threading.Event()

    def work() -> None:
        try:
            outcome["value"] = _attempts(url, shown, headers, opts, cancel)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc
        finally:
            done.set()

    # A socket read is bounded by the read timeout, but a server that sends a byte every few seconds never
    # trips it; the worker thread lets the deadline hold whatever the server does. It is a daemon and
    # stops at its next read (or chunk) once cancelled; nothing it does is saved.
    threading.Thread(target=work, name="advisor-pull", daemon=True).start()
    if not done.wait(opts.deadline):
        cancel.set()
        raise InputError(shown, f"no complete answer within the {opts.deadline:g} s deadline; stopped, not saved")
    if "error" in outcome:
        raise outcome["error"]
    result: Fetched = outcome["value"]
    return result


def detect_kind(body: bytes, where: str) -> str:
    """``litellm`` or ``openrouter`` from the body; HTML and non-objects are errors."""
    head = body.lstrip()[:200].lower()
    if head.startswith(b"<"):
        raise InputError(where, "the server sent HTML, not JSON (a login, error or captive-portal page?)")
    if not head.startswith(b"{"):
        raise InputError(where, "not a JSON object: neither a LiteLLM map nor an OpenRouter models response")
    return "openrouter" if head.startswith(b'{"data"') or b'"data":' in head[:20] else "litellm"


# ----------------------------------------------------------------------------- pull


def pull(source: str, opts: PullOptions | None = None, *, today: dt.date | None = None) -> PullResult:
    """Fetch ``source`` (``litellm``, ``openrouter`` or a URL) and save a new snapshot if it is good."""
    opts = opts or PullOptions()
    opts.check()
    url = SOURCES.get(source, source)
    if not url.lower().startswith(("http://", "https://")):
        raise InputError(
            None, f"unknown price source {redact_url(source)!r} (use litellm, openrouter or an http(s) URL)"
        )
    shown = check_url(url)
    store.ready_dir()  # a read-only or missing data folder fails now, before any download
    state = store.read_state()
    found = state.get(shown)
    mine: dict[str, Any] = found if isinstance(found, dict) else {}
    cached_snapshot = Path(mine["snapshot"]) if isinstance(mine.get("snapshot"), str) else None
    have_cached = cached_snapshot is not None and cached_snapshot.is_file()
    etag = mine.get("etag") if have_cached and isinstance(mine.get("etag"), str) else None
    modified = mine.get("last_modified") if have_cached and isinstance(mine.get("last_modified"), str) else None
    got = fetch(url, etag=etag, last_modified=modified, opts=opts, shown=shown)
    if got.status == 304:
        if not (etag or modified):
            raise InputError(
                shown, "answered 304 Not Modified to a request that was not conditional: no sheet to keep; not saved"
            )
        return PullResult(shown, str(mine.get("kind", "?")), "unchanged", cached_snapshot)
    if "html" in got.content_type.lower():
        raise InputError(shown, f"the server sent {got.content_type.split(';')[0]}, not JSON; not saved")
    kind = detect_kind(got.body, shown)
    day = today or history.today()
    digest = hashlib.sha256(got.body).hexdigest()
    src = f"{kind} {shown} fetched {day.isoformat()} (sha256 {digest[:16]})"
    imported = READERS[kind](got.body, as_of=day, source=src, where=shown)
    if opts.keep is not None:
        wanted = _resolved_ids(imported.sheet, opts.keep)
        kept = tuple(m for m in imported.sheet.models if m.id in wanted)
        imported = Imported(imported.sheet.model_copy(update={"models": kept}), imported.report)
    saved = store.save(
        imported.sheet,
        kind,
        where=shown,
        base_label=kind,
        accept_suspicious=opts.accept_suspicious,
        bad_rates=imported.report.bad_rates,
        missing_rates=imported.report.missing_rates,
        keep=opts.keep,
    )
    entry = {
        "kind": kind,
        "etag": got.etag,
        "last_modified": got.last_modified,
        "sha256": digest,
        "snapshot": str(saved.path),
        "fetched": day.isoformat(),
    }
    with store.locked():  # read, change and write the cache as one step
        state = store.read_state()
        state[shown] = entry
        store.save_state(state)
    return PullResult(shown, kind, saved.status, saved.path, imported, list(saved.flagged), list(saved.notes))


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
