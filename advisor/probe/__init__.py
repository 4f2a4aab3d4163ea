"""``advisor probe``: measure latency and errors under load at the endpoint a product would call.

Eval files record latency one request at a time, often from a cache. The probe
sends chat-completion requests to an OpenAI-compatible endpoint at the
concurrency (or request rate) a product will run at, streams each answer, and
writes one native result row per request: time to first token, inter-token
latency, end-to-end latency, tokens, and the outcome (ok, an HTTP status or an
exception kind, a timeout). ``client`` sends one request, ``load`` keeps the
asked number in flight, ``prompts`` chooses what to send, ``spend`` estimates
the bill before anything is sent, ``results`` writes the rows atomically. The
per-level summary is ``advisor.evidence.under_load``'s, the same one ``rank``
and the TUI read back from the file.
"""
