"""The shape of the code: apps depend one way, engines know nothing of Django or the apps."""

import ast
from pathlib import Path

STIHUB = Path(__file__).resolve().parents[1] / "stihub"
# Each app may import only the apps after it in this list (and the engines).
LAYERS = [
    "market",
    "tasks",
    "registry",
    "reports",
    "reporting",
    "programme",
    "innovation",
    "monitoring",
    "jobs",
    "core",
]
APPS = set(LAYERS)


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def app_edges() -> set[tuple[str, str]]:
    edges = set()
    for app in APPS:
        for path in (STIHUB / app).rglob("*.py"):
            for name in imports_of(path):
                parts = name.split(".")
                if parts[0] == "stihub" and len(parts) > 1 and parts[1] in APPS - {app}:
                    edges.add((app, parts[1]))
    return edges


def test_apps_depend_one_way():
    backwards = [(a, b) for a, b in app_edges() if LAYERS.index(b) < LAYERS.index(a)]
    assert backwards == []


def test_the_edge_check_sees_real_imports():
    assert ("innovation", "monitoring") in app_edges()
    assert ("monitoring", "core") in app_edges()


def test_engines_import_neither_django_nor_the_apps():
    offending = {}
    for path in (STIHUB / "engines").glob("*.py"):
        bad = {
            n
            for n in imports_of(path)
            if n.split(".")[0] == "django" or n.split(".")[:2] in [["stihub", a] for a in APPS]
        }
        if bad:
            offending[path.name] = bad
    assert offending == {}


def test_no_app_imports_another_apps_commands_or_demo():
    offending = []
    for app in APPS:
        for path in (STIHUB / app).rglob("*.py"):
            for name in imports_of(path):
                parts = name.split(".")
                other = len(parts) > 2 and parts[0] == "stihub" and parts[1] in APPS - {app}
                if other and parts[2] in {"management", "demo"}:
                    offending.append((str(path.relative_to(STIHUB)), name))
    assert offending == []
