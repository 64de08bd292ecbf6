"""Care Market Workbook helpers: loaders, metrics, charts and rendering for market assessments."""

__version__ = "0.1.0"
