"""Private, rotating eval sets: which items a team may tune on (dev) and which it keeps unseen (holdout).

Why this package exists: a set a team keeps iterating prompts and model
choices against becomes a benchmark it has overfit. ``advisor split`` keeps a
share of every task's items out of sight: ``secret`` holds the workspace key,
``assign`` deals each item (task, sample_id) to dev or holdout by a keyed hash
and selects a part of a ``SampleTable`` (rows, before any evidence is
gathered), ``configure`` records the share and the rotation in advisor.toml
(``toml_edit`` keeps the user's comments), ``export`` writes the item lists in
forms eval tools filter on. The statistics of the overfitting check live in
``advisor.statistics.split_gap``; the check itself in ``advisor.decision.overfit``.
"""
