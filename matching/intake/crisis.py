"""Crisis resources shown to high-risk clients, configurable per jurisdiction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.adapters import AdapterKey

US_DEFAULT: tuple[dict[str, str], ...] = (
    {
        "name": "988 Suicide & Crisis Lifeline",
        "contact": "Call or text 988",
        "url": "https://988lifeline.org",
    },
    {
        "name": "Crisis Text Line",
        "contact": "Text HOME to 741741",
        "url": "https://www.crisistextline.org",
    },
    {"name": "Emergency services", "contact": "Call 911 if you are in immediate danger", "url": ""},
)


class CrisisDirectory:
    """Resources per jurisdiction, falling back to the national ones."""

    def __init__(self, overrides: Mapping[str, list[dict[str, str]]] | None = None) -> None:
        self._overrides = dict(overrides or {})

    @classmethod
    def from_file(cls, path: str | None) -> CrisisDirectory:
        """Load overrides from a JSON file {"CA": [{"name", "contact", "url"}, ...]}."""
        if not path:
            return cls()
        data: Any = json.loads(Path(path).read_text())
        if not isinstance(data, dict):
            raise ValueError("the crisis resources file must map jurisdictions to lists")
        return cls(data)

    def resources_for(self, jurisdiction: str) -> list[dict[str, str]]:
        """The jurisdiction's own resources first, then the national ones."""
        local = list(self._overrides.get(jurisdiction, []))
        return local + [dict(r) for r in US_DEFAULT]


CRISIS_DIRECTORY: AdapterKey[CrisisDirectory] = AdapterKey("crisis directory")
