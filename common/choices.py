"""Labels of choice fields, looked up in their choices class."""


def choice_label(choices, value) -> str:
    """The label of ``value`` in ``choices`` (a TextChoices class) in the active language, or
    the value itself when it is not one of them, as ``get_FOO_display`` answers.

    Django's generated ``get_FOO_display`` builds a dictionary of all choices on every call,
    hashing each lazy label (a translation lookup each); on lists of a hundred rows that was
    about 7 % of the page's CPU time (member directory, response overview, meeting list).
    The models of those rows define their ``get_FOO_display`` with this instead.
    """
    try:
        return str(choices(value).label)
    except ValueError:
        return value
