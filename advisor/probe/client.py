"""One streamed chat-completion request, timed the way the load-testing tools time it.

Why this module exists: every figure the probe reports rests on three instants
per request — sent, first generated text, end of the stream — and on how a
failure is named. Definitions (docs/probe.md compares them with LLMPerf, vLLM
``bench serve`` and GuideLLM):

- TTFT: from just before the request is sent to the first SSE chunk that
  carries generated text (``delta.content``, or a reasoning delta), as LLMPerf
  and GuideLLM count it (a role-only first chunk is not a token).
- end-to-end: from sent to the end of the stream (``[DONE]`` or the body's end).
- inter-token latency: (last token chunk − first token chunk) / (output tokens − 1),
  GuideLLM's ITL and vLLM's TPOT.
- tokens: ``usage`` from the final chunk (``stream_options.include_usage``);
  without it output tokens are the text chunks counted (one token per chunk,
  as GuideLLM assumes) and input tokens stay missing.
- outcome: ``ok``; ``timeout`` past the per-request timeout; else ``error``
  with a kind: ``http_<status>``, ``disconnected`` (the stream ended before
  ``[DONE]`` or a finish reason), ``connect``, ``stream_error`` (an error
  object in the stream), ``bad_stream`` (not JSON), or the exception's name.

The API key is sent in a header and nowhere else: error texts have it masked.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from advisor.prices.pull import check_url

#: An error body is read up to this many bytes (enough for the provider's message).
ERROR_BODY_LIMIT = 2048
#: Longest Retry-After the probe honours; a longer one is capped (the run has a deadline anyway).
RETRY_AFTER_CAP_S = 60.0

Messages = list[dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    """Where and how requests go. ``api_key`` is never shown (repr=False)."""

    url: str
    timeout_s: float
    max_tokens: int
    api_key: str | None = field(default=None, repr=False)
    #: "bearer": ``Authorization: Bearer KEY`` (OpenAI, vLLM, OpenRouter…); "api-key": Azure's ``api-key: KEY``.
    auth: str = "bearer"

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self.api_key:
            if self.auth == "api-key":
                headers["api-key"] = self.api_key
            else:
                headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def mask(self, text: str) -> str:
        """The text with the API key (if any) replaced, for anything that may be shown or written."""
        return text.replace(self.api_key, "***") if self.api_key else text


def chat_url(base: str) -> str:
    """The chat-completions URL for a base URL (``…/v1``, a host, or the full path); an InputError for a bad URL."""
    check_url(base)  # one line, credentials redacted, before any request
    url = httpx.URL(base)
    path = url.path.rstrip("/")
    if path.endswith("/chat/completions"):
        return str(url)
    suffix = "/chat/completions" if path.endswith("/v1") or "/openai/" in path else "/v1/chat/completions"
    return str(url.copy_with(path=path + suffix))


@dataclass
class Result:
    """One request: what was measured (seconds; None where it never happened)."""

    model: str
    index: int
    concurrency: int
    rate: float | None
    start_s: float  # since the run started
    outcome: str = "ok"
    error_kind: str | None = None
    error: str | None = None
    elapsed_s: float | None = None
    ttft_s: float | None = None
    itl_s: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    tokens_counted: bool = False
    retry_after_s: float | None = None


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta seconds; an HTTP date is not honoured), capped."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return min(seconds, RETRY_AFTER_CAP_S)


def _text_of(delta: dict[str, Any]) -> bool:
    """Whether a delta carries generated text (answer or reasoning)."""
    for key in ("content", "reasoning_content", "reasoning"):
        value = delta.get(key)
        if isinstance(value, str) and value:
            return True
    return False


class _Stream:
    """Reads SSE lines and keeps the instants and counts the definitions need."""

    def __init__(self, clock: Callable[[], float], t0: float) -> None:
        self.clock = clock
        self.t0 = t0
        self.first: float | None = None
        self.last: float | None = None
        self.chunks = 0
        self.done = False
        self.finished = False
        self.usage: dict[str, Any] | None = None

    def line(self, raw: str) -> str | None:
        """Take one line; returns an error kind and message when the stream reports one."""
        if not raw.startswith("data:"):
            return None  # comments (": ping"), event names, blank separators
        data = raw[5:].strip()
        if data == "[DONE]":
            self.done = True
            return None
        if not data:
            return None
        now = self.clock()
        try:
            chunk = orjson.loads(data)
        except orjson.JSONDecodeError:
            return "bad_stream: a data line is not JSON"
        if not isinstance(chunk, dict):
            return "bad_stream: a data line is not a JSON object"
        if "error" in chunk:
            err = chunk["error"]
            message = err.get("message") if isinstance(err, dict) else err
            return f"stream_error: {str(message)[:200]}"
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self.usage = usage
        choices = chunk.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], dict):
            choice = choices[0]
            delta = choice.get("delta")
            if isinstance(delta, dict) and _text_of(delta):
                if self.first is None:
                    self.first = now
                self.last = now
                self.chunks += 1
            if choice.get("finish_reason"):
                self.finished = True
        return None


def _usage_int(usage: dict[str, Any] | None, key: str) -> int | None:
    value = usage.get(key) if usage else None
    return value if type(value) is int and value >= 0 else None


async def send(
    client: httpx.AsyncClient,
    endpoint: Endpoint,
    model: str,
    messages: Messages,
    result: Result,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> Result:
    """Send one streamed request and fill ``result``; never raises for a failed request."""
    payload = {
        "model": model,
        "messages": messages,
        "max_tokens": endpoint.max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    t0 = clock()
    stream = _Stream(clock, t0)
    try:
        async with asyncio.timeout(endpoint.timeout_s):
            async with client.stream("POST", endpoint.url, json=payload, headers=endpoint.headers()) as resp:
                if resp.status_code != 200:
                    body = b""
                    async for part in resp.aiter_bytes():
                        body += part
                        if len(body) >= ERROR_BODY_LIMIT:
                            break
                    result.retry_after_s = retry_after(resp.headers.get("retry-after"))
                    detail = body[:ERROR_BODY_LIMIT].decode("utf-8", "replace").strip().replace("\n", " ")
                    return _failed(result, endpoint, t0, clock, f"http_{resp.status_code}", detail[:300])
                async for raw in resp.aiter_lines():
                    problem = stream.line(raw)
                    if problem is not None:
                        kind, _, message = problem.partition(": ")
                        return _failed(result, endpoint, t0, clock, kind, message)
                    if stream.done:
                        break
    except (TimeoutError, httpx.TimeoutException):
        result.outcome = "timeout"
        result.error_kind = "timeout"
        result.error = f"timeout: no complete answer within {endpoint.timeout_s:g} s"
        result.elapsed_s = clock() - t0
        result.ttft_s = stream.first - t0 if stream.first is not None else None
        return result
    except httpx.ConnectError as exc:
        return _failed(result, endpoint, t0, clock, "connect", str(exc))
    except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
        return _failed(result, endpoint, t0, clock, "disconnected", f"{type(exc).__name__}: {exc}", stream)
    except httpx.HTTPError as exc:
        return _failed(result, endpoint, t0, clock, type(exc).__name__, str(exc), stream)
    end = clock()
    if not (stream.done or stream.finished):
        return _failed(result, endpoint, t0, clock, "disconnected", "the stream ended before [DONE]", stream)
    result.elapsed_s = end - t0
    result.ttft_s = stream.first - t0 if stream.first is not None else None
    out = _usage_int(stream.usage, "completion_tokens")
    result.tokens_counted = out is None
    result.output_tokens = out if out is not None else stream.chunks
    result.input_tokens = _usage_int(stream.usage, "prompt_tokens")
    if stream.first is not None and stream.last is not None and result.output_tokens > 1:
        result.itl_s = (stream.last - stream.first) / (result.output_tokens - 1)
    return result


def _failed(
    result: Result,
    endpoint: Endpoint,
    t0: float,
    clock: Callable[[], float],
    kind: str,
    message: str,
    stream: _Stream | None = None,
) -> Result:
    result.outcome = "error"
    result.error_kind = kind
    result.error = endpoint.mask(f"{kind}: {message}" if message else kind)
    result.elapsed_s = clock() - t0
    if stream is not None and stream.first is not None:
        result.ttft_s = stream.first - t0
    return result
