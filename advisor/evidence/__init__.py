"""Evidence: per model and task, what the records say about accuracy, cost, latency and failures.

``model`` holds the shapes every consumer reads; ``from_samples`` and
``from_aggregates`` are the two sources of numbers that fill them; ``gather``
puts one workspace's evidence together.
"""
