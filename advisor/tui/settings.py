"""User settings for the TUI: theme, key remapping, timings, export folder.

Why it exists: users remap keys that clash with their terminal or multiplexer
and pick a theme that suits a light or dark terminal. Settings live in
``tui.toml`` in the per-OS config folder (``platformdirs``), or in the folder
named by ``ADVISOR_CONFIG_DIR`` (tests point that at a temporary folder).
A bad settings file never stops the app: the defaults are used and the
problem is reported in a toast.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from platformdirs import user_config_path, user_log_path
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.errors import InputError
from advisor.files.reading import TEXT_LIMIT, read_regular

CONFIG_ENV = "ADVISOR_CONFIG_DIR"
SETTINGS_FILE = "tui.toml"


class Settings(BaseModel):
    """What ``tui.toml`` may contain. Every field is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    theme: str = "textual-dark"
    """A Textual theme name, e.g. ``textual-light``, ``nord``, ``ansi-dark``."""

    keymap: dict[str, str] = Field(default_factory=dict)
    """Binding id → keys, e.g. ``{"export-memo" = "ctrl+e"}``; see the help screen (?) for ids."""

    weight_step: float = Field(default=0.5, gt=0, le=5)
    """How far one ←/→ press moves a raw weight."""

    weight_max: float = Field(default=10.0, gt=0, le=1000)
    """The raw weight at the right end of a weight bar."""

    debounce_ms: int = Field(default=40, ge=0, le=2000)
    """Weight changes arriving within this many milliseconds re-rank once."""

    bootstrap_resamples: int = Field(default=1000, ge=50, le=100_000)
    """Resamples for P(best) and rank intervals (run in the background)."""

    export_dir: Path | None = None
    """Where exported memos go; default: the workspace folder."""

    memo_format: Literal["md", "html"] = "md"
    """What the memo key (e) writes: Markdown, or HTML with inline charts (both are in the palette)."""


def config_dir() -> Path:
    """The folder settings and user profiles are read from."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return user_config_path("advisor", appauthor=False)


def log_file() -> Path:
    """Where the TUI logs what a widget could not show (made on first use, not before)."""
    return user_log_path("advisor", appauthor=False) / "tui.log"


def user_profiles_dir() -> Path:
    return config_dir() / "profiles"


def load_settings() -> tuple[Settings, str | None]:
    """The settings, and a one-line problem when the file was unreadable (defaults used)."""
    path = config_dir() / SETTINGS_FILE
    if not path.exists():
        return Settings(), None
    try:
        data = tomllib.loads(read_regular(path, limit=TEXT_LIMIT).decode("utf-8"))
        return Settings.model_validate(data), None
    except InputError as exc:
        return Settings(), exc.line()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        return Settings(), f"{path}: {exc}"
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return Settings(), f"{path} [{where}]: {first['msg']}"
