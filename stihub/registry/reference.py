"""The reference data the registries classify by, loaded from the CSV files in `data/`: the
fields of science and technology and the VSIC 2018 sections and divisions."""

import csv
from pathlib import Path

DATA = Path(__file__).parent / "data"


def rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(field_model, industry_model) -> None:
    """Upsert both tables (a migration passes its historical models)."""
    codes = {}
    for row in rows("fields_of_science.csv"):
        parent = codes.get(row["code"].split(".")[0]) if "." in row["code"] else None
        codes[row["code"]], _created = field_model.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "name_en": row["name_en"], "parent": parent},
        )
    section = None
    for row in rows("vsic_2018.csv"):
        is_section = row["code"].isalpha()
        obj, _created = industry_model.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "section": None if is_section else section},
        )
        if is_section:
            section = obj
