"""What the memo and the table say: custom weights, the profile's rationale, McNemar's scope, grammar, flags."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from advisor.cli import main
from advisor.decision.decide import Inputs, decide, load_inputs
from advisor.decision.explain import reason_phrase
from advisor.decision.result import Decision
from advisor.decision.uncertainty import uncertainty
from advisor.files import bundled
from advisor.memo import render_markdown
from advisor.report.flags import MEANING, legend
from advisor.report.table import markdown
from advisor.report.uncertainty import lines

RATIONALE = "accuracy matters most"


@pytest.fixture(scope="module")
def demo() -> tuple[Inputs, Decision]:
    inputs = load_inputs(bundled.demo_workspace())
    d = decide(inputs)
    return inputs, replace(d, uncertainty=uncertainty(inputs.evidence, d, resamples=200, seed=0))


def section(memo: str, n: int) -> str:
    return memo.split(f"## {n}. ", 1)[1].split("\n## ", 1)[0]


def test_memo_under_the_profile_quotes_its_rationale(demo: tuple[Inputs, Decision]) -> None:
    inputs, d = demo
    memo = render_markdown(d, inputs)
    assert "under the balanced profile" in section(memo, 1)
    assert RATIONALE in section(memo, 2) and "custom" not in memo.lower().split("## 9.")[0]


def test_memo_with_changed_weights_says_so_and_lists_them(demo: tuple[Inputs, Decision]) -> None:
    inputs, _ = demo
    d = decide(inputs, profile=inputs.profile.with_weights(cost=10))
    memo = render_markdown(d, inputs)
    assert "custom weights, starting from the balanced profile" in section(memo, 1)
    assert "under the balanced profile" not in memo
    what = section(memo, 2)
    assert RATIONALE not in what  # the profile's rationale argues for its own weights, not these
    # the weights in force and the profile's own, side by side, each column adding up to 100%
    rows = re.findall(r"^\| (\w+) \| (\d+)% \| (\d+)% \|", what, flags=re.M)
    assert [r[0] for r in rows] == ["accuracy", "cost", "latency", "gracefulness"]
    assert sum(int(r[1]) for r in rows) == 100 and sum(int(r[2]) for r in rows) == 100
    assert dict((r[0], int(r[2])) for r in rows) == {"accuracy": 40, "cost": 25, "latency": 15, "gracefulness": 20}
    assert int(rows[1][1]) == round(100 * 10 / 17.5)  # cost 10 of 4 + 10 + 1.5 + 2
    assert memo.splitlines()[2].count("**custom weights** from profile balanced") == 1


def test_memo_with_a_lifted_constraint_names_it(demo: tuple[Inputs, Decision]) -> None:
    inputs, _ = demo
    d = decide(inputs, profile=inputs.profile.with_constraints(max_latency_ms=None))
    memo = render_markdown(d, inputs)
    assert "the balanced profile with changed constraints" in section(memo, 1)
    assert "Constraint max_latency_ms: lifted (the profile's: 15000)." in section(memo, 2)
    assert RATIONALE not in section(memo, 2)


def test_cli_memo_weights_flag(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert main(["memo", "--weights", "cost=10", "--date", "2026-01-01"]) == 0
    out = capsys.readouterr().out.split("## 9. Snapshot")[0]  # the snapshot keeps the profile as written
    assert "custom weights, starting from the balanced profile" in out and RATIONALE not in out


def test_mcnemar_p_says_which_tasks_it_covers(demo: tuple[Inputs, Decision]) -> None:
    inputs, d = demo
    text = "\n".join(lines(d))
    covered = re.findall(r"McNemar p [=<] [\d.]+ on the pass/fail items", text)
    assert len(covered) == text.count("McNemar p") > 0
    memo = render_markdown(d, inputs)
    assert "The McNemar column covers only the pass/fail tasks (json-extraction, support-triage); " in memo
    assert "sql-generation, summarisation have partial credit and are left out of it." in memo
    assert "| McNemar p (pass/fail tasks) |" in memo


def test_reasons_read_as_english(demo: tuple[Inputs, Decision]) -> None:
    inputs, d = demo
    memo = render_markdown(d, inputs)
    everything = memo + "\n".join(lines(d)) + markdown(d, inputs)
    assert "is fails" not in everything and not re.search(r"-0\.0+(?![\d])", everything)
    pick, runner = d.models[0], d.models[1]
    phrase = reason_phrase(pick, runner)
    assert phrase == f"is 1.6× cheaper than {runner.model}, and more graceful when it fails"


def test_legend_explains_only_the_flags_that_appear(demo: tuple[Inputs, Decision]) -> None:
    inputs, d = demo
    text = legend(d) or ""
    assert "Pareto:" in text and "~#1:" in text
    assert "aggregates" not in text and "tied #1" not in text and "dominated" not in text
    assert "aggregates:" not in markdown(d, inputs) and "aggregates:" not in render_markdown(d, inputs)
    assert set(MEANING) == {"Pareto", "dominated", "tied #1", "~#1", "aggregates"}


def test_excluded_models_show_no_score(demo: tuple[Inputs, Decision]) -> None:
    inputs, d = demo
    md = markdown(d, inputs)
    for m in d.models:
        start = f"| {'–' if m.excluded else m.rank} | {m.model} |"
        row = next(line for line in md.splitlines() if line.startswith(start))
        score = row.split(" | ")[2]
        assert (score == "–") == bool(m.excluded)
