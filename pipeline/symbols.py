"""The symbols a published table shows in place of a number.

One convention for every format (page, PDF, Word, spreadsheet), after the Government
Statistical Service's guidance on symbols in tables. Each document explains the symbols
it uses once, in a note.
"""

from __future__ import annotations

ZERO = "-"  # a count of zero, and only that
NOT_AVAILABLE = "[x]"  # the figure was not recorded or is not known (an earlier year's gap)
NOT_APPLICABLE = "[z]"  # no figure can exist (a percentage of nothing)
CONFIDENTIAL = "[c]"  # held back to protect a child (a council may choose its own symbol)
