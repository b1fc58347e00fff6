"""tools/bench.py finds the topic modules tools/bench_*.py and reports each in its own section."""

from __future__ import annotations

import pytest

from tools import bench


def test_every_topic_module_is_found_and_can_be_picked():
    found = bench.topic_modules("all")
    assert "tools.bench_serving" in found and found == sorted(found)
    assert bench.topic_modules("serving") == ["tools.bench_serving"]
    assert bench.topic_modules("none") == []


def test_an_unknown_topic_is_refused_with_the_known_ones():
    with pytest.raises(SystemExit, match="unknown bench topic.*nosuch.*bench_serving"):
        bench.topic_modules("nosuch")


def test_each_topic_gets_its_own_section_and_a_failure_is_shown_in_it():
    lines = bench.topic_sections({
        "serving": {"rows": [("50 sessions: p95", "0.80 s", "< 1 s")], "doc": ["Many readers."]},
        "broken": {"error": "RuntimeError: nginx missing"}})
    text = "\n".join(lines)
    assert "## Topic: serving (`tools/bench_serving.py`)" in text
    assert "| 50 sessions: p95 | 0.80 s | < 1 s |" in text
    assert "## Topic: broken (`tools/bench_broken.py`)" in text and "- failed: `RuntimeError: nginx missing`" in text
    assert text.index("Topic: serving") < text.index("Topic: broken")
