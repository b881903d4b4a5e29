"""Session.card_docs: the rank order, ties broken by the key's number, whichever way it is
sorted (floats alone when no two ranks are alike)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pmo_tui.core.model import card_number
from pmo_tui.core.usecases.session import Session


class Cards:
    """Just what card_docs reads of a storage."""

    generation = 1

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs

    def refresh(self) -> None:
        pass

    def in_transaction(self) -> bool:
        return False

    def cards(self, project: str | None = None) -> list[dict[str, Any]]:
        return list(self.docs)


RANK = st.one_of(
    st.none(),
    st.integers(-3, 3),
    st.floats(-3, 3, allow_nan=False).map(lambda x: round(x, 1)),
    st.sampled_from([0.5, 1.0, 2.0, "1.5"]),
)


@given(
    st.lists(st.tuples(RANK, st.integers(0, 40), st.booleans()), max_size=30),
    st.booleans(),
)
def test_the_order_is_rank_then_key_number(
    rows: list[tuple[Any, int, bool]], archived: bool
) -> None:
    docs: list[dict[str, Any]] = []
    for i, (rank, number, gone) in enumerate(rows):
        doc: dict[str, Any] = {"key": f"PMO-{number}", "id": i, "archived": gone}
        if rank is not None:
            doc["rank"] = rank
        docs.append(doc)
    session = Session(Cards(docs), "me", "PMO")  # type: ignore[arg-type]
    got = session.card_docs(archived=archived, project="PMO")
    want = sorted(
        (d for d in docs if archived or not d["archived"]),
        key=lambda d: (float(d.get("rank") or 0.0), card_number(d.get("key", ""))),
    )
    assert [d["id"] for d in got] == [d["id"] for d in want]
