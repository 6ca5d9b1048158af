import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings
from django.urls import reverse


def test_german_translation_is_complete():
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"))

    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


def test_every_string_of_the_code_is_in_the_german_catalog(tmp_path):
    """makemessages over a copy of the code finds no string the catalog lacks (a missing
    one would show in English on a German page) and turns no entry fuzzy."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    skipped = (".git", ".venv", "var", "tests", "node_modules", "__pycache__", "*.mo")
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(*skipped))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--ignore=tests", "-v0"],
        cwd=copy,
        env={**os.environ, "PYTHONPATH": str(copy)},
        check=True,
    )
    catalog = polib.pofile(str(copy / "locale" / "de" / "LC_MESSAGES" / "django.po"))

    assert [entry.msgid for entry in catalog.untranslated_entries()] == []
    assert [entry.msgid for entry in catalog.fuzzy_entries()] == []


def test_german_translation_uses_the_formal_address():
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    informal = {" du ", " dich ", " dir ", " dein ", " deine "}

    offending = [
        entry.msgstr
        for entry in po.translated_entries()
        if any(word in f" {entry.msgstr.lower()} " for word in informal)
    ]

    assert offending == []


def test_admin_date_picker_names_its_shortcuts_in_german(client_for, admin_user):
    # Django's catalog lacks these; English accessible names beside German text broke
    # WCAG 2.5.3 (label in name) on every admin form with a date.
    client = client_for(admin_user)
    client.cookies["django_language"] = "de"

    catalog = client.get(reverse("admin:jsi18n"), headers={"accept-language": "de"}).content

    assert b"Heute (%(date)s)" in catalog
    assert b"Morgen (%(date)s)" in catalog
