"""What a model you run yourself costs: GPU-hours turned into dollars per token.

Running your own open-weight model is the most common alternative to an API,
so it must rank like one. A deployment is GPUs × $/GPU-hour; divided by the
tokens it generates per second (measured at your concurrency, or derived from
the eval's own tokens and latency) that is a rate per million tokens, which
the sheet's arithmetic then bills like any other. Every figure that went into
the rate is kept so a memo can print the assumption: "$4.98/h ÷ 1,800 tok/s".
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from advisor.records.samples import FloatArray

_CTX = Context(prec=12)
_MILLION = Decimal(1_000_000)
_HOUR = Decimal(3600)
#: Hours in an average month (365.25 × 24 / 12), for the always-on figure.
HOURS_PER_MONTH = Decimal("730.5")


def _canon(value: Decimal) -> Decimal:
    d = _CTX.create_decimal(value).normalize()
    return d.quantize(Decimal(1)) if d.as_tuple().exponent > 0 else d  # type: ignore[operator]


class SelfHosted(BaseModel):
    """``[models.self_hosted]``: the deployment behind a model you serve yourself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The GPU, as you would name it in a budget ("H100 80GB"); shown in the assumptions.
    gpu: str = Field(min_length=1)
    gpu_count: int = Field(default=1, ge=1)
    usd_per_gpu_hour: Decimal = Field(ge=0)
    #: Tokens per second of the whole deployment at ``concurrency``; unset: derived from the eval.
    tokens_per_second: Decimal | None = Field(default=None, gt=0)
    #: Which tokens the throughput counts: generated ones only, or prompt and generated together.
    throughput_of: Literal["output", "total"] = "output"
    #: Requests in flight when the throughput (or the eval's latency) was measured.
    concurrency: int = Field(default=1, ge=1)
    #: Share of paid GPU time spent serving (idle time is paid too); 1 = always busy.
    utilization: Decimal = Field(default=Decimal(1), gt=0, le=1)

    @property
    def usd_per_hour(self) -> Decimal:
        return self.usd_per_gpu_hour * self.gpu_count

    def rate_per_mtok(self, tokens_per_second: Decimal) -> Decimal:
        """USD per million counted tokens: $/h ÷ (tok/s × 3600 × utilization) × 1e6."""
        return _canon(self.usd_per_hour * _MILLION / (tokens_per_second * _HOUR * self.utilization))

    def rates(self, tokens_per_second: Decimal) -> tuple[Decimal, Decimal]:
        """(input, output) USD per million tokens at this throughput.

        Throughput of output tokens bills the whole deployment to generated
        tokens (the prompt's share of GPU time is inside the measured rate), so
        input is 0; throughput of all tokens bills both at one rate.
        """
        rate = self.rate_per_mtok(tokens_per_second)
        return (rate if self.throughput_of == "total" else Decimal(0)), rate

    def assumptions(self, tokens_per_second: Decimal | None = None, *, derived: bool = False) -> str:
        """The cost model in one line: "self-hosted: $4.98/h (2 × H100 at $2.49) ÷ 1,800 tok/s …"."""
        tps = tokens_per_second if tokens_per_second is not None else self.tokens_per_second
        gpus = f"{self.gpu_count} × {self.gpu}" if self.gpu_count > 1 else self.gpu
        head = f"self-hosted: ${_num(self.usd_per_hour)}/h ({gpus} at ${_num(self.usd_per_gpu_hour)}/GPU-hour)"
        if tps is None:
            return f"{head} ÷ a throughput derived from the eval's tokens and latency (none yet)"
        what = "output tokens" if self.throughput_of == "output" else "prompt + output tokens"
        where = (
            f"derived from the eval's tokens and latency at concurrency {self.concurrency}"
            if derived
            else f"measured at concurrency {self.concurrency}"
        )
        busy = f"; GPUs busy {float(self.utilization):.0%} of the time" if self.utilization != 1 else ""
        always_on = _num(_canon(self.usd_per_hour * HOURS_PER_MONTH))
        return (
            f"{head} ÷ {_count(tps)} tok/s of {what} ({where}){busy} = ${_rate(self.rate_per_mtok(tps))} "
            f"per 1M {'output ' if self.throughput_of == 'output' else ''}tokens; always on: ${always_on}/month"
        )


def _num(d: Decimal) -> str:
    """A dollar amount as written in the assumptions: 4.98, 3,638, 0.0768 (no exponent)."""
    if d >= 100:
        return f"{d:,.0f}"
    if d >= 1:
        return f"{d:,.2f}".rstrip("0").rstrip(".")
    return format(_CTX.create_decimal(d).normalize(), "f") if d else "0"


def _rate(d: Decimal) -> str:
    """A derived rate to 4 significant digits (the inputs are not more precise than that)."""
    return format(Context(prec=4).create_decimal(d).normalize(), "f")


def _count(tps: Decimal) -> str:
    return f"{tps:,.0f}" if tps >= 100 else f"{tps:.3g}"


def derive_tokens_per_second(
    sh: SelfHosted,
    *,
    input_tokens: FloatArray,
    output_tokens: FloatArray,
    latency_ms: FloatArray,
) -> Decimal | None:
    """The deployment's throughput from the eval: concurrency × Σ tokens ÷ Σ seconds.

    A ratio of sums over the samples that have both tokens and a positive
    latency, so a request's cost is proportional to its share of GPU time:
    mean cost per request = $/s × mean latency ÷ concurrency. None when no
    sample has both.
    """
    counted = output_tokens if sh.throughput_of == "output" else input_tokens + output_tokens
    ok = ~np.isnan(counted) & ~np.isnan(latency_ms) & (latency_ms > 0)
    seconds = float(latency_ms[ok].sum()) / 1000.0
    tokens = float(counted[ok].sum())
    if seconds <= 0 or tokens <= 0:
        return None
    return _canon(Decimal(repr(sh.concurrency * tokens / seconds)))
