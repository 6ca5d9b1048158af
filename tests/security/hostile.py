"""Hypothesis strategies for hostile form input and hostile query strings."""

import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCRIPT = "<script>alert(document.cookie)</script>"

hostile_text = st.one_of(
    st.text(max_size=50),
    st.text(min_size=5_000, max_size=20_000, alphabet="aä€𝔘"),
    st.text(
        alphabet=st.characters(codec="utf-8", categories=["Cc", "Cs", "Co"]), max_size=40
    ).filter(lambda value: "\x00" not in value),
    st.just(SCRIPT),
    st.just('"><img src=x onerror=alert(1)>'),
    st.just("' OR 1=1 --"),
    st.just("\x00"),
    st.sampled_from(["", " ", "\n", "../../etc/passwd", "javascript:alert(1)"]),
)
hostile_number = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["NaN", "inf", "-1", "0", "1e309", "99999999999999999999"]),
)
hostile_date = st.one_of(
    st.sampled_from(["2026-02-30", "0000-00-00", "31.12.99999", "gestern", "2026-13-01T25:61"]),
    st.dates().map(str),
)


def hostile_value(kind, forged_ids=()):
    if kind == "number":
        return hostile_number
    if kind == "date":
        return hostile_date
    if kind == "id":
        return st.one_of(hostile_number, st.sampled_from([str(pk) for pk in forged_ids] or ["1"]))
    return hostile_text


# --- Hostile GET parameters -------------------------------------------------------------
# Query strings arrive as raw bytes: a client can send NUL, lone surrogates (as their
# UTF-8-like bytes) and byte sequences that are no UTF-8 at all, percent-encoded or not.

hostile_query_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Cc", "Cs", "Co", "Cf"]), max_size=20),
    st.sampled_from(
        [
            "\x00",
            "%00",
            "-",
            "&",
            "|",
            "!",
            "'",
            '"',
            "\\",
            "(",
            "*",
            "_",
            "%",
            "<->",
            "\u202e",
            "🙂",
            "0",
            "-1",
            "10000",
            "99999999999999999999999",
            "1e309",
            "NaN",
            "0001-01-01",
            "9999-12-31T23:59",
            SCRIPT,
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def _query_bytes(value):
    # "surrogatepass" writes a lone surrogate as the three bytes a browser would never send.
    return value.encode("utf-8", "surrogatepass")


hostile_query_bytes = st.one_of(
    hostile_query_text.map(_query_bytes),
    st.binary(max_size=20),
    st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf"]),
)


@st.composite
def _raw_pair(draw, names):
    name = draw(st.sampled_from(names)) if names else _query_bytes(draw(hostile_query_text))
    value = draw(hostile_query_bytes)
    if draw(st.booleans()):
        value = urllib.parse.quote_from_bytes(value, safe="").encode("ascii")
    return name + b"=" + value


def hostile_query_string(names):
    """Raw query strings giving each of `names` (and sometimes unknown ones) hostile values.

    The result is what WSGI puts in QUERY_STRING: the bytes decoded as ISO-8859-1.
    """
    encoded = [name.encode() for name in names]
    return st.lists(
        st.one_of(_raw_pair(encoded), _raw_pair([])), min_size=1, max_size=max(2, len(names) + 1)
    ).map(lambda pairs: b"&".join(pairs).decode("iso-8859-1"))


HOSTILE_GET_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_hostile_gets_never_fail(client, url, names, hypothesis_settings=HOSTILE_GET_SETTINGS):
    """GET `url` with hostile values for the parameters `names`: never a 500, never a script.

    The test client re-raises a view's exception, so a failure shows its traceback.
    """

    @hypothesis_settings
    @given(query=hostile_query_string(names))
    def get(query):
        response = client.get(url, QUERY_STRING=query)
        assert response.status_code < 500, (url, query)
        if response.get("Content-Type", "").startswith("text/html"):
            assert SCRIPT.encode() not in response.content, (url, query)

    get()
