"""``advisor split`` and ``rank --on``: the secret, advisor.toml edits, the rules of a rotation, the ranking part."""

from __future__ import annotations

import json
import stat
import tomllib
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.decision.decide import decide, load_inputs
from advisor.errors import InputError
from advisor.ingest.load import load_workspace_samples
from advisor.inputs.workspace import load_workspace
from advisor.split.assign import split_of
from advisor.split.secret import read_secret, secret_path
from advisor.split.toml_edit import edit_split
from tests import split_sim


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return split_sim.write_workspace(tmp_path / "ws", seed=1, n_items=120)


def _split(ws: Path, *args: str) -> int:
    return main(["split", str(ws), *args])


def _rank_json(ws: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main(["rank", str(ws), "--format", "json", "--resamples", "0", *args]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_first_split_makes_a_private_secret_and_appends_a_table(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (ws / "advisor.toml").read_text()
    assert _split(ws, "--holdout", "0.3", "--rotation", "2026-Q4") == 0
    out = capsys.readouterr().out
    path = secret_path(ws)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert (path.parent / ".gitignore").read_text().strip().endswith("*")
    secret = read_secret(ws)
    assert len(secret) == 32 and secret.hex() not in out
    after = (ws / "advisor.toml").read_text()
    assert after.startswith(before)  # every byte the user wrote is kept; the table is appended
    assert tomllib.loads(after)["split"] == {"holdout": 0.3, "rotation": "2026-Q4"}
    assert "Started rotation 2026-Q4" in out and "task-0" in out
    # running it again changes nothing: same secret, same file
    assert _split(ws) == 0
    assert read_secret(ws) == secret and (ws / "advisor.toml").read_text() == after


TOML = """\
# my workspace
name = "x"   # the name
results = ["results/*.jsonl"]

[split]
# rotate every quarter
holdout = 0.3   # share held out
rotation = "2026-Q4"

# public scores
[benchmarks.mmlu]
"a" = 0.5
"""


def test_edits_keep_every_other_byte() -> None:
    new = edit_split(TOML, {"holdout": 0.2}, "advisor.toml")
    assert new == TOML.replace("holdout = 0.3   # share held out", "holdout = 0.2  # share held out")
    new = edit_split(TOML, {"rotation": "2027-Q1", "retired": ("2026-Q4",)}, "advisor.toml")
    assert new == TOML.replace('rotation = "2026-Q4"\n', 'rotation = "2027-Q1"\nretired = ["2026-Q4"]\n')
    crlf = TOML.replace("\n", "\r\n")
    assert edit_split(crlf, {"holdout": 0.25}, "a") == crlf.replace("holdout = 0.3   #", "holdout = 0.25  #")


def test_a_multiline_value_is_replaced_whole() -> None:
    text = '[split]\nholdout = 0.3\nrotation = "c"\nretired = [\n  "a",  # first\n  "b",\n]\n[other]\nx = 1\n'
    new = edit_split(text, {"retired": ("a", "b", "c")}, "f")
    assert new == '[split]\nholdout = 0.3\nrotation = "c"\nretired = ["a", "b", "c"]\n[other]\nx = 1\n'


def test_split_as_an_inline_table_is_refused_with_its_line() -> None:
    with pytest.raises(InputError) as err:
        edit_split('name = "x"\nsplit = { holdout = 0.3, rotation = "a" }\n', {"holdout": 0.2}, "advisor.toml")
    assert err.value.where == "advisor.toml:2" and "[split] table" in err.value.message


def test_rules_of_a_rotation(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _split(ws, "--rotation", "2026-Q4") == 0
    capsys.readouterr()
    cases = [
        (["--holdout", "0.4"], "--holdout", "would move dev items"),
        (["--rotation", "2027-Q1"], "--rotation", "--rotate 2027-Q1"),
        (["--rotate", "2026-Q4"], "--rotate", "is the current rotation"),
        (["--rotate", "x", "--rotation", "y"], "--rotate", "not both"),
        (["--rotation", "bad label!"], "--rotation", "--rotate"),
    ]
    for args, where, words in cases:
        assert _split(ws, *args) == 2, args
        err = capsys.readouterr().err
        assert err.startswith(f"advisor: error: {where}:") and words in err, err
    assert _split(ws, "--holdout", "0.2") == 0  # shrinking is allowed: holdout items move to dev only
    assert _split(ws, "--rotate", "2027-Q1") == 0
    assert "were dev items of 2026-Q4" in capsys.readouterr().out
    split = load_workspace(ws).config.split
    assert split is not None and split.rotation == "2027-Q1" and split.retired == ("2026-Q4",) and split.holdout == 0.2
    assert _split(ws, "--rotate", "2026-Q4") == 2
    assert "was retired" in capsys.readouterr().err
    assert _split(ws, "--rotate", "bad label!") == 2
    assert "string should match pattern" in capsys.readouterr().err.lower()


def test_no_rotation_before_a_split(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _split(ws, "--rotate", "2027-Q1") == 2
    assert "no split to rotate" in capsys.readouterr().err


def test_a_missing_or_damaged_secret_is_one_line_and_never_replaced_quietly(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _split(ws, "--rotation", "r1") == 0
    path = secret_path(ws)
    good = path.read_text()
    path.write_text(good[:-3] + "zz\n")  # damaged: not hex
    assert main(["rank", str(ws)]) == 2
    err = capsys.readouterr().err
    assert "is not an advisor split secret" in err and good[:20] not in err and "zz" not in err
    path.unlink()
    assert main(["rank", str(ws)]) == 2
    assert "no split secret" in capsys.readouterr().err
    assert _split(ws, "--holdout", "0.2") == 2  # a new secret would deal another split within r1
    assert not path.exists()
    assert _split(ws, "--rotate", "r2") == 0
    assert "a new one was made" in capsys.readouterr().out and path.exists()


def test_rank_on_each_part_uses_only_its_items(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", str(ws), "--on", "holdout"]) == 2
    assert "no [split]" in capsys.readouterr().err
    plain = _rank_json(ws, capsys)
    assert plain["split"] is None
    assert _split(ws, "--rotation", "2026-Q4") == 0
    capsys.readouterr()
    view = split_of(load_workspace_samples(load_workspace(ws)).table, read_secret(ws), _cfg(ws), "holdout")
    for part, index in (("holdout", 1), ("dev", 0)):
        data = _rank_json(ws, capsys, *(["--on", part] if part == "dev" else []))
        assert data["split"]["part"] == part
        assert data["split"]["items"]["ranked"] == sum(c[index] for c in view.counts.values())
        for model in data["models"]:
            for task, acc in model["task_accuracy"].items():
                assert acc["n"] == view.counts[task][index]
    data = _rank_json(ws, capsys, "--on", "all")
    assert data["split"]["items"]["ranked"] == 360
    assert all(m["accuracy"]["n"] == 360 for m in data["models"])
    assert [m["accuracy"]["mean"] for m in data["models"]] == [m["accuracy"]["mean"] for m in plain["models"]]


def _cfg(ws: Path):  # type: ignore[no-untyped-def]
    cfg = load_workspace(ws).config.split
    assert cfg is not None
    return cfg


def test_a_model_inflated_on_dev_is_flagged_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = split_sim.write_workspace(tmp_path / "ws", seed=3, n_items=300)
    assert _split(root, "--rotation", "2026-Q4") == 0
    table = load_workspace_samples(load_workspace(root)).table
    view = split_of(table, read_secret(root), _cfg(root), "holdout")
    dev = {
        (table.tasks[t], table.sample_ids[s])
        for t, s, h in zip(table.task, table.sample, view.row_holdout, strict=True)
        if not h
    }
    split_sim.write_workspace(root, seed=3, n_items=300, lift={2: 0.5}, inflate_on=dev)
    capsys.readouterr()
    data = _rank_json(root, capsys)
    check = data["split"]["overfitting"]
    assert check["flagged"] == ["lab/gamma"]
    gamma = next(m for m in check["models"] if m["model"] == "lab/gamma")
    assert gamma["beyond_others"]["ci_low"] > 0 and gamma["dev_accuracy"] > gamma["holdout_accuracy"]
    assert main(["rank", str(root), "--resamples", "0"]) == 0
    out = capsys.readouterr().out
    assert "lab/gamma looks tuned to the dev items" in out and "Ranked on the holdout of rotation 2026-Q4" in out
    decision = decide(load_inputs(root))
    assert decision.overfit is not None and decision.overfit.flagged == ("lab/gamma",)
    assert decision.overfit.tau is not None and decision.overfit.tau_models == 4


def test_the_secret_never_appears_in_any_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = split_sim.write_workspace(tmp_path / "ws", seed=5, n_items=80)
    assert _split(root, "--rotation", "2026-Q4", "--format", "json") == 0
    secret = read_secret(root)
    forms = [secret.hex(), secret.hex().upper(), secret.hex()[:16]]
    texts = [capsys.readouterr().out]
    for fmt in ("table", "json", "md"):
        assert main(["rank", str(root), "--format", fmt, "--resamples", "50"]) == 0
        texts.append(capsys.readouterr().out)
    for suffix in ("md", "html"):
        memo = tmp_path / f"memo.{suffix}"
        assert main(["memo", str(root), "-o", str(memo)]) == 0
        texts.append(memo.read_text())
    assert _split(root, "--export", str(tmp_path / "lists")) == 0
    texts.append(capsys.readouterr().out)
    texts += [p.read_text() for p in (tmp_path / "lists").rglob("*") if p.is_file()]
    assert main(["revisit", str(tmp_path / "memo.md"), "--prices", "bundled", "--workspace", str(root)]) in (0, 3, 4)
    texts.append(capsys.readouterr().out)
    secret_path(root).write_text(secret.hex()[:-1] + "\n")  # damaged: the error must not echo it
    assert main(["rank", str(root)]) == 2
    texts.append(capsys.readouterr().err)
    assert len(texts) > 10
    for text in texts:
        for form in forms:
            assert form not in text


def test_a_secret_others_can_read_is_pointed_out(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _split(ws, "--rotation", "r1") == 0
    assert "can be read by others" not in capsys.readouterr().out
    secret_path(ws).chmod(0o644)
    assert _split(ws) == 0
    out = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    assert "can be read by others (mode 0644)" in out and "chmod 600" in out


def test_split_without_a_workspace_here_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["split"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "advisor.toml" in err
