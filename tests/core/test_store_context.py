"""files.contextmanager and files.suppress behave as contextlib's (the store uses them so
that a write command does not import contextlib)."""

from __future__ import annotations

import contextlib

import pytest

from pmo_tui.core.storage.jsonfile import files


class Boom(Exception):
    pass


def _gen(log: list[str], mode: str):  # type: ignore[no-untyped-def]
    log.append("enter")
    if mode == "no-yield":
        return
    try:
        yield "value"
    except Boom:
        log.append("caught")
        if mode == "swallow":
            return
        if mode == "other":
            raise ValueError("other") from None
        raise
    finally:
        log.append("finally")
    if mode == "twice":
        yield "again"


def _outcome(cm_factory, mode: str, body_raises: BaseException | None):  # type: ignore[no-untyped-def]
    log: list[str] = []
    got = None
    try:
        with cm_factory(log, mode) as value:
            got = value
            if body_raises is not None:
                raise body_raises
        result = "ok"
    except BaseException as exc:
        result = f"{type(exc).__name__}: {exc}"
    return got, result, log


@pytest.mark.parametrize("mode", ["plain", "swallow", "other", "no-yield", "twice"])
@pytest.mark.parametrize(
    "body_raises", [None, Boom("b"), KeyError("k"), StopIteration("s"), RuntimeError("r")]
)
def test_contextmanager_matches_contextlib(mode: str, body_raises: BaseException | None) -> None:
    ours = files.contextmanager(_gen)
    theirs = contextlib.contextmanager(_gen)
    exc_ours = type(body_raises)(*body_raises.args) if body_raises else None
    assert _outcome(ours, mode, exc_ours) == _outcome(theirs, mode, body_raises)


def test_contextmanager_keeps_the_exception_object_and_name() -> None:
    cm = files.contextmanager(_gen)
    assert cm.__name__ == "_gen"
    err = Boom("x")
    with pytest.raises(Boom) as info, cm([], "plain"):
        raise err
    assert info.value is err


@pytest.mark.parametrize(
    ("raised", "suppressed"),
    [(OSError("o"), True), (FileNotFoundError("f"), True), (ValueError("v"), False)],
)
def test_suppress_matches_contextlib(raised: BaseException, suppressed: bool) -> None:
    for factory in (files.suppress, contextlib.suppress):
        try:
            with factory(OSError, KeyError):
                raise raised
            outcome = True
        except ValueError:
            outcome = False
        assert outcome == suppressed
    with files.suppress(OSError):
        pass
