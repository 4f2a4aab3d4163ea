"""Write native price sheets (TOML) byte for byte reproducibly, and atomically.

Readers of public sources, ``prices pull``, ``prices import`` and the bundled
sheet script all end by writing a native sheet. They share this writer so that
the same sheet always gives the same bytes (a diffable, testable file) and so
that no reader ever sees a half-written sheet (writes go through ``advisor.files.atomic``).
"""

from __future__ import annotations

import json
from decimal import Decimal

from advisor.prices.sheet import CAPABILITIES, ModelPrice, PriceSheet, Tier

_RATE_FIELDS = ("input_per_mtok", "output_per_mtok", "cached_input_per_mtok", "cache_write_per_mtok")
_LIMIT_FIELDS = ("max_input_tokens", "max_output_tokens")


def fmt_decimal(value: Decimal) -> str:
    """A Decimal as a plain TOML/JSON number: ``2.5``, ``10``, ``0.0625`` (never ``1E+1``)."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", ""} else text


def _str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _rates(obj: ModelPrice | Tier, lines: list[str]) -> None:
    for name in _RATE_FIELDS:
        value: Decimal | None = getattr(obj, name)
        if value is not None:
            lines.append(f"{name} = {fmt_decimal(value)}")


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return fmt_decimal(value)
    if isinstance(value, int):
        return str(value)
    return _str(str(value))


def _entry(m: ModelPrice, lines: list[str]) -> None:
    lines.append(f"id = {_str(m.id)}")
    if m.provider is not None:
        lines.append(f"provider = {_str(m.provider)}")
    if m.aliases:
        lines.append(f"aliases = [{', '.join(_str(a) for a in m.aliases)}]")
    if m.hugging_face_id is not None:
        lines.append(f"hugging_face_id = {_str(m.hugging_face_id)}")
    if m.local:
        lines.append("local = true")
    if m.self_hosted is None:  # a self-hosted model's rates follow from its table below
        _rates(m, lines)
    if m.batch_discount is not None:
        lines.append(f"batch_discount = {fmt_decimal(m.batch_discount)}")
    for name in (*_LIMIT_FIELDS, *(f"supports_{c}" for c in CAPABILITIES)):
        value = getattr(m, name)
        if value is not None:
            lines.append(f"{name} = {_value(value)}")
    if m.self_hosted is not None:
        lines.append("")
        lines.append("[models.self_hosted]")
        for name, value in m.self_hosted.model_dump().items():
            if value is not None:
                lines.append(f"{name} = {_value(value)}")


def dump_sheet(sheet: PriceSheet, *, header: str | None = None) -> str:
    """The sheet as native TOML text. ``header`` becomes leading ``#`` comment lines."""
    lines: list[str] = []
    if header:
        lines.extend(f"# {line}".rstrip() for line in header.splitlines())
        lines.append("")
    lines.append(f"schema_version = {sheet.schema_version}")
    lines.append(f"as_of = {sheet.as_of.isoformat()}")
    lines.append(f"currency = {_str(sheet.currency)}")
    lines.append(f"source = {_str(sheet.source)}")
    for m in sheet.models:
        lines.append("")
        lines.append("[[models]]")
        _entry(m, lines)
        for t in m.tiers:
            lines.append("")
            lines.append("[[models.tiers]]")
            lines.append(f"above_input_tokens = {t.above_input_tokens}")
            _rates(t, lines)
    return "\n".join(lines) + "\n"
