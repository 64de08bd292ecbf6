"""(Re)write the thin, parameterised notebooks Papermill runs: market_assessment (per council × service) and
market_oversight (per council: action plan, KPIs, home care delivery, financial sustainability — aggregates only)."""
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
    ("code", "for section in result.sections:\n    print(f\"{section.title}:\")\n    for message in section.messages:\n"
             "        print(f\"  - {message}\")"),
    ("code", "if mps_dir:\n    write_artefacts(result, mps_dir)"),
]

OVERSIGHT_CELLS = [
    ("markdown", "# Market oversight: one council\n\nRun by `caremarket run` with Papermill once per council. "
                 "Aggregate, publishable figures only: the action plan (what we will do), KPIs against targets, "
                 "home care delivery and the share of care homes at financial risk. The provider-level risk "
                 "dashboard is written separately, outside the published MPS, by `caremarket run`."),
    ("code", 'council = "E08000019"\nyear = 2026\ndata_dir = "../data/demo"\nmps_dir = ""\ncache_dir = ""',
     ["parameters"]),
    ("code", "from helpers.assessment import assess_oversight\nfrom helpers.publish import write_artefacts\n\n"
             "result = assess_oversight(data_dir, council, cache_dir or None)\n"
             "print(f\"{result.council_name} ({result.council_code}): {result.title}\"\n"
             "      + (\" — SYNTHETIC DEMO DATA\" if result.synthetic else \"\"))"),
    ("code", "result.charts[0].figure.show(renderer=\"plotly_mimetype\")"),
    ("code", "result.tables[0].frame"),
    ("code", "for section in result.sections:\n    print(f\"{section.title}:\")\n    for message in section.messages:\n"
             "        print(f\"  - {message}\")"),
    ("code", "if mps_dir:\n    write_artefacts(result, mps_dir)"),
]
NOTEBOOKS = {"market_assessment.ipynb": CELLS, "market_oversight.ipynb": OVERSIGHT_CELLS}


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nb = nbf.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        for kind, source, *tags in cells:
            cell = nbf.v4.new_markdown_cell(source) if kind == "markdown" else nbf.v4.new_code_cell(source)
            if tags:
                cell.metadata["tags"] = tags[0]
            nb.cells.append(cell)
        path = Path(__file__).resolve().parents[1] / "notebooks" / name
        nbf.write(nb, path)
        print(path)


if __name__ == "__main__":
    main()
