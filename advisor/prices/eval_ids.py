"""Read the model ids eval tools write as a billing route and a model, before any price lookup.

promptfoo writes ``openai:chat:gpt-4o-mini``, ``bedrock:us.anthropic.…``,
``azure:chat:<deployment>``; Inspect writes ``openai/gpt-4o``,
``google/gemini-2.5-pro``, ``together/meta-llama/…``, ``ollama/llama3.1``;
lm-eval writes a Hugging Face name or ``pretrained=org/name,dtype=…``; HELM
writes ``org/model`` or, in run names, ``org_model``. LiteLLM's price map keys
the same models as ``gpt-4o-mini``, ``gemini/gemini-2.5-pro``,
``together_ai/meta-llama/…``. This module turns the first kind into the
second (most specific first) and recognises the ids a price sheet cannot
know: a model running on your own machine (Ollama, vLLM, a local path) and a
cloud deployment whose name says nothing about the model behind it (Azure).
Those are reported with what to write instead, never priced by a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: promptfoo ``provider:`` (and ``provider:kind:``) prefixes → LiteLLM route prefixes to try, in order.
PROMPTFOO: dict[str, tuple[str, ...]] = {
    "openai": ("", "openai/"),
    "anthropic": ("", "anthropic/"),
    "bedrock": ("", "bedrock/"),
    "vertex": ("vertex_ai/", ""),
    "google": ("gemini/",),
    "gemini": ("gemini/",),
    "mistral": ("mistral/",),
    "groq": ("groq/",),
    "deepseek": ("deepseek/",),
    "xai": ("xai/",),
    "openrouter": ("openrouter/",),
    "togetherai": ("together_ai/",),
    "fireworks": ("fireworks_ai/",),
    "perplexity": ("perplexity/",),
    "cerebras": ("cerebras/",),
    "cohere": ("cohere_chat/", "cohere/", ""),
    "huggingface": ("huggingface/",),
    "litellm": ("",),
    "vercel": ("vercel_ai_gateway/",),
    "databricks": ("databricks/",),
    "watsonx": ("watsonx/",),
    "cloudflare-ai": ("cloudflare/",),
}
#: The kind that promptfoo puts between provider and model (``openai:chat:gpt-4o``).
_PROMPTFOO_KINDS = frozenset({"chat", "completion", "responses", "messages", "assistant", "text-generation", "embed"})

#: Inspect ``provider/`` prefixes → LiteLLM route prefixes (an empty prefix: the bare key).
INSPECT: dict[str, tuple[str, ...]] = {
    "openai": ("", "openai/"),
    "anthropic": ("", "anthropic/"),
    "google": ("gemini/",),
    "mistral": ("mistral/",),
    "grok": ("xai/",),
    "xai": ("xai/",),
    "groq": ("groq/",),
    "together": ("together_ai/",),
    "fireworks": ("fireworks_ai/",),
    "sambanova": ("sambanova/",),
    "cloudflare": ("cloudflare/",),
    "perplexity": ("perplexity/",),
    "deepseek": ("deepseek/",),
    "bedrock": ("bedrock/", ""),
    "openrouter": ("openrouter/",),
    "nebius": ("nebius/",),
    "hyperbolic": ("hyperbolic/",),
}

#: Runtimes that run the model on your own machine: no public price applies.
LOCAL_RUNTIMES = frozenset(
    {"ollama", "vllm", "hf", "llama-cpp-python", "llama_cpp", "llamafile", "sglang", "transformer_lens", "lmstudio"}
)
#: Not a model at all: test doubles and scripts.
_NOT_MODELS = frozenset({"mockllm", "hardcoded", "none", "echo"})
_SCRIPT = re.compile(r"^(?:file://|python:|exec:|golang:|webhook:|https?://|ws://)", re.IGNORECASE)
_ARGS = re.compile(r"(?:^|,)\s*(?:pretrained|model|path)\s*=\s*([^,]+)")
#: Organisations HELM writes as ``org_model`` in run names.
HELM_ORGS = frozenset(
    {
        "openai",
        "anthropic",
        "google",
        "meta",
        "mistralai",
        "cohere",
        "ai21",
        "amazon",
        "microsoft",
        "deepseek-ai",
        "qwen",
        "writer",
        "01-ai",
        "allenai",
        "databricks",
        "snowflake",
        "together",
        "eleutherai",
        "huggingface",
        "nvidia",
        "ibm",
        "upstage",
        "xai",
    }
)


@dataclass(frozen=True)
class EvalId:
    """What an eval tool's model id says: the model part, LiteLLM spellings to try, or why none applies."""

    model: str
    #: LiteLLM ids to try first (most specific first), before the generic spellings.
    routes: tuple[str, ...] = ()
    #: "local" (runs on your machines), "deployment" (a cloud deployment name), "not a model", or "".
    kind: str = ""
    #: For local/deployment/not-a-model ids: who runs it, in words.
    runtime: str = ""
    #: The billing route the id names, as the sheet writes providers (``openai``, ``gemini``, ``together_ai``).
    provider: str | None = None


def _with(prefixes: tuple[str, ...], model: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p + model for p in prefixes))


def _route(prefixes: tuple[str, ...], model: str, key: str) -> EvalId:
    """An id on a known route: the LiteLLM spellings to try, and the provider they belong to."""
    named = next((p.rstrip("/") for p in prefixes if p), key)
    return EvalId(model, _with(prefixes, model), provider=PROVIDER_OF.get(named, named))


#: LiteLLM route prefixes whose entries the sheet files under another provider name.
PROVIDER_OF = {"cohere_chat": "cohere"}
#: Other names of one billing route in other sources (genai-prices says ``google``, ``aws``, ``x-ai``).
SAME_ROUTE: dict[str, frozenset[str]] = {
    "gemini": frozenset({"gemini", "google"}),
    "bedrock": frozenset({"bedrock", "aws", "bedrock_mantle"}),
    "xai": frozenset({"xai", "x-ai"}),
    "together_ai": frozenset({"together_ai", "together"}),
    "fireworks_ai": frozenset({"fireworks_ai", "fireworks"}),
}


def same_route(wanted: str, provider: str | None) -> bool:
    """Whether an entry's provider is the route an eval id names (an entry without one is not ruled out)."""
    return provider is None or provider.lower() in SAME_ROUTE.get(wanted, frozenset({wanted}))


def _promptfoo(name: str) -> EvalId | None:
    provider, sep, rest = name.partition(":")
    if not sep or "/" in provider:
        return None
    key = provider.lower()
    kind, sep2, after = rest.partition(":")
    model = after if sep2 and kind.lower() in _PROMPTFOO_KINDS else rest
    if key in ("azure", "azureopenai"):
        return EvalId(model, _with(("azure/",), model), "deployment", "an Azure OpenAI deployment")
    if key == "ollama":
        return EvalId(model, (), "local", "Ollama")
    if key in ("llama", "llamafile", "localai", "llama.cpp"):
        return EvalId(model, (), "local", key)
    prefixes = PROMPTFOO.get(key)
    if prefixes is None:
        return None
    if key == "litellm":  # a LiteLLM key as it stands: no route of its own
        return EvalId(model, (model,))
    return _route(prefixes, model, key)


def _inspect(name: str) -> EvalId | None:
    provider, sep, rest = name.partition("/")
    if not sep:
        return None
    key = provider.lower()
    if key in _NOT_MODELS:
        return EvalId(name, (), "not a model", f"Inspect's {key} test model")
    if key in LOCAL_RUNTIMES:
        return EvalId(rest, (), "local", key)
    if key == "azure":  # LiteLLM's spelling of an Azure OpenAI deployment
        return EvalId(rest, _with(("azure/",), rest), "deployment", "an Azure OpenAI deployment")
    if key == "azureai":
        return EvalId(rest, _with(("azure_ai/",), rest), "deployment", "an Azure AI deployment")
    head, sep2, tail = rest.partition("/")
    if key == "openai" and head.lower() == "azure" and sep2:
        return EvalId(tail, _with(("azure/",), tail), "deployment", "an Azure OpenAI deployment")
    if key == "anthropic" and head.lower() in ("bedrock", "vertex") and sep2:
        return _route(("bedrock/", "") if head.lower() == "bedrock" else ("vertex_ai/", ""), tail, head.lower())
    if key == "openai-api" and sep2:  # openai-api/<service>/<model>: an OpenAI-compatible service
        service = head.lower()
        return _route(INSPECT.get(service, (f"{service}/",)), tail, service)
    routes = INSPECT.get(key)
    if routes is None:
        return None
    return _route(routes, rest, key)


def read_eval_id(name: str) -> EvalId:
    """The route and model an eval tool's id names (see the module docstring); plain ids pass through."""
    text = name.strip()
    if _SCRIPT.match(text):
        return EvalId(text, (), "not a model", "a script or HTTP endpoint (promptfoo)")
    if text.startswith(("/", "./", "../", "~/")) or re.match(r"^[A-Za-z]:\\", text):
        return EvalId(text, (), "local", "a model loaded from a local path")
    args = _ARGS.search(text) if "=" in text else None
    if args is not None:  # lm-eval model_args: pretrained=org/name,dtype=…
        return read_eval_id(args.group(1).strip())
    if text.lower() in _NOT_MODELS:
        return EvalId(text, (), "not a model", "promptfoo's echo provider")
    for reader in (_promptfoo, _inspect):
        found = reader(text)
        if found is not None:
            return found
    org, sep, rest = text.partition("_")
    if sep and "/" not in text and org.lower() in HELM_ORGS and rest:  # HELM run name: org_model
        return read_eval_id(f"{org}/{rest}")
    return EvalId(text)
