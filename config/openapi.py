"""drf-spectacular post-processing: every operation documents the errors it can return, in
the one format they all share (RFC 9457 problem details, config/exception_handler.py), and
request bodies are marked required."""

from __future__ import annotations

from typing import Any

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Field name → messages, for invalid fields",
            "additionalProperties": True,
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input; `errors` names the fields",
    "401": "No or invalid credentials (an API key, or a logged-in session)",
    "403": "Authenticated, but missing the scope this needs",
    "404": "Not found, or not visible with your scopes",
    "429": "Too many requests for this key; see Retry-After",
}
WRITE_ERRORS = {
    "409": "Conflict with the current state",
    "413": "Body too large",
    "415": "Unsupported content type",
}


def add_problem_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if "requestBody" in operation:  # every body our API takes is needed, not optional
                operation["requestBody"]["required"] = True
            errors = ERRORS | (WRITE_ERRORS if method in ("post", "put", "patch") else {})
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                responses.setdefault(code, {"description": description, "content": ref})
    return result
