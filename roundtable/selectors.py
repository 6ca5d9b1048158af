from roundtable.models import LegalPage


def legal_page_get(*, kind: str, language: str) -> LegalPage | None:
    """The staff-edited page in the language, falling back to German; None if none exists."""
    pages = {page.language: page for page in LegalPage.objects.filter(kind=kind)}
    return pages.get(language) or pages.get("de")
