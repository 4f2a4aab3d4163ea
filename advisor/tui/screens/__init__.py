"""The TUI's screens: decide (main), trade-offs, prices, data, help."""
