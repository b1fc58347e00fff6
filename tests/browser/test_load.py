"""A bounded load test on loopback: several browser sessions rerun the map page at once; no errors.
(The full minute with 24 sessions and its latency percentiles is in `python -m tools.bench`.)"""

from tools.bench import _load


def test_concurrent_sessions_get_no_errors(server, browser):
    res = _load(browser, server.url, sessions=6, seconds=15)
    assert res["requests"] >= 6 and res["errors"] == 0, res
