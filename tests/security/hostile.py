"""Hypothesis strategies for hostile form input."""

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
