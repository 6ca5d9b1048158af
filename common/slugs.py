from django.utils.text import slugify

_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def german_slugify(text: str) -> str:
    """A slug that spells umlauts the German way (Lüdenscheid -> luedenscheid)."""
    return slugify(text.translate(_GERMAN))


def unique_slug(model, text: str, *, exclude_pk=None, max_length: int = 200) -> str:
    base = german_slugify(text)[: max_length - 8] or "eintrag"
    slug, counter = base, 2
    queryset = model.objects.all()
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    while queryset.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug
