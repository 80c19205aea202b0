"""Benchmark of the registry import (`make bench`): 20,000 enterprises from an Excel workbook.

The same workbook with 50 deliberate errors of ten kinds (five of each, each in a row of its
own) must report exactly 50 problems and write nothing; the clean one must commit in under
30 s. `rows()` returns (measure, figure, goal) rows; it needs a migrated database (the bench's).
"""

import io
import time

from openpyxl import Workbook
from stdnum.vn import mst

from stihub.engines import registry_io

ENTERPRISES, ERRORS = 20_000, 50
HEADER = [c.label for c in registry_io.columns("enterprises") if not c.extra]
SIZES = ["siêu nhỏ", "nhỏ", "vừa", "lớn", "micro", "small"]
VSIC = ["1050", "6201", "0111", "4632", "7210", "2599"]


def tax_codes(n: int, start: int = 5_000_000, prefix: str = "47") -> list[str]:
    """`n` valid tax codes with the official check digit (prefixes whose check would be 10,
    which no tax code has, are skipped)."""
    codes, i = [], start
    while len(codes) < n:
        base = f"{prefix}{i:07d}"
        check = mst.calc_check_digit(base)
        if len(check) == 1:
            codes.append(base + check)
        i += 1
    return codes


def _clean_rows(communes: list[int]) -> list[list]:
    codes = tax_codes(ENTERPRISES)
    return [
        [
            code,
            f"Công ty TNHH Đổi mới sáng tạo Nghệ An số {i}",
            VSIC[i % len(VSIC)],
            SIZES[i % len(SIZES)],
            communes[i % len(communes)] if communes else None,
            f"{i}/DNKHCN" if i % 10 == 0 else None,
            f"{1 + i % 28:02d}/{1 + i % 12:02d}/2021" if i % 10 == 0 else None,
            f"2022-{1 + i % 12:02d}-15" if i % 7 == 0 else None,
        ]
        for i, code in enumerate(codes)
    ]


def _break(rows: list[list]) -> list[list]:
    """The rows with 50 errors: ten kinds, five each, one per row, spread over the file."""
    rows = [list(r) for r in rows]

    def wrong_check(r):
        r[0] = r[0][:-1] + str((int(r[0][-1]) + 1) % 10)

    kinds = [
        wrong_check,
        lambda r: r.__setitem__(0, rows[0][0]),  # a tax code already on row 2
        lambda r: r.__setitem__(1, ""),  # no name
        lambda r: r.__setitem__(3, "khổng lồ"),  # no such size
        lambda r: r.__setitem__(6, "31/02/2021"),  # no such date
        lambda r: r.__setitem__(2, "4410"),  # no VSIC division 44
        lambda r: r.__setitem__(4, 999_999),  # no such commune
        lambda r: r.__setitem__(7, "2021-13-01"),  # no 13th month
        lambda r: r.__setitem__(0, "12345"),  # not a tax code at all
        lambda r: r.__setitem__(2, "abc"),  # not a VSIC code
    ]
    step = ENTERPRISES // ERRORS
    for n in range(ERRORS):
        kinds[n % len(kinds)](rows[(n + 1) * step - 1])
    return rows


def workbook(rows: list[list]) -> io.BytesIO:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dữ liệu")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    return handle


def rows() -> list[tuple[str, str, str]]:
    from stihub.core.models import AdministrativeUnit
    from stihub.engines.problems import DataError
    from stihub.registry.importing import import_registry
    from stihub.registry.models import Enterprise

    communes = list(
        AdministrativeUnit.objects.filter(parent__isnull=False).values_list("code", flat=True)[:50]
    )
    clean = _clean_rows(communes)
    before = Enterprise.objects.count()
    start = time.perf_counter()
    try:
        import_registry("enterprises", workbook(_break(clean)), "bad.xlsx")
        problems = 0
    except DataError as error:
        problems = len(error.problems)
    bad_seconds = time.perf_counter() - start
    written = Enterprise.objects.count() - before
    start = time.perf_counter()
    result = import_registry("enterprises", workbook(clean), "clean.xlsx")
    seconds = time.perf_counter() - start
    return [
        (
            f"registry import: {ENTERPRISES:,} enterprises (.xlsx) with {ERRORS} errors:"
            " problems reported / rows written",
            f"{problems} / {written} ({bad_seconds:.1f} s)",
            f"{ERRORS} / 0",
        ),
        (
            f"registry import: {ENTERPRISES:,} clean enterprises (.xlsx), committed"
            f" ({result.counts['created']:,} new)",
            f"{seconds:.1f} s",
            "< 30 s",
        ),
    ]


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stihub.settings")
    django.setup()
    for row in rows():
        print(" | ".join(row))
