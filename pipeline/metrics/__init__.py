"""The figures: working days, every table as Polars expressions, and the comparison with
published figures.
"""
