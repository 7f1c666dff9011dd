import os

# Real Qt widgets, but no screen: every GUI test runs on the offscreen platform.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import pytest  # noqa: E402 (after the platform is chosen)


@pytest.fixture
def db(tmp_path):
    """A fresh application database (default standards loaded), closed afterwards.
    Test files that need a different starting point define their own `db`."""
    from kaoping_desktop import services
    from kaoping_desktop.store.database import close_database

    services.open_app_database(tmp_path / "k.db")
    yield tmp_path / "k.db"
    close_database()


@pytest.fixture(autouse=True)
def _no_windows_left_behind():
    """A window or modal box left open by one test would keep focus from the next one's."""
    yield
    import sys

    helpers = sys.modules.get("gui_helpers")
    if helpers is not None:
        helpers.cancel_pending()
    import threading

    for thread in threading.enumerate():  # a table still being read must not outlive its database
        if thread.name == "kaoping-load":
            thread.join(30)
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for widget in app.topLevelWidgets():
        if widget.isVisible():
            widget.close()
    app.processEvents()
