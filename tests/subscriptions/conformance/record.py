"""Records Segment's answers for many FQL cases into cases.jsonl (run by hand; CI has no node).

    .venv/bin/python tests/subscriptions/conformance/record.py [--peer DIR] [--seed N] [--random N]

Every trigger is sent to Segment's own engine (the peer, see /work/shared/peer/README.md): its
`parseFql` AST and, for every event in events.json, `validate`'s verdict. Each case is then
compared with ours; a case where we differ must carry a documented divergence key (generators tag
the features that may diverge), otherwise recording fails, so every stored disagreement is
explained by docs/triggers.md. test_conformance.py replays the file without node.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from framework.subscriptions import FQLSyntaxError, compile_trigger, parse_fql
from framework.testing.recordings import write_recording

HERE = Path(__file__).resolve().parent
CASES_FILE = HERE / "cases.jsonl"
EVENTS_FILE = HERE / "events.json"
DEFAULT_PEER = Path(os.environ.get("PEER_DIR", "/tmp/segment-peer"))
SETUP = Path("/work/shared/peer/setup.sh")

_PARSE_SCRIPT = """
const { parseFql } = require('@segment/destination-subscriptions')
const rl = require('readline').createInterface({ input: process.stdin })
rl.on('line', (line) => {
  const c = JSON.parse(line); const ast = parseFql(c.fql)
  process.stdout.write(JSON.stringify(ast.error ? { id: c.id, error: ast.error.message } : { id: c.id, ast }) + '\\n')
})
"""

# ---------------------------------------------------------------- events


def sample_events() -> dict[str, Any]:
    """The spec's sample events (section 2.9) plus events aimed at each comparison rule."""
    return {
        "T": {
            "type": "track",
            "event": "Order Completed",
            "userId": "u1",
            "properties": {
                "price": 10,
                "sprice": "10",
                "flag": True,
                "name": "Nike Air",
                "nested": {"a": 1},
                "nul": None,
            },
            "context": {"library": {"name": "analytics.js"}, "page": {"url": "https://x.com/a"}},
        },
        "I": {"type": "identify", "userId": None, "traits": {"email": "A@segment.com", "logins": 3, "vip": False}},
        "P": {"type": "page", "name": "Home", "properties": {}},
        "L": {"type": "track", "event": "order completed", "properties": {"price": "5"}},
        "falsy": {
            "type": "track",
            "event": "",
            "name": "",
            "userId": 0,
            "properties": {"price": 0, "sprice": "", "flag": False, "name": None, "nested": {"a": 0}, "nested2": 0},
            "traits": {"email": "", "logins": 0, "vip": None},
            "context": {"library": 0},
        },
        "numbers": {
            "type": "track",
            "event": "5",
            "userId": "5",
            "properties": {"price": 10.5, "sprice": "10.0", "count": -3, "big": 1e21, "nested": {"a": 1.0}, "name": 5},
            "traits": {"logins": 3.0, "email": 7},
            "context": {"ip": "127.0.0.1"},
        },
        "arrays": {
            "type": "track",
            "event": "Product Added",
            "properties": {"items": [{"sku": "a"}, {"sku": "b"}], "name": "abc", "tags": ["x", "y"], "nested": [1]},
            "traits": {"address": {"city": "Paris"}},
            "context": {"page": {"url": "https://example.com/cart"}},
        },
        "wrongtypes": {
            "type": 5,
            "event": True,
            "name": ["Home"],
            "userId": True,
            "properties": "price",
            "traits": ["email"],
            "context": None,
        },
        "identify2": {
            "type": "identify",
            "userId": "user-42",
            "traits": {
                "email": "user42@example.com",
                "logins": 12,
                "vip": True,
                "name": "Bob",
                "address": {"city": "Berlin", "country": "DE"},
            },
            "context": {"library": {"name": "analytics-python"}},
        },
        "screen": {"type": "screen", "name": "Checkout", "userId": "u2", "properties": {"price": "x", "flag": "true"}},
        "empty": {},
        "array_event": [],
        "string_event": "track",
    }


def random_events(rng: random.Random, count: int) -> dict[str, Any]:
    """Events drawn from the same vocabulary as the random triggers, so both sides meet."""
    values = [
        None,
        True,
        False,
        0,
        1,
        3,
        5,
        10,
        -3,
        1.5,
        10.0,
        "",
        "5",
        "10",
        "true",
        "track",
        "Nike Air",
        "Order Completed",
        "A@segment.com",
        "analytics.js",
        {"a": 1},
        {"a": "x"},
        [1, 2],
        "identify",
    ]
    events: dict[str, Any] = {}
    for index in range(count):
        event: dict[str, Any] = {"type": rng.choice(["track", "identify", "page", "screen", "group"])}
        for key in ("event", "name", "userId"):
            if rng.random() < 0.6:
                event[key] = rng.choice(["Order Completed", "order completed", "Home", "u1", "5", None, 5, ""])
        for section in ("properties", "traits", "context"):
            if rng.random() < 0.8:
                keys = rng.sample(NESTED_NAMES[section], k=rng.randint(0, len(NESTED_NAMES[section])))
                event[section] = _nested_object(rng, keys, values)
        events[f"random-{index:02d}"] = event
    return events


def _nested_object(rng: random.Random, paths: list[str], values: list[Any]) -> dict[str, Any]:
    """An object holding a random value at each dotted path."""
    result: dict[str, Any] = {}
    for path in paths:
        *parents, last = path.split(".")
        target = result
        for parent in parents:
            if not isinstance(target.get(parent), dict):
                target[parent] = {}
            target = target[parent]
        target[last] = rng.choice(values)
    return result


# ---------------------------------------------------------------- triggers

NESTED_NAMES = {
    "properties": ["price", "sprice", "flag", "name", "nested.a", "nul", "missing", "count", "title"],
    "traits": ["email", "logins", "vip", "address.city", "name"],
    "context": ["library.name", "page.url", "ip"],
}
FIELDS = ["type", "event", "name", "userId"] + [f"{s}.{n}" for s, names in NESTED_NAMES.items() for n in names]
STRINGS = [
    "track",
    "identify",
    "page",
    "Order Completed",
    "order completed",
    "10",
    "5",
    "true",
    "false",
    "null",
    "",
    "Nike Air",
    "A@segment.com",
    "analytics.js",
    "Home",
    "u1",
    "x y",
    "Nike",
    "Completed",
    "a",
]
NUMBERS = ["0", "5", "10", "-3", "1.5", "10.0", "3", "+5", "0.5", "12"]
WORDS = ["track", "identify", "Home", "true", "false", "null", "screen"]
PATTERNS = ["Order*", "*Completed", "*completed", "Nike*", "*@segment.com", "*", "A*", "*.js", "https*", "*Air"]
OPERATORS = ["=", "!=", "<", "<=", ">", ">="]


def _value_text(rng: random.Random) -> tuple[str, set[str]]:
    kind = rng.random()
    if kind < 0.45:
        return f'"{rng.choice(STRINGS)}"', set()
    if kind < 0.75:
        return rng.choice(NUMBERS), set()
    return rng.choice(WORDS), set()


def random_condition(rng: random.Random) -> tuple[str, set[str]]:
    """One condition or function call in Segment-compatible spelling, with its divergence tags."""
    roll = rng.random()
    if roll < 0.2:
        return _random_function(rng)
    field, operator = rng.choice(FIELDS), rng.choice(OPERATORS)
    value, tags = _value_text(rng)
    if field in ("type", "event") and value == "null" and operator in ("=", "!="):
        tags.add("null-type-event")
    spacing = rng.random()
    if spacing < 0.05 and operator == "=":
        return f"{field}={value}", tags
    if spacing < 0.07:
        return f"{field}{operator}{value}", tags | {"operator-spacing"}
    return f"{field} {operator} {value}", tags


def _random_function(rng: random.Random) -> tuple[str, set[str]]:
    field = rng.choice([f for f in FIELDS if f != "type"])
    bang = "!" if rng.random() < 0.3 else ""
    if rng.random() < 0.5:
        value = f'"{rng.choice(STRINGS)}"' if rng.random() < 0.8 else rng.choice(NUMBERS)
        return f"{bang}contains({field}, {value})", {"function-in-parens"}
    return f'{bang}match({field}, "{rng.choice(PATTERNS)}")', {"function-in-parens"}


def random_trigger(rng: random.Random) -> tuple[str, set[str]]:
    """A flat list, a mixed list (precedence), or one level of parenthesised groups."""
    shape = rng.random()
    if shape < 0.3:
        return _flat(rng, rng.choice(["and", "or"]), rng.randint(1, 4))
    if shape < 0.5:
        return _mixed(rng)
    return _grouped(rng)


def _flat(rng: random.Random, conditional: str, count: int) -> tuple[str, set[str]]:
    parts = [random_condition(rng) for _ in range(count)]
    tags: set[str] = set().union(*(t for _, t in parts))
    tags.discard("function-in-parens")
    return f" {conditional} ".join(text for text, _ in parts), tags


def _mixed(rng: random.Random) -> tuple[str, set[str]]:
    parts = [random_condition(rng) for _ in range(rng.randint(3, 5))]
    texts = [parts[0][0]]
    for text, _ in parts[1:]:
        texts.append(rng.choice(["and", "or"]))
        texts.append(text)
    tags: set[str] = set().union(*(t for _, t in parts)) | {"precedence"}
    tags.discard("function-in-parens")
    return " ".join(texts), tags


def _grouped(rng: random.Random) -> tuple[str, set[str]]:
    outer = rng.choice(["and", "or"])
    inner = "or" if outer == "and" else "and"
    pieces, tags = [], set()
    for _ in range(rng.randint(2, 3)):
        if rng.random() < 0.5:
            text, piece_tags = _flat(rng, inner, rng.randint(2, 3))
            has_function = "contains(" in text or "match(" in text
            pieces.append(f"({text})")
            tags |= piece_tags | ({"function-in-parens"} if has_function else set())
        else:
            text, piece_tags = random_condition(rng)
            pieces.append(text)
            tags |= piece_tags - {"function-in-parens"}
    return f" {outer} ".join(pieces), tags


def operator_table() -> list[tuple[str, set[str]]]:
    """Every field kind x every operator x every value kind, and every function on every field kind."""
    fields = ["type", "event", "name", "userId", "properties.price", "traits.email", "context.library.name"]
    values = ['"track"', '"10"', "10", "1.5", "-3", "true", "false", "null", "track", '""']
    rows = []
    for field in fields:
        for operator in OPERATORS:
            for value in values:
                tags = (
                    {"null-type-event"}
                    if field in ("type", "event") and value == "null" and operator in ("=", "!=")
                    else set()
                )
                rows.append((f"{field} {operator} {value}", tags))
        if field != "type":
            for value in ['"Order"', '"10"', "10", "true", "null"]:
                rows += [(f"contains({field}, {value})", set()), (f"!contains({field}, {value})", set())]
            for pattern in ["Order*", "*Completed", "*", "*.js", "A*"]:
                rows += [(f'match({field}, "{pattern}")', set()), (f'!match({field}, "{pattern}")', set())]
    return rows


SOUP = [
    "type",
    "event",
    "name",
    "userId",
    "properties.price",
    "traits.email",
    "context.a.b",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "and",
    "or",
    "null",
    "true",
    "false",
    "(",
    ")",
    ",",
    '"track"',
    '"a b"',
    "5",
    "-3",
    "1.5",
    "contains",
    "match",
    '"Order*"',
    '"*x"',
    "x",
]


def token_soup(rng: random.Random, count: int) -> list[tuple[str, set[str]]]:
    """Random token sequences: Segment's parser skips what it does not expect, ours rejects it."""
    return [(" ".join(rng.choice(SOUP) for _ in range(rng.randint(1, 9))), {"stray-tokens"}) for _ in range(count)]


def probe_triggers() -> list[tuple[str, set[str]]]:
    """The representative strings of segment-core.md section 2.9, one per row."""
    rows = [
        'type = "track"',
        "type = track",
        "type = 'track'",
        'type != "track"',
        'event = "Order Completed"',
        'event != "Order Completed"',
        "event != null",
        "event = null",
        'type = "track" or type = "identify"',
        'type = "track" and event = "Order Completed"',
        "properties.price > 5",
        "properties.price >= 10",
        "properties.price = 10",
        'properties.price = "10"',
        'properties.sprice = "10"',
        "properties.price != 10",
        'properties.price != "10"',
        "properties.flag = true",
        'properties.flag = "true"',
        "properties.flag != true",
        "traits.vip = false",
        "properties.nul = null",
        "properties.missing = null",
        "properties.name != null",
        "properties.nested.a = 1",
        'contains(event, "Completed")',
        '!contains(event, "Completed")',
        'contains(properties.name, "Nike")',
        'match(event, "Order*")',
        'match(event, "*completed")',
        '!match(traits.email, "*@segment.com")',
        'match(event, "Order")',
        "userId != null",
        "userId = null",
        'name = "Home"',
        'context.library.name = "analytics.js"',
        'contains(context.page.url, "x.com")',
        '(type = "track" and properties.price > 5) or (type = "identify" and traits.logins >= 3)',
        'type = "track" and event = "X" or type = "page"',
        'type = "track" and anonymousId = "x"',
        '!(event = "Order Completed")',
        'anonymousId = "x"',
        "properties.price>5",
        '((type = "track"))',
        'contains(type, "tr")',
        "",
        "typo",
        'type * "x"',
        'event = "A" && type = "track"',
        'event = "A" and (type = "track"',
        "type",
    ]
    return [(row, DIVERGENT_PROBES.get(row, set())) for row in rows]


DIVERGENT_PROBES: dict[str, set[str]] = {
    "type = 'track'": {"single-quotes"},
    "event != null": {"null-type-event"},
    "event = null": {"null-type-event"},
    'match(event, "Order")': {"match-pattern"},
    'type = "track" and event = "X" or type = "page"': {"precedence"},
    'type = "track" and anonymousId = "x"': {"unsupported-field"},
    '!(event = "Order Completed")': {"negation"},
    "properties.price>5": {"operator-spacing"},
    '((type = "track"))': {"nested-parens"},
}


def divergence_examples() -> list[tuple[str, set[str]]]:
    """One or more hand-written cases for every documented divergence (docs/triggers.md)."""
    return [
        ('type = "track" or type = "page" and event = "Order Completed"', {"precedence"}),
        ('type = "identify" or type = "track" and properties.price > 5', {"precedence"}),
        ('((type = "track" or type = "page") and userId != null)', {"nested-parens"}),
        (
            'type = "track" and (event = "Order Completed" or (properties.price > 5 and properties.flag = true))',
            {"nested-parens"},
        ),
        ('type = "track" and (contains(event, "Order") or event = "X")', {"function-in-parens"}),
        ('(match(event, "Order*") or type = "page") and userId != null', {"function-in-parens"}),
        ("type = null", {"null-type-event"}),
        ("type != null", {"null-type-event"}),
        ('type = "track" and event != null', {"null-type-event"}),
        ('type = "identify" and messageId = "m1"', {"unsupported-field"}),
        ('anonymousId != null or type = "track"', {"unsupported-field"}),
        ("event = 'Order Completed'", {"single-quotes"}),
        ("properties.name = 'Nike Air'", {"single-quotes"}),
        ('!(type = "track")', {"negation"}),
        ('!event = "Order Completed"', {"negation"}),
        ('! contains(event, "Order")', {"negation"}),
        ('match(event, "Ord*er")', {"match-pattern"}),
        ('match(event, "*Order*")', {"match-pattern"}),
        ('match(event, "**")', {"match-pattern"}),
        ("match(event, 5)", {"match-pattern"}),
        ('type!="track"', {"operator-spacing"}),
        ("properties.price<=10", {"operator-spacing"}),
        ("properties.price <=10", {"operator-spacing"}),
        ('type = "track"\r\nand userId != null', {"carriage-return"}),
        ('type = "track" AND event = "Order Completed"', {"uppercase-conditional"}),
        ('type = "track" OR type = "identify"', {"uppercase-conditional"}),
        ('type.name = "track"', {"field-shape"}),
        ('properties = "x"', {"field-shape"}),
        ('contains(properties, "x")', {"field-shape"}),
        ('contains(type, "tr") and userId != null', {"contains-type"}),
        ('event = "Order"Completed"', {"lexer-quirk"}),
        ("properties.price = 5abc", {"lexer-quirk"}),
        ('type == "track"', {"lexer-quirk"}),
        ("properties.price = 1e1", {"lexer-quirk"}),
        ("type = an", {"lexer-quirk"}),
        ("event = -", {"lexer-quirk"}),
        ('type = "track" and ()', {"lexer-quirk"}),
        ("properties.price > 1.", {"lexer-quirk"}),
        ('properties.items.0.sku = "a"', {"array-index"}),
        ('properties.items[0].sku = "a"', {"array-index"}),
        ("properties.constructor != null", {"js-prototype"}),
        ("properties.name.concat != null", {"js-prototype"}),
        ('type = "track" and', {"incomplete"}),
        ("type =", {"incomplete"}),
        ('type = "track" or', {"incomplete"}),
    ]


def agreeing_examples() -> list[tuple[str, set[str]]]:
    """Hand-picked rows for each rule where we and Segment must agree."""
    return [
        ("properties.nested2.a = 0", set()),
        ("properties.nested.a.b != null", set()),
        ("traits.email = 7", set()),
        ("properties.name.length = 3", set()),
        ("properties.items.length > 1", set()),
        ('properties.tags = "x,y"', set()),
        ('properties.sprice > "5"', set()),
        ("properties.price > true", set()),
        ('event = "5"', set()),
        ("event = 5", set()),
        ("userId = 5", set()),
        ("userId = true", set()),
        ("userId = false", set()),
        ("properties.flag != true", set()),
        ("properties.big = 1000000000000000000000", set()),
        ("properties.price < 10.5", set()),
        ("properties.count = -3", set()),
        ("properties.count > -4.5", set()),
        ("contains(properties.name, 5)", set()),
        ("context.library = 0", set()),
        ("type = 5", set()),
        ('name != "Home"', set()),
        ("traits.vip != false", set()),
        ('match(event, "*")', set()),
        ('!match(event, "*")', set()),
        ("traits.logins >= 3", set()),
        ('(type = "track")', set()),
        ('(type = "track" or type = "page") and (userId != null)', set()),
        ('type = "track"\tand\nevent = "Order Completed"', set()),
        ("properties.my\\ key = 1", set()),
        ('properties.price != "10" and type != "identify"', set()),
        ("name = null", set()),
        ("name != null", set()),
        # the complex trigger of benchmarks/bench_fql.py: both engines must read it the same way
        (
            '(type = "identify" or type = "track") and traits.email != null and '
            'match(traits.email, "*@example.com") and traits.address.country = "FR"',
            set(),
        ),
    ]


# ---------------------------------------------------------------- running both engines


def peer_dir(explicit: str | None) -> Path:
    """The peer folder: --peer, $PEER_DIR, /tmp/segment-peer, or whatever setup.sh installs."""
    path = Path(explicit) if explicit else DEFAULT_PEER
    if not (path / "segment_peer.js").exists():
        path = Path(subprocess.run([str(SETUP)], check=True, capture_output=True, text=True).stdout.strip())
    return path


def run_node(peer: Path, script: list[str], lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Runs a node script in the peer folder over JSON lines; answers keyed by id."""
    stdin = "".join(json.dumps(line) + "\n" for line in lines)
    done = subprocess.run(["node", *script], cwd=peer, input=stdin, capture_output=True, text=True, check=True)
    answers = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {answer["id"]: answer for answer in answers}


def segment_answers(peer: Path, triggers: dict[str, str], events: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Segment's AST (or parse error) and per-event verdicts for every trigger."""
    asts = run_node(peer, ["-e", _PARSE_SCRIPT], [{"id": case_id, "fql": fql} for case_id, fql in triggers.items()])
    jobs = [
        {"id": f"{case_id}|{name}", "kind": "fql", "fql": fql, "event": event}
        for case_id, fql in triggers.items()
        if "ast" in asts[case_id]
        for name, event in events.items()
    ]
    verdicts = run_node(peer, ["segment_peer.js"], jobs)
    answers: dict[str, dict[str, Any]] = {}
    for case_id in triggers:
        if "error" in asts[case_id]:
            answers[case_id] = {"segment_error": asts[case_id]["error"]}
            continue
        found = {name: verdicts[f"{case_id}|{name}"] for name in events}
        answers[case_id] = {
            "segment_ast": asts[case_id]["ast"],
            "segment_matched": [name for name, answer in found.items() if answer.get("match") is True],
            "segment_threw": [name for name, answer in found.items() if "match" not in answer],
        }
    return answers


def parse_differs(segment: dict[str, Any], fql: str) -> bool:
    """Our parse must fail where Segment's fails, and give Segment's AST where it succeeds."""
    try:
        ours = parse_fql(fql)
    except FQLSyntaxError:
        return "segment_error" not in segment
    return segment.get("segment_ast") != ours


def evaluation_differs(segment: dict[str, Any], events: dict[str, Any]) -> bool:
    """Our evaluator on Segment's own AST must match exactly the events Segment matched."""
    if "segment_ast" not in segment:
        return False
    trigger = compile_trigger(segment["segment_ast"])
    matched = [
        name for name, event in events.items() if name not in segment["segment_threw"] and trigger.matches(event)
    ]
    return bool(matched != segment["segment_matched"])


def case_id(prefix: str, fql: str) -> str:
    return f"{prefix}-{hashlib.sha1(fql.encode()).hexdigest()[:10]}"


def all_triggers(rng: random.Random, count: int) -> Iterator[tuple[str, str, set[str]]]:
    """(id, fql, possible divergences) for probes, hand-written and random triggers, deduplicated."""
    seen: set[str] = set()
    sources = [
        ("probe", probe_triggers()),
        ("divergence", divergence_examples()),
        ("rule", agreeing_examples()),
        ("table", operator_table()),
        ("random", [random_trigger(rng) for _ in range(count)]),
        ("soup", token_soup(rng, count // 4)),
    ]
    for prefix, rows in sources:
        for fql, tags in rows:
            if fql not in seen:
                seen.add(fql)
                yield case_id(prefix, fql), fql, tags


def record(peer: Path, seed: int, count: int) -> int:
    """Writes events.json and cases.jsonl; returns the number of unexplained differences."""
    rng = random.Random(seed)
    events = {**sample_events(), **random_events(rng, 24)}
    rows = list(all_triggers(rng, count))
    answers = segment_answers(peer, {cid: fql for cid, fql, _ in rows}, events)
    unexplained = 0
    cases = []
    for cid, fql, tags in rows:
        case = {"id": cid, "fql": fql, **answers[cid]}
        parse_diff, evaluation_diff = parse_differs(answers[cid], fql), evaluation_differs(answers[cid], events)
        if (parse_diff and not tags) or (evaluation_diff and "js-prototype" not in tags):
            unexplained += 1
            print(f"UNEXPLAINED {cid}: {fql!r}\n  segment: {answers[cid]}", file=sys.stderr)
        if parse_diff or evaluation_diff:
            case["divergence"] = sorted(tags) if tags else ["UNEXPLAINED"]
        cases.append(case)
    write_recording(
        CASES_FILE, cases, generator="tests/subscriptions/conformance/record.py", seed=seed, peer=peer, sort_keys=True
    )
    EVENTS_FILE.write_text(json.dumps(events, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    divergent = sum(1 for line in CASES_FILE.read_text().splitlines() if '"divergence"' in line)
    print(
        f"recorded {len(rows)} triggers x {len(events)} events; {divergent} documented divergences; {unexplained} unexplained"
    )
    return unexplained


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", help="folder with Segment's engine (default: $PEER_DIR or /tmp/segment-peer)")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--random", type=int, default=2500, help="number of random triggers")
    args = parser.parse_args()
    sys.exit(1 if record(peer_dir(args.peer), args.seed, args.random) else 0)


if __name__ == "__main__":
    main()
