"""The apps depend on each other in one direction (docs/architecture.md)."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Lowest first: an app may import only from the apps before it.
LAYERS = [
    "common",
    "notifications",
    "members",
    "practices",
    "meetings",
    "oparl",
    "demo",
    "roundtable",
]


def _project_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".", 1)[0]
            if top in LAYERS:
                yield node.lineno, top


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_no_app_imports_a_higher_one():
    wrong = []
    for app in LAYERS:
        if not (ROOT / app).is_dir():
            continue
        allowed = set(LAYERS[: LAYERS.index(app) + 1])
        for path in _modules(app):
            for line, imported in _project_imports(path):
                if imported not in allowed:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert wrong == []


def test_every_project_app_has_its_place_in_the_layers():
    project_apps = [
        app for app in settings.INSTALLED_APPS if "." not in app and (ROOT / app).is_dir()
    ]
    assert [app for app in LAYERS if app in project_apps] == project_apps
