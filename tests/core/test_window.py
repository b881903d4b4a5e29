"""window.py: documents found in a table's bytes are exactly the parsed table, filtered.

Property tests: any tables pmo can write (ids, nested objects that look like documents,
strings with quotes, backslashes and braces, numbers that equal ints), any criteria, read
back through the bytes, equal the full parse filtered the same way, in the same order; or
the reader says "not sure" (None).  For plain tables it must not say so.
"""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_tui.core.storage.jsonfile import window
from pmo_tui.core.storage.jsonfile.layout import Tables, serialize, split, to_bytes

KEYS = ["PMO-1", "PMO-2", "PMO-12", "PMO-120", 'A"B', "a\\b", "é-1", "x\n", "", "PMO-1 "]
scalars = st.one_of(
    st.sampled_from(KEYS),
    st.sampled_from([0, 1, 2, 200, -1, 2.0, 200.0, 1.5, True, False, None]),
    st.text(alphabet='ab{}[]",:\\0123456789 ', max_size=12),
)
# Nested values, some of them objects with digit keys holding objects (a cut look-alike).
nested = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["card", "to", "from", "key", "1", "23", "x"]), inner, max_size=3
        ),
    ),
    max_leaves=6,
)
FIELDS = ["card", "to", "from", "key", "type", "note"]
docs = st.dictionaries(st.sampled_from(FIELDS), st.one_of(scalars, nested), max_size=5)
plain_docs = st.fixed_dictionaries(
    {"card": st.sampled_from(KEYS), "to": st.sampled_from([1, 2, 200, 200.0, True, "x", None])},
    optional={"note": st.text(alphabet='ab{}",:\\1 ', max_size=8)},
)
digit_ids = st.integers(1, 10**6).map(str)


def _read(tables: dict[str, dict[str, Any]]) -> Tables:
    data = Tables({"meta": {"1": {"schema_version": 1}}, "projects": {}, **tables})
    raw = to_bytes(serialize(data))
    parsed = split(raw, ValueError)
    assert parsed is not None
    return parsed


criteria = st.dictionaries(
    st.sampled_from(["card", "to", "from", "key"]),
    st.lists(st.one_of(st.sampled_from(KEYS), st.sampled_from([0, 1, 2, 200])), max_size=4),
    min_size=1,
    max_size=2,
)


def _check(table: dict[str, Any], crit: dict[str, list[Any]]) -> list[Any] | None:
    tables = _read({"events": table})
    got = window.docs_where_any(tables, "events", crit)
    full = orjson.loads(orjson.dumps(table))  # as the parse gives it
    want = window.keep_any(full.values(), crit)
    if got is not None:
        assert got == want
    return got


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.one_of(digit_ids, st.text("ab1-", max_size=3)), docs, max_size=8), criteria
)
def test_any_table_reads_back_as_the_filtered_parse(table: dict[str, Any], crit: Any) -> None:
    _check(table, crit)


@settings(max_examples=200)
@given(st.dictionaries(digit_ids, plain_docs, max_size=12), criteria)
def test_plain_tables_are_read_from_the_bytes(table: dict[str, Any], crit: Any) -> None:
    assert _check(table, crit) is not None


@settings(max_examples=150)
@given(
    st.dictionaries(digit_ids, plain_docs, min_size=1, max_size=6),
    st.lists(plain_docs, min_size=1, max_size=4),
    criteria,
)
def test_appended_documents_keep_the_count(
    table: dict[str, Any], extra: list[dict[str, Any]], crit: Any
) -> None:
    tables = _read({"events": table})
    tables.next_ids["events"] = max(int(k) for k in table) + 1
    for doc in extra:
        tables.append_raw("events", doc)
    assert window.docs_where_any(tables, "events", crit) is None  # not written yet
    again = split(to_bytes(serialize(tables)), ValueError)
    assert again is not None
    got = window.docs_where_any(again, "events", crit)
    want = window.keep_any([*table.values(), *extra], crit)
    assert got is not None
    assert orjson.dumps(got) == orjson.dumps(want)


def test_a_nested_cut_look_alike_is_not_trusted() -> None:
    table = {
        "1": {"card": "PMO-1", "to": {"a": {}, "7": {"card": "PMO-2"}}},
        "2": {"card": "PMO-2"},
    }
    tables = _read({"events": table})
    assert window.docs_where_any(tables, "events", {"card": ["PMO-2"]}) is None


def test_ids_that_are_not_digits_get_no_count() -> None:
    tables = _read({"events": {"1": {"card": "PMO-1"}, "x": {"card": "PMO-1"}}})
    assert "events" not in tables.doc_counts
    assert window.docs_where_any(tables, "events", {"card": ["PMO-1"]}) is None


def test_a_count_recorded_for_other_bytes_is_ignored() -> None:
    raw = to_bytes(
        serialize(
            Tables(
                {
                    "meta": {"1": {"schema_version": 1}},
                    "projects": {},
                    "events": {"1": {"card": "A"}},
                }
            )
        )
    )
    # the count of a line with another checksum (written before the line was changed)
    meta, rest = raw.split(b"\n", 1)
    doc = orjson.loads(meta[:-1] + b"}")["meta"]["1"]
    assert doc["docs"]["events"] == [1, doc["crc"]["events"]]
    doc["docs"]["events"] = [1, doc["crc"]["events"] ^ 1]
    forged = b'{"meta":' + orjson.dumps({"1": doc}) + b",\n" + rest
    tables = split(forged, ValueError)
    assert tables is not None
    assert "events" not in tables.doc_counts
    assert window.docs_where_any(tables, "events", {"card": ["A"]}) is None


def test_a_line_that_does_not_match_its_checksum_is_not_read_as_bytes() -> None:
    raw = to_bytes(
        serialize(
            Tables(
                {
                    "meta": {"1": {"schema_version": 1}},
                    "projects": {},
                    "events": {"1": {"card": "PMO-1"}},
                }
            )
        )
    )
    tables = split(raw.replace(b'"PMO-1"', b'"PMO-2"'), ValueError)
    assert tables is not None
    assert window.docs_where_any(tables, "events", {"card": ["PMO-2"]}) is None


@settings(max_examples=200)
@given(
    st.dictionaries(st.one_of(digit_ids, st.text("ab1-", max_size=3)), docs, max_size=8),
    st.lists(st.one_of(st.sampled_from(KEYS), st.sampled_from([0, 1, 2, 200])), max_size=3),
)
def test_fields_sharing_values_are_found_in_one_scan(table: dict[str, Any], values: Any) -> None:
    # (a sprint's membership events: "to" or "from" is the sprint)
    _check(table, {"to": values, "from": values})
    _check(table, {"card": values, "key": values, "to": values})
