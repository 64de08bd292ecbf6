"""Present: tables, charts, artefacts, the statement's project, its render and the published workbooks."""
