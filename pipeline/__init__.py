"""Reproducible statutory annual report on children's services complaints."""

__version__ = "0.1.0"
