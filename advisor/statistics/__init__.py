"""Statistics: pure, array-in/array-out, and free of advisor's own types.

``intervals`` (rates and means), ``comparisons`` (paired tests, McNemar, Holm,
power), ``bootstrap`` and ``quantiles`` (the paired bootstrap over items) and
``sensitivity`` (weights and prices). The decision layer lays its evidence out
as arrays and calls these; nothing here knows what a model or a profile is.
"""
