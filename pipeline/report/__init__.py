"""The report's content: sentences, charts, disclosure control and labels."""
