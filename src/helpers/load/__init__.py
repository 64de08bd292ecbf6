"""Load: find each source's files and read them into tidy tables (the only place that knows a layout)."""
