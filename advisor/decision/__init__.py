"""The decision: utilities, ranking, constraints, Pareto, uncertainty, and the verdict in words.

``decide`` is the one entry point (load a workspace's inputs, decide from
them); ``rank`` turns evidence and a profile into a ``result.Decision``;
``uncertainty`` adds the paired bootstrap, the comparisons with the leader and
the sensitivity figures; ``explain`` says it in sentences. Every renderer reads
the same ``Decision``.
"""
