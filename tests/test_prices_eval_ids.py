"""Eval tools' model ids resolve to the right price entry, offline: every text model of LiteLLM's map.

promptfoo (``openai:chat:gpt-4o-mini``, ``bedrock:…``, ``vertex:…``, ``azure:chat:<deployment>``),
Inspect (``openai/gpt-4o``, ``google/…``, ``together/…``, ``ollama/…``), lm-eval (``pretrained=…``)
and HELM (``org_model``) spell the same models differently; a name that could mean several entries
must stay an explicit error, and a model run locally or behind a deployment name is never priced by
a guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.ingest.load import load_paths
from advisor.prices.eval_ids import read_eval_id
from advisor.prices.resolve import AmbiguousModel, resolve
from advisor.prices.select import open_sheet
from advisor.prices.sheet import ModelPrice, PriceSheet

#: Byte-identical copies of real eval files (tests/data/SOURCES.md).
REAL_FIXTURES = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def bundled() -> PriceSheet:
    sheet, _ = open_sheet("bundled")
    return sheet


#: LiteLLM key prefix → how Inspect and promptfoo write the rest of the key.
ROUTED = {
    "gemini/": ("google/{}", "google:{}"),
    "vertex_ai/": ("vertex:{}",),
    "together_ai/": ("together/{}", "togetherai:{}"),
    "fireworks_ai/": ("fireworks/{}", "fireworks:{}"),
    "groq/": ("groq/{}", "groq:{}"),
    "mistral/": ("mistral/{}", "mistral:{}"),
    "deepseek/": ("deepseek/{}", "deepseek:{}"),
    "xai/": ("grok/{}", "xai:{}"),
    "openrouter/": ("openrouter/{}", "openrouter:{}"),
    "perplexity/": ("perplexity/{}", "perplexity:{}"),
    "cerebras/": ("cerebras:{}",),
    "azure/": ("azure:chat:{}", "openai/azure/{}"),
}
BARE = {
    "openai": ("openai:chat:{}", "openai:{}", "openai:responses:{}", "openai/{}"),
    "anthropic": ("anthropic:messages:{}", "anthropic:{}", "anthropic/{}"),
    "bedrock": ("bedrock:{}", "bedrock/{}"),
}


def spellings(m: ModelPrice) -> Iterator[str]:
    """How the eval tools would name this entry's model."""
    yield m.id  # lm-eval's model= / a native file
    yield f"litellm:{m.id}"  # promptfoo's litellm provider
    for prefix, forms in ROUTED.items():
        if m.id.startswith(prefix):
            yield from (f.format(m.id.removeprefix(prefix)) for f in forms)
    if "/" not in m.id and m.provider in BARE:
        yield from (f.format(m.id) for f in BARE[m.provider])


def test_every_litellm_text_model_is_priced_from_every_tool_spelling(bundled: PriceSheet) -> None:
    checked = 0
    wrong: list[str] = []
    for m in bundled.models:
        for name in spellings(m):
            try:
                got = resolve(name, bundled).price
            except AmbiguousModel as exc:
                wrong.append(f"{name}: ambiguous {exc.candidates}")
                continue
            # a route-prefixed spelling may be LiteLLM's own key for that route (bedrock/X beside X)
            if got is None or got.id not in (m.id, name, name.replace(":", "/", 1)):
                wrong.append(f"{name} → {got.id if got else None}, expected {m.id}")
            checked += 1
    assert not wrong, f"{len(wrong)} of {checked}: {wrong[:10]}"
    assert checked > 5000


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("openai:chat:gpt-4o-mini", "gpt-4o-mini"),
        ("openai:gpt-4o", "gpt-4o"),
        ("openai:responses:gpt-4.1-mini", "gpt-4.1-mini"),
        ("anthropic:messages:claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929"),
        ("bedrock:us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        ("vertex:gemini-2.5-pro", "gemini-2.5-pro"),
        ("google/gemini-2.5-pro", "gemini/gemini-2.5-pro"),  # Inspect's google/ is AI Studio, not Vertex
        ("openai/gpt-5-nano", "gpt-5-nano"),
        ("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5"),
        ("together/meta-llama/Llama-3.3-70B-Instruct-Turbo", "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo"),
        ("openrouter/meta-llama/llama-3.3-70b-instruct", "openrouter/meta-llama/llama-3.3-70b-instruct"),
        ("openai-api/deepseek/deepseek-chat", "deepseek/deepseek-chat"),
        ("pretrained=gpt-4o-mini,temperature=0", "gpt-4o-mini"),
        ("GPT-4o", "gpt-4o"),
    ],
)
def test_tool_ids_resolve_to_their_route(bundled: PriceSheet, name: str, expected: str) -> None:
    got = resolve(name, bundled)
    assert got.price is not None and got.price.id == expected, got.how


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("azure:chat:prod-eu-deployment", '[aliases] "azure:chat:prod-eu-deployment"'),
        ("azureai/Meta-Llama-3-1-405B-Instruct-jqf", "Azure AI deployment"),
        ("ollama/llama3.1", "runs on your own machine (ollama)"),
        ("ollama:completion:llama3", "runs on your own machine (Ollama)"),
        ("vllm/meta-llama/Llama-3.1-8B-Instruct", "runs on your own machine (vllm)"),
        ("hf/meta-llama/Llama-3.1-8B-Instruct", "local = true"),
        ("/workspace/gemma3_12b_u2", "a model loaded from a local path"),
        ("mockllm/model", "not a model"),
        ("file://../integrations/promptfoo.py", "a script or HTTP endpoint"),
        # a route the sheet has no entry on is not priced at another route's rate
        ("groq/llama-3.3-70b-versatile", "no groq entry"),
        ("anthropic:messages:claude-3-5-haiku-20241022", "other routes price it (vertex_ai/claude-3-5-haiku)"),
    ],
)
def test_ids_no_public_price_fits_are_unpriced_with_what_to_do(bundled: PriceSheet, name: str, says: str) -> None:
    got = resolve(name, bundled)
    assert got.price is None and says in got.how, got.how


def test_open_weights_served_by_several_hosts_are_an_explicit_choice(bundled: PriceSheet) -> None:
    with pytest.raises(AmbiguousModel) as err:
        resolve("meta-llama/Llama-3.3-70B-Instruct", bundled)  # lm-eval's pretrained= name
    hosts = err.value.candidates
    assert "openrouter/meta-llama/llama-3.3-70b-instruct" in hosts  # via its hugging_face_id
    assert "deepinfra/meta-llama/Llama-3.3-70B-Instruct" in hosts  # via the id's trailing segments
    assert "[aliases]" in str(err.value) and "[models.self_hosted]" in str(err.value)
    alias = {"meta-llama/Llama-3.3-70B-Instruct": "deepinfra/meta-llama/Llama-3.3-70B-Instruct"}
    assert (
        resolve("meta-llama/Llama-3.3-70B-Instruct", bundled, alias).price.id
        == alias[  # type: ignore[union-attr]
            "meta-llama/Llama-3.3-70B-Instruct"
        ]
    )


def test_reading_eval_ids() -> None:
    ev = read_eval_id("openai:chat:arcee-ai/trinity-large-preview:free")
    assert ev.model == "arcee-ai/trinity-large-preview:free" and ev.provider == "openai"
    ev = read_eval_id("bedrock:us.anthropic.claude-3-5-sonnet-20241022-v2:0")  # the colon is the model's own
    assert ev.model == "us.anthropic.claude-3-5-sonnet-20241022-v2:0" and ev.routes[0].endswith("v2:0")
    assert read_eval_id("openai_gpt2").model == "gpt2"  # HELM run name org_model
    assert read_eval_id("openai_gpt2").provider == "openai"
    assert read_eval_id("anthropic/bedrock/anthropic.claude-v2").provider == "bedrock"
    assert read_eval_id("gpt-4o").routes == () and read_eval_id("gpt-4o").provider is None


def test_model_names_in_real_eval_files_are_priced(bundled: PriceSheet) -> None:
    names: dict[str, str] = {}
    for folder in ("promptfoo", "inspect_ai", "openai_evals"):
        for path in sorted((REAL_FIXTURES / folder).rglob("*")):
            if not path.is_file() or path.suffix not in (".json", ".jsonl", ".eval"):
                continue
            try:
                table = load_paths([path]).table
            except Exception:  # noqa: BLE001 - some real files are deliberately odd; reading them is issue 10's
                continue
            for model in table.models:
                names.setdefault(model, str(path))
    priced = {n: resolve(n, bundled) for n in names}
    expected = {
        "openai:chat:gpt-4o-mini": "gpt-4o-mini",
        "openai:gpt-4o": "gpt-4o",
        "openai/gpt-4o-mini": "gpt-4o-mini",
        "openai/gpt-5-nano": "gpt-5-nano",
        "anthropic/claude-sonnet-4-5": "claude-sonnet-4-5",
        "mistral/mistral-small-latest": "mistral/mistral-small-latest",
        "gpt-3.5-turbo": "gpt-3.5-turbo",
        "gpt-4": "gpt-4",
    }
    for name, entry in expected.items():
        assert name in priced, f"{name} not in the real files any more"
        assert priced[name].price is not None and priced[name].price.id == entry, priced[name].how  # type: ignore[union-attr]
    for name in ("ollama/llama3.1", "ollama:completion:llama3"):
        assert priced[name].price is None and "own machine" in priced[name].how
