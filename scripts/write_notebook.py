"""(Re)write notebooks/market_assessment.ipynb: the thin, parameterised notebook Papermill runs."""
from pathlib import Path

import nbformat as nbf

CELLS = [
    ("markdown", "# Market assessment: one council × one service\n\nRun by `caremarket run` with Papermill "
                 "(one execution per council × service). All logic lives in `src/helpers`; this notebook "
                 "computes the assessment, shows its chart, table and key messages, and publishes the "
                 "artefacts the Market Position Statement is assembled from."),
    ("code", '# mps_dir: the MPS Quarto project to publish artefacts into; empty means do not publish.\n'
             '# cache_dir: parquet cache of parsed inputs; empty means no cache.\n'
             'council = "E08000019"\nyear = 2026\nservice = "care_homes"\ndata_dir = "../data/demo"\n'
             'mps_dir = ""\ncache_dir = ""', ["parameters"]),
    ("code", "from helpers.assessment import assess\nfrom helpers.publish import write_artefacts\n\n"
             "result = assess(service, data_dir, council, cache_dir or None)\n"
             "print(f\"{result.council_name} ({result.council_code}), {service}\"\n"
             "      + (\" — SYNTHETIC DEMO DATA\" if result.synthetic else \"\"))"),
    ("code", "result.charts[0].figure.show(renderer=\"plotly_mimetype\")"),
    ("code", "result.tables[0].frame"),
    ("code", "print(\"\\n\".join(result.messages))"),
    ("code", "if mps_dir:\n    write_artefacts(result, mps_dir)"),
]


def main() -> None:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, source, *tags in CELLS:
        cell = nbf.v4.new_markdown_cell(source) if kind == "markdown" else nbf.v4.new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags[0]
        nb.cells.append(cell)
    path = Path(__file__).resolve().parents[1] / "notebooks" / "market_assessment.ipynb"
    nbf.write(nb, path)
    print(path)


if __name__ == "__main__":
    main()
