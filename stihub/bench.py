"""`make bench`: prints a table of performance figures (never asserted in the test suite).

The dashboard is measured in-process with Django's test client against a fresh SQLite database
in a temporary folder, loaded with the demo data at scale 1, then at scale 10.
"""

import os
import statistics
import tempfile
import time


def _dashboard_latency(scale: int, requests: int = 200) -> tuple[float, float, int]:
    from django.core.management import call_command
    from django.test import Client

    from stihub.monitoring.models import Observation

    call_command("demo", scale=scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    client.get("/")  # warm caches and connections
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get("/")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    quantiles = statistics.quantiles(timings, n=20)
    return statistics.median(timings), quantiles[18], Observation.objects.count()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["STIHUB_VAR_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stihub.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from stihub.engines import composite_bench, progress_bench

        rows = [*progress_bench.bench(), *composite_bench.bench()]
        call_command("migrate", verbosity=0)
        p95 = {}
        for scale in (1, 10):
            p50, p95[scale], count = _dashboard_latency(scale)
            rows.append(
                (
                    f"dashboard p50 / p95, demo scale {scale} ({count:,} observations)",
                    f"{p50:.1f} / {p95[scale]:.1f} ms",
                    "p95 < 150 ms",
                )  # fmt: skip
            )
        rows.append(("dashboard p95 scale 10 / scale 1", f"{p95[10] / p95[1]:.2f}×", "≤ 1.5×"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':>22}  goal")
    for measure, figure, goal in rows:
        print(f"{measure:<{width}}  {figure:>22}  {goal}")


if __name__ == "__main__":
    main()
