"""Import a registry file (`stihub import_registry`, the web import): every row checked, then all
or nothing in one transaction.

The cells are read by `engines.registry_io`; here the references are resolved with one query per
batch (organization by code or name, applicant and owner by tax code, commune by official code,
fields of science by code) and the records upserted by their natural key: organizations by
`code`, enterprises by `tax_code`, industrial property by `application_no`, experts by `id` (an
export's column) or `orcid` when given, else new; infrastructure by name and owner. Records are
written with `bulk_create_with_history` / `bulk_update_with_history` in batches (so the history
keeps who imported what), a record whose values are all the same is not written at all.
Likely duplicates of the new records are flagged (`duplicates.flag`) and the registry-fed series
are recomputed after the commit (`series.registry_changed`).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django_tasks import task

from stihub.core.models import AdministrativeUnit
from stihub.engines import limits as size
from stihub.engines import registry_io as io
from stihub.engines.problems import DataError, gettext_noop
from stihub.engines.text import fold
from stihub.jobs import tasks as jobs
from stihub.jobs.choices import JobKind, JobStage
from stihub.jobs.models import Job
from stihub.monitoring.importing import count_rows

from . import series
from .choices import SharedUse
from .import_writes import chunks, write
from .models import (
    Enterprise,
    Expert,
    FieldOfScience,
    Industry,
    Infrastructure,
    IPObject,
    Organization,
)
from .registries import REGISTRIES

UNKNOWN_ID = gettext_noop("No expert in the registry has the record number %(value)s.")
UNKNOWN_ORG = gettext_noop("No organization in the registry has the code %(value)s.")
UNKNOWN_ENTERPRISE = gettext_noop("No enterprise in the registry has the tax code %(value)s.")
NEEDS_APPLICANT = gettext_noop(
    "Give the applicant's name: no enterprise in the registry has this tax code."
)
# Scalar cells stored as they are, per kind (key = model field).
PLAIN = {
    "experts": (
        "full_name birth_year gender academic_title degree location country hometown email"
        " phone orcid"
    ),
    "organizations": "code name kind staff_total staff_phd short_name address website"
    " staff_masters",
    "enterprises": "tax_code name vsic size st_cert_no st_cert_date startup_recognised_on address"
    " products st_cert_issuer st_cert_products st_cert_rule startup_evidence",
    "ip": "kind application_no filed_on applicant_name title status granted_on grant_no",
    "infrastructure": "kind name description conditions contact",
}


@dataclass
class Result:
    """What an import did: records created, updated and unchanged, and the likely duplicates
    of the new ones [(new record, existing record, reason)]."""

    counts: Counter = field(default_factory=Counter)
    duplicates: list = field(default_factory=list)


def registry_limits() -> size.Limits:
    """What a registry file may hold, from settings."""
    return size.Limits(
        max_unzipped_bytes=settings.STIHUB_UPLOAD_MAX_UNZIPPED_BYTES,
        max_ratio=settings.STIHUB_UPLOAD_MAX_ZIP_RATIO,
        max_rows=settings.STIHUB_REGISTRY_MAX_ROWS,
        max_columns=settings.STIHUB_UPLOAD_MAX_COLUMNS,
    )


def known_codes() -> io.Known:
    """The fields of science, VSIC divisions and commune codes loaded in the database."""
    communes = AdministrativeUnit.objects.filter(parent__isnull=False).values_list(
        "code", flat=True
    )
    return io.Known(
        fields=frozenset(FieldOfScience.objects.values_list("code", flat=True)),
        vsic=frozenset(c for c in Industry.objects.values_list("code", flat=True) if c.isdigit()),
        communes=frozenset(str(c) for c in communes),
    )


def _by(model, key: str, values) -> dict:
    """{value: record} of `model` whose `key` is one of `values`, one query per batch."""
    found = {}
    for chunk in chunks({v for v in values if v}):
        found.update({getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": chunk})})
    return found


class _Plan:
    """The records one file creates and changes, with their lists and side records."""

    def __init__(self, kind, rows, problems):
        self.kind, self.rows, self.problems = kind, rows, problems
        self.model = REGISTRIES[kind].model
        self.new, self.changed, self.fields = [], [], set()
        self.m2m = []  # (record, [field pks]) for rows with a fields column
        self.after = []  # (record, row): side records written once the record has its pk
        self.consents = []  # (row, given): experts whose consent the file records or withdraws
        self.touched = {}  # id → record whose lists or side records change

    def bad(self, row, key, template, **params):
        self.problems.append(row.problem(key, template, **params))

    def put(self, obj, row, values: dict, is_new: bool) -> None:
        """Set `values` on `obj`; count it as new, changed (writing the fields that differ)
        or unchanged."""
        differ = [k for k, value in values.items() if getattr(obj, k) != value]
        for k in differ:
            setattr(obj, k, values[k])
        if is_new:
            self.new.append(obj)
        elif differ:
            self.changed.append(obj)
            self.fields.update(differ)
        self.after.append((obj, row))


def import_registry(kind, fileobj, filename, *, user=None, limits=None, progress=None) -> Result:
    """Check every row of a registry file and write it all, or nothing (DataError)."""
    rows, problems = io.read(
        kind,
        fileobj,
        filename,
        known=known_codes(),
        limits=limits or registry_limits(),
        collect=True,
    )
    plan = _Plan(kind, rows, problems)
    BUILDERS[kind](plan)
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.row or 0)))
    result = Result()
    if progress:
        progress.stage(JobStage.WRITING, len(rows))
    with transaction.atomic():
        write(plan, user, filename, result)
        if progress:
            progress.finish(
                {**{k: result.counts[k] for k in ("created", "updated", "unchanged")},
                 "duplicates": len(result.duplicates)},
                len(rows),
            )  # fmt: skip
    series.registry_changed()
    return result


def _plain(kind, row) -> dict:
    values = {k: row.values[k] for k in PLAIN[kind].split() if k in row.values}
    for k in ("keywords", "roles", "classes"):
        if k in row.values:
            values[k] = ";".join(row.values[k])
    if values.get("orcid") == "":
        values["orcid"] = None  # unique: many experts have none
    return values


def _communes(plan) -> dict:
    codes = {r.values.get("commune_code") for r in plan.rows} - {None}
    units = AdministrativeUnit.objects.filter(code__in=codes).values_list("code", "pk")
    return dict(units)


def _field_pks() -> dict:
    return dict(FieldOfScience.objects.values_list("code", "pk"))


def _lists(plan, obj, row, field_pks) -> None:
    if "fields" in row.values:
        plan.m2m.append((obj, [field_pks[c] for c in row.values["fields"] if c in field_pks]))


def _experts(plan):
    ids = _by(Expert, "pk", [r.values.get("id") for r in plan.rows])
    orcids = _by(Expert, "orcid", [r.values.get("orcid") for r in plan.rows])
    names = {r.values.get("organization") for r in plan.rows} - {"", None}
    organizations = {}
    folded = {f" {fold(n)} ": n for n in names}
    for chunk in chunks(names):
        query = Q(code__in=chunk) | Q(search_name__in=[f" {fold(n)} " for n in chunk])
        for org in Organization.objects.filter(query).order_by("-pk"):
            organizations[org.code] = org  # the oldest wins a name shared by two
            if org.search_name in folded:
                organizations[folded[org.search_name]] = org
    field_pks = _field_pks()
    for row in plan.rows:
        obj = None
        if row.values.get("id"):
            obj = ids.get(row.values["id"])
            if obj is None:
                plan.bad(row, "id", UNKNOWN_ID, value=row.values["id"])
                continue
        obj = obj or orcids.get(row.values.get("orcid"))
        values = _plain("experts", row)
        if "public_consent" in row.values:
            values["public_consent"] = row.values["public_consent"]
            if values["public_consent"] != (obj.public_consent if obj else False):
                plan.consents.append((row, values["public_consent"]))
        if "organization" in row.values:
            org = organizations.get(row.values["organization"])
            values["organization_id"] = org.pk if org else None
            values["organization_name"] = "" if org else row.values["organization"]
        plan.put(obj or Expert(), row, values, obj is None)
        _lists(plan, plan.after[-1][0], row, field_pks)


def _owners(plan, model, key):
    """Organizations or enterprises, upserted by `key` (code, tax code)."""
    existing = _by(model, key, [r.values.get(key) for r in plan.rows])
    communes = _communes(plan)
    divisions = dict(Industry.objects.values_list("code", "pk"))
    field_pks = _field_pks()
    for row in plan.rows:
        obj = existing.get(row.values.get(key))
        values = _plain(plan.kind, row)
        if "commune_code" in row.values:
            values["commune_id"] = communes.get(row.values["commune_code"])
        if "vsic" in row.values:
            values["industry_id"] = divisions.get((row.values["vsic"] or "")[:2])
        plan.put(obj or model(), row, values, obj is None)
        _lists(plan, plan.after[-1][0], row, field_pks)


def _organizations(plan):
    _owners(plan, Organization, "code")


def _enterprises(plan):
    _owners(plan, Enterprise, "tax_code")


def _ip(plan):
    existing = _by(IPObject, "application_no", [r.values.get("application_no") for r in plan.rows])
    applicants = _by(
        Enterprise, "tax_code", [r.values.get("applicant_tax_code") for r in plan.rows]
    )
    for row in plan.rows:
        values = _plain("ip", row)
        tax_code = row.values.get("applicant_tax_code")
        if "applicant_tax_code" in row.values:
            applicant = applicants.get(tax_code)
            values["applicant_enterprise_id"] = applicant.pk if applicant else None
            if applicant and not values.get("applicant_name"):
                values["applicant_name"] = applicant.name
        obj = existing.get(row.values.get("application_no"))
        named = obj is not None and "applicant_name" not in values  # keeps its applicant
        if not values.get("applicant_name") and not named:
            template = NEEDS_APPLICANT if tax_code else io.REQUIRED
            plan.bad(row, "applicant_name", template)
            continue
        plan.put(obj or IPObject(), row, values, obj is None)


def _infrastructure(plan):
    organizations = _by(Organization, "code", [r.values.get("owner_code") for r in plan.rows])
    enterprises = _by(Enterprise, "tax_code", [r.values.get("owner_tax_code") for r in plan.rows])
    field_pks = _field_pks()
    owned = {}
    owners = Q(organization__in=organizations.values()) | Q(enterprise__in=enterprises.values())
    for item in Infrastructure.objects.filter(owners):
        owned[(fold(item.name), item.organization_id, item.enterprise_id)] = item
    for row in plan.rows:
        org = organizations.get(row.values.get("owner_code"))
        ent = enterprises.get(row.values.get("owner_tax_code"))
        if row.values.get("owner_code") and org is None:
            plan.bad(row, "owner_code", UNKNOWN_ORG, value=row.values["owner_code"])
            continue
        if row.values.get("owner_tax_code") and ent is None:
            plan.bad(row, "owner_tax_code", UNKNOWN_ENTERPRISE, value=row.values["owner_tax_code"])
            continue
        if org is None and ent is None:
            plan.bad(row, "owner_code", io.ONE_OWNER)
            continue
        values = _plain("infrastructure", row)
        values["organization_id"] = org.pk if org else None
        values["enterprise_id"] = ent.pk if ent else None
        if row.values.get("shared_use"):
            values["shared_use"] = row.values["shared_use"]
        obj = owned.get(
            (fold(values.get("name", "")), values["organization_id"], values["enterprise_id"])
        )
        if obj is None and "shared_use" not in values:
            values["shared_use"] = SharedUse.ON_REQUEST
        plan.put(obj or Infrastructure(), row, values, obj is None)
        _lists(plan, plan.after[-1][0], row, field_pks)


BUILDERS = {
    "experts": _experts,
    "organizations": _organizations,
    "enterprises": _enterprises,
    "ip": _ip,
    "infrastructure": _infrastructure,
}


def start_job(upload, *, kind: str, user) -> Job:
    """Keep a large upload on storage and queue its import (as `monitoring.importing` does):
    the job and its task are created in one transaction."""
    with transaction.atomic():
        job = Job(
            kind=JobKind.REGISTRY_IMPORT,
            created_by=user,
            input_name=upload.name,
            total=count_rows(upload, upload.name),
            params={"registry": kind},
        )
        job.input_file.save(upload.name, upload, save=False)
        job.save()
        result = import_registry_task.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    return job


@task()
def import_registry_task(job_id: int) -> None:
    """The worker's side of `start_job`."""
    jobs.run(job_id, _import_job)


def _import_job(job: Job, progress) -> None:
    progress.stage(JobStage.CHECKING, job.total)
    with job.input_file.open("rb") as handle:
        import_registry(
            job.params["registry"], handle, job.input_name, user=job.created_by, progress=progress
        )
