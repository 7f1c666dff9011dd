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
