"""The canonical records every reader produces: samples (columnar) and per-task aggregates.

``samples`` holds one row per (model, task, sample_id, epoch); ``aggregates``
holds per (model, task) statistics for models whose samples live elsewhere.
Readers (``advisor.ingest``) map their formats onto these and nothing else.
"""
