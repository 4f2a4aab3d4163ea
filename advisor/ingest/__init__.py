"""Readers: one module per eval tool's format, each mapping its files onto the canonical records.

``detect`` picks the reader for a file, ``load`` reads a workspace's result
files into one ``SampleTable`` (with aggregates riding along), ``rules``
applies the workspace's failure rules. A reader knows its format and the
records (``advisor.records``), nothing of evidence, statistics or decisions.
"""
