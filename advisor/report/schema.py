"""A decision as JSON: the stable, documented schema of ``advisor rank --format json``.

The schema is documented in docs/json.md; its ``schema`` field changes only
when a field is removed or changes meaning.
"""

from __future__ import annotations

from typing import Any

from advisor.decision.decide import Inputs
from advisor.decision.explain import criteria_notes, verdict
from advisor.decision.result import Accuracy, Decision, ModelResult
from advisor.report.overfit import split_json
from advisor.report.uncertainty import comparisons_json, model_fields, uncertainty_json

SCHEMA = "advisor.rank/2"


def _acc(a: Accuracy | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"mean": a.mean, "ci_low": a.ci_low, "ci_high": a.ci_high, "se": a.se, "n": a.n}


def model_json(m: ModelResult, decision: Decision | None = None) -> dict[str, Any]:
    return {
        "model": m.model,
        "rank": m.rank,
        "score": m.score,
        "breakdown": m.breakdown,
        "utilities": m.utilities,
        "accuracy": _acc(m.accuracy),
        "task_accuracy": {t: _acc(a) for t, a in m.task_accuracy.items()},
        "cost_per_task_usd": m.cost_per_task_usd,
        "cost_split_usd": m.cost_split,
        "cost_per_success_usd": m.cost_per_success_usd,
        "monthly_cost_usd": m.monthly_cost_usd,
        "latency_ms": m.latency_ms,
        "gracefulness": m.gracefulness,
        "failures": m.failures,
        "unsafe_rate": m.unsafe_rate,
        "pareto": m.pareto,
        "excluded": m.excluded,
        "not_clearly_behind": m.not_clearly_behind,
        "accuracy_vs_pick": m.accuracy_vs_pick,
        "priced_as": m.priced_as,
        "price_match": m.price_match,
        "cost_source": m.cost_source,
        "cost_model": m.cost_model,
        "evidence": m.evidence,
        **model_fields(decision.uncertainty if decision else None, m.model),
    }


def decision_json(decision: Decision, inputs: Inputs) -> dict[str, Any]:
    ws = inputs.workspace
    p = decision.profile
    edits = decision.edits
    return {
        "schema": SCHEMA,
        "workspace": {"name": ws.name, "path": str(ws.root)},
        "profile": {
            "name": p.name,
            "latency_metric": p.latency.metric,
            "constraints": p.constraints.model_dump(),
            "severity": p.severity.model_dump(),
            "custom_weights": edits is not None and edits.weights is not None,
            "profile_weights": edits.weights if edits is not None else None,
            "changed_constraints": {
                name: {"profile": before, "in_force": now} for name, before, now in (edits.constraints if edits else ())
            },
        },
        "weights": decision.weights,
        "task_weights": decision.task_weights,
        "utility_curves": {
            c: {"best": a.best, "worst": a.worst, "scale": a.scale, "from_data": a.from_data, "shift": a.shift}
            for c, a in decision.anchors.items()
        },
        "prices": {
            "as_of": inputs.sheet.as_of.isoformat(),
            "source": inputs.sheet.source,
            "path": str(inputs.sheet_path),
        },
        "tasks_per_month": decision.tasks_per_month,
        "pick": decision.pick.model if decision.pick else None,
        "verdict": verdict(decision),
        "warnings": list(decision.warnings),
        "dropped_criteria": dict(decision.dropped),
        "excluded_for_lacking": {c: list(models) for c, models in decision.lacking.items()},
        "notes": criteria_notes(decision),
        "aggregated_models": decision.aggregated,
        "models": [model_json(m, decision) for m in decision.models],
        "accuracy_comparisons": comparisons_json(decision),
        **uncertainty_json(decision.uncertainty),
        "split": split_json(decision.overfit),
    }
