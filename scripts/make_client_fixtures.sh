#!/usr/bin/env bash
# Regenerate the tool-made fixtures under tests/data/<tool>/generated-<version>/ by running the eval
# tools themselves, offline, at pinned versions, each in a throwaway venv or npm folder OUTSIDE the repo.
# Beside each fixture, a facts.json computed from the raw files by code that is not advisor's (the
# tool's own library, or plain json); tests/test_ingest_generated.py checks advisor against it.
# Writes tests/data/GENERATED.md: the exact versions and commands of the last run.
#
#   scripts/make_client_fixtures.sh            (TOOLENVS=/work/toolenvs by default)
#
# Needs: python3 (>= 3.11), a Python >= 3.12 for every-eval-ever (PY312), node >= 20 and npm.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
HERE="$REPO/scripts/client_fixtures"
WORK=${TOOLENVS:-/work/toolenvs}
PY311=${PY311:-python3}
PY312=${PY312:-/root/.pyenv/versions/3.12.1/bin/python}
INSPECT=0.3.285
PROMPTFOO_OLD=0.121.20   # runs on Node 20
PROMPTFOO_NEW=0.123.1    # needs Node >= 22.22: taken from the npm package node@22
LM_EVAL=0.4.13
EEE=0.3.0
DATA="$REPO/tests/data"
export PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1 HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
export INSPECT_DISPLAY=none TOKENIZERS_PARALLELISM=false
mkdir -p "$WORK"
LOG="$WORK/commands.log"
: >"$LOG"
run() { echo "+ $*" | sed "s|$WORK|\$TOOLENVS|g; s|$REPO|\$REPO|g" >>"$LOG"; "$@"; }

venv() { # venv DIR PYTHON PACKAGE...
  local dir=$1 py=$2
  shift 2
  [ -x "$dir/bin/python" ] || run "$py" -m venv "$dir"
  run "$dir/bin/pip" install -q "$@"
}

fresh() { rm -rf "$1" && mkdir -p "$1"; }

# --- Inspect AI -------------------------------------------------------------------------------
venv "$WORK/inspect" "$PY311" "inspect-ai==$INSPECT"
OUT="$WORK/out-inspect"
fresh "$OUT"
(cd "$WORK" && run "$WORK/inspect/bin/python" "$HERE/inspect_fixtures.py" "$OUT")
DEST="$DATA/inspect_ai/generated-$INSPECT"
fresh "$DEST"
cp "$OUT"/*.eval "$OUT"/*.json "$DEST/"

# --- promptfoo (two versions) -------------------------------------------------------------------
make_promptfoo() { # make_promptfoo VERSION NODE_PACKAGE
  local version=$1 node=$2 dir="$WORK/promptfoo-$1" out="$WORK/out-promptfoo-$1"
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || (cd "$dir" && run npm init -y >/dev/null)
  (cd "$dir" && run npm install --no-audit --no-fund "promptfoo@$version" $node >/dev/null)
  fresh "$out"
  cp -r "$HERE/promptfoo/promptfooconfig.yaml" "$HERE/promptfoo/providers" "$out/"
  (cd "$out" && PATH="$dir/node_modules/.bin:$PATH" PROMPTFOO_CONFIG_DIR="$out/.promptfoo" \
    run promptfoo eval -c promptfooconfig.yaml --repeat 3 --no-cache --no-progress-bar \
    -o out.json -o out.jsonl -o out.csv -o out.yaml >/dev/null || true) # exit 100: some tests failed
  run "$PY311" "$HERE/promptfoo_facts.py" "$out"
  local dest="$DATA/promptfoo/generated-$version"
  fresh "$dest"
  cp "$out"/out.json "$out"/out.jsonl "$out"/facts.json "$dest/"
  head -c 4000 "$out/out.csv" >"$dest/out.csv" # the lossy exports, only to test the refusal
  head -c 4000 "$out/out.yaml" >"$dest/out.yaml"
}
make_promptfoo "$PROMPTFOO_OLD" ""
make_promptfoo "$PROMPTFOO_NEW" "node@22"

# --- lm-evaluation-harness ------------------------------------------------------------------------
venv "$WORK/lmeval" "$PY311" "lm-eval==$LM_EVAL"
OUT="$WORK/out-lm_eval"
fresh "$OUT"
cp -r "$HERE/lm_eval/tasks" "$OUT/tasks"
for mode in samples results-only; do
  extra=()
  [ "$mode" = samples ] && extra=(--log_samples)
  (cd "$OUT/tasks" && HF_HOME="$OUT/hf" run "$WORK/lmeval/bin/lm_eval" --model dummy \
    --model_args pretrained=acme/dummy-7b --tasks capitals_mc,arith_gen,phrases_gen --include_path . \
    --output_path "$OUT/$mode" "${extra[@]}" >/dev/null 2>&1)
  run "$PY311" "$HERE/lm_eval_facts.py" "$OUT/$mode/acme__dummy-7b"
done
DEST="$DATA/lm_eval/generated-$LM_EVAL"
fresh "$DEST"
for mode in samples results-only; do
  mkdir -p "$DEST/$mode" && cp "$OUT/$mode/acme__dummy-7b/"* "$DEST/$mode/"
done

# --- every-eval-ever (its converters, from the fixtures above) -----------------------------------
venv "$WORK/eee" "$PY312" "every-eval-ever==$EEE" "inspect-ai==$INSPECT"
OUT="$WORK/out-eee"
fresh "$OUT"
for log in words-model-a agent-limits; do
  run "$WORK/eee/bin/python" "$HERE/eee_from_inspect.py" "$DATA/inspect_ai/generated-$INSPECT/$log.eval" "$OUT/from-inspect"
done
run "$WORK/eee/bin/every_eval_ever" convert lm_eval --log_path "$(ls "$DATA/lm_eval/generated-$LM_EVAL/samples/"results_*.json)" \
  --output_dir "$OUT/from-lm_eval" --include_samples --source_organization_name advisor-fixtures \
  --evaluator_relationship other
run "$WORK/eee/bin/every_eval_ever" convert lm_eval --log_path "$(ls "$DATA/lm_eval/generated-$LM_EVAL/results-only/"results_*.json)" \
  --output_dir "$OUT/aggregates-only" --source_organization_name advisor-fixtures --evaluator_relationship other
DEST="$DATA/every_eval_ever/generated-$EEE"
fresh "$DEST"
for part in from-inspect from-lm_eval aggregates-only; do
  # flatten <task>/<developer>/<model>/<uuid>.json to <part>/<task>-<uuid>.json (paths stay short)
  mkdir -p "$DEST/$part"
  find "$OUT/$part" -type f \( -name '*.json' -o -name '*_samples.jsonl' \) | while read -r f; do
    task=$(echo "${f#"$OUT/$part/"}" | cut -d/ -f1)
    cp "$f" "$DEST/$part/$task-$(basename "$f")"
  done
  run "$WORK/eee/bin/python" "$HERE/eee_facts.py" "$DEST/$part"
done

# --- what ran ------------------------------------------------------------------------------------
{
  echo "# Tool-made fixtures: versions and commands"
  echo
  echo "Made by \`scripts/make_client_fixtures.sh\` on $(date -u +%Y-%m-%d), offline; \$TOOLENVS is a throwaway"
  echo "folder outside the repository. Each generated-<version>/ folder holds the tool's own output and a"
  echo "facts.json computed from it by code that is not advisor's (see scripts/client_fixtures/)."
  echo
  echo "| tool | version | runtime |"
  echo "|---|---|---|"
  echo "| inspect-ai | $("$WORK/inspect/bin/python" -c 'import inspect_ai; print(inspect_ai.__version__)') | $("$WORK/inspect/bin/python" --version) |"
  echo "| promptfoo | $(PATH="$WORK/promptfoo-$PROMPTFOO_OLD/node_modules/.bin:$PATH" promptfoo --version 2>/dev/null | tail -1) | node $(node --version) |"
  echo "| promptfoo | $(PATH="$WORK/promptfoo-$PROMPTFOO_NEW/node_modules/.bin:$PATH" promptfoo --version 2>/dev/null | tail -1) | node $("$WORK/promptfoo-$PROMPTFOO_NEW/node_modules/.bin/node" --version) |"
  echo "| lm-eval | $("$WORK/lmeval/bin/python" -c 'import importlib.metadata as m; print(m.version("lm_eval"))') | $("$WORK/lmeval/bin/python" --version) |"
  echo "| every-eval-ever | $("$WORK/eee/bin/python" -c 'import importlib.metadata as m; print(m.version("every_eval_ever"))') | $("$WORK/eee/bin/python" --version) |"
  echo
  echo "The every-eval-ever Inspect converter refuses \`mockllm/...\` models (\"Cannot determine model"
  echo "developer\"), so \`eee_from_inspect.py\` relabels the log's \`eval.model\` as \`vllm/<output model>\` with"
  echo "inspect_ai's own read/write before converting. It also fails on a log whose samples all errored"
  echo "(no results), so no such conversion is here."
  echo
  echo "## Commands"
  echo
  echo '```'
  cat "$LOG"
  echo '```'
} >"$DATA/GENERATED.md"
echo "fixtures written under $DATA (see $DATA/GENERATED.md)"
