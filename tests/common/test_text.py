from django.template import Context, Template

from common.text import markdown_to_safe_html


def test_markdown_nested_800_levels_renders_without_recursion_error():
    nested = "".join("  " * depth + "- level\n" for depth in range(800))

    html = markdown_to_safe_html(nested)

    assert html.count("<li>") >= 100


def test_markdown_20_kb_of_brackets_renders():
    brackets = "[" * 10_000 + "x" + "]" * 10_000

    html = markdown_to_safe_html(brackets)

    assert "x" in html
    assert html.count("[") == 10_000


def test_markdown_headings_are_shifted_below_the_page_headings():
    html = markdown_to_safe_html("# Beschlüsse\n\n## Details\n\n###### Tief")

    assert "<h3>Beschlüsse</h3>" in html
    assert "<h4>Details</h4>" in html
    assert "<h6>Tief</h6>" in html
    assert "<h1>" not in html and "<h2>" not in html


def test_markdown_heading_level_is_chosen_by_the_page():
    html = markdown_to_safe_html("# Anbieter", heading_level=2)

    assert html.strip() == "<h2>Anbieter</h2>"


def test_markdown_filter_takes_the_heading_level():
    template = Template("{% load portal %}{{ text|markdown }}|{{ text|markdown:2 }}")

    rendered = template.render(Context({"text": "# Titel"}))

    assert rendered == "<h3>Titel</h3>\n|<h2>Titel</h2>\n"


def test_markdown_drops_scripts_handlers_and_javascript_links():
    html = markdown_to_safe_html(
        "**Fett** <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"
    )

    assert "<strong>Fett</strong>" in html
    assert "script" not in html
    assert "onerror" not in html
    assert "javascript" not in html


def test_markdown_keeps_tables_and_links_with_safe_rel():
    html = markdown_to_safe_html("| a | b |\n|---|---|\n| 1 | 2 |\n\n<https://example.org>")

    assert "<table>" in html and "<td>1</td>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_markdown_lone_surrogate_and_nul_do_not_fail():
    html = markdown_to_safe_html("a\ud800b\x00c")

    assert "a" in html and "c" in html
