"""``CompiledMapping.explain``: why each top-level field has its value, or is absent."""

from __future__ import annotations

from framework.mapping import FieldTrace, compile_mapping


def p(path: str) -> dict[str, str]:
    return {"@path": path}


MAPPING = {
    "email": {"@if": {"exists": p("$.traits.email"), "then": p("$.traits.email"), "else": p("$.properties.email")}},
    "name": {"@template": "{{traits.first}} {{traits.last}}"},
    "plan": {"@if": {"exists": p("$.traits.plan"), "then": p("$.traits.plan")}},
    "source": "segment",
    "contact": {"@first": ["$.traits.phone", "$.traits.mobile"]},
}


def traces(event: dict[str, object]) -> dict[str, FieldTrace]:
    return {trace.field: trace for trace in compile_mapping(MAPPING).explain(event)}


def test_one_trace_per_top_level_field_in_order() -> None:
    assert [trace.field for trace in compile_mapping(MAPPING).explain({})] == list(MAPPING)


def test_then_branch_is_named_with_its_path() -> None:
    trace = traces({"traits": {"email": "a@b"}})["email"]
    assert trace.present and trace.value == "a@b"
    assert trace.source == "@if exists $.traits.email → then: @path $.traits.email"
    assert trace.paths == ("$.traits.email",)


def test_absent_field_says_which_branch_and_paths_were_tried() -> None:
    trace = traces({})["email"]
    assert not trace.present and trace.value is None
    assert trace.source == "@if exists $.traits.email → else: @path $.properties.email (absent)"
    assert trace.paths == ("$.traits.email", "$.properties.email")
    assert str(trace).startswith("email: absent — ")


def test_missing_branch_is_reported() -> None:
    assert traces({})["plan"].source.endswith("→ no else branch: nothing")


def test_template_reports_its_keys_and_constants_read_nothing() -> None:
    all_traces = traces({"traits": {"first": "Ada"}})
    assert all_traces["name"].paths == ("traits.first", "traits.last")
    assert all_traces["name"].value == "Ada "
    assert all_traces["source"].paths == () and all_traces["source"].value == "segment"


def test_first_names_the_candidate_used() -> None:
    trace = traces({"traits": {"mobile": "+1"}})["contact"]
    assert trace.value == "+1"
    assert trace.source.startswith("@first → candidate 2")


def test_explain_agrees_with_resolution() -> None:
    event = {"traits": {"email": None, "first": "A", "plan": 0}, "properties": {"email": "p@x"}}
    compiled = compile_mapping(MAPPING)
    payload = compiled(event)
    for trace in compiled.explain(event):
        assert trace.present is (trace.field in payload)
        if trace.present:
            assert trace.value == payload[trace.field]
