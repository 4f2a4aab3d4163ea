"""``advisor revisit MEMO``: does the memo's decision still hold on newer prices?

Exit codes: 0 the decision holds, 3 it changed, 4 cannot tell (the pick is not
on the new sheet, or no model could be re-priced), 2 bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import orjson

from advisor.memo import write_text
from advisor.memo.blocks import to_html, to_markdown
from advisor.memo.revisit import revisit
from advisor.memo.revisit_report import followup_doc, revisit_json, text_lines
from advisor.text.sanitise import clean


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "revisit",
        help="re-check a memo's decision on newer prices (exit 0 holds, 3 changed, 4 cannot tell)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("memo", type=Path, help="a memo written by `advisor memo` (Markdown or HTML)")
    p.add_argument("--prices", default="latest", help="price sheet: latest (default), a date, bundled or a path")
    p.add_argument(
        "--workspace",
        type=Path,
        help="the memo's workspace: re-price its samples exactly when its eval files are unchanged (hashes checked)",
    )
    p.add_argument(
        "--use-new-evidence",
        action="store_true",
        help="with --workspace: re-rank on the eval files as they are now even if they changed",
    )
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--write", type=Path, metavar="FILE", help="write a follow-up memo (.md or .html) linking to MEMO")
    p.add_argument("--force", action="store_true", help="overwrite the --write FILE if it exists")
    p.add_argument("--date", type=dt.date.fromisoformat, help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = revisit(args.memo, prices=args.prices, workspace=args.workspace, use_new_evidence=args.use_new_evidence)
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(revisit_json(result), option=orjson.OPT_INDENT_2))
        sys.stdout.write("\n")
    else:
        sys.stdout.write("\n".join(map(clean, text_lines(result))) + "\n")
    if args.write is not None:
        link = Path(os.path.relpath(args.memo.resolve(), args.write.resolve().parent)).as_posix()
        doc = followup_doc(result, args.date or dt.date.today(), link)
        html = args.write.suffix.lower() in {".html", ".htm"}
        write_text(args.write, to_html(doc) if html else to_markdown(doc), force=args.force)
        print(f"wrote {clean(args.write)}", file=sys.stderr)
    return result.exit_code
