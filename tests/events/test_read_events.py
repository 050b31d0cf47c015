"""read_events: every layout and compression, located bad lines, and streaming without whole-file loads."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from framework.events import MAX_EVENT_DEPTH, BadLine, EventRecord, SegmentEvent, iter_event_files, read_events

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "events"


def _write(path: Path, text: str, *, compress: bool = False) -> Path:
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def _summary(items: list[EventRecord | BadLine]) -> list[tuple[str, int, str]]:
    return [
        ("event", item.line, item.event.get("type", ""))
        if isinstance(item, EventRecord)
        else ("bad", item.line, item.reason)
        for item in items
    ]


NDJSON = '{"type": "identify", "n": 1}\n\n{"type": "track", "n": 2}\n'
ARRAY = '[\n  {"type": "identify", "n": 1},\n  {"type": "track",\n   "n": 2}\n]\n'
PRETTY = '{\n  "type": "page",\n  "n": 1\n}\n'


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("events.ndjson", NDJSON, [("event", 1, "identify"), ("event", 3, "track")]),
        ("events.json", NDJSON, [("event", 1, "identify"), ("event", 3, "track")]),
        ("array.json", ARRAY, [("event", 2, "identify"), ("event", 3, "track")]),
        ("one.json", PRETTY, [("event", 1, "page")]),
        ("two.json", PRETTY + PRETTY, [("event", 1, "page"), ("event", 5, "page")]),
        ("empty.json", "\n\n", []),
        ("empty-array.json", "[ ]", []),
    ],
)
@pytest.mark.parametrize("compress", [False, True])
def test_reads_each_layout_plain_and_gzipped(
    tmp_path: Path, name: str, text: str, expected: list, compress: bool
) -> None:
    path = _write(tmp_path / (name + (".gz" if compress else "")), text, compress=compress)
    assert _summary(list(read_events([path]))) == expected


def test_broken_fixture_reports_every_bad_line_and_keeps_the_good_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parents[1])  # paths are shown as given: relative to the repository root
    items = list(read_events(["fixtures/events/broken.ndjson"]))
    bad = [str(item) for item in items if isinstance(item, BadLine)]
    assert bad == [
        "fixtures/events/broken.ndjson:2: not valid JSON: Expecting ',' delimiter at column 90"
        " (the line ends before the event does: truncated?)",
        "fixtures/events/broken.ndjson:3: not valid JSON: Expecting ',' delimiter at column 21",
        "fixtures/events/broken.ndjson:4: not an event: expected a JSON object, found an array",
        "fixtures/events/broken.ndjson:5: not valid JSON: Expecting property name enclosed in double quotes at column 2",
    ]
    good = [item.event["messageId"] for item in items if isinstance(item, EventRecord)]
    assert good == ["brk-0001", "brk-0006"]


def test_a_bad_line_does_not_stop_the_following_files(tmp_path: Path) -> None:
    _write(tmp_path / "a.ndjson", '{"type": "identify"\n')
    _write(tmp_path / "b.ndjson", '{"type": "track"}\n')
    assert _summary(list(read_events([tmp_path]))) == [
        (
            "bad",
            1,
            "not valid JSON: Expecting ',' delimiter at column 20 (the line ends before the event does: truncated?)",
        ),
        ("event", 1, "track"),
    ]


def test_ndjson_name_forces_line_mode_even_when_the_first_line_is_broken(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.ndjson", '{"type": \n{"type": "track"}\n')
    kinds = [kind for kind, _, _ in _summary(list(read_events([path])))]
    assert kinds == ["bad", "event"]


def test_broken_array_element_is_located_and_ends_that_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.json", '[\n {"type": "identify"},\n {"type": "track" oops},\n {"type": "page"}\n]')
    items = list(read_events([path]))
    assert _summary(items)[0] == ("event", 2, "identify")
    assert isinstance(items[1], BadLine) and items[1].line == 3
    assert items[1].reason.startswith("not valid JSON: Expecting ',' delimiter at column 19")
    assert len(items) == 2


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("one.json", '{"type": "identify"\n', 1),
        ("pretty.json", '{\n  "type": "identify"\n}\n{\n  "type": "track",\n  "event": "X"\n', 4),
        ("a.json", '[{"type": "identify"},\n {"type": "track"', 2),
    ],
)
def test_a_document_cut_short_is_called_truncated_at_the_line_it_starts(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    bad = [item for item in read_events([_write(tmp_path / name, text)]) if isinstance(item, BadLine)]
    assert [(item.line, item.reason) for item in bad] == [
        (line, "not valid JSON: the input ends before the event that starts here does (truncated?)")
    ]


def test_array_missing_separator_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.json", '[{"type": "identify"} {"type": "track"}]')
    items = list(read_events([path]))
    assert isinstance(items[-1], BadLine)
    assert "expected ',' or ']'" in items[-1].reason


def test_non_object_values_are_bad_lines_naming_what_was_found(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.ndjson", '42\n"text"\nnull\ntrue\n[1]\n')
    reasons = [item.reason for item in read_events([path]) if isinstance(item, BadLine)]
    found = [reason.rsplit("found ", 1)[1] for reason in reasons]
    assert found == ["a number", "a string", "null", "a boolean", "an array"]


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "x.ndjson"
    path.write_bytes(b'{"type": "identify"}\n{"name": "\xff"}\n')
    items = list(read_events([path]))
    assert isinstance(items[1], BadLine) and items[1].line == 2 and "UTF-8" in items[1].reason


def test_truncated_gzip_is_reported_not_raised(tmp_path: Path) -> None:
    data = gzip.compress(("\n".join(['{"type": "identify"}'] * 2000)).encode())
    path = tmp_path / "cut.ndjson.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_events([path]))
    assert isinstance(items[-1], BadLine)
    assert "cannot decompress" in items[-1].reason


def test_missing_file_is_a_bad_line_at_the_file() -> None:
    (item,) = list(read_events(["no/such/events.ndjson"]))
    assert isinstance(item, BadLine) and item.line == 0
    assert str(item).startswith("no/such/events.ndjson: no such file")


def test_stdin_dash_reads_ndjson_and_gzip() -> None:
    plain = list(read_events("-", stdin=io.BytesIO(NDJSON.encode())))
    zipped = list(read_events(["-"], stdin=io.BytesIO(gzip.compress(ARRAY.encode()))))
    assert [item.path for item in plain] == ["<stdin>", "<stdin>"]
    assert _summary(zipped) == [("event", 2, "identify"), ("event", 3, "track")]


def test_directories_expand_to_sorted_event_files_skipping_others(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ["b.ndjson", "a.json", "sub/c.jsonl.gz", "notes.txt", ".hidden/x.json"]:
        (tmp_path / name).write_text("{}")
    names = [Path(p).relative_to(tmp_path).as_posix() for p in iter_event_files([tmp_path])]
    assert names == ["a.json", "b.ndjson", "sub/c.jsonl.gz"]


def test_large_array_is_streamed_not_loaded_whole(tmp_path: Path) -> None:
    """The reader must yield the first element before the generator has pulled the whole file."""
    count = 5000
    text = "[\n" + ",\n".join(json.dumps({"type": "track", "i": i, "pad": "x" * 200}) for i in range(count)) + "\n]\n"
    path = _write(tmp_path / "big.json", text)
    pulled: list[int] = []

    class CountingReader(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            pulled.append(len(chunk))
            return chunk

    stream = read_events("-", stdin=CountingReader(path.read_bytes()))
    first = next(stream)
    assert isinstance(first, EventRecord) and first.event["i"] == 0
    assert 0 < sum(pulled) < len(text) // 4
    rest = list(stream)
    assert len(rest) == count - 1 and rest[-1].line == count + 1


def test_fixture_events_cover_every_event_type_and_the_promised_cases() -> None:
    records = [item for item in read_events([FIXTURES]) if isinstance(item, EventRecord)]
    events = [record.event for record in records]
    assert any(record.path.endswith(".ndjson.gz") for record in records)  # a Segment archive export
    assert {event["type"] for event in events} == {"identify", "track", "page", "screen", "group", "alias"}
    emails = [event.get("traits", {}).get("email") for event in events if event["type"] == "identify"]
    assert "jane.doe@example.com" in emails and "Jane.Doe@Example.com" in emails
    assert any(key.endswith("__c") for event in events for key in event.get("traits", {}))
    assert any(event.get("context", {}).get("traits") for event in events)
    assert any(isinstance(event.get("traits", {}).get("address"), dict) for event in events)
    assert any(event["type"] == "identify" and "email" not in event.get("traits", {}) for event in events)
    assert any(ord(char) > 127 for event in events for char in json.dumps(event, ensure_ascii=False))


def test_segment_event_model_keeps_unknown_keys() -> None:
    model = SegmentEvent.model_validate({"type": "track", "event": "Signed Up", "custom": {"a": 1}})
    assert model.type == "track" and model.event == "Signed Up"
    assert model.model_dump(exclude_none=True)["custom"] == {"a": 1}


@pytest.mark.parametrize("text", [ARRAY, NDJSON, PRETTY])
def test_a_utf8_byte_order_mark_is_ignored(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    items = list(read_events([path]))
    assert items and all(isinstance(item, EventRecord) for item in items)


def test_array_elements_larger_than_a_read_chunk_are_read_whole(tmp_path: Path) -> None:
    big = {"type": "track", "properties": {"blob": "x" * 300_000, "list": list(range(20_000))}}
    text = "[\n" + json.dumps(big, indent=1) + ",\n" + json.dumps({"type": "page"}) + "\n]\n"
    items = list(read_events([_write(tmp_path / "big.json", text)]))
    assert [item.event["type"] for item in items if isinstance(item, EventRecord)] == ["track", "page"]
    assert items[0].event["properties"]["blob"] == "x" * 300_000  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.json", b'[{"type": "identify"},\n {"name": "\xff"}]\n'),
        ("pretty.json", b'{\n  "type": "identify"\n}\n{\n  "name": "\xff"\n}\n'),
    ],
)
def test_invalid_utf8_in_an_array_or_documents_is_a_bad_line_not_an_exception(
    tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    bad = [item for item in read_events([path]) if isinstance(item, BadLine)]
    assert len(bad) == 1 and bad[0].reason.startswith("not valid UTF-8 at byte")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.json", b'[{"type": "identify"},\n {"type": "track"},\n {"name": "\xff"},\n {"type": "page"}]\n'),
        ("pretty.json", b'{\n "type": "identify"\n}\n{\n "type": "track"\n}\n{\n "name": "\xff"\n}\n'),
    ],
)
def test_events_before_a_line_that_is_not_utf8_are_kept_and_the_bad_line_is_located(
    tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    items = list(read_events([path]))
    assert [item.event["type"] for item in items if isinstance(item, EventRecord)] == ["identify", "track"]
    [bad] = [item for item in items if isinstance(item, BadLine)]
    bad_line = data.split(b"\n").index(next(line for line in data.split(b"\n") if b"\xff" in line)) + 1
    assert bad.line == bad_line and bad.reason.startswith("not valid UTF-8 at byte")


def _nested(levels: int) -> str:
    """An identify event whose traits hold ``levels`` objects inside each other."""
    return '{"type": "identify", "traits": ' + '{"n": ' * levels + "1" + "}" * levels + "}"


@pytest.mark.parametrize("levels", [70, 1_000, 100_000])
def test_an_event_nested_past_the_depth_limit_is_a_located_bad_line_and_reading_goes_on(
    tmp_path: Path, levels: int
) -> None:
    path = _write(tmp_path / "deep.ndjson", f'{{"type": "track"}}\n{_nested(levels)}\n{{"type": "page"}}\n')
    summary = _summary(list(read_events(path)))
    assert summary[0] == ("event", 1, "track") and summary[2] == ("event", 3, "page")
    kind, line, reason = summary[1]
    assert (kind, line) == ("bad", 2)
    assert f"nested more than {MAX_EVENT_DEPTH} levels deep" in reason


@pytest.mark.parametrize("levels", [70, 1_000, 100_000])
def test_a_deep_array_element_is_refused_and_the_elements_after_it_are_read(tmp_path: Path, levels: int) -> None:
    text = f'[\n{{"type": "track"}},\n{_nested(levels)},\n{{"type": "page", "s": "[{{\\"]"}}\n]\n'
    summary = _summary(list(read_events(_write(tmp_path / "deep.json", text))))
    assert [item[:2] for item in summary] == [("event", 2), ("bad", 3), ("event", 4)]
    assert f"nested more than {MAX_EVENT_DEPTH} levels deep" in summary[1][2]


def test_the_depth_limit_leaves_real_events_alone(tmp_path: Path) -> None:
    path = _write(tmp_path / "ok.ndjson", _nested(MAX_EVENT_DEPTH - 2) + "\n")
    assert [type(item) for item in read_events(path)] == [EventRecord]


def test_bad_elements_of_a_one_line_array_are_located_by_column(tmp_path: Path) -> None:
    text = '[{"type": "identify"}, 5, {"type": "track"}, "x", ' + _nested(80) + ', {"type": "page"}]'
    items = list(read_events(_write(tmp_path / "minified.json", text)))
    bad = [item for item in items if isinstance(item, BadLine)]
    columns = [text.index(", 5") + 3, text.index('"x"') + 1, text.index(_nested(80)) + 1]
    assert [item.location for item in bad] == [f"{tmp_path / 'minified.json'}:1:{column}" for column in columns]
    assert str(bad[0]).endswith(f"minified.json:1:{columns[0]}: not an event: expected a JSON object, found a number")
    assert [item.event["type"] for item in items if isinstance(item, EventRecord)] == ["identify", "track", "page"]


def test_a_json_error_deep_in_a_one_line_array_names_its_real_column(tmp_path: Path) -> None:
    text = '[{"type": "identify"}, {"type": "track"}, {"type": "page",}]'
    [*_, bad] = read_events(_write(tmp_path / "minified.json", text))
    assert isinstance(bad, BadLine) and bad.line == 1
    assert f"at column {text.index(',}') + 2}" in bad.reason


def test_a_multi_line_array_element_is_located_at_its_own_line_and_column(tmp_path: Path) -> None:
    text = '[\n  {"type": "identify"},\n  5,\n  {"type": "track"}\n]\n'
    [bad] = [item for item in read_events(_write(tmp_path / "a.json", text)) if isinstance(item, BadLine)]
    assert bad.location == f"{tmp_path / 'a.json'}:3:3"


@pytest.mark.parametrize("pad", ["x" * 200, "é€😀" * 70, 'a\\"b\\u00e9\\ud83d\\ude00' * 20])
def test_a_one_line_array_is_streamed_not_loaded_whole(pad: str) -> None:
    """A minified array is a single line: it must be read in pieces, not as one line (memory and time)."""
    count = 5000
    elements = [
        json.dumps({"type": "track", "i": i, "pad": pad, "n": 12345.678e-3, "t": True}, ensure_ascii=False)
        for i in range(count)
    ]
    data = ("[" + ", ".join(elements) + ", 5]").encode("utf-8")
    pulled: list[int] = []

    class CountingReader(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            pulled.append(len(chunk))
            return chunk

    stream = read_events("-", stdin=CountingReader(data))
    first = next(stream)
    assert isinstance(first, EventRecord) and first.event["i"] == 0
    assert 0 < sum(pulled) < len(data) // 4
    rest = list(stream)
    assert [item.event["i"] for item in rest[:-1]] == list(range(1, count))  # type: ignore[union-attr]
    assert rest[-1].location == f"<stdin>:1:{len(data.decode('utf-8')) - 1}"


def test_a_byte_that_is_not_utf8_deep_in_a_one_line_array_is_located_at_its_line(tmp_path: Path) -> None:
    elements = [json.dumps({"type": "track", "i": i, "pad": "x" * 100}) for i in range(2000)]
    data = ("[" + ", ".join(elements) + ', {"name": "').encode() + b"\xff" + b'"}]\n'
    items = list(read_events(_write_bytes(tmp_path / "a.json", data)))
    assert sum(isinstance(item, EventRecord) for item in items) == 2000
    assert isinstance(items[-1], BadLine) and items[-1].line == 1
    bad_byte = data.index(b"\xff") + 1
    assert items[-1].reason == f"not valid UTF-8 at byte {bad_byte}"


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


_EDGE_LINES = [
    b'{"big":123456789012345678901234567890,"neg":-9223372036854775809}',  # beyond 64 bits: exact ints
    b'{"max":18446744073709551615,"min":-9223372036854775808,"zero":-0}',
    b'{"nan":NaN,"inf":Infinity,"huge":1e400}',  # the standard decoder's extensions
    b'{"lone":"\\ud800","pair":"\\ud83d\\ude00","e":"\\u00e9\xc3\xa9"}',
    b'\xef\xbb\xbf{"bom":"on every line"}',
    b'{"dup":1,"other":2,"dup":3}',  # the last value, at the first key's place
    b'{"floats":[0.1,5e-324,1.7976931348623157e308,2.2250738585072011e-308,1.0E+2,-0.0]}',
    b'{"a":1} \t\r',
]


def test_each_ndjson_line_reads_as_the_standard_decoder_reads_it(tmp_path: Path) -> None:
    """The NDJSON reader parses with orjson when it can; every value must be what json.loads gives."""
    path = tmp_path / "edge.ndjson"
    path.write_bytes(b"\n".join(_EDGE_LINES) + b"\n")
    events = [item.event for item in read_events(path) if isinstance(item, EventRecord)]
    expected = [json.loads(line.decode("utf-8-sig")) for line in _EDGE_LINES]
    assert [repr(list(event.items())) for event in events] == [repr(list(value.items())) for value in expected]


def test_bad_ndjson_lines_keep_their_located_reasons(tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson"
    path.write_bytes(b'{"a":1,}\n{"a":"x\ty"}\n[1]\n{"a":"\xff"}\n{"a":1\n')
    reasons = [str(item) for item in read_events(path)]
    shown = path.as_posix()
    assert reasons == [
        f"{shown}:1: not valid JSON: Expecting property name enclosed in double quotes at column 8",
        f"{shown}:2: not valid JSON: Invalid control character at at column 8",
        f"{shown}:3: not an event: expected a JSON object, found an array",
        f"{shown}:4: not valid UTF-8 at byte 7",
        f"{shown}:5: not valid JSON: Expecting ',' delimiter at column 7"
        " (the line ends before the event does: truncated?)",
    ]
