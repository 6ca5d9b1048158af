from pathlib import Path

import polib
from django.conf import settings


def test_german_translation_is_complete():
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"))

    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


def test_german_translation_uses_the_formal_address():
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    informal = {" du ", " dich ", " dir ", " dein ", " deine "}

    offending = [
        entry.msgstr
        for entry in po.translated_entries()
        if any(word in f" {entry.msgstr.lower()} " for word in informal)
    ]

    assert offending == []
