"""Registry search at scale, for `make bench`: 100,000 experts and 100,000 enterprises with
Vietnamese names, then a fixed set of queries through the search layer the pages and the API
use (filters.py → search.py), timed on SQLite and on PostgreSQL.

Each backend runs in a process of its own (`python -m stihub.registry.bench_search --child`)
because Django's settings, and so the database, are per process. `rows()` returns the bench
table rows (measure, figure, goal) like stihub/bench.py's sections.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

EXPERTS = ENTERPRISES = int(os.environ.get("STIHUB_BENCH_REGISTRY_ROWS", 100_000))
REPEAT = 20  # timings per query
FAMILY = ["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 9 + ["Phạm"] * 7 + ["Hoàng", "Huỳnh"] * 3 + [
    "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào", "Cao",
    "Lương", "Hà", "Thái", "Tạ", "Chu", "Đoàn", "Trịnh", "Mai", "Lưu", "Đường",
]  # fmt: skip
MIDDLE = [
    "Văn",
    "Thị",
    "Hữu",
    "Đức",
    "Minh",
    "Ngọc",
    "Quang",
    "Thanh",
    "Xuân",
    "Đình",
    "Công",
    "Thu",
    "Hồng",
    "Kim",
    "Bảo",
    "Anh",
    "Trọng",
    "Tiến",
    "Khánh",
    "Diệu",
]
GIVEN = [
    "An",
    "Anh",
    "Ánh",
    "Bình",
    "Cường",
    "Dũng",
    "Dương",
    "Đạt",
    "Đức",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Huy",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngọc",
    "Phong",
    "Phương",
    "Quân",
    "Quỳnh",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Thủy",
    "Trang",
    "Trung",
    "Tuấn",
    "Tú",
    "Vân",
    "Việt",
    "Yến",
    "Ý",
]
KEYWORDS = [
    "trí tuệ nhân tạo", "học máy", "vật liệu nano", "nông nghiệp công nghệ cao", "chọn giống lúa",
    "thủy sản", "y học cổ truyền", "năng lượng tái tạo", "chuyển đổi số", "kinh tế số",
    "môi trường", "cơ khí chế tạo", "dược liệu", "an toàn thực phẩm",
]  # fmt: skip
COMPANY = ["Công ty TNHH", "Công ty cổ phần", "Doanh nghiệp tư nhân", "Hợp tác xã"]
TRADE = [
    "Công nghệ", "Thương mại", "Dược phẩm", "Nông sản", "Xây dựng", "Phần mềm", "Thủy sản",
    "Cơ khí", "Năng lượng", "Thực phẩm", "Vật liệu", "Du lịch", "Đầu tư", "Điện tử",
]  # fmt: skip
PLACE = [
    "Nghệ An", "Vinh", "Cửa Lò", "Đô Lương", "Diễn Châu", "Quỳnh Lưu", "Thanh Chương", "Hoàng Mai",
    "Thái Hòa", "Nam Đàn", "Hưng Nguyên", "Yên Thành", "Đông Bắc", "Sông Lam",
]  # fmt: skip

COMMUNE = 10_003  # the bench's communes have the codes 10000 to 10129
# (label, registry, query string): what people type, keystroke by keystroke, and facet filters
QUERIES = [
    ("full name with marks", "experts", "q=Nguyễn Văn Dũng"),
    ("full name without marks", "experts", "q=nguyen van dung"),
    ("typing: n", "experts", "q=n"),
    ("typing: ng", "experts", "q=ng"),
    ("typing: nguy", "experts", "q=nguy"),
    ("typing: nguyen v", "experts", "q=nguyen v"),
    ("typing: nguyễn văn h", "experts", "q=nguyễn văn h"),
    ("given name alone", "experts", "q=dung"),
    ("family name without marks", "experts", "q=duong"),
    ("đ", "experts", "q=đ"),
    ("d", "experts", "q=d"),
    ("keyword", "experts", "q=tri tue nhan tao"),
    ("field of science facet", "experts", "field=2"),
    ("field facet and a query", "experts", "q=nguyen&field=2.2"),
    ("degree facet and a query", "experts", "q=tran&degree=TS"),
    ("experts, empty query", "experts", ""),
    ("company name as typed", "enterprises", "q=cong nghe vinh"),
    ("company, with marks", "enterprises", "q=Dược phẩm"),
    ("tax code prefix", "enterprises", "q=29001"),
    ("commune facet", "enterprises", f"commune={COMMUNE}"),
    ("commune facet and a query", "enterprises", f"q=cong ty&commune={COMMUNE}"),
    ("size facet and a query", "enterprises", "q=thuc pham&size=small"),
    ("enterprises, empty query", "enterprises", ""),
]


def _expert_rows(rng, organizations, fields):
    from stihub.registry.models import Expert

    degrees, titles = ["TS", "ThS", "CN/KS", "TSKH", ""], ["", "", "", "PGS", "GS"]
    locations, roles = ["province", "vietnam", "abroad"], ["", "reviewer", "council;mentor"]
    for i in range(EXPERTS):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if rng.random() < 0.3:
            name = name.replace(" ", f" {rng.choice(MIDDLE)} ", 1)
        expert = Expert(
            full_name=name,
            degree=rng.choice(degrees),
            academic_title=rng.choice(titles),
            location=rng.choice(locations),
            keywords=";".join(rng.sample(KEYWORDS, 2)),
            organization=rng.choice(organizations),
            organization_name=f"Trường Đại học {rng.choice(PLACE)}",
            roles=rng.choice(roles),
            public_consent=i % 5 != 0,
            birth_year=1950 + i % 50,
        )
        expert.refresh_search()
        yield expert, rng.sample(fields, rng.choice([1, 1, 2]))


def _enterprise_rows(rng, divisions, communes):
    from stihub.registry.models import Enterprise

    sizes = ["micro", "small", "medium", "large"]
    for i in range(ENTERPRISES):
        trade = rng.choice(TRADE)
        name = f"{rng.choice(COMPANY)} {trade} {rng.choice(PLACE)} {rng.choice(GIVEN)}"
        enterprise = Enterprise(
            tax_code=f"29{i:08d}",
            name=name,
            industry_id=rng.choice(divisions),
            commune_id=rng.choice(communes),
            size=rng.choice(sizes),
            products=f"{trade.lower()}; {rng.choice(KEYWORDS)}",
            address=f"{rng.choice(PLACE)}, Nghệ An",
            st_cert_date=date(2020, 1, 1) if i % 7 == 0 else None,
            startup_recognised_on=date(2022, 1, 1) if i % 11 == 0 else None,
        )
        enterprise.refresh_search()
        yield enterprise


def _batched(items, size=5000):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def load() -> float:
    """The bench fixture; returns the seconds it took."""
    from django.db import connection, transaction

    from stihub.core.models import AdministrativeUnit
    from stihub.registry.models import Enterprise, Expert, FieldOfScience, Industry, Organization

    start = time.perf_counter()
    rng = random.Random(2030)
    with transaction.atomic():
        organizations = [
            Organization.objects.create(code=f"ORG{i}", name=f"Viện {t}", kind="st_organization")
            for i, t in enumerate(TRADE)
        ]
        fields = list(
            FieldOfScience.objects.filter(parent__isnull=False).values_list("pk", flat=True)
        )
        through = Expert.fields.through
        for batch in _batched(_expert_rows(rng, organizations, fields)):
            made = Expert.objects.bulk_create([expert for expert, _fields in batch])
            through.objects.bulk_create(
                through(expert_id=expert.pk, fieldofscience_id=field)
                for expert, (_same, chosen) in zip(made, batch, strict=True)
                for field in chosen
            )
        province = AdministrativeUnit.objects.create(
            code=40, name="Nghệ An", division_type="tinh", codename="nghe_an"
        )
        communes = [
            AdministrativeUnit.objects.create(
                code=10_000 + i,
                name=f"{'Phường' if i % 4 == 0 else 'Xã'} {PLACE[i % len(PLACE)]} {i}",
                division_type="phuong" if i % 4 == 0 else "xa",
                codename=f"bench_{i}",
                parent=province,
            ).pk
            for i in range(130)
        ]
        divisions = list(
            Industry.objects.filter(section__isnull=False).values_list("pk", flat=True)
        )
        for batch in _batched(_enterprise_rows(rng, divisions, communes)):
            Enterprise.objects.bulk_create(batch)
    # What a live database has by the time anyone searches it: statistics (ANALYZE), and on
    # PostgreSQL the visibility map and hint bits autovacuum sets after a bulk load (VACUUM);
    # without them the first reads of every row write to it.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - start


def _time_query(registry: str, query: str, user) -> tuple[float, float]:
    """Milliseconds of what a list page does (views/lists.py), through the same functions: the
    filter set, the count (up to search.CAP) and the first page of rows in order, then the
    facets shown beside them. Nothing is cached between requests."""
    from django.http import QueryDict

    from .facets import facets as facets_of
    from .filters import FILTERS
    from .registries import visible
    from .views.lists import PAGE_SIZE, _page

    start = time.perf_counter()
    filterset = FILTERS[registry](QueryDict(query), queryset=visible(registry, user))
    assert filterset.is_valid(), filterset.errors
    _rows, matched, _numbers = _page(registry, filterset, 1, PAGE_SIZE)
    found = time.perf_counter()
    facets_of(registry, matched, counted=matched is not None)
    return (found - start) * 1000, (time.perf_counter() - found) * 1000


def child() -> None:
    """In a process whose DATABASE_URL names an empty database: migrate, load, time, print."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stihub.settings")
    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    seconds = load()
    print(f"loaded in {seconds:.0f} s", file=sys.stderr)
    anonymous = AnonymousUser()
    search_ms, facet_ms, worst = [], [], []
    for label, registry, query in QUERIES:
        _time_query(registry, query, anonymous)  # warm
        times = [_time_query(registry, query, anonymous) for _ in range(REPEAT)]
        search_ms += [t[0] for t in times]
        facet_ms += [t[0] + t[1] for t in times]
        whole = [t[0] + t[1] for t in times]
        worst.append((statistics.median(whole), label))
        alone = statistics.median(t[0] for t in times)
        print(  # each query's figures, for whoever tunes search (stderr: not a bench row)
            f"{connection.vendor} {label}: page + count {alone:.1f} ms,"
            f" with facets {statistics.median(whole):.1f} / max {max(whole):.1f} ms",
            file=sys.stderr,
        )
    q = statistics.quantiles
    print(
        json.dumps(
            {
                "engine": connection.vendor,
                "load": seconds,
                "search": [statistics.median(search_ms), q(search_ms, n=20)[18]],
                "with_facets": [statistics.median(facet_ms), q(facet_ms, n=20)[18]],
                "slowest": max(worst),
            }
        )
    )


def _run(database_url: str, folder: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "STIHUB_VAR_DIR": folder}
    env.setdefault("STIHUB_DEBUG", "1")
    done = subprocess.run(
        [sys.executable, "-m", "stihub.registry.bench_search", "--child"],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    if done.returncode:
        raise RuntimeError(f"registry search bench failed:\n{done.stderr[-3000:]}")
    print(done.stderr, end="", file=sys.stderr)  # the load time and each query's figures
    return json.loads(done.stdout.strip().splitlines()[-1])


def _figures(found: dict, name: str) -> list[tuple[str, str, str]]:
    size = f"{EXPERTS:,} experts + {ENTERPRISES:,} enterprises"
    slowest_ms, slowest = found["slowest"]
    return [
        (f"registry bench fixture on {name}: {size}", f"{found['load']:.0f} s", ""),
        (
            f"registry list page p50 / p95 on {name} ({len(QUERIES)} queries: count, first page"
            " and facets; no cache)",
            f"{found['with_facets'][0]:.1f} / {found['with_facets'][1]:.1f} ms",
            "p95 < 100 ms",
        ),
        (
            f"registry search p50 / p95 on {name} (count and first page alone)",
            f"{found['search'][0]:.1f} / {found['search'][1]:.1f} ms",
            "",
        ),
        (f"registry list page: slowest query on {name} ({slowest})", f"{slowest_ms:.1f} ms", ""),
    ]


def rows() -> list[tuple[str, str, str]]:
    """The bench rows: SQLite in a temporary folder, then PostgreSQL in a database created and
    dropped here (skipped, with the reason, when PostgreSQL is not reachable)."""
    from stihub.bench import DEFAULT_POSTGRES, _admin_sql, _postgres

    result = []
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{Path(folder) / 'search.sqlite3'}"
        result += _figures(_run(sqlite, folder), "SQLite")
        admin_url = os.environ.get("STIHUB_BENCH_POSTGRES") or DEFAULT_POSTGRES
        if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            admin_url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))
        why = _postgres(admin_url)
        if why is not None:
            return [*result, ("registry search on PostgreSQL", f"skipped: {why[:60]}", "")]
        name = f"stihub_search_bench_{os.getpid()}"
        _admin_sql(admin_url, f"CREATE DATABASE {name}")
        try:
            url = urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
            result += _figures(_run(url, folder), "PostgreSQL")
        finally:
            _admin_sql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return result


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        for row in rows():
            print("  ".join(row))
