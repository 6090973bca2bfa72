"""dealer_lead_addon/i18n/fr.po is complete: every term of the addon has a French translation
that keeps the placeholders of the English text.

The terms come from Odoo's own export (scripts/i18n_export.sh writes dealer_lead_addon.pot and
merges it into fr.po), so a new untranslated string fails here.
"""

import re
from pathlib import Path

import polib
import pytest

I18N = Path(__file__).resolve().parent.parent / "dealer_lead_addon" / "i18n"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{[a-z_]+\}|<[a-z][^>]*>")
# attributes Odoo translates inside a view's markup: their text may change, not the tag
TRANSLATED_ATTRIBUTE = re.compile(r'\s(?:title|alt|placeholder|aria-label)="[^"]*"')


def placeholders(text):
    return sorted(TRANSLATED_ATTRIBUTE.sub("", found) for found in PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def french():
    return polib.pofile(str(I18N / "fr.po"))


@pytest.fixture(scope="module")
def template():
    return polib.pofile(str(I18N / "dealer_lead_addon.pot"))


def test_every_exported_term_is_in_the_french_file(french, template):
    missing = {entry.msgid for entry in template} - {entry.msgid for entry in french}
    assert not missing, f"{len(missing)} terms missing from fr.po, e.g. {sorted(missing)[:5]}"


def test_every_french_term_is_translated(french):
    untranslated = [e.msgid for e in french.untranslated_entries() + french.fuzzy_entries()]
    assert not untranslated, (
        f"{len(untranslated)} untranslated terms, e.g. {untranslated[:5]}"
    )


def test_translations_keep_the_placeholders_of_the_english_text(french):
    broken = [
        entry.msgid for entry in french.translated_entries()
        if placeholders(entry.msgid) != placeholders(entry.msgstr)
    ]
    assert not broken, f"placeholders differ in {len(broken)} terms, e.g. {broken[:3]}"
