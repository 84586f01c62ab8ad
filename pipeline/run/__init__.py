"""Running the yearly cycle: the command, the build and its steps, notebooks, locks, reuse and
the QA record.
"""
