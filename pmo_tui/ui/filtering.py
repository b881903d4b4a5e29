"""The board filter: free text over key, title and tags, plus @user, #tag, is:mine,
is:overdue.  Every term must match."""

from __future__ import annotations

from datetime import date
from typing import Any


class CardFilter:
    def __init__(self, text: str) -> None:
        self.text = text.strip()
        self.words: list[str] = []
        self.users: list[str] = []
        self.tags: list[str] = []
        self.mine = False
        self.overdue = False
        for term in self.text.casefold().split():
            if term.startswith("@") and len(term) > 1:
                self.users.append(term[1:])
            elif term.startswith("#") and len(term) > 1:
                self.tags.append(term[1:])
            elif term == "is:mine":
                self.mine = True
            elif term == "is:overdue":
                self.overdue = True
            else:
                self.words.append(term)

    def matches(self, doc: dict[str, Any], me: str, today: date) -> bool:
        if not self.text:
            return True
        tags = [str(t).casefold() for t in doc.get("tags") or []]
        assignee = str(doc.get("assignee") or "").casefold()
        if self.mine and assignee != me.casefold():
            return False
        if any(u != assignee for u in self.users):
            return False
        if any(t not in tags for t in self.tags):
            return False
        if self.overdue:
            due = doc.get("due")
            if not due or str(due) >= today.isoformat() or doc.get("done"):
                return False
        if self.words:
            hay = " ".join(
                [str(doc.get("key", "")), str(doc.get("title", "")), *("#" + t for t in tags)]
            ).casefold()
            return all(w in hay for w in self.words)
        return True
