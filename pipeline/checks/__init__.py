"""Checking the inputs: the Great Expectations suites, publication safety and the offline Data
Docs.
"""
