"""advisor: choose an LLM for production from your own evals, prices and priorities."""

__version__ = "0.1.0"
