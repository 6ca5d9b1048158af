from django.test.html import parse_html

from practices.selectors import FACET_OPTION_LIMIT, _facet


def test_long_filters_offer_the_values_with_most_examples_and_keep_the_chosen_one():
    rows = [(f"kommune-{n}", f"Kommune {n:03d}", n) for n in range(FACET_OPTION_LIMIT + 50)]

    facet = _facet("kommune", "Kommune", rows, selected="kommune-3")

    values = [option.value for option in facet.options]
    assert len(values) == FACET_OPTION_LIMIT + 1
    assert "kommune-149" in values
    assert "kommune-10" not in values
    (chosen,) = [option for option in facet.options if option.selected]
    assert (chosen.value, chosen.label, chosen.count) == ("kommune-3", "Kommune 003", 3)
    # The shown values keep the list's order (alphabetical by name), the chosen one too.
    labels = [option.label for option in facet.options]
    assert labels == sorted(labels)


def test_a_chosen_value_without_examples_is_still_offered_as_chosen():
    rows = [(f"kommune-{n}", f"Kommune {n:03d}", n + 1) for n in range(FACET_OPTION_LIMIT + 5)]

    facet = _facet("kommune", "Kommune", rows, selected="anderswo")

    assert [(o.value, o.count) for o in facet.options if o.selected] == [("anderswo", 0)]


def test_filter_options_are_written_escaped_with_their_counts_and_the_chosen_one_selected():
    rows = [("olpe", 'Olpe <"Süd">', 4), ("werdohl", "Werdohl", 2)]

    html = _facet("kommune", "Kommune", rows, selected="werdohl").options_html

    assert parse_html(html) == parse_html(
        '<option value="olpe">Olpe &lt;&quot;Süd&quot;&gt; (4)</option>'
        '<option value="werdohl" selected>Werdohl (2)</option>'
    )
