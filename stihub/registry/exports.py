"""A registry as CSV or XLSX in the import contract's columns (keys as headers, codes as values),
so that a download imports back unchanged; and the Excel template to fill in (Vietnamese
labels, a "Hướng dẫn" sheet explaining each column, drop-down lists of the accepted words).

A person's restricted columns (`Expert.RESTRICTED`) are written only for a user allowed to see
personal data, and each person so downloaded is logged (`privacy.log_access`, DOWNLOAD).
"""

import io

from django.http import Http404, HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from stihub.core.spreadsheets import csv_bytes, xlsx_bytes
from stihub.core.uploads import CSV, XLSX
from stihub.engines import registry_io as contract
from stihub.engines.limits import column_letters

from .choices import Access
from .models import Expert
from .privacy import log_access
from .registries import visible

TEMPLATE_ROWS = 2000  # rows the drop-down lists cover
GUIDE = [
    "Mỗi dòng của trang «Dữ liệu» là một bản ghi; giữ nguyên dòng tiêu đề (có thể dùng tên cột"
    " tiếng Việt hoặc khóa tiếng Anh).",
    "Toàn bộ tệp được kiểm tra trước khi ghi: nếu có lỗi, không dòng nào được ghi và mọi lỗi"
    " được liệt kê theo dòng, cột và lý do.",
    "Ngày ghi dd/mm/yyyy (ví dụ 05/03/2021) hoặc yyyy-mm-dd. Danh sách trong một ô cách nhau"
    " bởi dấu ;. Có/không: có, không (hoặc yes, no).",
    "Các cột không bắt buộc có thể bỏ; cột bỏ đi thì giá trị đang có không bị thay đổi.",
]


def _join(values) -> str:
    return ";".join(str(v) for v in values)


def _latest_survey(obj):
    surveys = sorted(obj.survey_years.all(), key=lambda s: s.year)
    return surveys[-1] if surveys else None


def _expert(e) -> dict:
    return {
        "id": e.pk,
        "full_name": e.full_name,
        "birth_year": e.birth_year,
        "gender": e.gender,
        "academic_title": e.academic_title,
        "degree": e.degree,
        "fields": _join(sorted(f.code for f in e.fields.all())),
        "keywords": e.keywords,
        "organization": e.organization.code if e.organization else e.organization_name,
        "location": e.location,
        "country": e.country,
        "hometown": e.hometown,
        "email": e.email,
        "phone": e.phone,
        "orcid": e.orcid or "",
        "roles": e.roles,
        "public_consent": e.public_consent,
    }


def _organization(o) -> dict:
    survey = _latest_survey(o)
    return {
        **{k: getattr(o, k) for k in contract.keys("organizations") if hasattr(o, k)},
        "commune_code": o.commune.code if o.commune else "",
        "fields": _join(sorted(f.code for f in o.fields.all())),
        "year": survey.year if survey else None,
        "rd_fte": survey.rd_fte if survey else None,
    }


def _enterprise(e) -> dict:
    survey = _latest_survey(e)
    values = {k: getattr(e, k) for k in contract.keys("enterprises") if hasattr(e, k)}
    values["commune_code"] = e.commune.code if e.commune else ""
    values["survey_year"] = survey.year if survey else None
    for k in ("innovation", "rd"):
        values[k] = getattr(survey, k) if survey else None
    values["rd_fte"] = survey.rd_fte if survey else None
    return values


def _ip(p) -> dict:
    values = {k: getattr(p, k) for k in contract.keys("ip") if hasattr(p, k)}
    values["applicant_tax_code"] = p.applicant_enterprise.tax_code if p.applicant_enterprise else ""
    steps = {}
    for step in p.status_changes.all():
        steps[step.status] = max(step.on, steps.get(step.status, step.on))
    for status, key in (
        ("accepted", "accepted_on"),
        ("published", "published_on"),
        ("refused", "refused_on"),
        ("expired", "expired_on"),
    ):
        values[key] = steps.get(status)
    return values


def _infrastructure(i) -> dict:
    values = {k: getattr(i, k) for k in contract.keys("infrastructure") if hasattr(i, k)}
    values["owner_code"] = i.organization.code if i.organization else ""
    values["owner_tax_code"] = i.enterprise.tax_code if i.enterprise else ""
    values["fields"] = _join(sorted(f.code for f in i.fields.all()))
    return values


QUERIES = {
    "experts": (_expert, ["organization"], ["fields"]),
    "organizations": (_organization, ["commune"], ["fields", "survey_years"]),
    "enterprises": (_enterprise, ["commune"], ["survey_years"]),
    "ip": (_ip, ["applicant_enterprise"], ["status_changes"]),
    "infrastructure": (_infrastructure, ["organization", "enterprise"], ["fields"]),
}


def table(registry: str, user, path: str = "") -> tuple[list[str], list[list]]:
    """(column keys, rows) of what `user` may see of `registry`; restricted columns of people
    only with the personal-data permission, and then logged."""
    row_of, related, prefetched = QUERIES[registry]
    queryset = visible(registry, user).select_related(*related).prefetch_related(*prefetched)
    columns = contract.keys(registry)
    if registry == "experts":
        queryset = queryset.filter(erased_at__isnull=True)
        if not user.has_perm("registry.view_personal_data"):
            columns = [c for c in columns if c not in Expert.RESTRICTED]
    by_key = {c.key: c for c in contract.columns(registry)}
    records = list(queryset.order_by("sort_key", "pk"))
    rows = []
    for record in records:
        values = row_of(record)
        rows.append([contract.cell_text(by_key[k], values.get(k)) for k in columns])
    if registry == "experts" and set(Expert.RESTRICTED) & set(columns):
        log_access(user, records, via=Access.DOWNLOAD, path=path)
    return columns, rows


def export(registry: str, fmt: str, user, path: str = "") -> HttpResponse:
    """The download of a registry, as .csv or .xlsx."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    columns, rows = table(registry, user, path)
    if fmt == "csv":
        body, kind = csv_bytes(columns, rows), CSV
    else:
        body, kind = xlsx_bytes(registry, columns, rows), XLSX
    response = HttpResponse(body, content_type=kind.content_type)
    response["Content-Disposition"] = f'attachment; filename="{registry}.{fmt}"'
    return response


def template_bytes(registry: str) -> bytes:
    """The Excel template of `registry`: the data sheet first (the importer reads it), then
    the guide."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    cols = contract.columns(registry)
    sheet.append([c.label for c in cols])
    for i, column in enumerate(cols, start=1):
        letter = column_letters(i)
        sheet.cell(1, i).font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.label) + 4))
        words = _choices(column)
        if words:
            # A suggestion, not a lock: the codes and other accepted words are valid too.
            check = DataValidation(type="list", formula1=f'"{words}"', showErrorMessage=False)
            check.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("Hướng dẫn")
    for line in GUIDE:
        guide.append([line])
    guide.append([])
    guide.append(["Cột", "Khóa", "Bắt buộc", "Giải thích", "Giá trị chấp nhận"])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for column in cols:
        guide.append(
            [
                column.label,
                column.key,
                "có" if column.required else ("mở rộng" if column.extra else ""),
                column.help,
                contract.accepted_words(column),
            ]
        )
    for letter, width in zip("ABCDE", (34, 22, 10, 70, 60), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=len(GUIDE) + 3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _choices(column) -> str:
    if column.kind == "bool":
        return "có,không"
    if column.kind == "choice" and column.vocabulary in contract.WORDS:
        words = contract.WORDS[column.vocabulary].replace(";", ",")
        return words if len(words) < 250 else ""
    return ""


def template_response(registry: str) -> HttpResponse:
    response = HttpResponse(template_bytes(registry), content_type=XLSX.content_type)
    response["Content-Disposition"] = f'attachment; filename="{registry}-template.xlsx"'
    return response
