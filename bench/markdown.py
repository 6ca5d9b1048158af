"""Markdown rendering of adversarial input: 100 KB of each pattern that is slow for naive parsers.

Goal: under 50 ms per pattern (common.text renders through cmark-gfm, linear in the input).
`python -m bench.markdown` runs it alone; `make bench` includes it.
"""

import time

from common.text import markdown_to_safe_html

SIZE = 100_000
GOAL_MS = 50


def _repeat(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def adversarial_inputs(size: int = SIZE) -> dict[str, str]:
    half = size // 2
    return {
        "brackets": "[" * half + "x" + "]" * half,
        "unclosed links": _repeat("[a](", size),
        "emphasis runs": _repeat("*a_", size),
        "quotes": _repeat("> ", size) + "x",
        "nested lists": "".join("  " * depth + "- x\n" for depth in range(int(size**0.5))),
        "images": _repeat("![", size),
        "reference definitions": _repeat("[a]: /u\n", half) + _repeat("[a]", half),
        "backticks": _repeat("`a``", size),
        "quotes and lists": _repeat("> - ", size),
        "table cells": _repeat("|a", half)
        + "\n"
        + _repeat("|-", size // 4)
        + "\n"
        + _repeat("|b", size // 4),
    }


def measure(repeats: int = 3) -> dict[str, float]:
    """The best of `repeats` renderings of each pattern, in milliseconds of CPU time.

    CPU time, not wall-clock time: on a machine shared with other work the wall clock
    mostly measures the wait for a core.
    """
    timings = {}
    for name, text in adversarial_inputs().items():
        best = float("inf")
        for _ in range(repeats):
            started = time.process_time()
            markdown_to_safe_html(text)
            best = min(best, time.process_time() - started)
        timings[f"{name} ms"] = round(best * 1000, 1)
    return timings


if __name__ == "__main__":
    for name, milliseconds in measure().items():
        verdict = "ok" if milliseconds < GOAL_MS else f"over the {GOAL_MS} ms goal"
        print(f"{name:<28} {milliseconds:>8.1f}  {verdict}")
