"""Convert Inspect fixtures with every-eval-ever's own converter (run in the every-eval-ever venv).

    python eee_from_inspect.py INSPECT_LOG OUT_DIR

The converter only knows real providers (it refuses ``mockllm/...``: "Cannot determine model
developer"), so the log's ``eval.model`` is relabelled ``vllm/<output model>`` with inspect_ai's own
read/write before converting; nothing else in the log changes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from inspect_ai.log import read_eval_log, write_eval_log

src, out = Path(sys.argv[1]), Path(sys.argv[2])
log = read_eval_log(str(src))
served = next((s.output.model for s in log.samples or [] if s.output and s.output.model), None)
log.eval.model = f"vllm/{served or log.eval.model.split('/', 1)[1]}"
with tempfile.TemporaryDirectory() as tmp:
    relabelled = Path(tmp) / src.name
    write_eval_log(log, str(relabelled))
    cli = Path(sys.executable).parent / "every_eval_ever"
    subprocess.run(
        [
            str(cli),
            "convert",
            "inspect",
            "--log_path",
            str(relabelled),
            "--output_dir",
            str(out),
            "--source_organization_name",
            "advisor-fixtures",
            "--evaluator_relationship",
            "other",
        ],
        check=True,
    )
