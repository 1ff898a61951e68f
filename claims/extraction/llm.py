"""Optional LLM backend: an OpenAI-compatible chat endpoint (llama.cpp, vLLM, Ollama, hosted)
rewrites check-worthy sentences so they stand alone. Off unless CLAIMDESK_LLM_BASE_URL is set;
any failure falls back to the local rule-based rewrite."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from claims.conf import conf
from core.http_client import DeadlineTransport, deadline

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You rewrite claims from news articles so each stands alone. Replace pronouns and vague "
    "references with the names they refer to, using the context. Keep the meaning, numbers and "
    "hedges exactly; do not add facts. Answer with a JSON array of strings, one per claim, in "
    "order, and nothing else."
)


class OpenAICompatibleDecontextualiser:
    def __init__(
        self, *, base_url: str, model: str, api_key: str = "", timeout: float = 30.0
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.timeout = timeout

    def rewrite(self, items: list[tuple[str, str]]) -> list[str | None]:
        numbered = "\n\n".join(
            f"Claim {i}: {claim}\nContext before it: {context[-600:]}"
            for i, (claim, context) in enumerate(items, start=1)
        )
        payload: dict[str, Any] = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": numbered},
            ],
        }
        # The timeout bounds the whole answer, not each read: a model that streams out a token
        # a second would otherwise hold the extraction step for as long as it liked.
        with (
            httpx.Client(timeout=self.timeout, transport=DeadlineTransport()) as client,
            deadline(self.timeout),
        ):
            response = client.post(self.url, json=payload, headers=self.headers)
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
        return _parse_list(content, expected=len(items))


def _parse_list(content: str, *, expected: int) -> list[str | None]:
    """The model's JSON array, tolerating a Markdown code fence; wrong length → no rewrites."""
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        values = json.loads(text)
    except json.JSONDecodeError:
        logger.warning("LLM answer was not JSON; keeping rule-based rewrites")
        return [None] * expected
    if not isinstance(values, list) or len(values) != expected:
        logger.warning(
            "LLM answer had %s items for %s claims",
            len(values) if isinstance(values, list) else "no",
            expected,
        )
        return [None] * expected
    return [v.strip() if isinstance(v, str) and v.strip() else None for v in values]


def decontextualiser_from_settings() -> OpenAICompatibleDecontextualiser | None:
    if not conf().llm_base_url:
        return None
    return OpenAICompatibleDecontextualiser(
        base_url=conf().llm_base_url,
        model=conf().llm_model,
        api_key=conf().llm_api_key,
        timeout=conf().llm_timeout_s,
    )
