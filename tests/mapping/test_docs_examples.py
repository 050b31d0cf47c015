"""Every ``mapping:/event:/result:`` example in docs/mapping.md gives the result it shows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from framework.mapping import transform

DOC = Path(__file__).resolve().parents[2] / "docs" / "mapping.md"
_BLOCK = re.compile(r"```json\n(.*?)```", re.DOTALL)


def _examples() -> list[tuple[str, dict[str, Any]]]:
    examples = []
    for number, block in enumerate(_BLOCK.findall(DOC.read_text(encoding="utf-8"))):
        parts: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            label, colon, rest = line.partition(":")
            if colon and label in ("mapping", "event", "result"):
                current = label
                parts[label] = rest
            elif current is not None:
                parts[current] += line
        if set(parts) == {"mapping", "event", "result"}:
            examples.append((f"example-{number}", {key: json.loads(value) for key, value in parts.items()}))
    return examples


EXAMPLES = _examples()


def test_the_docs_have_examples_for_every_directive() -> None:
    text = json.dumps([example for _, example in EXAMPLES])
    for directive in ("@path", "@template", "@literal", "@if", "@case", "@replace", "@arrayPath", "@json",
                      "@flatten", "@merge", "@transform", "@excludeWhenNull", "@liquid", "@first"):  # fmt: skip
        assert f'"{directive}"' in text, directive


@pytest.mark.parametrize(("name", "example"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_doc_example(name: str, example: dict[str, Any]) -> None:
    assert transform(example["mapping"], example["event"]) == example["result"]
