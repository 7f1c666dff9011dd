"""The desktop window (PySide6). Depends on services and domain, never the other way."""
