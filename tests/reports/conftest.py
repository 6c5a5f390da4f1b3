from __future__ import annotations

import pytest

from .factories import LIVE_HIRES, install_test_indicator


@pytest.fixture(autouse=True)
def test_indicator(monkeypatch):
    """Every reports test sees core's indicators plus ``testapp.hires`` (values in LIVE_HIRES)."""
    install_test_indicator(monkeypatch)
    LIVE_HIRES.clear()
    yield LIVE_HIRES
    LIVE_HIRES.clear()
