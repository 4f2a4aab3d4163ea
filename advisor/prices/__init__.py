"""Price sheets: the validated sheet and its arithmetic, public sources, pulling, dated history, names.

``sheet`` (the model and the cost of a request by part of the bill),
``native`` (the TOML format), ``sources``/``sources_extra`` (LiteLLM,
OpenRouter, genai-prices), ``pull`` (fetching safely), ``checks`` (the
sanity checks a pulled or imported sheet passes), ``store`` (saving a
snapshot under a lock), ``history`` (dated snapshots), ``select`` (which sheet a workspace uses) and
``resolve`` (an eval's model name to a sheet entry).
"""
