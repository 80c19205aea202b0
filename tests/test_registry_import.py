"""The registries' import contract end to end: files in, records, history, consents, status
steps and likely duplicates out; all or nothing; the command; export → import; the web page."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from stdnum.vn import mst

from stihub.core.models import AdministrativeUnit
from stihub.engines.problems import DataError
from stihub.registry.exports import table, template_bytes
from stihub.registry.importing import import_registry
from stihub.registry.models import (
    Consent,
    DuplicateCandidate,
    Enterprise,
    Expert,
    Infrastructure,
    IPObject,
    Organization,
    PersonalDataAccess,
    SurveyYear,
)

pytestmark = pytest.mark.django_db


def tax_codes(n, start=1000000):
    """`n` valid tax codes: "01" + 7 digits + the official check digit (skipping the prefixes
    whose check would be 10, which no tax code has)."""
    codes, i = [], start
    while len(codes) < n:
        base = f"01{i:07d}"
        check = mst.calc_check_digit(base)
        if len(check) == 1:
            codes.append(base + check)
        i += 1
    return codes


def csv_file(text, name="file.csv"):
    handle = io.BytesIO(text.encode("utf-8"))
    handle.name = name
    return handle


def xlsx_file(rows, name="file.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    handle.name = name
    return handle


def run(kind, handle, user=None):
    return import_registry(kind, handle, handle.name, user=user)


@pytest.fixture
def communes(db):
    province = AdministrativeUnit.objects.create(
        code=40, name="Nghệ An", division_type="tinh", codename="nghe_an"
    )
    return {
        code: AdministrativeUnit.objects.create(
            code=code, name=name, division_type="phuong", codename=slug, parent=province
        )
        for code, name, slug in [(16681, "Vinh Hưng", "vinh_hung"), (16690, "Trường Vinh", "tv")]
    }


def test_enterprises_by_keys_create_with_references_and_history(communes, users):
    t1, t2 = tax_codes(2)
    result = run(
        "enterprises",
        csv_file(
            "tax_code,name,vsic,size,commune_code,st_cert_no,st_cert_date,startup_recognised_on\n"
            f"{t1},Công ty Cổ phần Sữa Vinh,1050,vừa,16681,01/DNKHCN,05/03/2021,\n"
            f"{t2},Công ty TNHH Phần mềm Đức,6201,micro,,,,2022-07-01\n"
        ),
        users["dost"],
    )
    assert dict(result.counts) == {"created": 2, "updated": 0, "unchanged": 0}
    milk = Enterprise.objects.get(tax_code=t1)
    assert milk.name == "Công ty Cổ phần Sữa Vinh"
    assert milk.industry.code == "10"  # the division of VSIC 1050
    assert milk.size == "medium"  # "vừa"
    assert milk.commune == communes[16681]
    assert milk.st_cert_date == date(2021, 3, 5)
    assert milk.search_name == " cong ty co phan sua vinh "  # refreshed before the bulk write
    soft = Enterprise.objects.get(tax_code=t2)
    assert (soft.size, soft.startup_recognised_on) == ("micro", date(2022, 7, 1))
    assert milk.history.count() == 1
    assert milk.history.first().history_user == users["dost"]


def test_upsert_by_tax_code_updates_only_what_changed(communes, users):
    t1, t2 = tax_codes(2)
    header = "tax_code,name,size\n"
    run("enterprises", csv_file(header + f"{t1},Công ty A,small\n{t2},Công ty B,small\n"))
    result = run("enterprises", csv_file(header + f"{t1},Công ty A,large\n{t2},Công ty B,nhỏ\n"))
    # t1 changes size; t2 says "nhỏ", which is small: unchanged, so not written again.
    assert dict(result.counts) == {"created": 0, "updated": 1, "unchanged": 1}
    assert Enterprise.objects.get(tax_code=t1).size == "large"
    assert Enterprise.objects.get(tax_code=t1).history.count() == 2
    assert Enterprise.objects.get(tax_code=t2).history.count() == 1
    assert Enterprise.objects.count() == 2


def test_experts_by_vietnamese_labels_with_consent_fields_and_organizations(users):
    vinh = Organization.objects.create(
        code="dh-vinh", name="Trường Đại học Vinh", kind="university"
    )
    labels = [
        "Họ và tên", "Năm sinh", "Giới tính", "Học vị", "Lĩnh vực KH&CN", "Cơ quan công tác",
        "Nơi sinh sống và làm việc", "ORCID", "Vai trò", "Đồng ý công khai", "Thư điện tử",
    ]  # fmt: skip
    handle = xlsx_file(
        [
            labels,
            [
                "Nguyễn Văn An",
                1970,
                "nam",
                "TS",
                "2.2; 1.1",
                "truong dai hoc vinh",
                "trong tỉnh",
                "0000-0002-1825-0097",
                "phản biện;hội đồng",
                "có",
                "an@example.vn",
            ],
            [
                "Trần Thị Bình",
                1985,
                "nữ",
                "ThS",
                "",
                "dh-vinh",
                "nước ngoài",
                "",
                "mentor",
                "không",
                "",
            ],
            ["Lê Đức Cường", None, "", "", "", "Viện Toán học", "trong nước", "", "", "", ""],
        ],  # fmt: skip
        "experts.xlsx",
    )
    result = run("experts", handle, users["dost"])
    assert result.counts["created"] == 3
    an = Expert.objects.get(full_name="Nguyễn Văn An")
    assert (an.birth_year, an.gender, an.degree, an.location) == (1970, "male", "TS", "province")
    assert an.orcid == "0000-0002-1825-0097"
    assert an.roles == "reviewer;council"
    assert sorted(f.code for f in an.fields.all()) == ["1.1", "2.2"]
    assert an.organization == vinh  # found by its name typed without marks
    assert an.public_consent is True
    consent = Consent.objects.get(expert=an)
    assert (consent.given, consent.purpose, consent.recorded_by) == (
        True,
        "directory",
        users["dost"],
    )
    assert consent.evidence == "import experts.xlsx"
    binh = Expert.objects.get(full_name="Trần Thị Bình")
    assert binh.organization == vinh and binh.location == "abroad" and not binh.public_consent
    assert not Consent.objects.filter(expert=binh).exists()  # "no" for a new person: nothing
    cuong = Expert.objects.get(full_name="Lê Đức Cường")
    assert cuong.organization is None and cuong.organization_name == "Viện Toán học"


def test_expert_upsert_by_orcid_and_consent_withdrawn(users):
    header = "full_name,location,orcid,public_consent\n"
    run("experts", csv_file(header + "Nguyễn Văn An,province,0000-0002-1825-0097,yes\n"))
    result = run(
        "experts",
        csv_file(header + "Nguyễn Văn An,province,https://orcid.org/0000-0002-1825-0097,no\n"),
    )
    assert dict(result.counts) == {"created": 0, "updated": 1, "unchanged": 0}
    an = Expert.objects.get()
    assert an.public_consent is False
    assert [c.given for c in Consent.objects.filter(expert=an).order_by("pk")] == [True, False]


def test_organizations_with_survey_year_and_fields(communes):
    result = run(
        "organizations",
        csv_file(
            "code,name,kind,commune_code,fields,staff_total,staff_phd,year,rd_fte\n"
            'vien-nn,Viện Nông nghiệp,st_organization,16690,4.1,120,15,2024,"35,5"\n'
        ),
    )
    assert result.counts["created"] == 1
    org = Organization.objects.get(code="vien-nn")
    assert (org.staff_total, org.staff_phd, org.commune.code) == (120, 15, 16690)
    assert [f.code for f in org.fields.all()] == ["4.1"]
    survey = SurveyYear.objects.get(organization=org)
    assert (survey.year, survey.rd_fte) == (2024, 35.5)


def test_ip_with_applicant_by_tax_code_and_status_steps():
    (t1,) = tax_codes(1)
    Enterprise.objects.create(tax_code=t1, name="Công ty Sữa Vinh")
    result = run(
        "ip",
        csv_file(
            "kind,application_no,filed_on,applicant_tax_code,applicant_name,title,classes,status,"
            "granted_on,grant_no,published_on\n"
            f"sáng chế,1-2021-00001,10/01/2021,{t1},,Quy trình lên men,C12N 1/00;A23C 9/12,"
            "granted,15/06/2023,VN 12345,2021-05-01\n"
            "trademark,4-2022-00002,2022-03-01,,Hợp tác xã Chè,Chè Thanh Chương,30,filed,,,\n"
        ),
    )
    assert result.counts["created"] == 2
    patent = IPObject.objects.get(application_no="1-2021-00001")
    assert patent.applicant_enterprise.tax_code == t1
    assert patent.applicant_name == "Công ty Sữa Vinh"  # taken from the enterprise
    assert patent.kind == "invention" and patent.classes == "C12N 1/00;A23C 9/12"
    steps = [(s.status, s.on) for s in patent.status_changes.order_by("on")]
    assert steps == [
        ("filed", date(2021, 1, 10)),
        ("published", date(2021, 5, 1)),
        ("granted", date(2023, 6, 15)),
    ]
    tea = IPObject.objects.get(application_no="4-2022-00002")
    assert [s.status for s in tea.status_changes.all()] == ["filed"]


def test_infrastructure_by_owner_code():
    org = Organization.objects.create(code="dh-vinh", name="Trường Đại học Vinh", kind="university")
    text = "kind,name,owner_code,owner_tax_code,fields,shared_use\n"
    text += "phòng thí nghiệm,Phòng thí nghiệm Hóa sinh,dh-vinh,,1.4,mở\n"
    assert run("infrastructure", csv_file(text)).counts["created"] == 1
    lab = Infrastructure.objects.get()
    assert (lab.organization, lab.kind, lab.shared_use) == (org, "laboratory", "open")
    # The same name and owner again: the same record.
    assert dict(run("infrastructure", csv_file(text)).counts) == {
        "created": 0, "updated": 0, "unchanged": 1,
    }  # fmt: skip
    with pytest.raises(DataError) as error:
        run("infrastructure", csv_file("kind,name,owner_code\nequipment,Máy PCR,khong-co\n"))
    (problem,) = error.value.problems
    assert (problem.row, problem.column, problem.params) == (2, "owner_code", {"value": "khong-co"})


def test_every_problem_of_a_500_row_file_and_nothing_written(communes):
    codes = tax_codes(500)
    rows = ["tax_code,name,vsic,size,commune_code,st_cert_date"]
    rows += [f"{c},Doanh nghiệp {i},1050,small,16681,01/02/2020" for i, c in enumerate(codes)]
    bad = codes[11][:-1] + str((int(codes[11][-1]) + 1) % 10)  # wrong check digit
    # rows[k] holds codes[k - 1] and is line k + 1 (the header is line 1).
    rows[12] = f"{bad},Doanh nghiệp 11,1050,small,16681,01/02/2020"  # 1 tax code
    rows[51] = f"{codes[49]},Doanh nghiệp 49,1050,small,16681,01/02/2020"  # 2 repeat of line 51
    rows[101] = f"{codes[100]},,1050,small,16681,01/02/2020"  # 3 name missing
    rows[201] = f"{codes[200]},X,4410,small,16681,01/02/2020"  # 4 no VSIC division 44
    rows[301] = f"{codes[300]},X,1050,khổng lồ,16681,01/02/2020"  # 5 size
    rows[401] = f"{codes[400]},X,1050,small,99999,01/02/2020"  # 6 commune
    rows[500] = f"{codes[499]},X,1050,small,16681,30/02/2020"  # 7 date
    with pytest.raises(DataError) as error:
        run("enterprises", csv_file("\n".join(rows) + "\n"))
    found = [(p.row, p.column) for p in error.value.problems]
    assert found == [
        (13, "tax_code"),
        (52, "tax_code"),
        (102, "name"),
        (202, "vsic"),
        (302, "size"),
        (402, "commune_code"),
        (501, "st_cert_date"),
    ]
    assert error.value.problems[1].params == {"value": codes[49], "first": 51}
    assert Enterprise.objects.count() == 0


def test_command_exit_status_and_problem_lines(tmp_path, communes, capsys):
    (t1,) = tax_codes(1)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"tax_code,name,size\n0100109107,A,small\n{t1},,huge\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("import_registry", "enterprises", str(bad))
    lines = str(error.value).splitlines()
    assert lines[1].startswith("row 2, column tax_code: 0100109107 is not a valid tax code")
    assert lines[2] == "row 3, column name: This cell is required."
    assert lines[3].startswith("row 3, column size: huge is not one of the accepted values")
    assert Enterprise.objects.count() == 0
    good = tmp_path / "good.csv"
    good.write_text(f"tax_code,name\n0100109106,Công ty A\n{t1},Công ty B\n", encoding="utf-8")
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_registry", "enterprises", str(good), stdout=out)
    assert "2 new, 0 updated, 0 unchanged" in out.getvalue()


def test_command_line_exit_status(tmp_path, communes):
    """Through the real command line: a non-zero exit status and the lines on stderr."""
    from django.core.management import ManagementUtility

    bad = tmp_path / "bad.csv"
    bad.write_text("tax_code,name\n0100109107,A\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["stihub", "import_registry", "enterprises", str(bad)]).execute()
    assert exit_.value.code != 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_imports_back_unchanged(fmt, users, communes):
    org = Organization.objects.create(code="dh-vinh", name="Trường Đại học Vinh", kind="university")
    t1, t2 = tax_codes(2)
    run("enterprises", csv_file(
        "tax_code,name,vsic,size,commune_code,st_cert_no,st_cert_date,survey_year,rd,rd_fte\n"
        f"{t1},Công ty A,1050,small,16681,01/KHCN,05/03/2021,2024,có,2.5\n{t2},Công ty B,,,,,,,,\n"
    ))  # fmt: skip
    run("experts", csv_file(
        "full_name,birth_year,location,organization,fields,orcid,roles,public_consent,email\n"
        "Nguyễn Văn An,1970,province,dh-vinh,2.2,0000-0002-1825-0097,reviewer,yes,a@b.vn\n"
        "Trần Bình,,abroad,Viện X,,,,no,\n"
    ))  # fmt: skip
    run("ip", csv_file(
        "kind,application_no,filed_on,applicant_tax_code,applicant_name,title,status,granted_on\n"
        f"invention,1-2021-1,10/01/2021,{t1},,Quy trình,granted,15/06/2023\n"
    ))  # fmt: skip
    run("infrastructure", csv_file("kind,name,owner_code\nequipment,Máy PCR,dh-vinh\n"))
    assert org.experts.count() == 1
    for kind in ("organizations", "enterprises", "experts", "ip", "infrastructure"):
        columns, rows = table(kind, users["dost"])
        if fmt == "csv":
            from stihub.core.spreadsheets import csv_bytes

            handle = io.BytesIO(csv_bytes(columns, rows))
        else:
            from stihub.core.spreadsheets import xlsx_bytes

            handle = io.BytesIO(xlsx_bytes(kind, columns, rows))
        handle.name = f"{kind}.{fmt}"
        result = run(kind, handle)
        assert dict(result.counts) == {"created": 0, "updated": 0, "unchanged": len(rows)}, kind
        assert table(kind, users["dost"]) == (columns, rows)


def test_expert_download_logs_restricted_fields(users):
    run("experts", csv_file("full_name,location,email\nNguyễn Văn An,province,a@b.vn\n"))
    columns, rows = table("experts", users["dost"], path="/registry/experts/export.csv")
    assert "email" in columns and rows[0][columns.index("email")] == "a@b.vn"
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.via) == (users["dost"], "download")


def test_likely_duplicates_are_flagged_on_import():
    Enterprise.objects.create(tax_code="0100109106", name="Công ty Cổ phần Sữa Vinh")
    (t1,) = tax_codes(1)
    result = run("enterprises", csv_file(f"tax_code,name\n{t1},CONG TY CO PHAN SUA VINH\n"))
    ((new, other, reason),) = result.duplicates
    assert (new.tax_code, other.tax_code) == (t1, "0100109106")
    pair = DuplicateCandidate.objects.get()
    assert (pair.registry, pair.first_id, pair.second_id) == ("enterprises", other.pk, new.pk)
    Expert.objects.create(full_name="Nguyễn Văn Đức", birth_year=1970, location="province")
    result = run(
        "experts",
        csv_file(
            "full_name,birth_year,location\n"
            "Nguyen Van Duc,1970,vietnam\n"  # the same name without marks, same year
            "Nguyễn Văn Dực,1971,province\n"  # same name, another year: not flagged
        ),
    )
    assert [(n.full_name, o.full_name) for n, o, _r in result.duplicates] == [
        ("Nguyen Van Duc", "Nguyễn Văn Đức")
    ]
    assert DuplicateCandidate.objects.filter(registry="experts").count() == 1


def test_template_has_labels_guide_and_lists():
    book = load_workbook(io.BytesIO(template_bytes("experts")))
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    header = [c.value for c in book["Dữ liệu"][1]]
    assert header[:3] == ["Họ và tên", "Năm sinh", "Giới tính"]
    lists = [dv.formula1 for dv in book["Dữ liệu"].data_validations.dataValidation]
    assert '"nam,nữ"' in lists
    guide = [row[1] for row in book["Hướng dẫn"].iter_rows(values_only=True) if len(row) > 1]
    assert "public_consent" in guide


def test_web_import_as_dost(client_for, communes):
    client = client_for("dost")
    url = reverse("registry:import", args=["enterprises"])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 200  # an empty post: the form asks for a file
    bad = SimpleUploadedFile("bad.csv", b"tax_code,name\n0100109107,A\n", "text/csv")
    page = client.post(url, {"file": bad}).content.decode()
    assert "0100109107" in page and Enterprise.objects.count() == 0
    good = SimpleUploadedFile(
        "good.csv", "tax_code,name\n0100109106,Công ty A\n".encode(), "text/csv"
    )
    response = client.post(url, {"file": good})
    assert response.status_code == 200 and Enterprise.objects.count() == 1
    template = client.get(reverse("registry:template", args=["enterprises"]))
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).sheetnames[0] == "Dữ liệu"
    export = client.get(reverse("registry:export", args=["enterprises", "csv"]))
    assert "0100109106" in export.content.decode("utf-8-sig")


@pytest.fixture
def worker(settings, monkeypatch):
    """A threshold of 2 rows, the jobs' progress in memory, and a worker that runs every queued
    task once (as tests/test_jobs.py does)."""
    from django_tasks_db.management.commands import db_worker

    settings.STIHUB_JOB_THRESHOLD_ROWS = 2
    settings.CACHES = {
        **settings.CACHES,
        "jobs": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jobs"},
    }
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    from tests.test_jobs import run_worker

    return run_worker


def test_a_large_web_import_is_a_job(client_for, worker):
    from stihub.jobs.models import Job

    t1, t2, t3 = tax_codes(3)
    body = f"tax_code,name\n{t1},A\n{t2},B\n{t3},C\n".encode()
    url = reverse("registry:import", args=["enterprises"])
    response = client_for("dost").post(url, {"file": SimpleUploadedFile("e.csv", body)})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.kind == "registry_import" and Enterprise.objects.count() == 0
    worker()
    job.refresh_from_db()
    assert (job.status, job.result["created"]) == ("done", 3)
    assert Enterprise.objects.count() == 3


def test_a_bad_file_as_a_job_writes_nothing_and_keeps_its_problems(client_for, worker):
    from stihub.jobs.models import Job

    body = b"tax_code,name\n0100109107,A\n0100109106,\nabc,C\n"
    url = reverse("registry:import", args=["enterprises"])
    client_for("dost").post(url, {"file": SimpleUploadedFile("e.csv", body)})
    worker()
    job = Job.objects.get()
    assert job.status == "failed" and len(job.problems) == 3
    assert Enterprise.objects.count() == 0


def test_likely_duplicates_for_a_form():
    from stihub.registry.duplicates import likely_duplicates

    org = Organization.objects.create(code="dh-vinh", name="Trường Đại học Vinh", kind="university")
    duc = Expert.objects.create(full_name="Nguyễn Văn Đức", birth_year=1970, location="province")
    lan = Expert.objects.create(full_name="Hồ Thị Lan", organization=org, location="province")
    with translation.override("en"):
        typo = Expert(full_name="Nguyen Van Dưc", birth_year=1970, location="province")
        assert likely_duplicates("experts", typo) == [(duc, "Similar name, same year of birth")]
        # One letter apart ("Lam" for "Lan"), same organization, no year given.
        same_org = Expert(full_name="Ho Thi Lam", organization=org, location="province")
        assert likely_duplicates("experts", same_org) == [(lan, "Similar name, same organization")]
        other = Expert(full_name="Nguyễn Văn Đức", birth_year=1980, location="province")
        assert likely_duplicates("experts", other) == []
        assert likely_duplicates("experts", duc) == []  # a saved record is not its own twin
        milk = Enterprise.objects.create(tax_code="0100109106", name="Công ty Sữa Vinh")
        twin = Enterprise(tax_code="0100109106", name="Cong ty sua Vinh")
        assert likely_duplicates("enterprises", twin) == [(milk, "Same tax code")]
        named = Enterprise(tax_code=tax_codes(1)[0], name="CÔNG TY SỮA VINH")
        assert likely_duplicates("enterprises", named) == [(milk, "Same name")]
        copy = Organization(code="dh-vinh-2", name="Truong Dai hoc Vinh", kind="university")
        assert likely_duplicates("organizations", copy) == [(org, "Same name")]


@pytest.mark.parametrize(
    "kind", ["experts", "organizations", "enterprises", "ip", "infrastructure"]
)
def test_every_import_page_and_template(client_for, kind):
    client = client_for("dost")
    page = client.get(reverse("registry:import", args=[kind]))
    assert page.status_code == 200
    book = load_workbook(io.BytesIO(client.get(reverse("registry:template", args=[kind])).content))
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("registry:export", args=[kind, fmt])).status_code == 200


def test_ip_update_adds_the_new_step_and_keeps_the_applicant():
    header = "kind,application_no,filed_on,applicant_name,title,status\n"
    run("ip", csv_file(header + "trademark,4-2022-1,01/03/2022,HTX Chè,Chè Thanh Chương,filed\n"))
    result = run(
        "ip",
        csv_file(
            "kind,application_no,filed_on,title,status,granted_on,grant_no\n"
            "trademark,4-2022-1,01/03/2022,Chè Thanh Chương,granted,20/12/2023,VN-4-123\n"
        ),
    )
    assert dict(result.counts) == {"created": 0, "updated": 1, "unchanged": 0}
    tea = IPObject.objects.get()
    assert (tea.status, tea.grant_no, tea.applicant_name) == ("granted", "VN-4-123", "HTX Chè")
    steps = [(s.status, s.on) for s in tea.status_changes.all()]
    assert steps == [("filed", date(2022, 3, 1)), ("granted", date(2023, 12, 20))]
    with pytest.raises(DataError) as error:  # a new application needs its applicant
        run(
            "ip",
            csv_file(header.replace("applicant_name,", "") + "invention,1-1,01/03/2022,T,filed\n"),
        )
    assert [(p.row, p.column) for p in error.value.problems] == [(2, "applicant_name")]


def test_a_filled_in_template_imports():
    book = load_workbook(io.BytesIO(template_bytes("enterprises")))
    book["Dữ liệu"].append(
        ["0100109106", "Công ty A", "6201", "nhỏ", None, None, None, "01/06/2022"]
    )
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    handle.name = "mau.xlsx"
    assert run("enterprises", handle).counts["created"] == 1
    soft = Enterprise.objects.get()
    assert (soft.size, soft.startup_recognised_on) == ("small", date(2022, 6, 1))
