"""The publication: rendering, escaping, the page's policy, the spreadsheet and the Word file."""
