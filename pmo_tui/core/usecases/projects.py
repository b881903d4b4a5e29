"""Project use cases."""

from __future__ import annotations

from .. import parse
from ..change import Change, Patch
from ..chars import quote as _short
from ..errors import UseCaseError
from ..model import TEMPLATES, Project
from . import validate
from .session import Session


def create_project(
    s: Session, key: str, name: str | None = None, template: str = "scrum"
) -> Change:
    pkey: str = validate.parsed(parse.parse_project_key, key)
    if template not in TEMPLATES:
        raise UseCaseError(f"unknown template {_short(template)} (choose: {', '.join(TEMPLATES)})")
    title = validate.clean_line(name or pkey.lower(), "project name", 200) or pkey.lower()
    with s.storage.transaction():
        if s.storage.project(pkey) is not None:
            raise UseCaseError(f"project {pkey} already exists in {s.storage.where}")
        project = Project(pkey, title, list(TEMPLATES[template]))
        s.storage.insert("projects", project.to_doc())
    return Change(f"create project {pkey}", [Patch("projects", pkey, None, project.to_doc())])
