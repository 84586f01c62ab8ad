"""Reproducible statutory annual report on children's services complaints."""

from pathlib import Path

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The folder holding ``_quarto.yml``, the notebooks, the report source and the data."""
