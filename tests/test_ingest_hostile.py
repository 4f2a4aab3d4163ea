"""Bad and hostile input, generated from the real fixtures: always one InputError, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.errors import InputError, InputErrors
from advisor.ingest import common, detect
from advisor.ingest.load import load_paths

DATA = Path(__file__).parent / "data"
EVAL = DATA / "inspect_ai" / "UKGovernmentBEIS__inspect_ai" / "log_read_sample.eval"
PF = DATA / "promptfoo" / "krystianbergmann__prompt-eval-workbench@2eb71c16" / "promptfoo-results.json"


def real_files(folder: Path, pattern: str) -> list[Path]:
    """The public real files (tests/data/SOURCES.md); the tool-made generated-* ones have their own tests."""
    return sorted(p for p in folder.glob(pattern) if not p.parent.name.startswith("generated-"))


def units() -> list[tuple[str, Path, str]]:
    """(id, what to copy, the file inside it to damage) for every real fixture (tool-made ones: one of each)."""
    out: list[tuple[str, Path, str]] = []
    for tool in ("promptfoo", "inspect_ai", "openai_evals"):
        for f in real_files(DATA / tool, "*/*"):
            if f.suffix in (".json", ".eval", ".jsonl") and "no-samples" not in f.name and "llm_scoring" not in f.name:
                out.append((f"{tool}/{f.name[:30]}", f, f.name))
    for run in real_files(DATA / "lm_eval", "*/*") + sorted((DATA / "lm_eval" / "evaleval__every_eval_ever").glob("x")):
        if run.is_dir():
            for f in sorted(run.iterdir()):
                out.append((f"lm_eval/{run.name}/{f.name[:20]}", run, f.name))
    eee = DATA / "lm_eval" / "evaleval__every_eval_ever"
    for f in sorted(eee.iterdir()):
        out.append((f"lm_eval/eee/{f.name[:20]}", eee, f.name))
    for run in sorted((DATA / "helm" / "evaleval__every_eval_ever").iterdir()):
        for name in ("run_spec.json", "per_instance_stats.json", "scenario_state.json"):
            out.append((f"helm/{run.name[:12]}/{name}", run, name))
    return out


UNITS = units()


def copy(unit: Path, tmp: Path) -> Path:
    dst = tmp / unit.name
    if unit.is_dir():
        shutil.copytree(unit, dst)
    else:
        shutil.copy(unit, dst)
    return dst


def target(copied: Path) -> list[Path]:
    return sorted(copied.iterdir()) if copied.is_dir() and not (copied / "run_spec.json").exists() else [copied]


def damaged(copied: Path, name: str) -> Path:
    return copied / name if copied.is_dir() else copied


def expect_one_error(paths: list[Path], name: str) -> InputError:
    with pytest.raises(InputError) as info:
        load_paths(paths)
    err = info.value
    assert not isinstance(err, InputErrors) or len(err.errors) == 1
    assert name in err.line(), err.line()
    assert "\n" not in err.line()
    return err


@pytest.mark.parametrize(("uid", "unit", "name"), UNITS, ids=[u[0] for u in UNITS])
def test_truncated(tmp_path: Path, uid: str, unit: Path, name: str) -> None:
    copied = copy(unit, tmp_path)
    f = damaged(copied, name)
    data = f.read_bytes()
    cut = data[: len(data) // 2]
    if cut.endswith(b"\n"):
        cut = cut[:-1]
    f.write_bytes(cut)
    expect_one_error(target(copied), name)


@pytest.mark.parametrize(("uid", "unit", "name"), UNITS, ids=[u[0] for u in UNITS])
def test_corrupted(tmp_path: Path, uid: str, unit: Path, name: str) -> None:
    copied = copy(unit, tmp_path)
    f = damaged(copied, name)
    data = bytearray(f.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 48] = b"\xff\x00{[\xfe" * 9 + b"\x00\xff\x00"
    f.write_bytes(bytes(data))
    expect_one_error(target(copied), name)


def test_nothing_written_into_eval_folders(tmp_path: Path) -> None:
    for i, (_, unit, _) in enumerate(UNITS):
        folder = tmp_path / f"u{i}"
        if any(u is unit for _, u, _ in UNITS[:i]):
            continue
        folder.mkdir()
        copy(unit, folder)

    def snapshot() -> dict[str, tuple[int, int]]:
        return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in tmp_path.rglob("*")}

    before = snapshot()
    for folder in tmp_path.iterdir():
        for p in folder.iterdir():
            try:
                load_paths(target(p))
            except InputError:
                pass
    assert snapshot() == before


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_zip_that_is_not_a_log(tmp_path: Path) -> None:
    path = _zip(tmp_path / "photos.eval", {"a.txt": b"hello"})
    err = expect_one_error([path], "photos.eval")
    assert "not an Inspect log" in err.message


def test_zip_bomb_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with zipfile.ZipFile(EVAL) as z:
        header = z.read("header.json")
    bomb = b"[" + b" " * (8 << 20) + b"]"
    path = _zip(tmp_path / "bomb.eval", {"header.json": header, "samples/1_epoch_1.json": bomb})
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(common, "MAX_UNZIPPED_BYTES", 1 << 20)
    err = expect_one_error([path], "samples/1_epoch_1.json")
    assert "refusing" in err.message


def test_zip_bomb_size_lies_are_caught_while_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "MAX_UNZIPPED_BYTES", 1 << 20)
    with zipfile.ZipFile(EVAL) as z:
        header = z.read("header.json")
    path = _zip(tmp_path / "x.eval", {"header.json": header, "samples/1_epoch_1.json": b" " * (3 << 20)})
    sz = common.SafeZip(path)
    sz._infos["samples/1_epoch_1.json"].file_size = 10  # a lying central directory
    with pytest.raises(InputError, match="refusing|CRC"):
        sz.read("samples/1_epoch_1.json")
    assert sz.used <= (1 << 20) + (1 << 20)  # never more than the cap plus one chunk


@pytest.mark.parametrize("member", ["../../etc/passwd.json", "/abs/samples/1_epoch_1.json", "samples/../../x.json"])
def test_member_names_that_climb_out(tmp_path: Path, member: str) -> None:
    src = tmp_path / "src.eval"
    shutil.copy(EVAL, src)
    with zipfile.ZipFile(src, "a") as z:
        z.writestr(member, b"{}")
    err = expect_one_error([src], "src.eval")
    assert "unsafe member name" in err.message and member in err.line()


def test_json_nested_thousands_deep(tmp_path: Path) -> None:
    deep = b'{"evalId": "x", "results": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    path = tmp_path / "deep.json"
    path.write_bytes(deep)
    err = expect_one_error([path], "deep.json")
    assert "not valid JSON" in err.message
    inspect_deep = b'{"version": 2, "eval": {"run_id": "r", "task": "t", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}}"
    p2 = tmp_path / "deep2.json"
    p2.write_bytes(inspect_deep)
    assert detect.importer_for(p2).NAME == "inspect"
    expect_one_error([p2], "deep2.json")
    with zipfile.ZipFile(EVAL) as z:
        header = z.read("header.json")
    p3 = _zip(tmp_path / "deep.eval", {"header.json": header, "samples/1_epoch_1.json": b"[" * 100_000})
    expect_one_error([p3], "samples/1_epoch_1.json")


def test_non_utf8_bytes(tmp_path: Path) -> None:
    data = PF.read_bytes().replace(b"Multiplication", b"Multiplicaci\xf3n")
    path = tmp_path / "latin1.json"
    path.write_bytes(data)
    err = expect_one_error([path], "latin1.json")
    assert "UTF-8" in err.message


WRONG_TYPES: list[tuple[str, Path, Callable[[dict], None]]] = [
    ("promptfoo results not a list", PF, lambda d: d["results"].__setitem__("results", {"a": 1})),
    ("promptfoo provider id int", PF, lambda d: d["results"]["results"][0]["provider"].__setitem__("id", 5)),
    ("promptfoo success string", PF, lambda d: d["results"]["results"][1].__setitem__("success", "yes")),
    ("promptfoo score string", PF, lambda d: d["results"]["results"][1].__setitem__("score", "high")),
    ("promptfoo score > 1", PF, lambda d: d["results"]["results"][1].__setitem__("score", 7)),
    ("promptfoo row a list", PF, lambda d: d["results"]["results"].__setitem__(0, [1, 2])),
]


@pytest.mark.parametrize(("label", "src", "change"), WRONG_TYPES, ids=[w[0] for w in WRONG_TYPES])
def test_wrong_types_json(tmp_path: Path, label: str, src: Path, change: Callable[[dict], None]) -> None:
    doc = json.loads(src.read_text())
    change(doc)
    path = tmp_path / "w.json"
    path.write_text(json.dumps(doc))
    expect_one_error([path], "w.json")


SAMPLE_CHANGES: list[tuple[str, Callable[[dict], None]]] = [
    ("epoch string", lambda s: s.__setitem__("epoch", "one")),
    ("id list", lambda s: s.__setitem__("id", [1])),
    ("score dict", lambda s: s["scores"]["match"].__setitem__("value", {"a": 1})),
    ("score unknown letter", lambda s: s["scores"]["match"].__setitem__("value", "Q")),
    ("sample not an object", lambda s: s.clear()),
]


@pytest.mark.parametrize(("label", "change"), SAMPLE_CHANGES, ids=[c[0] for c in SAMPLE_CHANGES])
def test_wrong_types_inspect_sample(tmp_path: Path, label: str, change: Callable[[dict], None]) -> None:
    path = tmp_path / "w.eval"
    with zipfile.ZipFile(EVAL) as zin, zipfile.ZipFile(path, "w") as zout:
        for n in zin.namelist():
            data = zin.read(n)
            if n.startswith("samples/"):
                obj = json.loads(data)
                change(obj)
                data = json.dumps(obj if obj else []).encode()
            zout.writestr(n, data)
    expect_one_error([path], "samples/1_epoch_1.json")


def test_wrong_types_inspect_header_and_others(tmp_path: Path) -> None:
    path = tmp_path / "h.eval"
    with zipfile.ZipFile(EVAL) as zin, zipfile.ZipFile(path, "w") as zout:
        for n in zin.namelist():
            data = zin.read(n)
            if n == "header.json":
                obj = json.loads(data)
                obj["eval"]["model"] = 123
                data = json.dumps(obj).encode()
            zout.writestr(n, data)
    expect_one_error([path], "eval.model")
    oai = DATA / "openai_evals" / "zeno-ml__zeno-evals" / "us-tort-law-turbo.jsonl"
    lines = oai.read_text().splitlines()
    lines[0] = lines[0].replace('"completion_fns": ["gpt-3.5-turbo"]', '"completion_fns": "gpt-3.5-turbo"', 1)
    p2 = tmp_path / "o.jsonl"
    p2.write_text("\n".join(lines))
    expect_one_error([p2], "completion_fns")
    lines = oai.read_text().splitlines()
    lines[5] = lines[5].replace('"correct": ', '"correct": "maybe", "x": ', 1)
    p3 = tmp_path / "o3.jsonl"
    p3.write_text("\n".join(lines))
    if '"maybe"' in lines[5]:
        expect_one_error([p3], "o3.jsonl:6")


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    path = tmp_path / "x.json"
    shutil.copy(PF, path)
    path.chmod(0)
    expect_one_error([path], "x.json")
