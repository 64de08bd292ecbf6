"""Care Market Workbook helpers: loaders, metrics, charts and rendering for market assessments."""
import sys

__version__ = "0.1.0"

# jsonschema (imported by nbformat: papermill in the workers, plotly's notebook renderers in every kernel) imports
# rfc3987_syntax when it is installed (jupyter-events pulls it in), and that module compiles 38 Lark grammars on
# import: 1.2 s in each process, a tenth of a one-council run. It only checks the "iri" formats of jsonschema's
# optional format checker, which nbformat's validation never uses; marked absent, jsonschema skips it, as it is
# written to.
sys.modules.setdefault("rfc3987_syntax", None)
