"""Simulated evals for the split tests and bench: items of varied difficulty, models of varied skill.

A model "tuned to dev" answers some dev items right that it would have got
wrong (``lift``: the chance a wrong dev answer turns right); on the holdout it
is its plain self. Items go to the holdout at random (as the keyed hash does).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from advisor.statistics.split_gap import PartTask

SKILLS = (1.6, 1.2, 1.0, 0.6)


def scores(rng: np.random.Generator, n_items: int, skills: tuple[float, ...] = SKILLS) -> tuple[np.ndarray, np.ndarray]:
    """0/1 scores (models × items) from a logistic model of skill − difficulty, and the difficulties."""
    difficulty = rng.normal(0.0, 1.3, n_items)
    p = 1.0 / (1.0 + np.exp(-(np.asarray(skills)[:, None] - difficulty[None, :])))
    return (rng.random(p.shape) < p).astype(np.float64), difficulty


def tasks(
    rng: np.random.Generator,
    *,
    n_tasks: int = 3,
    n_items: int = 300,
    share: float = 0.3,
    lift: dict[int, float] | None = None,
    skills: tuple[float, ...] = SKILLS,
) -> list[PartTask]:
    """Tasks with a random holdout; ``lift[m]``: model m's chance to turn a wrong dev answer right."""
    out = []
    for _ in range(n_tasks):
        x, _ = scores(rng, n_items, skills)
        held = rng.random(n_items) < share
        for m, chance in (lift or {}).items():
            turn = (x[m] == 0) & ~held & (rng.random(n_items) < chance)
            x[m, turn] = 1.0
        out.append(PartTask(x, held, 1.0 / n_tasks))
    return out


def write_workspace(
    root: Path,
    *,
    seed: int = 0,
    n_tasks: int = 3,
    n_items: int = 200,
    lift: dict[int, float] | None = None,
    models: tuple[str, ...] = ("lab/alpha", "lab/beta", "lab/gamma", "lab/delta"),
    skills: tuple[float, ...] = SKILLS,
    inflate_on: set[tuple[str, str]] | None = None,
) -> Path:
    """A workspace of native JSONL results ranked on accuracy alone.

    ``inflate_on``: (task, sample_id) items on which the ``lift`` models are lifted (the dev items
    of a split); without it no model is lifted.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(n_tasks):
        task = f"task-{t}"
        x, _ = scores(rng, n_items, skills)
        for i in range(n_items):
            sid = f"{task}-q{i:04d}"
            for m, name in enumerate(models):
                score = float(x[m, i])
                chance = (lift or {}).get(m, 0.0)
                if inflate_on is not None and (task, sid) in inflate_on and score == 0 and rng.random() < chance:
                    score = 1.0
                rows.append({"model": name, "task": task, "sample_id": sid, "score": score, "latency_ms": 500 + m})
    (root / "results").mkdir(parents=True, exist_ok=True)
    (root / "results" / "samples.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (root / "profile.toml").write_text(
        '# accuracy only: the split tests are about accuracy\nname = "accuracy-only"\n\n'
        "[weights]\naccuracy = 1\n\n[utility.accuracy]\nbest = 1.0\nworst = 0.0\n"
    )
    if not (root / "advisor.toml").exists():
        (root / "advisor.toml").write_text(
            "# A simulated workspace for the split tests.\n"
            'name = "split test"  # kept verbatim\n'
            'results = ["results/*.jsonl"]\n'
            'profile = "profile.toml"\n'
            "tasks_per_month = 1000\n\n"
            "[aliases]  # none needed\n"
        )
    return root
