"""Reproducible statutory annual report on children's services complaints."""

import sys
from pathlib import Path

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The folder holding ``_quarto.yml``, the notebooks, the report source and the data."""


def _skip_slow_optional_import() -> None:
    """Keep jsonschema from loading its optional RFC 3987 checker.

    ``jupyter-events`` installs ``rfc3987-syntax``, which jsonschema (used by nbformat,
    Altair and Great Expectations) imports when present; it compiles a grammar at
    import time, about 1.8 s in every process and notebook kernel, for a URI format
    that no schema used here checks. Marking it absent makes jsonschema skip it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


_skip_slow_optional_import()
