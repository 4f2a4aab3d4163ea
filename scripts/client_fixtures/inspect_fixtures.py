"""Make Inspect AI fixtures with the real inspect-ai, offline (mockllm/model with scripted outputs).

Run by scripts/make_client_fixtures.sh inside a throwaway venv that has inspect-ai installed:
    python inspect_fixtures.py OUT_DIR
Writes .eval logs (Zstandard members, as inspect-ai writes them today), one converted to .json with
``inspect log convert``, and facts.json: per log, facts computed with inspect_ai's own log reader
(read_eval_log, value_to_float), never with advisor's code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from inspect_ai import Task, task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import Sample
from inspect_ai.log import read_eval_log
from inspect_ai.model import ChatMessageUser, ModelOutput, ModelUsage, get_model
from inspect_ai.scorer import Score, Target, mean, scorer, stderr
from inspect_ai.scorer._metric import value_to_float
from inspect_ai.solver import Generate, TaskState, solver

OUT = Path(sys.argv[1]).resolve()
OUT.mkdir(parents=True, exist_ok=True)

# Ten questions; ids contain '/', so Inspect stores them in sub-folders of the zip.
QUESTIONS = [(f"{'alpha' if i < 5 else 'beta'}/{i}", f"word{i} red{i} blue{i}") for i in range(10)]


def dataset() -> list[Sample]:
    return [Sample(id=sid, input=f"Repeat these three words: {target}", target=target) for sid, target in QUESTIONS]


@scorer(metrics=[mean(), stderr()])
def words_matched(unscorable: frozenset[str] = frozenset()):  # type: ignore[no-untyped-def]
    """Partial credit: the share of the target's three words present in the answer (0, 1/3, 2/3, 1).

    Samples in ``unscorable`` score NaN, Inspect's "could not score" (written as a bare ``NaN``).
    """

    async def score(state: TaskState, target: Target) -> Score:
        if str(state.sample_id) in unscorable:
            return Score(value=float("nan"))
        words = target.text.split()
        said = state.output.completion.split()
        got = sum(1 for w in words if w in said)
        return Score(value=got / len(words), answer=state.output.completion)

    return score


@solver
def fail_on(ids: set[str]):  # type: ignore[no-untyped-def]
    """A solver that raises for some samples (a crashed tool or sandbox)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if str(state.sample_id) in ids:
            raise RuntimeError(f"sandbox crashed on {state.sample_id}")
        return await generate(state)

    return solve


@solver
def keep_talking(turns: int):  # type: ignore[no-untyped-def]
    """An agent-like loop: several generate calls per sample (to hit message and token limits)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        for _ in range(turns):
            state = await generate(state)
            state.messages.append(ChatMessageUser(content="Go on."))
        return state

    return solve


@task
def words(errors: str = "", epochs: int = 3) -> Task:
    failing = set(filter(None, errors.split(",")))
    return Task(dataset=dataset(), solver=fail_on(failing), scorer=words_matched(), epochs=epochs)


@task
def unscorable(ids: str = "alpha/1", size: int = 10) -> Task:
    return Task(dataset=dataset()[:size], scorer=words_matched(frozenset(ids.split(","))))


@task
def agent() -> Task:
    return Task(dataset=dataset()[:4], solver=keep_talking(4), scorer=words_matched(), message_limit=6)


def scripted(name: str, known: int, tokens: tuple[int, int], seed: int):  # type: ignore[no-untyped-def]
    """Outputs by prompt: ``known`` of the three words, rotating with the call count (epochs differ)."""
    calls: dict[str, int] = {}

    def output(messages, tools, tool_choice, config) -> ModelOutput:  # type: ignore[no-untyped-def]
        prompt = next(m.text for m in messages if m.role == "user")
        target = prompt.split(": ", 1)[1].split()
        n = calls.get(prompt, 0)
        calls[prompt] = n + 1
        k = (known + n + seed + int(target[0][4:])) % 4
        out = ModelOutput.from_content(model=name, content=" ".join(target[:k]) or "no idea")
        inp, outp = tokens
        inp += len(prompt) // 4 + (400 if target[0] == "word2" else 0)  # one heavy sample: a token limit
        outp += 3 * k
        out.usage = ModelUsage(input_tokens=inp, output_tokens=outp, total_tokens=inp + outp)
        return out

    return output


def broken(messages, tools, tool_choice, config) -> ModelOutput:  # type: ignore[no-untyped-def]
    raise ConnectionError("Connection refused: the endpoint http://127.0.0.1:9/v1 is down")


def run(tasks, model, name: str, **kwargs) -> Path:  # type: ignore[no-untyped-def]
    logs = inspect_eval(tasks, model=model, log_dir=str(OUT / "tmp"), display="none", **kwargs)
    src = Path(logs[0].location)
    dst = OUT / f"{name}{src.suffix}"
    src.replace(dst)
    return dst


def facts(path: Path) -> dict:
    """Per (model, task) facts from inspect_ai's own reader; errors and limits without a score count 0."""
    log = read_eval_log(str(path))
    to_float = value_to_float()
    model = log.eval.model
    rows = []
    for s in log.samples or []:
        scores = s.scores or {}
        score = next(iter(scores.values()), None)
        if s.error is None and score is None and s.limit is None:
            continue
        value = 0.0 if s.error is not None or score is None else to_float(score.value)
        if value != value:  # NaN: could not score; Inspect's reducers drop it
            continue
        usage = (s.model_usage or {}).get(model)
        rows.append(
            {
                "id": str(s.id),
                "epoch": s.epoch,
                "score": value,
                "error": s.error is not None,
                "limit": s.limit.type if s.limit else None,
                "input_tokens": None
                if usage is None
                else usage.input_tokens + (usage.input_tokens_cache_read or 0) + (usage.input_tokens_cache_write or 0),
                "output_tokens": None if usage is None else usage.output_tokens,
                "latency_ms": None if s.working_time is None else s.working_time * 1000,
            }
        )
    n = len(rows)
    present = [r for r in rows if r["input_tokens"] is not None]
    return {
        "file": path.name,
        "status": log.status,
        "error": log.error.message.splitlines()[0] if log.error else None,
        "model": model,
        "task": log.eval.task,
        "rows": n,
        "samples": len({r["id"] for r in rows}),
        "epochs": max((r["epoch"] for r in rows), default=0),
        "mean_score": sum(r["score"] for r in rows) / n if n else None,
        "errors": sum(r["error"] for r in rows),
        "limits": sorted({r["limit"] for r in rows if r["limit"]}),
        "input_tokens": sum(r["input_tokens"] for r in present) if present else None,
        "output_tokens": sum(r["output_tokens"] for r in present) if present else None,
        "latency_ms": sum(r["latency_ms"] for r in rows if r["latency_ms"] is not None),
        "ids_with_slash": any("/" in r["id"] for r in rows),
    }


def main() -> None:
    made = []
    model_a = get_model("mockllm/acme/model-a", custom_outputs=scripted("acme/model-a", 1, (20, 5), 0))
    made.append(run(words(errors="beta/9"), model_a, "words-model-a", fail_on_error=False))
    model_b = get_model("mockllm/acme/model-b", custom_outputs=scripted("acme/model-b", 2, (30, 8), 1))
    made.append(run(words(), model_b, "words-model-b"))
    # A token limit (the 4th turn's usage passes 450) and a message limit (6 messages) in one agentic run.
    model_c = get_model("mockllm/acme/model-a", custom_outputs=scripted("acme/model-a", 3, (100, 20), 0))
    made.append(run(agent(), model_c, "agent-limits", token_limit=450))
    # Every sample errors: with fail_on_error=False the run "succeeds" with no scores; by default it errors.
    dead = get_model("mockllm/acme/model-down", custom_outputs=broken)
    made.append(run(words(epochs=1), dead, "all-errors-continue", fail_on_error=False, retry_on_error=0))
    made.append(run(words(epochs=1), dead, "all-errors-stop", retry_on_error=0))
    # NaN scores (Inspect writes bare NaN into the JSON) and a one-sample run (its stderr is NaN).
    model_c = get_model("mockllm/acme/model-c", custom_outputs=scripted("acme/model-c", 2, (10, 3), 2))
    made.append(run(unscorable(), model_c, "nan-scores"))
    made.append(run(unscorable(ids="", size=1), model_c, "one-sample"))
    # The agentic log also as JSON, converted by Inspect itself.
    inspect_cli = str(Path(sys.executable).parent / "inspect")
    subprocess.run(
        [inspect_cli, "log", "convert", str(made[2]), "--to", "json", "--output-dir", str(OUT / "json")], check=True
    )
    converted = OUT / "json" / made[2].name.replace(".eval", ".json")
    made.append(converted.replace(OUT / "agent-limits.json"))
    (OUT / "json").rmdir()
    (OUT / "tmp").rmdir()
    out = {p.name: facts(p) for p in made}
    (OUT / "facts.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
