"""Widgets of the TUI; each owns its behaviour and posts messages upward."""
