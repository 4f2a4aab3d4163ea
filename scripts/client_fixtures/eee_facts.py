"""Facts about every-eval-ever files, parsed with every-eval-ever's own pydantic models.

    python eee_facts.py DIR    (every <uuid>.json under DIR, with its <uuid>_samples.jsonl; writes DIR/facts.json)

Per aggregate file and evaluation result: the score, its standard error and num_samples; with samples,
the result's lines: rows, distinct sample ids, epochs, mean score (error lines, which carry no result id,
count 0 for every result of their evaluation), errors, tokens of single-turn lines, generation time sum.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from every_eval_ever.eval_types import EvaluationLog
from every_eval_ever.instance_level_types import InstanceLevelEvaluationLog


def main() -> None:
    root = Path(sys.argv[1])
    out = {}
    for agg_path in sorted(p for p in root.rglob("*.json") if p.name != "facts.json"):
        log = EvaluationLog.model_validate_json(agg_path.read_text())
        samples_path = agg_path.with_name(agg_path.stem + "_samples.jsonl")
        lines = []
        if samples_path.is_file():
            lines = [
                InstanceLevelEvaluationLog.model_validate_json(x)
                for x in samples_path.read_text().splitlines()
                if x.strip()
            ]
        results = []  # in the file's order
        for r in log.evaluation_results:
            u = r.score_details.uncertainty
            mine = [x for x in lines if x.evaluation_result_id in (r.evaluation_result_id, None)]
            single = [x for x in mine if x.token_usage and (x.evaluation.num_turns or 1) == 1]
            results.append(
                {
                    "id": r.evaluation_result_id,
                    "task": r.source_data.dataset_name
                    if r.source_data and getattr(r.source_data, "dataset_name", None)
                    else r.evaluation_name,
                    "lower_is_better": r.metric_config.lower_is_better,
                    "score": r.score_details.score,
                    "standard_error": u.standard_error.value if u and u.standard_error else None,
                    "num_samples": u.num_samples if u else None,
                    "rows": len(mine),
                    "samples": len({x.sample_id for x in mine}),
                    "epochs": max((int((x.metadata or {}).get("epoch", 1)) for x in mine), default=0),
                    "mean_score": sum(0.0 if x.error else x.evaluation.score for x in mine) / len(mine)
                    if mine
                    else None,
                    "errors": sum(bool(x.error) for x in mine),
                    "input_tokens": sum(x.token_usage.input_tokens for x in single) if single else None,
                    "output_tokens": sum(x.token_usage.output_tokens for x in single) if single else None,
                    "generation_time_ms": sum(x.performance.generation_time_ms or 0 for x in mine if x.performance),
                }
            )
        out[str(agg_path.relative_to(root))] = {
            "model": log.model_info.id,
            "has_samples": bool(lines),
            "results": results,
        }
    (root / "facts.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
