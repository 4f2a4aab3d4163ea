"""Renderers of a decision for the command line: a table, Markdown, JSON, and the uncertainty in words.

``schema`` (the stable JSON), ``table`` (terminal and Markdown tables),
``flags`` (row flags and their legend) and ``uncertainty`` (ties, paired
comparisons and sensitivity said plainly). The memo and the TUI reuse them.
"""
