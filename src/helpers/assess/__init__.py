"""Assess: the market assessment's metrics and the statement's sections, pure functions of loaded tables."""
