"""Checks on the `[keymap]` of the config against the app's bindings (SPEC section 4).

Pure data in, messages out: the app passes its real bindings at start and shows the problems;
nothing here knows Textual.  A binding's keys are written as Textual writes them:
comma separated (``"j,down"``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

GLOBAL = "app"  # the screen name of the bindings that work on every screen

# Characters Textual also accepts by name: '?' and 'question_mark' are the same key.
_KEY_NAMES = {
    "?": "question_mark",
    "/": "slash",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    "{": "left_curly_bracket",
    "}": "right_curly_bracket",
    "(": "left_parenthesis",
    ")": "right_parenthesis",
    " ": "space",
    "+": "plus",
    "-": "minus",
    "=": "equals_sign",
    ",": "comma",
    ".": "full_stop",
    ":": "colon",
    ";": "semicolon",
    "<": "less_than_sign",
    ">": "greater_than_sign",
    "!": "exclamation_mark",
    "@": "at",
    "#": "number_sign",
    "$": "dollar_sign",
    "%": "percent_sign",
    "^": "circumflex_accent",
    "&": "ampersand",
    "*": "asterisk",
    "_": "underscore",
    "'": "apostrophe",
    '"': "quotation_mark",
    "`": "grave_accent",
    "~": "tilde",
    "|": "vertical_line",
    "\\": "backslash",
    "return": "enter",
    "esc": "escape",
    "ctrl+i": "tab",
    "ctrl+m": "enter",
}


def normalise_key(key: str) -> str:
    """One spelling per key: '?' -> 'question_mark', 'Ctrl+R' -> 'ctrl+r' (a terminal sends
    the same for both); a plain letter keeps its case ('J' is another key than 'j')."""
    key = key.strip()
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    mods, plus, last = key[:-1].rpartition("+") if len(key) > 1 else ("", "", key)
    if plus:
        last = key[len(mods) + 1 :]
        last = last.lower() if last.isalpha() else last
        return f"{mods.lower()}+{_KEY_NAMES.get(last, last)}"
    return key if len(key) == 1 else _KEY_NAMES.get(key.lower(), key.lower())


def split_keys(keys: str) -> list[str]:
    return [normalise_key(k) for k in keys.split(",") if k.strip()]


def check_keymap(
    keymap: Mapping[str, str],
    bindings_by_screen: Mapping[str, Sequence[tuple[str, str]]],
    *,
    global_screen: str = GLOBAL,
) -> list[str]:
    """Problems with ``keymap`` (binding id -> keys), one readable line each.

    ``bindings_by_screen`` maps a screen name to its bindings as (binding id, default keys);
    the bindings of ``global_screen`` work on every screen.  Reported: a binding id no
    screen has (with the nearest ids), and a key that a remapped binding shares with another
    binding of the same screen or with a global one.  Clashes between two default bindings
    are the app's own choice (a screen's escape over the app's) and are not reported.
    """
    problems: list[str] = []
    known = {bid for bindings in bindings_by_screen.values() for bid, _keys in bindings}
    for binding_id in sorted(keymap):
        if binding_id not in known:
            near = difflib.get_close_matches(binding_id, sorted(known), n=3, cutoff=0.8)
            hint = f" (did you mean {', '.join(near)}?)" if near else ""
            problems.append(f"keymap: unknown binding id {binding_id!r}{hint}")

    def effective(bindings: Sequence[tuple[str, str]]) -> list[tuple[str, list[str]]]:
        return [(bid, split_keys(keymap.get(bid, keys))) for bid, keys in bindings]

    global_bindings = effective(bindings_by_screen.get(global_screen, ()))
    reported: set[tuple[str, frozenset[str]]] = set()
    for screen, bindings in bindings_by_screen.items():
        own = effective(bindings)
        scope = own if screen == global_screen else own + global_bindings
        owners: dict[str, list[str]] = {}
        for bid, keys in scope:
            for key in keys:
                if bid not in owners.setdefault(key, []):
                    owners[key].append(bid)
        for key, ids in owners.items():
            for bid in (b for b in ids if b in keymap):
                for other in (o for o in ids if o != bid):
                    clash = (key, frozenset((bid, other)))
                    if clash in reported:
                        continue
                    reported.add(clash)
                    where = "" if screen == global_screen else f" (screen {screen})"
                    problems.append(
                        f"keymap: {bid} = {keymap[bid]!r} takes {key!r}, "
                        f"already the key of {other}{where}"
                    )
    return problems
