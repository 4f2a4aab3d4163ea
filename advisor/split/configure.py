"""Start, change or rotate a workspace's split: the rules that keep the holdout private.

Why this module exists: every change to the split is a chance to leak tuned-on
items into the holdout, so the rules live in one place:

- the first ``advisor split`` makes the secret (once) and writes ``[split]``;
- within a rotation the share may shrink (holdout items move to dev, and the
  holdout that remains is still unseen) but never grow (dev items, maybe tuned
  on, would join the holdout); another label needs ``--rotate``;
- ``--rotate LABEL`` retires the current rotation (its holdout counts as used
  from then on) and deals anew; a retired label is never dealt again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ValidationError

from advisor.errors import InputError
from advisor.inputs.workspace import SplitConfig, Workspace, load_workspace
from advisor.split.secret import create_secret, read_secret, secret_path
from advisor.split.toml_edit import TomlValue, write_split

DEFAULT_SHARE = 0.3


def quarter_label(day: dt.date) -> str:
    """The default rotation label: the calendar quarter, ``2026-Q4``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class SplitChange:
    workspace: Workspace
    config: SplitConfig
    #: What changed, in words (empty: nothing; the split is shown as it is).
    changes: tuple[str, ...]
    created_secret: bool
    #: The rotation this run retired, if any.
    retired: str | None = None


def _validated(data: dict[str, object], option: str) -> SplitConfig:
    try:
        return SplitConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise InputError(option, f"{key}: {first['msg'].removeprefix('Value error, ')}") from None


def configure(
    ws: Workspace,
    *,
    holdout: float | None = None,
    rotation: str | None = None,
    rotate: str | None = None,
    today: dt.date | None = None,
) -> SplitChange:
    """Apply ``advisor split``'s options to the workspace (advisor.toml and the secret)."""
    if rotation is not None and rotate is not None:
        raise InputError("--rotate", "give --rotation (the first rotation) or --rotate (a new one), not both")
    current = ws.config.split
    day = today or dt.date.today()
    created = False
    changes: list[str] = []
    retired: str | None = None
    if current is None:
        if rotate is not None:
            raise InputError("--rotate", "there is no split to rotate yet; start one with --rotation LABEL")
        new = _validated(
            {"holdout": holdout or DEFAULT_SHARE, "rotation": rotation or quarter_label(day)}, "--rotation"
        )
        values: dict[str, TomlValue | None] = {"holdout": new.holdout, "rotation": new.rotation}
        changes.append(f"started rotation {new.rotation} with {new.holdout:.0%} of the items held out")
    elif rotate is not None:
        if rotate == current.rotation:
            raise InputError("--rotate", f"{rotate!r} is the current rotation; name the new one")
        if rotate in current.retired:
            raise InputError(
                "--rotate",
                f"rotation {rotate!r} was retired: a holdout once exposed cannot be private again; choose a new label",
            )
        retired = current.rotation
        data = current.model_dump()
        data.update(rotation=rotate, retired=(*current.retired, current.rotation))
        if holdout is not None:
            data["holdout"] = holdout
        new = _validated(data, "--rotate")
        values = {"holdout": new.holdout, "rotation": new.rotation, "retired": new.retired}
        changes.append(f"retired rotation {retired} (its holdout is no longer private) and started {new.rotation}")
    else:
        if rotation is not None and rotation != current.rotation:
            raise InputError(
                "--rotation",
                f"the split is on rotation {current.rotation!r}; `--rotate {rotation}` starts a new one "
                f"(and retires {current.rotation!r})",
            )
        new = current
        values = {}
        if holdout is not None and holdout != current.holdout:
            if holdout > current.holdout:
                raise InputError(
                    "--holdout",
                    f"raising the share within rotation {current.rotation} would move dev items (perhaps tuned on) "
                    f"into the holdout; start a new rotation at {holdout:g}: --rotate LABEL --holdout {holdout:g}",
                )
            new = _validated({**current.model_dump(), "holdout": holdout}, "--holdout")
            values = {"holdout": new.holdout}
            changes.append(
                f"held-out share {current.holdout:.0%} → {new.holdout:.0%}: some holdout items move to dev; "
                "none moves the other way"
            )
    if values:
        if not secret_path(ws.root).exists():
            if current is not None and rotate is None:
                read_secret(ws.root)  # within a rotation a new secret would deal a new split: refuse
            if current is not None:
                changes.append(
                    "no secret was found, so a new one was made: the earlier rotations' splits cannot be "
                    "dealt again (keep a backup of .advisor/secret)"
                )
            create_secret(ws.root)
            created = True
        write_split(ws.config_path, values)
        ws = load_workspace(ws.config_path)
        assert ws.config.split is not None
        new = ws.config.split
    return SplitChange(ws, new, tuple(changes), created, retired)
