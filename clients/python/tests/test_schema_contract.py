"""The TypedDicts in warden_client.types match schemas/json/agent-event-input.schema.json, and
make_event() builds events that schema (and the decision endpoint's stricter form) accept."""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Any, Union, get_args, get_origin, get_type_hints

import jsonschema
from typing_extensions import NotRequired, Required, is_typeddict

from warden_client import make_event
from warden_client import types as t

SCHEMA = pathlib.Path(__file__).resolve().parents[3] / "schemas" / "json" / "agent-event-input.schema.json"


def load() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text())


def object_schema(node: dict[str, Any]) -> dict[str, Any] | None:
    types = node.get("type")
    if types == "object" or (isinstance(types, list) and "object" in types):
        return node if "properties" in node else None
    return None


def typed_dict_of(hint: Any) -> Any:
    """The TypedDict inside Optional[...] / NotRequired[...], if any."""
    if is_typeddict(hint):
        return hint
    for arg in get_args(hint):
        found = typed_dict_of(arg)
        if found is not None:
            return found
    return None


def compare(td: Any, schema: dict[str, Any], path: str) -> list[str]:
    problems = []
    hints = get_type_hints(td, include_extras=True)
    props = schema["properties"]
    if set(hints) != set(props):
        problems.append(f"{path}: fields {sorted(set(hints) ^ set(props))} differ")
    required = set(schema.get("required", []))
    if set(td.__required_keys__) != required & set(hints):
        problems.append(f"{path}: required {sorted(td.__required_keys__)} vs schema {sorted(required)}")
    for name, sub in props.items():
        if name not in hints:
            continue
        nested = object_schema(sub)
        inner = typed_dict_of(hints[name])
        if nested is not None:
            if inner is None:
                problems.append(f"{path}.{name}: schema has an object, the type has none")
            else:
                problems.extend(compare(inner, nested, f"{path}.{name}"))
    return problems


def test_agent_event_typed_dict_matches_the_json_schema() -> None:
    assert compare(t.AgentEvent, load(), "AgentEvent") == []


def test_enums_match_the_json_schema() -> None:
    schema = load()["properties"]
    assert list(t.EVENT_KINDS) == schema["kind"]["enum"]
    assert list(get_args(t.EventKind)) == schema["kind"]["enum"]
    assert [m for m in schema["tool"]["properties"]["mode"]["enum"] if m is not None] == list(get_args(t.ToolMode))
    assert schema["source"]["properties"]["mode"]["enum"] == list(get_args(t.SourceMode))


def test_make_event_output_validates_against_the_schema() -> None:
    validator = jsonschema.Draft7Validator(load())
    events = [
        make_event("model_request", tenant_id="acme", agent_id="a", session_id="s", enforcement_point_id="ep", text="hi", model=("openai", "gpt-4o")),
        make_event(
            "tool_call",
            tenant_id="acme",
            agent_id="a",
            session_id="s",
            enforcement_point_id="ep",
            tool_name="http.post",
            tool_target="https://example.com",
            tool_mode="write",
            tool_arguments='{"url": "https://example.com"}',
            credential_id="cred-1",
            data_classes=["personal"],
            attributes={"k": "v"},
        ),
    ]
    for e in events:
        errors = [f"{list(err.path)}: {err.message}" for err in validator.iter_errors(e)]
        assert errors == []
        # The decision endpoint (Avro contract) needs these, which the input schema leaves optional.
        assert len(e["event_id"]) == 26 and isinstance(e["ts"], int)
    content = events[0]["content"]
    assert content is not None and content["length"] == 2 and len(content["sha256"]) == 64
