"""layout.loads/dumps take the standard library's json for small payloads (orjson's import
costs more than a one-card change) and orjson for big ones: both ways must give the same
bytes for the same document and the same result (or refusal) for the same bytes, since the
CRC of each line and the byte search for ``{"key":"PMO-5",`` depend on it."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_tui.core.storage.jsonfile import layout


@pytest.fixture
def stdlib_first(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As in a fresh `pmo` process: orjson not loaded yet, so small payloads go stdlib."""
    monkeypatch.setattr(layout, "_orjson", None)
    yield


def _same_or_both_refused_dumps(value: Any) -> None:
    try:
        expected: bytes | type[Exception] = orjson.dumps(value)
    except orjson.JSONEncodeError:
        expected = orjson.JSONEncodeError
    try:
        got: bytes | type[Exception] = layout.dumps(value)
    except orjson.JSONEncodeError:
        got = orjson.JSONEncodeError
    assert got == expected, value


def _canonical(value: Any) -> str:
    # Distinguishes 0 from 0.0 and -0.0, and compares NaN-free trees exactly.
    return repr(value)


def _same_or_both_refused_loads(raw: bytes) -> None:
    try:
        expected = _canonical(orjson.loads(raw))
    except orjson.JSONDecodeError:
        expected = "refused"
    try:
        got = _canonical(layout.loads(raw))
    except ValueError as exc:  # the caller's except clause: json.JSONDecodeError
        assert isinstance(exc, layout.JSONDecodeError), exc
        got = "refused"
    assert got == expected, raw


HOSTILE_STRINGS = [
    "",
    "plain",
    "".join(chr(i) for i in range(0x20)),  # every C0 control: \n \t \b \f \r and \u00XX
    "\x7f\x80\x9b\x9f",  # DEL and C1 (CSI): written raw by both
    "\u2028\u2029",  # JSON-legal, JavaScript-hostile line separators: raw
    '"\\/',
    "é日本語",
    "\U0001f600\U0010ffff",  # non-BMP
    "\ufeff",  # a BOM inside a string
    "\ud800",  # a lone surrogate: refused by both
    "a\udfffb",
    '{"key":"PMO-5",',
]

HOSTILE_VALUES: list[Any] = [
    *HOSTILE_STRINGS,
    {s: s for s in HOSTILE_STRINGS if "\ud800" not in s and "\udfff" not in s},
    0,
    -1,
    2**63 - 1,
    2**63,
    2**64 - 1,
    2**64,  # beyond 64 bits: refused by both
    -(2**63),
    -(2**63) - 1,
    10**30,
    0.0,
    -0.0,
    1.0,
    0.1,
    1e-4,
    9.999999999999999e-05,
    1.5e-05,  # orjson: 0.000015, Python: 1.5e-05
    1e15,
    1e16 - 2,
    1e16,
    1e22,
    5e-324,
    1.7976931348623157e308,
    math.nan,  # orjson writes null
    math.inf,
    -math.inf,
    True,
    False,
    None,
    [],
    {},
    (1, "a"),  # a tuple is an array
    {1: "x"},  # a non-str key: refused by orjson
    {"a": {"b": [1, {"c": None}]}},
    datetime(2026, 11, 30, 12, 0, tzinfo=UTC),  # orjson's own format
    [
        [
            [
                [
                    [
                        [
                            [
                                [
                                    [
                                        [
                                            [
                                                [
                                                    [
                                                        [
                                                            [
                                                                [
                                                                    [
                                                                        [
                                                                            [
                                                                                [
                                                                                    [
                                                                                        [
                                                                                            [
                                                                                                [
                                                                                                    [
                                                                                                        [
                                                                                                            [
                                                                                                                [
                                                                                                                    [
                                                                                                                        [
                                                                                                                            [
                                                                                                                                [
                                                                                                                                    [
                                                                                                                                        [
                                                                                                                                            [
                                                                                                                                                [
                                                                                                                                                    [
                                                                                                                                                        [
                                                                                                                                                            [
                                                                                                                                                                [
                                                                                                                                                                    [
                                                                                                                                                                        [
                                                                                                                                                                            [
                                                                                                                                                                                [
                                                                                                                                                                                    [
                                                                                                                                                                                        [
                                                                                                                                                                                            [
                                                                                                                                                                                                [
                                                                                                                                                                                                    [
                                                                                                                                                                                                        [
                                                                                                                                                                                                            [
                                                                                                                                                                                                                [
                                                                                                                                                                                                                    [
                                                                                                                                                                                                                        [
                                                                                                                                                                                                                            []
                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                ]
                                                                                                                                                                                                            ]
                                                                                                                                                                                                        ]
                                                                                                                                                                                                    ]
                                                                                                                                                                                                ]
                                                                                                                                                                                            ]
                                                                                                                                                                                        ]
                                                                                                                                                                                    ]
                                                                                                                                                                                ]
                                                                                                                                                                            ]
                                                                                                                                                                        ]
                                                                                                                                                                    ]
                                                                                                                                                                ]
                                                                                                                                                            ]
                                                                                                                                                        ]
                                                                                                                                                    ]
                                                                                                                                                ]
                                                                                                                                            ]
                                                                                                                                        ]
                                                                                                                                    ]
                                                                                                                                ]
                                                                                                                            ]
                                                                                                                        ]
                                                                                                                    ]
                                                                                                                ]
                                                                                                            ]
                                                                                                        ]
                                                                                                    ]
                                                                                                ]
                                                                                            ]
                                                                                        ]
                                                                                    ]
                                                                                ]
                                                                            ]
                                                                        ]
                                                                    ]
                                                                ]
                                                            ]
                                                        ]
                                                    ]
                                                ]
                                            ]
                                        ]
                                    ]
                                ]
                            ]
                        ]
                    ]
                ]
            ]
        ]
    ],
]


class Text(str):
    pass


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=repr)
def test_dumps_gives_orjsons_bytes_or_its_refusal(stdlib_first: None, value: Any) -> None:
    _same_or_both_refused_dumps(value)
    _same_or_both_refused_dumps({"key": "PMO-5", "title": value})


def test_dumps_of_subclasses_and_cycles_match_orjson(stdlib_first: None) -> None:
    _same_or_both_refused_dumps({Text("k"): Text("v")})
    loop: list[Any] = []
    loop.append(loop)
    _same_or_both_refused_dumps(loop)
    deep: list[Any] = []
    for _ in range(300):  # orjson's depth limit is 254
        deep = [deep]
    _same_or_both_refused_dumps(deep)


HOSTILE_BYTES = [
    b"{}",
    b" {} \n",
    b"\xef\xbb\xbf{}",  # a BOM: refused by orjson
    b'{"a":1,"a":2}',
    b'{"a":"\\ud800"}',  # an escaped lone surrogate
    b'{"a":"\\ud83d\\ude00"}',  # an escaped pair
    b'{"a":"\xed\xa0\x80"}',  # a UTF-8-encoded surrogate
    b'{"a":"\xff"}',  # not UTF-8
    b'"\x01"',  # a raw control character
    b'"\\u001b[31m"',
    b"NaN",
    b"[Infinity]",
    b"[-Infinity]",
    b"[1e400]",
    b"[-1e400]",
    b"[1e-400]",
    b"[1E5, 1.5e+3, 2e-7]",
    b"[18446744073709551615, 18446744073709551616]",
    b"[-9223372036854775808, -9223372036854775809]",
    b"[123456789012345678901234567890]",
    b"[1" + b"0" * 400 + b"]",
    b"[0.1000000000000000055511151231257827]",
    b"[-0, -0.0, 0]",
    b"01",
    b"[1,]",
    b"1.",
    b".5",
    b'"\\x"',
    b"[" * 2000 + b"]" * 2000,
    b'{"a":1}x',
    b"",
    b"   ",
    b'{"key":"PMO-5","title":"\xe2\x80\xa8"}',
]


@pytest.mark.parametrize("raw", HOSTILE_BYTES, ids=repr)
def test_loads_gives_orjsons_result_or_its_refusal(stdlib_first: None, raw: bytes) -> None:
    _same_or_both_refused_loads(raw)
    _same_or_both_refused_loads(bytes(memoryview(b"[" + raw + b"]")))


def test_memoryview_input(stdlib_first: None) -> None:
    view = memoryview(b'xx{"key":"PMO-5","n":[1,2.5]}yy')[2:-2]
    assert layout.loads(view) == {"key": "PMO-5", "n": [1, 2.5]}


def test_small_payloads_do_not_import_orjson(stdlib_first: None) -> None:
    doc = {"key": "PMO-5", "title": "x\u2028\U0001f600", "rank": 1.5, "tags": ["a"], "n": None}
    assert layout.loads(layout.dumps(doc)) == doc
    assert layout._orjson is None


def test_big_payloads_use_orjson(stdlib_first: None) -> None:
    table = {str(i): {"key": f"PMO-{i}", "rank": i / 3} for i in range(layout.DUMPS_STDLIB_MAX)}
    raw = layout.dumps(table)
    assert raw == orjson.dumps(table)
    assert layout._orjson is sys.modules["orjson"]
    assert layout.loads(raw) == table


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**65), max_value=2**65)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('\x00\x1b\u2028\ud800"\\')),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=5)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_both_ways_agree_on_generated_documents(value: Any) -> None:
    saved = layout._orjson
    layout._orjson = None
    try:
        _same_or_both_refused_dumps(value)
        try:
            raw = orjson.dumps(value)
        except orjson.JSONEncodeError:
            return
        _same_or_both_refused_loads(raw)
    finally:
        layout._orjson = saved


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=1e-5, max_value=1e17) | st.floats(min_value=-1e17, max_value=-1e-5))
def test_floats_are_written_as_orjson_writes_them(value: float) -> None:
    saved = layout._orjson
    layout._orjson = None
    try:
        _same_or_both_refused_dumps(value)
        _same_or_both_refused_loads(orjson.dumps(value))
    finally:
        layout._orjson = saved
