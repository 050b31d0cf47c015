"""``@transform``: resolve ``apply`` against the payload, then ``mapping`` against that result.

``apply`` runs as a full transform (root rewrite, validation, absent members removed), which is how
Segment pre-processes events before the customer's mapping, usually from the root-level directive.
"""

from __future__ import annotations

from typing import Any

from framework.jsvalues import UNDEFINED, is_truthy, real_type_of, strip_undefined_members
from framework.mapping.errors import MappingResolutionError, MappingValidationError
from framework.mapping.nodes import CompileContext, Failing, Node, Trace
from framework.mapping.root import root_mapping
from framework.mapping.validation import mapping_errors

__all__ = ["compile_transform", "TransformNode"]


class TransformNode(Node):
    """Two compiled stages: ``apply`` on the payload, ``mapping`` on its result without absent members."""

    __slots__ = ("apply", "mapping")

    def __init__(self, apply: Node, mapping: Node) -> None:
        self.apply = apply
        self.mapping = mapping

    def _intermediate(self, payload: Any) -> Any:
        if payload is UNDEFINED:
            # Segment's ``transform(mapping, data = {})``: an absent payload (an @arrayPath slot
            # that resolved to nothing) takes the default parameter, an empty object.
            payload = {}
        if type(payload) is not dict:
            raise MappingResolutionError(f"data must be an object, got {real_type_of(payload)}")
        return strip_undefined_members(self.apply.resolve(payload))

    def resolve(self, payload: Any) -> Any:
        return self.mapping.resolve(self._intermediate(payload))

    def resolve_clean(self, payload: Any) -> Any:
        return self.mapping.resolve_clean(self._intermediate(payload))

    def describe(self) -> str:
        return f"@transform apply {self.apply.describe()} then {self.mapping.describe()}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        self.apply.explain(payload, Trace(paths=trace.paths))
        return self.resolve(payload)


def _compile_apply(apply: dict[str, Any], ctx: CompileContext) -> Node:
    """``apply`` is a mapping of its own: rewritten and validated once (Segment does it per event)."""
    try:
        rewritten = root_mapping(apply)
    except MappingValidationError as error:
        return Failing("; ".join(error.errors), error.errors)
    errors = mapping_errors(rewritten)
    if errors:
        return Failing("; ".join(errors), errors)
    return ctx.with_payload(clean=True).sub(rewritten)


def compile_transform(option: Any, ctx: CompileContext) -> Node:
    """Segment's run-time option checks, done once."""
    if type(option) is not dict:
        return Failing('@transform requires an object with an "apply" key and a "mapping" key')
    if not is_truthy(option.get("mapping", UNDEFINED)):
        return Failing('@transform requires a "mapping" key')
    if not is_truthy(option.get("apply", UNDEFINED)):
        return Failing('@transform requires a "apply" key')
    if type(option["apply"]) is not dict:
        return Failing('@transform "apply" key should be an object')
    apply = _compile_apply(option["apply"], ctx)
    # The intermediate keeps absent array slots (as Segment's does), so it is not a clean payload.
    return TransformNode(apply, ctx.with_payload(clean=False).sub(option["mapping"]))
