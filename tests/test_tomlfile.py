"""Errors in the TOML people write name the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.files.tomlfile import key_line
from advisor.inputs.profiles import load_profile_file
from advisor.inputs.workspace import load_workspace
from advisor.prices.sheet import load_sheet

SHEET = """schema_version = 1
as_of = 2026-01-01
source = "test"

[[models]]
id = "a"
input_per_mtok = 1
output_per_mtok = 2

[[models]]
id = "b"
input_per_mtok = 1
output_per_mtok = -2
"""


def test_key_line_follows_tables_and_arrays() -> None:
    assert key_line(SHEET, ("models", 1, "output_per_mtok")) == 13
    assert key_line(SHEET, ("models", 0, "id")) == 6
    assert key_line(SHEET, ("source",)) == 3
    text = '[utility.cost]\nbest = 1\n[utility . latency]\n"best" = 2\n'
    assert key_line(text, ("utility", "latency", "best")) == 4
    assert key_line(text, ("nowhere",)) is None


def test_sheet_error_names_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SHEET)
    with pytest.raises(InputError) as err:
        load_sheet(path)
    assert err.value.line().startswith(f"{path}:13 [models.1.output_per_mtok]: ")


def test_unknown_key_and_syntax_error(tmp_path: Path) -> None:
    ws = tmp_path / "advisor.toml"
    ws.write_text('name = "w"\nresults = ["*.jsonl"]\n\nvolume = 3\n')
    with pytest.raises(InputError) as err:
        load_workspace(tmp_path)
    assert err.value.line() == f"{ws}:4 [volume]: unknown key"
    profile = tmp_path / "p.toml"
    profile.write_text('name = "p"\n[weights\naccuracy = 1\n')
    with pytest.raises(InputError, match="not valid TOML: .*line 2"):
        load_profile_file(profile)
