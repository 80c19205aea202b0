"""A council suggested from the registry in the database, for `make bench`: the registry bench's
100,000 experts (`registry/bench_search.load`) read into the council engine's terms and a
council of 7 suggested for a proposal, on SQLite, in a process of its own
(`python -m stihub.tasks.bench_council --child`). The engine alone on the same number of
experts is `engines/tasks_bench.py`'s row; this one adds reading the registry.
"""

import json
import os
import statistics
import sys
import time

RUNS = 3


def child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stihub.settings")
    django.setup()
    from django.core.management import call_command

    from stihub.core.models import User
    from stihub.registry import bench_search
    from stihub.registry.models import FieldOfScience
    from stihub.tasks import councils, profiles
    from stihub.tasks.models import Task

    call_command("migrate", verbosity=0)
    bench_search.load()
    task = Task.objects.create(
        code="BENCH-1",
        kind="research",
        title="Nghiên cứu chọn tạo giống cây trồng chịu hạn",
        summary="Chọn tạo giống cây trồng chịu hạn cho vùng đồi núi.",
        keywords="giống cây trồng;nông nghiệp;chịu hạn",
        proposer=User.objects.create(username="bench"),
        profile=profiles.current(),
    )
    task.fields.set(FieldOfScience.objects.filter(code__in=["4.1", "4.4"]))
    read, whole = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        experts = councils.registry_experts()
        read.append(time.perf_counter() - start)
        start = time.perf_counter()
        found = councils.suggestion(task, "identification")
        whole.append(time.perf_counter() - start)
    assert len(found["members"]) == 7
    print(json.dumps({"experts": len(experts), "read": read, "whole": whole}))


def rows() -> list[tuple[str, str, str]]:
    from stihub.bench import child_json

    found = child_json("stihub.tasks.bench_council")
    size = f"{found['experts']:,} experts"
    return [
        (
            f"council from the registry on SQLite, {size}: read / read and suggest (median of"
            f" {RUNS})",
            f"{statistics.median(found['read']):.2f} / {statistics.median(found['whole']):.2f} s",
            "",
        )
    ]


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        for row in rows():
            print("  ".join(row))
