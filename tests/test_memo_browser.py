"""The HTML memo in a real browser: no two chart labels overlap, no table overflows, the console is clean.

Headless Chromium (Debian's ``chromium``; ``.ci/run`` installs it) opens the
memo with a small script added at the top that, once the page has laid out,
measures every SVG text's box and every table, records any error or console
warning, and writes the result into the page, which ``--dump-dom`` prints.
Skips, saying why, where no Chromium can be found.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from advisor.decision.decide import decide, load_inputs
from advisor.files import bundled
from advisor.memo import render_html
from tests.memo_helpers import MEMO_WS

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=5000",
)

PROBE = """<script>
window.__problems = [];
window.addEventListener("error", e => window.__problems.push("error: " + (e.message ||
  (e.target && (e.target.src || e.target.href)) || "a resource failed")), true);
for (const level of ["error", "warn"]) {
  const original = console[level];
  console[level] = (...args) => {
    window.__problems.push(level + ": " + args.join(" "));
    original.apply(console, args);
  };
}
window.addEventListener("load", () => {
  const box = r => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  const own = t => [...t.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join("");
  const out = {
    problems: window.__problems,
    page: {width: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth},
    body: box(document.body.getBoundingClientRect()),
    svgs: [...document.querySelectorAll("svg")].map(svg => ({
      label: svg.getAttribute("aria-label"),
      box: box(svg.getBoundingClientRect()),
      texts: [...svg.querySelectorAll("text")].map(t => ({text: own(t), ...box(t.getBoundingClientRect())})),
    })),
    tables: [...document.querySelectorAll("table")].map(t => ({
      box: box(t.getBoundingClientRect()),
      cells: [...t.querySelectorAll("th, td")].filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent),
    })),
  };
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def measure(page: Path, width: int) -> tuple[dict[str, Any], str]:
    exe = browser()
    if exe is None:
        pytest.skip("no headless Chromium on this machine (Debian: apt-get install chromium; .ci/run installs it)")
    probed = page.with_suffix(".probe.html")
    text = page.read_text(encoding="utf-8")
    probed.write_text(text.replace("<head>", "<head>\n" + PROBE, 1), encoding="utf-8")
    result = subprocess.run(
        [exe, *FLAGS, f"--window-size={width},1200", "--dump-dom", probed.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert found, f"the page did not report its layout (exit {result.returncode}): {result.stderr[-2000:]}"
    return json.loads(html.unescape(found[1])), result.stderr


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    """Boxes that share more than half a pixel each way."""
    return min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 0.5 and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > 0.5


def memo_file(tmp_path: Path, folder: Path, name: str) -> Path:
    inputs = load_inputs(folder)
    path = tmp_path / f"{name}.html"
    path.write_text(render_html(decide(inputs), inputs, today=dt.date(2026, 1, 1)), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "width"), [("demo", 1280), ("demo", 820), ("memo_ws", 1280)])
def test_memo_renders_cleanly_in_chromium(tmp_path: Path, name: str, width: int) -> None:
    folder = bundled.demo_workspace() if name == "demo" else MEMO_WS
    layout, stderr = measure(memo_file(tmp_path, folder, name), width)
    assert layout["problems"] == []
    console = [line for line in stderr.splitlines() if "CONSOLE" in line]
    assert console == [], console
    labels = [s for s in layout["svgs"] if s["label"] == "Accuracy against cost per task"]
    assert labels, "the memo has its scatter chart"
    for svg in layout["svgs"]:
        texts = [t for t in svg["texts"] if t["text"].strip()]
        assert len(texts) >= 4
        for a, b in combinations(texts, 2):
            assert not overlap(a, b), f"{svg['label']}: {a['text']!r} overlaps {b['text']!r}"
        for t in texts:  # nothing drawn outside its chart
            assert svg["box"]["x0"] - 0.5 <= t["x0"] and t["x1"] <= svg["box"]["x1"] + 0.5, t
            assert svg["box"]["y0"] - 0.5 <= t["y0"] and t["y1"] <= svg["box"]["y1"] + 0.5, t
    for table in layout["tables"]:
        assert table["cells"] == [], f"cell content overflows its cell: {table['cells']}"
        assert table["box"]["x1"] <= layout["body"]["x1"] + 0.5, "a table runs past the page"
    assert layout["page"]["scroll"] <= layout["page"]["width"], "the page scrolls sideways"


def test_scatter_labels_stay_apart_when_models_crowd(tmp_path: Path) -> None:
    """Twelve models at nearly the same cost and accuracy: names where they fit, else numbered keys."""
    import json as _json

    rows = []
    for k in range(12):
        for i in range(40):
            rows.append(
                {
                    "model": f"vendor/model-with-a-long-name-{k}",
                    "task": "t",
                    "sample_id": str(i),
                    "score": int((i * 7 + k) % 10 < 7),
                    "cost_usd": 0.001 * (1 + k / 100),
                    "latency_ms": 500 + k,
                    **({"outcome": "wrong"} if (i * 7 + k) % 10 >= 7 else {}),
                }
            )
    ws = tmp_path / "crowd"
    (ws / "results").mkdir(parents=True)
    (ws / "results" / "s.jsonl").write_text("".join(_json.dumps(r) + "\n" for r in rows))
    (ws / "advisor.toml").write_text('results = ["results/*.jsonl"]\nprofile = "cost-first"\n')
    layout, _ = measure(memo_file(tmp_path, ws, "crowd"), 1280)
    (scatter,) = [s for s in layout["svgs"] if s["label"] == "Accuracy against cost per task"]
    texts = [t for t in scatter["texts"] if t["text"].strip()]
    for a, b in combinations(texts, 2):
        assert not overlap(a, b), f"{a['text']!r} overlaps {b['text']!r}"
    shown = " ".join(t["text"] for t in texts)
    assert all(f"model-with-a-long-name-{k}" in shown for k in range(12))  # as labels or in the key
