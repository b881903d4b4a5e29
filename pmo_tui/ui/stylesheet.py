"""Textual's stylesheet, re-parsed only when its variables change.

Textual parses every stylesheet again from scratch when a mode's screen is first shown and
whenever the CSS is refreshed, and setting the variables throws the parsed rules away even
when they are the same ones: before the first frame pmo.tcss (12 KB, ~10 ms a parse) was
parsed four times.  With the same variables a re-parse yields the same rules, so the parsed
rules are kept; sources added since are parsed as Textual always does (incrementally).  A
theme change (new variables) re-parses everything, as before.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class PmoStylesheet(Stylesheet):
    _parsed_with: dict[str, str] | None = None  # the variables the rules were parsed with

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables == self._variables:
            return  # the same values: the parsed rules (and their cache) stay right
        super().set_variables(variables)

    def parse(self) -> None:
        super().parse()
        self._parsed_with = self._variables

    def reparse(self) -> None:
        if self._parsed_with is not None and self._parsed_with == self._variables:
            self.parse()  # new sources only; the others come from the cache
            self._require_parse = False
            return
        super().reparse()
        self._parsed_with = self._variables
