"""The Qt binding the program is pinned to must not leak references to None.

PySide6 6.12.0 on CPython 3.11 drops one reference to None on every Qt call that
returns nothing; after ~18,000 such calls the interpreter aborts. A clerk's day of
typing makes far more calls than that.
"""

import sys

import pytest
from PySide6.QtWidgets import QLabel


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_void_qt_calls_keep_the_reference_count_of_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("窗口")
        label.isVisible()
    assert abs(sys.getrefcount(None) - before) < 100  # a leaking binding loses 2,000 here
