"""The prices view: the sheet in use, the others on disk, diffs, switching and pulling.

Why it exists: a decision is only as current as its prices. The user sees the
sheet's date and source, picks another dated sheet (the ranking reprices),
compares two sheets, and pulls a new one in a worker; a failed pull is shown
and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from advisor.decision.decide import Inputs
from advisor.decision.result import Decision
from advisor.errors import InputError
from advisor.files.bundled import display_path
from advisor.prices.history import diff
from advisor.prices.sheet import PriceSheet, load_sheet
from advisor.text.format import money
from advisor.text.sanitise import clean
from advisor.tui.guard import Panel, guarded
from advisor.tui.screens.base import AdvisorScreen
from advisor.tui.state import sheet_options


def current_view(inputs: Inputs, decision: Decision | None) -> RenderableType:
    sheet = inputs.sheet
    head = Text()
    head.append(f"In use: {sheet.as_of}", style="bold")
    head.append(
        f"  ·  {len(sheet.listing())} models  ·  {clean(display_path(inputs.sheet_path, inputs.workspace.root))}\n"
    )
    head.append(f"source: {clean(sheet.source)}\n", style="dim")
    table = Table(box=None, header_style="bold", padding=(0, 1))
    for col in ("model", "priced as", "in $/Mtok", "cached", "out $/Mtok", "$/task"):
        table.add_column(col, justify="left" if col in ("model", "priced as") else "right", no_wrap=True)
    if decision is not None:
        for m in decision.models:
            price = sheet.get(m.priced_as) if m.priced_as else None
            if price is None:
                table.add_row(
                    Text(clean(m.model)),
                    Text(clean(m.price_match), style="dim"),
                    "–",
                    "–",
                    "–",
                    money(m.cost_per_task_usd),
                )
                continue
            cached = "–" if price.cached_input_per_mtok is None else f"{price.cached_input_per_mtok}"
            table.add_row(
                Text(clean(m.model)),
                Text(clean(price.id)),
                f"{price.input_per_mtok}",
                cached,
                f"{price.output_per_mtok}",
                money(m.cost_per_task_usd),
            )
    return Group(head, table)


def diff_view(old: PriceSheet, new: PriceSheet, candidates: list[str]) -> RenderableType:
    d = diff(old, new, candidates=candidates)
    text = Text()
    text.append(f"{old.as_of} → {new.as_of}: ", style="bold")
    text.append(f"{len(d.added)} added, {len(d.removed)} removed, {len(d.repriced)} repriced\n")
    table = Table(box=None, header_style="bold", padding=(0, 1))
    for col in ("model", "field", "old", "new", "change"):
        table.add_column(col, justify="left" if col in ("model", "field") else "right", no_wrap=True)
    for r in d.repriced[:60]:
        for ch in r.changes:
            pct = "" if ch.percent is None else f"{ch.percent:+.0f}%"
            table.add_row(
                Text(clean(r.id), style="bold" if r.candidate else ""), ch.field, str(ch.old), str(ch.new), pct
            )
    return Group(text, table) if d.repriced else text


class PricesScreen(AdvisorScreen):
    BINDINGS = [
        Binding("u", "pull", "Pull LiteLLM", id="prices-pull"),
        Binding("enter", "use_sheet", "Use sheet", id="prices-use", show=True),
    ]

    @dataclass
    class Pulled(Message):
        status: str | None
        path: str | None
        error: str | None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="prices-body"):
            with Vertical(id="sheet-list-box"):
                yield OptionList(id="sheet-list")
                yield Static("", id="pull-status")
            with VerticalScroll(id="prices-right"):
                yield Panel("Loading…", id="sheet-current")
                yield Panel("", id="sheet-diff")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Prices"
        self.query_one("#sheet-list").border_title = "Sheets (Enter: use)"
        self.query_one("#sheet-diff").border_title = "Diff: in use → highlighted"
        self.watch(self.advisor, "revision", lambda _: self.refresh_view(), init=False)

    def refresh_view(self) -> None:
        s = self.advisor.session
        if s.inputs is None:
            self.query_one("#sheet-current", Static).update(Text(clean(s.problem.line()) if s.problem else "Loading…"))
            return
        inputs, decision = s.inputs, s.decision
        self.query_one("#sheet-current", Static).update(guarded("The sheet", lambda: current_view(inputs, decision)))
        options = self.query_one("#sheet-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for o in sheet_options(s.inputs):
            mark = "● " if o.ref == str(s.inputs.sheet_path) else "  "
            options.add_option(Option(Text(f"{mark}{clean(o.label)}  ({o.origin})"), id=o.ref))
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)

    @on(OptionList.OptionHighlighted, "#sheet-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        s = self.advisor.session
        ref = event.option.id
        if s.inputs is None or ref is None:
            return
        try:
            other = load_sheet(Path(ref))
        except InputError as exc:
            self.query_one("#sheet-diff", Static).update(Text(clean(exc.line()), style="bold"))
            return
        candidates = [m.priced_as for m in (s.decision.models if s.decision else ()) if m.priced_as]
        sheet = s.inputs.sheet
        self.query_one("#sheet-diff", Static).update(guarded("The diff", lambda: diff_view(sheet, other, candidates)))

    @on(OptionList.OptionSelected, "#sheet-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.advisor.choose_sheet(event.option.id)

    def action_use_sheet(self) -> None:
        options = self.query_one("#sheet-list", OptionList)
        if options.highlighted is not None:
            ref = options.get_option_at_index(options.highlighted).id
            if ref is not None:
                self.advisor.choose_sheet(ref)

    def action_pull(self) -> None:
        self.query_one("#pull-status", Static).update(Text("Pulling LiteLLM prices…", style="italic"))
        self.pull_worker("litellm")

    @work(thread=True, exclusive=True, group="pull", exit_on_error=False)
    def pull_worker(self, source: str) -> None:
        try:
            from advisor.prices.pull import PullOptions, pull

            result = pull(source, PullOptions(progress=False))
        except InputError as exc:
            self.post_message(self.Pulled(None, None, exc.line()))
            return
        except Exception as exc:
            self.post_message(self.Pulled(None, None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Pulled(result.status, str(result.path) if result.path else None, None))

    @on(Pulled)
    def _pulled(self, message: Pulled) -> None:
        status = self.query_one("#pull-status", Static)
        if message.error:
            status.update(Text(f"Pull failed; the sheet in use is unchanged.\n{clean(message.error)}", style="bold"))
            self.advisor.tell(message.error, title="Pull failed; prices unchanged", severity="error")
            return
        status.update(Text(clean(f"Pulled: {message.status} → {message.path}")))
        self.advisor.tell(f"{message.status}: {message.path}", title="Prices pulled")
        self.refresh_view()
