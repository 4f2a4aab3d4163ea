"""Hostile and unlucky input outside the pull: memo snapshots, memo targets, seeds, regexes, secrets.

Each case that used to give a traceback, a wrong exit code or a silent answer
is one line and exit code 2 here (or the right answer, for the regex engine).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from advisor.cli import main
from advisor.decision.decide import decide, load_inputs
from advisor.errors import InputError
from advisor.ingest.rules import apply_rules
from advisor.inputs.workspace import FailureRule, load_workspace
from advisor.memo import write_memo
from advisor.records.samples import build
from advisor.text.redact import redact_text, redact_url
from tests.memo_helpers import MEMO_WS, TODAY, edit_snapshot

SHEET = str(MEMO_WS / "prices-2025-11-26.toml")


@pytest.fixture
def memo(tmp_path: Path) -> Path:
    inputs = load_inputs(MEMO_WS)
    return write_memo(decide(inputs), inputs, tmp_path / "memo.md", today=TODAY)


def revisit_error(memo: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["revisit", str(memo), "--prices", SHEET]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


# ----------------------------------------------------------------------------- the memo snapshot


def test_an_edited_pick_is_bad_input_not_a_changed_decision(memo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["revisit", str(memo), "--prices", SHEET]) == 0
    capsys.readouterr()
    edit_snapshot(memo, lambda d: d.update(pick="ghost/model"), resign=False)
    assert "changed after advisor wrote it" in revisit_error(memo, capsys)
    edit_snapshot(memo, lambda d: d.update(pick="ghost/model"))  # a forger who recomputes the digest
    assert "the pick 'ghost/model' is not one of the snapshot's models" in revisit_error(memo, capsys)


def test_the_pick_must_be_ranked_first(memo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(re.search(r"```json\n(.*?)\n```", memo.read_text(), re.S).group(1))  # type: ignore[union-attr]
    second = next(name for name, m in data["models"].items() if m["rank"] == 2)
    edit_snapshot(memo, lambda d: d.update(pick=second))
    assert "is not ranked first" in revisit_error(memo, capsys)


def test_a_second_snapshot_is_refused(memo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = memo.read_text()
    block = text[text.index("<!-- advisor-snapshot") :]
    memo.write_text(text + "\n" + block)
    assert "the memo holds 2 snapshots" in revisit_error(memo, capsys)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: next(iter(d["models"].values())).update(cost_per_task_usd=-0.5), "cost_per_task_usd"),
        (lambda d: next(iter(d["models"].values())).update(score=1.5), "score"),
        (lambda d: next(iter(d["models"].values())).update(n_samples=-3), "n_samples"),
        (lambda d: d["workspace"].update(tasks_per_month=-1), "workspace.tasks_per_month"),
        (lambda d: d["prices"].update(sha256="not-a-hash"), "prices.sha256"),
        (lambda d: d["weights"].update(cost=7.0), "weights.cost"),
    ],
)
def test_impossible_values_are_refused(
    memo: Path, capsys: pytest.CaptureFixture[str], change: object, where: str
) -> None:
    edit_snapshot(memo, change)  # type: ignore[arg-type]
    line = revisit_error(memo, capsys)
    assert "does not parse at" in line and where in line


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(memo: Path, capsys: pytest.CaptureFixture[str], constant: str) -> None:
    text = memo.read_text()
    memo.write_text(re.sub(r'"score": [0-9.e-]+', f'"score": {constant}', text, count=1))
    assert f"{constant} is not a number a snapshot may hold" in revisit_error(memo, capsys)


def test_a_deeply_nested_snapshot_is_one_line(memo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = memo.read_text()
    memo.write_text(text.replace('"warnings": [', '"warnings": ' + "[" * 100_000 + "]" * 100_000 + ", [", 1))
    assert "nested too deeply" in revisit_error(memo, capsys)


def test_an_old_memo_without_a_digest(memo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit_snapshot(memo, lambda d: d.pop("digest"), resign=False)
    assert "has no digest" in revisit_error(memo, capsys)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_memo_that_is_a_pipe_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "memo.md"
    os.mkfifo(fifo)
    assert "not a regular file" in revisit_error(fifo, capsys)


# ----------------------------------------------------------------------------- memo -o and other flags


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "-o: needs a file name"),
        ("folder", "is a folder; give a file name"),
        ("file.txt/x.md", "file.txt is a file, not a folder, so it cannot hold x.md"),
        ("m" * 300 + ".md", "cannot write: File name too long"),
        ("exists.md", "already exists; use --force"),
    ],
)
def test_memo_targets_say_exactly_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], target: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "exists.md").write_text("mine")
    before = sorted(os.listdir(tmp_path))
    assert main(["memo", str(MEMO_WS), "-o", target]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert sorted(os.listdir(tmp_path)) == before and (tmp_path / "exists.md").read_text() == "mine"


def test_a_negative_seed_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", str(MEMO_WS), "--seed", "-1"]) == 2
    assert capsys.readouterr().err.strip() == "advisor: error: --seed: must be 0 or more, not -1"


# ----------------------------------------------------------------------------- failure rules on RE2


def _table(responses: list[str], outcomes: list[str]):  # type: ignore[no-untyped-def]
    n = len(responses)
    return build(
        model=["m"] * n,
        task=["t"] * n,
        sample_id=[str(i) for i in range(n)],
        score=np.array([1.0 if o == "ok" else 0.0 for o in outcomes]),
        source="test",
        outcome=outcomes,
        texts={"response": list(responses)},
    )


def test_a_catastrophic_pattern_gives_the_right_answer() -> None:
    """``(a+)+$`` backtracks for minutes in Python's re on these; RE2 answers (timing: bench_failure_rules)."""
    responses = ["a" * 5000 + "b", "a" * 5000, "b" + "a" * 40]
    rules = [FailureRule(pattern="(a+)+$", kind="malformed")]
    table, hits = apply_rules(_table(responses, ["wrong"] * 3), rules)
    assert hits[0].hits == 2
    assert [int(x) for x in table.outcome] == [1, 3, 3]  # wrong stays wrong; the two that end in a: malformed


def test_rules_agree_with_pythons_re_where_both_apply() -> None:
    """First matching rule in order, case folding, also_passing: checked against a plain re loop."""
    rng = np.random.default_rng(3)
    words = ["I can't help", "i CANNOT help", "Rate-limit hit", "ratelimit", "{'x'", "fine", "Unsafe: bomb"]
    responses = [" ".join(rng.choice(words, 3)) for _ in range(400)]
    outcomes = list(rng.choice(["ok", "wrong", "error"], 400))
    rules = [
        FailureRule(pattern=r"can(no|')t help", kind="refusal"),
        FailureRule(pattern=r"rate.?limit", kind="error", ignore_case=False),
        FailureRule(pattern=r"unsafe", kind="unsafe", also_passing=True),
        FailureRule(pattern=r"^\{", kind="malformed"),
    ]
    _, hits = apply_rules(_table(responses, outcomes), rules)
    expected = [0] * len(rules)
    for text, outcome in zip(responses, outcomes, strict=True):
        for i, rule in enumerate(rules):
            if outcome == "ok" and not rule.also_passing:
                continue
            if re.search(rule.pattern, text, re.IGNORECASE if rule.ignore_case else 0):
                expected[i] += 1
                break
    assert [h.hits for h in hits] == expected and sum(expected) > 100


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?=x)y", r"(?<!no )help"])
def test_backtracking_only_patterns_are_refused_with_the_line(tmp_path: Path, pattern: str) -> None:
    (tmp_path / "advisor.toml").write_text(
        f'name = "w"\nresults = ["*.jsonl"]\n\n[[failure_rules]]\npattern = {json.dumps(pattern)}\nkind = "refusal"\n'
    )
    with pytest.raises(InputError) as err:
        load_workspace(tmp_path)
    assert "advisor.toml:5 [failure_rules.0.pattern]" in err.value.line()
    assert "RE2 syntax: no backreferences or lookaround" in err.value.line()


# ----------------------------------------------------------------------------- secrets


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://u:PW@host/x.json?api_key=K", "http://***@host/x.json?api_key=***"),
        ("https://host/p?a=1&token=T&X-Amz-Signature=S#access_token=A", "https://host/p?a=1&token=***&X-Amz-Signature=***#access_token=***"),
        ("https://host/p?key=&v=2", "https://host/p?key=&v=2"),
        ("https://host/a@b/c?model=gpt-4o", "https://host/a@b/c?model=gpt-4o"),
        ("https://user@host:8443/x", "https://***@host:8443/x"),
        ("litellm", "litellm"),
    ],
)  # fmt: skip
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_redact_text_finds_every_url_and_keeps_punctuation() -> None:
    text = "GET http://a:b@h/x?sig=1, then https://h2/y?password=p: failed."
    assert redact_text(text) == "GET http://***@h/x?sig=***, then https://h2/y?password=***: failed."
