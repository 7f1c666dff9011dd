"""Plain-Python domain: rules, scoring and validation. No Qt, no database."""
