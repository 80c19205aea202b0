"""The registries' part of `stihub demo`: seeded, made-up but well-formed Nghệ An records.

Organizations (a university, institutes, public S&T units, an incubator, an innovation centre,
a co-working space), experts at home and abroad (some consenting to the public directory, some
not), enterprises with valid tax codes, S&T certificates and startup recognitions from 2018, R&D
survey years, industrial property applications with their steps, research infrastructure, two
likely duplicates, and a demo population series. Every name, number and contact is invented
(contacts use example.com); `scale` multiplies experts, enterprises and applications. The
records are written once (a second run keeps them); the population (sample observations, which
monitoring's demo deletes on each run) is written every time. After the accounts, the series
counted from these records are submitted for review, so DOST finds them waiting.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history
from stdnum.iso7064 import mod_11_2
from stdnum.vn import mst

from stihub.core.models import AdministrativeUnit, Agency
from stihub.monitoring.choices import RevisionStatus
from stihub.monitoring.models import Indicator, Observation

from . import reference, series
from .choices import AcademicTitle, Degree, Gender, IPKind, IPStatus, Location
from .demo_data import (
    ABROAD,
    CERT_RULE_2019,
    COMPANY,
    DEMO_ORCID,
    ELSEWHERE,
    FAMILY,
    FEMALE,
    IP_KINDS,
    IP_TITLES,
    IP_WORDS,
    KEYWORDS,
    MALE,
    ORGANIZATIONS,
    PLACE,
    POPULATION,
    POPULATION_NOTE,
    POSITIONS,
    TRADE,
)
from .models import (
    Affiliation,
    Consent,
    DuplicateCandidate,
    Enterprise,
    Expert,
    FieldOfScience,
    Industry,
    Infrastructure,
    IPObject,
    IPStatusChange,
    Organization,
    SurveyYear,
)


def tax_codes(first: int):
    """Valid 10-digit Nghệ An-like tax codes (29xxxxxxx + check digit), in order."""
    n = first
    while True:
        base = f"29{n:07d}"
        n += 1
        code = base + mst.calc_check_digit(base)
        if mst.is_valid(code):
            yield code


def orcid(n: int) -> str:
    """A made-up ORCID iD with the right check character."""
    base = f"000000031{n:06d}"
    bare = base + mod_11_2.calc_check_digit(base)
    return "-".join(bare[i : i + 4] for i in range(0, 16, 4))


def _day(rng, first_year: int, last_year: int) -> dt.date:
    """A random day from 1/1 of the first year to 31/12 of the last."""
    start = dt.date(first_year, 1, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(last_year, 12, 31) - start).days + 1))


def _saved(model, objects):
    """Bulk-write the objects with their search form and a history record each."""
    for obj in objects:
        if hasattr(obj, "refresh_search"):
            obj.refresh_search()
    return bulk_create_with_history(objects, model, batch_size=500)


def _organizations(communes, fields):
    """The organizations of `ORGANIZATIONS`, with their fields of science."""
    made = _saved(
        Organization,
        [
            Organization(
                code=code,
                name=name,
                short_name=short,
                kind=kind,
                commune=communes.get(commune),
                staff_total=staff,
                staff_phd=phd,
                staff_masters=masters,
                description="Dữ liệu mẫu (demo).",
            )
            for code, name, short, kind, commune, _f, staff, phd, masters, _fte in ORGANIZATIONS
        ],
    )
    through = Organization.fields.through
    through.objects.bulk_create(
        through(organization_id=org.pk, fieldofscience_id=fields[code])
        for org, row in zip(made, ORGANIZATIONS, strict=True)
        for code in row[5].split(";")
        if code in fields
    )
    return made


def _experts(rng, n, orgs, fields, communes):
    """`n` experts at home and abroad; also, for each, (field code, organization, its name)."""
    experts, places = [], []
    for i in range(n):
        female = rng.random() < 0.35
        middle, given = rng.choice(FEMALE if female else MALE)
        name = f"{rng.choice(FAMILY)} {middle} {given}"
        field = rng.choice([c for c in fields if "." in c and c.split(".")[0] in KEYWORDS])
        birth = rng.randint(1956, 1993)
        title = AcademicTitle.GS if birth < 1966 and rng.random() < 0.3 else ""
        title = title or (AcademicTitle.PGS if birth < 1980 and rng.random() < 0.35 else "")
        degree = Degree.TSKH if title == AcademicTitle.GS and rng.random() < 0.3 else Degree.TS
        degree = degree if title or rng.random() < 0.6 else Degree.THS
        where = rng.choices([Location.PROVINCE, Location.VIETNAM, Location.ABROAD], [75, 15, 10])[0]
        org, org_name, country = None, "", ""
        if where == Location.PROVINCE:
            org = rng.choice(orgs[:10])
        elif where == Location.VIETNAM:
            org_name = rng.choice(ELSEWHERE)
        else:
            country, org_name = rng.choice(ABROAD)
        commune = rng.choice(communes)
        hometown = f"{commune.name}, Nghệ An" if commune else "Nghệ An"
        roles = [r for r in ("reviewer", "council", "mentor", "adviser") if rng.random() < 0.3]
        experts.append(
            Expert(
                full_name=name,
                gender=Gender.FEMALE if female else Gender.MALE,
                birth_year=birth,
                academic_title=title,
                degree=degree,
                keywords=";".join(rng.sample(KEYWORDS[field.split(".")[0]], 2)),
                organization=org,
                organization_name=org_name,
                position=rng.choice(POSITIONS),
                location=where,
                country=country,
                hometown=hometown,
                email=f"chuyengia{i + 1:03d}@example.com",
                phone=f"0900 000 {i + 1:03d}",
                orcid=DEMO_ORCID if i == 0 else (orcid(i) if i % 4 == 1 else None),
                roles=";".join(roles),
                publications=f"https://example.com/cong-bo/{i + 1}" if rng.random() < 0.5 else "",
            )
        )
        places.append((field, org, org_name))
    return _saved(Expert, experts), places


def _expert_details(rng, experts, places, fields, orgs):
    """Fields, affiliations and consents (one withdrawn); returns how many consented."""
    through = Expert.fields.through
    through.objects.bulk_create(
        through(expert_id=e.pk, fieldofscience_id=fields[field])
        for e, (field, _o, _n) in zip(experts, places, strict=True)
    )
    affiliations, consents = [], []
    for e, (_f, org, org_name) in zip(experts, places, strict=True):
        start = min(e.birth_year + rng.randint(24, 32), 2022)
        if rng.random() < 0.4:  # an earlier post
            before = rng.choice(orgs[:10])
            affiliations.append(
                Affiliation(
                    expert=e,
                    organization=before,
                    position="Giảng viên",
                    start_year=start - rng.randint(4, 10),
                    end_year=start,
                )
            )
        affiliations.append(
            Affiliation(
                expert=e,
                organization=org,
                organization_name=org_name,
                position=e.position,
                start_year=start,
            )
        )
        if rng.random() < 0.7:
            consents.append(
                Consent(
                    expert=e,
                    purpose="directory",
                    given=True,
                    evidence="Phiếu đồng ý công khai thông tin (mẫu)",
                )
            )
    _saved(Affiliation, affiliations)
    Consent.objects.bulk_create(consents)
    withdrawn = consents[-1].expert  # changed their mind: not public any more
    Consent.objects.create(
        expert=withdrawn, purpose="directory", given=False, evidence="Đơn rút lại sự đồng ý (mẫu)"
    )
    public = {c.expert_id for c in consents} - {withdrawn.pk}
    Expert.objects.filter(pk__in=public).update(public_consent=True)
    return len(consents)


def _enterprises(rng, n, communes, divisions, offset):
    """`n` enterprises, some certified (a few revoked), some recognised startups."""
    codes = tax_codes(100000 + offset)
    enterprises = []
    for i in range(n):
        trade, vsic = rng.choice(TRADE)
        name = f"{rng.choice(COMPANY)} {trade} {rng.choice(PLACE)}"
        if i % 7 == 0:
            name += f" {i // 7 + 1}"  # a few share a name otherwise
        e = Enterprise(
            tax_code=next(codes),
            name=name,
            vsic=vsic,
            industry_id=divisions.get(vsic),
            size=rng.choices(["micro", "small", "medium", "large"], [45, 35, 15, 5])[0],
            commune=rng.choice(communes),
            products=trade,
        )
        if rng.random() < 0.35:  # S&T enterprise certificates from 2018
            e.st_cert_date = _day(rng, 2018, 2025)
            e.st_cert_no = f"{i + 1:02d}/{e.st_cert_date.year}/DNKHCN"
            e.st_cert_issuer = "Sở Khoa học và Công nghệ Nghệ An"
            e.st_cert_products = f"Sản phẩm {trade.lower()} từ kết quả KH&CN"
            e.st_cert_rule = (
                "Nghị định 13/2019/NĐ-CP"
                if e.st_cert_date >= CERT_RULE_2019
                else "Nghị định 80/2007/NĐ-CP"
            )
            if rng.random() < 0.12:
                e.st_cert_revoked_on = e.st_cert_date + dt.timedelta(days=rng.randint(400, 1500))
        if rng.random() < 0.22:
            e.startup_recognised_on = _day(rng, 2019, 2025)
            e.startup_evidence = "Quyết định công nhận của Sở KH&CN (mẫu)"
        enterprises.append(e)
    return _saved(Enterprise, enterprises)


def _surveys(rng, orgs, enterprises, last_year):
    """R&D survey years of the organizations and of most certified or startup enterprises."""
    rows = []
    for org, row in zip(orgs, ORGANIZATIONS, strict=True):
        if row[-1] is None:
            continue
        for year in range(2020, last_year + 1):
            fte = row[-1] * (1.06 ** (year - 2020)) * rng.uniform(0.95, 1.05)
            rows.append(
                SurveyYear(
                    organization=org,
                    year=year,
                    rd=True,
                    rd_fte=round(fte, 1),
                    rd_spending=round(fte * rng.uniform(40, 90)),
                )
            )
    for e in enterprises:
        if not (e.st_cert_date or e.startup_recognised_on) and rng.random() < 0.8:
            continue
        for year in range(2020, last_year + 1):
            fte = rng.uniform(1, 12 if e.size in ("micro", "small") else 40)
            rows.append(
                SurveyYear(
                    enterprise=e,
                    year=year,
                    rd=True,
                    innovation=True,
                    rd_fte=round(fte, 1),
                    rd_spending=round(fte * 50),
                )
            )
    return _saved(SurveyYear, rows)


def _ip(rng, n, enterprises, orgs, experts, today, offset):
    """`n` applications filed 2019–today, each with its steps up to today."""
    objects, steps = [], []
    weights = [k[1] for k in IP_KINDS]
    for i in range(n):
        kind, _w, prefix, _scheme, classes = rng.choices(IP_KINDS, weights)[0]
        filed = _day(rng, 2019, 2026)
        filed = min(filed, today)
        who = rng.random()
        applicant = {}
        if who < 0.7:
            e = rng.choice(enterprises)
            applicant = {"applicant_enterprise": e, "applicant_name": e.name}
        elif who < 0.9:
            o = rng.choice(orgs[:10])
            applicant = {"applicant_organization": o, "applicant_name": o.name}
        else:
            x = rng.choice(experts)
            applicant = {"applicant_expert": x, "applicant_name": x.full_name}
        title = IP_TITLES[kind].format(place=rng.choice(PLACE), word=rng.choice(IP_WORDS))
        history = [(IPStatus.FILED, filed)]
        for status, days in ((IPStatus.ACCEPTED, 45), (IPStatus.PUBLISHED, 90)):
            on = history[-1][1] + dt.timedelta(days=rng.randint(days // 2, days * 2))
            if on <= today:
                history.append((status, on))
        on = history[-1][1] + dt.timedelta(days=rng.randint(200, 600))
        if len(history) == 3 and on <= today:
            history.append((IPStatus.REFUSED if rng.random() < 0.15 else IPStatus.GRANTED, on))
        if history[-1][0] == IPStatus.GRANTED and kind == IPKind.INDUSTRIAL_DESIGN:
            expiry = filed + dt.timedelta(days=5 * 365)  # 5 years from filing, not renewed
            if expiry <= today:
                history.append((IPStatus.EXPIRED, expiry))
        granted = next((d for s, d in history if s == IPStatus.GRANTED), None)
        objects.append(
            IPObject(
                kind=kind,
                application_no=f"{prefix}-{filed.year}-{offset + i + 1:05d}",
                filed_on=filed,
                title=title,
                classes=rng.choice(classes),
                status=history[-1][0],
                granted_on=granted,
                grant_no=f"{prefix}-{offset + i + 1:07d}-000" if granted else "",
                **applicant,
            )
        )
        steps.append(history)
    made = _saved(IPObject, objects)
    IPStatusChange.objects.bulk_create(
        IPStatusChange(ip=ip, status=status, on=on)
        for ip, history in zip(made, steps, strict=True)
        for status, on in history
    )
    return made


def _infrastructure(orgs, enterprises, fields):
    """Ten laboratories and major equipment, one owned by an enterprise."""
    by_code = {o.code: o for o in orgs}
    rows = [
        ("laboratory", "Phòng thí nghiệm Hóa phân tích", "dh-vinh", "open", "1.4"),
        ("laboratory", "Phòng thí nghiệm Vật liệu tiên tiến", "dh-vinh", "on_request", "2.5"),
        ("equipment", "Máy sắc ký lỏng hiệu năng cao (HPLC)", "tt-duoc-lieu", "on_request", "3.1"),
        (
            "laboratory",
            "Phòng thí nghiệm Sinh học phân tử nông nghiệp",
            "vien-nn-btb",
            "open",
            "4.4",
        ),
        ("equipment", "Hệ thống đo lường tọa độ 3D (CMM)", "tt-tdc", "on_request", "2.3"),
        ("laboratory", "Phòng thí nghiệm Vi sinh", "tt-ung-dung", "open", "2.9"),
        ("equipment", "Máy quang phổ hấp thụ nguyên tử (AAS)", "tt-tdc", "on_request", "1.4"),
        ("laboratory", "Phòng thí nghiệm Điện - Điện tử", "dh-spkt-vinh", "internal", "2.2"),
        ("laboratory", "Phòng xét nghiệm Sinh hóa", "dh-yk-vinh", "internal", "3.1"),
        ("equipment", "Máy in 3D công nghiệp", None, "on_request", "2.3"),
    ]
    made = _saved(
        Infrastructure,
        [
            Infrastructure(
                kind=kind,
                name=name,
                organization=by_code.get(owner),
                enterprise=None if owner else enterprises[0],
                shared_use=shared,
                description="Dữ liệu mẫu (demo).",
                contact="Phòng Quản lý khoa học của đơn vị",
            )
            for kind, name, owner, shared, _f in rows
        ],
    )
    through = Infrastructure.fields.through
    through.objects.bulk_create(
        through(infrastructure_id=i.pk, fieldofscience_id=fields[row[4]])
        for i, row in zip(made, rows, strict=True)
        if row[4] in fields
    )
    return made


def _duplicates(experts, enterprises):
    """A person entered twice (same name and birth year) and an enterprise's two spellings."""
    first = experts[1]
    twin = Expert(
        full_name=first.full_name,
        birth_year=first.birth_year,
        gender=first.gender,
        degree=first.degree,
        location=first.location,
        organization_name="Trường Đại học Vinh (nhập tay)",
    )
    twin.save()
    firm = enterprises[2]
    other = Enterprise(
        tax_code=f"{firm.tax_code}-001",
        name=firm.name.upper(),
        vsic=firm.vsic,
        commune=firm.commune,
    )
    other.save()
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                registry="experts",
                first_id=first.pk,
                second_id=twin.pk,
                reason="Cùng họ tên và năm sinh",
            ),
            DuplicateCandidate(
                registry="enterprises",
                first_id=firm.pk,
                second_id=other.pk,
                reason="Tên gần giống, mã số thuế của chi nhánh",
            ),
        ]
    )


def _population() -> int:
    """The demo population series, approved (sample observations: monitoring's demo deletes
    and this writes them again on each run)."""
    indicator, _created = Indicator.objects.get_or_create(
        code=series.engine.POPULATION,
        defaults={"name": "Dân số trung bình", "unit": "người", "integer": True, "value_min": 0},
    )
    if indicator.agency_id is None:
        indicator.agency = Agency.objects.filter(code="THONGKE").first()
        indicator.save()
    Observation.objects.filter(indicator=indicator, is_sample=True).delete()
    keep = Observation.objects.published().filter(indicator=indicator, area="", period="")
    taken = set(keep.values_list("year", flat=True))
    Observation.objects.bulk_create(
        Observation(
            indicator=indicator,
            year=year,
            value=value,
            is_sample=True,
            status=RevisionStatus.APPROVED,
            note=POPULATION_NOTE,
            source="Dữ liệu mẫu",
            agency=indicator.agency,
        )
        for year, value in POPULATION.items()
        if year not in taken
    )
    return len(POPULATION) - len(taken)


@transaction.atomic
def load(*, scale: int, seed: int) -> list[str]:
    """The registries' part of `stihub demo`."""
    with series.quiet():  # the series are submitted once, after the accounts
        # The reference data comes with the migrations, but a flushed database has none.
        reference.load(FieldOfScience, Industry)
        lines = [f"{_population()} demo population figures (POPULATION, not official)."]
        if Organization.objects.filter(code=ORGANIZATIONS[0][0]).exists():
            return [*lines, "Registry demo records already loaded."]
        rng = random.Random(seed)
        today = timezone.localdate()
        communes = {u.code: u for u in AdministrativeUnit.objects.filter(parent__isnull=False)}
        communes_list = sorted(communes.values(), key=lambda u: u.code)
        fields = dict(FieldOfScience.objects.values_list("code", "pk"))
        divisions = dict(Industry.objects.values_list("code", "pk"))
        orgs = _organizations(communes, fields)
        experts, places = _experts(rng, 40 * scale, orgs, fields, communes_list or [None])
        consents = _expert_details(rng, experts, places, fields, orgs)
        enterprises = _enterprises(rng, 60 * scale, communes_list or [None], divisions, 0)
        surveys = _surveys(rng, orgs, enterprises, today.year - 1)
        ips = _ip(rng, 120 * scale, enterprises, orgs, experts, today, 0)
        infrastructure = _infrastructure(orgs, enterprises, fields)
        _duplicates(experts, enterprises)
    return [
        *lines,
        f"Registries: {len(orgs)} organizations, {len(experts)} experts ({consents} consenting),"
        f" {len(enterprises)} enterprises, {len(surveys)} survey years, {len(ips)} industrial"
        f" property applications, {len(infrastructure)} infrastructure, 2 likely duplicates.",
    ]


def after_accounts() -> list[str]:
    """Submit the series counted from the demo records for review (sample values)."""
    series.discard_empty_registry_submissions()
    created = series.submit_changes(sample=True)
    return [f"{len(created)} values counted from the registries waiting for review."]
