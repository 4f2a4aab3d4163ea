"""Sanity checks a new price sheet passes before it becomes a snapshot (pull and import alike).

Why this module exists: a broken or surprising sheet must not silently become
``latest`` and re-price every decision. A pulled or imported sheet is
compared with the newest *readable* snapshot (see
``history.newest_readable``): a near-empty result, or one that lost the rates
of models that had them, is refused outright; a single rate that moved
tenfold, or a whole sheet whose typical rate moved (the median ratio over the
models both sheets price: a unit or currency slip), is *suspicious* and
needs ``--accept-suspicious``. A sheet dated in the future is refused: it
would become the default before its prices are in force.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from advisor.errors import InputError
from advisor.prices import history
from advisor.prices.sheet import PriceSheet

MIN_MODELS = 10  # fewer than this from a whole source is "near-empty"
MAX_MOVE = 10  # a rate moving by this factor or more is suspicious
#: The median rate ratio over shared models beyond which the whole sheet moved (real pulls: exactly 1.0).
MAX_SHEET_MOVE = 1.5
#: Fewer shared rates than this and a median says little.
MIN_SHARED_RATES = 5
#: Against the bundled sheet, up to 1 model in this many may drop its price or move tenfold (corrections).
CHURN_SHARE = 50


@dataclass(frozen=True)
class Verdict:
    """Moves that need ``--accept-suspicious`` (empty: none), and what the user should know anyway."""

    suspicious: tuple[str, ...]
    notes: tuple[str, ...]


def check_date(as_of: dt.date, where: str, today: dt.date | None = None) -> None:
    """Refuse prices dated after today (a day's grace for time zones)."""
    now = today or history.today()
    if as_of > now + dt.timedelta(days=1):
        raise InputError(
            where,
            f"prices dated {as_of.isoformat()}, after today ({now.isoformat()}): a snapshot is dated the day its "
            "prices were in force, so it cannot become 'latest' early; not saved",
        )


def _ratios(previous: PriceSheet, new: PriceSheet) -> list[float]:
    """new/old for the input and output rates of every model both sheets price above zero."""
    old = {m.id: m for m in previous.models}
    return [
        float(getattr(n, f) / getattr(old[i], f))
        for i, n in history.pairs(previous, new).items()
        for f in ("input_per_mtok", "output_per_mtok")
        if getattr(old[i], f) and getattr(n, f)
    ]


def moves(previous: PriceSheet, new: PriceSheet) -> list[str]:
    """Suspicious moves: the whole sheet's median ratio first, then each rate that moved tenfold or more."""
    out: list[str] = []
    ratios = _ratios(previous, new)
    if len(ratios) >= MIN_SHARED_RATES:
        median = statistics.median(ratios)
        if not 1 / MAX_SHEET_MOVE <= median <= MAX_SHEET_MOVE:
            out.append(
                f"the whole sheet moved: the median input/output rate is ×{median:.3g} the previous one over "
                f"{len(ratios)} shared rates (a unit or currency change?)"
            )
    for r in history.diff(previous, new).repriced:
        for c in r.changes:
            if c.old is None or c.new is None:
                continue
            if (c.old == 0) != (c.new == 0) or (c.old and c.new and max(c.new / c.old, c.old / c.new) >= MAX_MOVE):
                out.append(f"{r.id} {c.field} {c.old} → {c.new}")
    return out


def check(
    new: PriceSheet,
    base: history.Base,
    *,
    where: str,
    bad_rates: Sequence[str] = (),
    keep: Collection[str] | None = None,
    whole_source: bool = True,
    missing_rates: Collection[str] = (),
) -> Verdict:
    """Refuse a broken sheet (InputError); return what needs ``--accept-suspicious`` and notes.

    ``whole_source``: the sheet claims to be a whole public source (a pull without ``keep``), so a
    near-empty or halved result is an error; an import of a small hand-made file is not.
    """
    notes = tuple(
        f"could not read {line}; compared with the newest readable snapshot instead" for line in base.unreadable
    )
    count = len(new.models)
    floor = MIN_MODELS if whole_source and keep is None else 1
    if count < floor:
        raise InputError(where, f"only {count} priced models: empty or near-empty result, not saved")
    previous = base.sheet
    if previous is None:
        return Verdict((), notes + ("no readable earlier snapshot to compare with; rates not checked for moves",))
    if whole_source and keep is None and count < len(previous.models) // 2:
        raise InputError(
            where,
            f"only {count} priced models against {len(previous.models)} in the previous snapshot "
            "(renamed or missing fields?); not saved",
        )
    prev_ids = {m.id for m in previous.models} | {a for m in previous.models for a in m.aliases}
    broken = [k for k in bad_rates if k in prev_ids]
    # The bundled sheet as the base prices thousands of models and may be months old: a few prices dropped
    # or moved tenfold since are corrections (notes); only a systematic share (a broken feed) stops the save.
    bundled_base = base.path is not None and base.path.parent != history.snapshots_dir()
    churn = len(previous.models) // CHURN_SHARE
    dropped_only = all(k in missing_rates for k in broken)
    if broken and not (bundled_base and dropped_only and len(broken) <= churn):
        more = f" and {len(broken) - 5} more" if len(broken) > 5 else ""
        raise InputError(
            where,
            f"missing or invalid rates for models that had them: {', '.join(broken[:5])}{more}; not saved",
        )
    if broken:
        notes += (f"{len(broken)} models the bundled sheet priced have no per-token price now: {_few(broken)}",)
    found = moves(previous, new)
    single = [f for f in found if not f.startswith("the whole sheet moved")]
    if bundled_base and single and len({f.split(" ", 1)[0] for f in single}) <= churn:
        notes += (f"{len(single)} rates moved tenfold or more since the bundled sheet: {_few(single)}",)
        found = [f for f in found if f not in single]
    return Verdict(tuple(found), notes)


def _few(items: Sequence[str]) -> str:
    return "; ".join(items[:3]) + (f" (and {len(items) - 3} more)" if len(items) > 3 else "")


def refuse_suspicious(verdict: Verdict, where: str) -> None:
    """The one-line refusal of a sheet with suspicious moves."""
    flagged = verdict.suspicious
    more = f" (and {len(flagged) - 3} more)" if len(flagged) > 3 else ""
    raise InputError(
        where,
        f"{len(flagged)} suspicious price moves: {'; '.join(flagged[:3])}{more}; "
        "not saved (re-run with --accept-suspicious to keep it)",
    )
