"""How advisor writes things for people: numbers, units and (soon) untrusted strings.

Every renderer (CLI, TUI, memo) and the decision's own sentences format money,
percentages, p-values and durations through this package, so one figure reads
the same everywhere.
"""
