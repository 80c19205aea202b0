"""Problems found in input data, located precisely (sheet, row, column) and translatable.

Engines have no Django import, so they cannot translate. A message template is marked with
`gettext_noop` (which `makemessages` collects) and the web layer translates it on display:
`gettext(problem.template) % problem.params`.
"""

from dataclasses import dataclass, field


def gettext_noop(message: str) -> str:
    """Mark a message for translation without translating it here."""
    return message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where it is."""

    template: str
    params: dict = field(default_factory=dict)
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def message(self) -> str:
        return self.template % self.params if self.params else self.template

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class DataError(ValueError):
    """An input was rejected; `problems` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
