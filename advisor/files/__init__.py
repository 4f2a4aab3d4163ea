"""Files advisor reads and writes: atomic writes, the TOML people write, the bundled data folders."""
