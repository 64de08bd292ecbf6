"""(Re)write the notebooks (cells only; `make accept-notebooks` executes them and stores their outputs):

- market_assessment: run by Papermill per council × service;
- market_oversight: run by Papermill per council (action plan, KPIs, home care delivery, financial
  sustainability — aggregates only);
- explore_cost_of_care: the INTERNAL cost-of-care exploration notebook, for JupyterLab;
- provider_risk_dashboard: run by Papermill per council into the INTERNAL tree (OUT/internal/<year>/<code>/):
  the provider risk dashboard and the cost-of-care workbook for finance colleagues.

Usage: python scripts/write_notebook.py [NAME.ipynb ...] (default: every notebook). Writing a notebook drops
its stored outputs and gives its cells new ids, so name only the notebooks whose cells you changed.
"""
import sys
from pathlib import Path

import nbformat as nbf

SECTIONS_CELL = ("code", "for section in result.sections:\n    print(f\"{section.title}:\")\n"
                         "    for message in section.messages:\n        print(f\"  - {message}\")")
PUBLISH_CELL = ("code", "if mps_dir:\n    write_artefacts(result, mps_dir)")
CHART_CELL = ("code", "if result.charts:  # a small council may have none, e.g. when every figure is suppressed\n"
                      "    result.charts[0].figure.show(renderer=\"plotly_mimetype\")")
TABLE_CELL = ("code", "result.tables[0].frame if result.tables else \"No tables: the messages below say why.\"")
CELLS = [
    ("markdown", "# Market assessment: one council × one service\n\nRun by `caremarket run` with Papermill "
                 "(one execution per council × service). All logic lives in `src/helpers`; this notebook "
                 "computes the assessment, shows its chart, table and key messages, and publishes the "
                 "artefacts the Market Position Statement is assembled from."),
    ("code", '# mps_dir: the MPS Quarto project to publish artefacts into; empty means do not publish.\n'
             '# cache_dir: parquet cache of parsed inputs; empty means no cache.\n'
             'council = "E08000019"\nyear = 2026\nservice = "care_homes"\ndata_dir = "../data/demo"\n'
             'mps_dir = ""\ncache_dir = ""', ["parameters"]),
    ("code", "from helpers.assess.assessment import assess\nfrom helpers.present.publish import write_artefacts\n\n"
             "result = assess(service, data_dir, council, cache_dir or None)\n"
             "print(f\"{result.council_name} ({result.council_code}), {service}\"\n"
             "      + (\" — SYNTHETIC DEMO DATA\" if result.synthetic else \"\"))"),
    CHART_CELL,
    TABLE_CELL,
    SECTIONS_CELL,
    PUBLISH_CELL,
]

OVERSIGHT_CELLS = [
    ("markdown", "# Market oversight: one council\n\nRun by `caremarket run` with Papermill once per council. "
                 "Aggregate, publishable figures only: the action plan (what we will do), KPIs against targets, "
                 "home care delivery and the share of care homes at financial risk. The provider-level risk "
                 "dashboard is written separately, outside the published MPS, by `caremarket run`."),
    ("code", 'council = "E08000019"\nyear = 2026\ndata_dir = "../data/demo"\nmps_dir = ""\ncache_dir = ""',
     ["parameters"]),
    ("code", "from helpers.assess.assessment import assess_oversight\nfrom helpers.present.publish import write_artefacts\n\n"
             "result = assess_oversight(data_dir, council, cache_dir or None)\n"
             "print(f\"{result.council_name} ({result.council_code}): {result.title}\"\n"
             "      + (\" — SYNTHETIC DEMO DATA\" if result.synthetic else \"\"))"),
    CHART_CELL,
    TABLE_CELL,
    SECTIONS_CELL,
    PUBLISH_CELL,
]
EXPLORE_CELLS = [
    ("markdown", "# INTERNAL: cost of care exploration\n\n"
                 "**INTERNAL — NOT FOR PUBLICATION.** This notebook shows provider-level cost returns (provider "
                 "IDs and each provider's figures). Do not share its outputs outside the commissioning and finance "
                 "teams. The published figures (quartiles, suppressed below the minimum number of returns) are the "
                 "ones `helpers.assess.cost_of_care.cost_section` gives the Market Position Statement.\n\n"
                 "Set the parameters below (council code, service, data folder) and run all cells. "
                 "All logic lives in `src/helpers`; see `docs/cost_of_care.md`."),
    ("code", '# council: ONS code; service: care_homes, home_care, supported_living or day_opportunities.\n'
             '# category: a care home category (Residential, Residential dementia, Nursing, Nursing dementia);\n'
             '# leave "" for the other services.\n'
             'council = "E08000019"\nservice = "home_care"\ncategory = ""\ndata_dir = "../data/demo"',
     ["parameters"]),
    ("code", "from pathlib import Path\n\n"
             "import pandas as pd\n\n"
             "from helpers.assess import cost_of_care as coc\n"
             "from helpers.councils import council as council_of\n"
             "from helpers.load import cost_returns, fee_rates\n"
             "from helpers.load.local import load_council\n\n"
             "local_dir = Path(data_dir) / \"local\"\n"
             "returns = load_council(cost_returns.SPEC, local_dir, council)\n"
             "fees = load_council(fee_rates.SPEC, local_dir, council)\n"
             "params = coc.load_params()\n"
             "name = council_of(council)[\"name\"]\n"
             "print(f\"{name} ({council}), {service}\" + (\" — SYNTHETIC DEMO DATA\" if returns.synthetic else \"\"))\n"
             "print(f\"Returns: {returns.file.name} ({returns.vintage}); fee rates: {fees.file.name} ({fees.vintage})\")"),
    ("markdown", "## Published section\n\nWhat the MPS shows: tables already suppressed, key messages from the "
                 "figures, and the fee rate vs median cost chart."),
    ("code", "section = coc.cost_section(service, returns, fees, name, params)\n"
             "print(\"\\n\".join(section.messages))"),
    ("code", "next(t for t in section.tables if t.name == \"cost_totals\").frame"),
    ("code", "next(t for t in section.tables if t.name == \"cost_fees\").frame"),
    ("code", "section.charts[0].figure.show(renderer=\"plotly_mimetype\")"),
    ("markdown", "## INTERNAL: provider-level returns\n\nEach provider's figures per cost line, with the provider "
                 "IDs. Hover over a point to see the provider."),
    ("code", "data = returns.data[returns.data[\"service\"] == service]\n"
             "coc.internal_box_plot(data, service, category).show(renderer=\"plotly_mimetype\")"),
    ("code", "totals = coc.return_totals(data, params[\"staff_groups\"])\n"
             "mine = totals[totals[\"category\"] == category]\n"
             "mine[[\"provider_id\", \"total\", \"staff\", \"non_staff\", \"staff_share\", \"lines\"]].round(2)"),
    ("code", "coc.internal_provider_chart(totals, service, category).show(renderer=\"plotly_mimetype\")"),
    ("markdown", "## Data quality\n\nOutliers (outside 1.5 × IQR or the band in params) and incomplete returns. "
                 "Nothing is dropped: check these with the providers."),
    ("code", "pd.DataFrame([{\"row\": w.row, \"message\": w.message} for w in section.log.warnings])"),
    ("markdown", "## What-if rate calculator\n\nChange the inputs to see the uplift, the proposed rate and the "
                 "budget impact; `target_rate` prices paying a chosen rate (e.g. the median cost) instead."),
    ("code", "band = fees.data[fees.data[\"service\"] == service].iloc[0]\n"
             "median = section.key_figures.get(\"main_median_cost\")\n"
             "coc.what_if_rate(current_rate=float(band[\"current_rate\"]),\n"
             "                 contracted_volume=float(band[\"contracted_volume\"]),\n"
             "                 staff_share=0.75, nlw_change_pct=4.0, cpi_pct=3.0,\n"
             "                 target_rate=median).round(2)"),
    ("code", "next(t for t in section.tables if t.name == \"cost_sensitivity\").frame.round(0)"),
]
DASHBOARD_CELLS = [
    ("markdown", "# INTERNAL: provider risk dashboard for one council\n\n"
                 "**INTERNAL — NOT FOR PUBLICATION.** Provider-level figures: every location's risk score, home "
                 "care delivery per provider and financial risk per care home. Run by `caremarket run` with "
                 "Papermill once per council, after its statement is published; the executed copy is kept beside "
                 "the dashboard in `OUT/internal/<year>/<code>/`, never in the published folder.\n\n"
                 "All logic lives in `src/helpers`: this notebook scores the locations "
                 "(`helpers.assess.provider_risk.council_risk`), shows the most at risk and writes the dashboard "
                 "(`helpers.present.dashboard`) and the cost-of-care workbook for finance colleagues "
                 "(`helpers.present.cost_workbook`) into `out_dir`."),
    ("code", '# out_dir: the folder to write the dashboard, provider_risk.csv and the cost workbook into; empty means\n'
             '# do not write. previous_dir: the folder of the previous dashboard, whose provider_risk.csv says who\n'
             '# turned Red since; empty means out_dir. cache_dir: parquet cache of parsed inputs; empty means no\n'
             '# cache. engine: the render engine (auto, quarto or pandoc).\n'
             'council = "E08000019"\nyear = 2026\ndata_dir = "../data/demo"\nout_dir = ""\nprevious_dir = ""\n'
             'cache_dir = ""\nengine = "auto"', ["parameters"]),
    ("code", "from helpers.assess.provider_risk import council_risk\nfrom helpers.present import dashboard\n\n"
             "previous_from = previous_dir or out_dir\n"
             "previous = dashboard.read_previous(previous_from) if previous_from else None\n"
             "risk = council_risk(data_dir, council, cache_dir or None, previous)\n"
             "print(risk.summary())"),
    ("code", "risk.most_at_risk(10)"),
    ("code", "if out_dir:\n    dashboard.write_dashboard(risk, out_dir, engine)"),
    ("markdown", "## Cost of care workbook\n\nThe cost chapters' tables (published, suppressed figures: no provider's "
                 "own figures), computed by the same function as the statement, as an xlsx for finance colleagues."),
    ("code", "from pathlib import Path\n\n"
             "from helpers.assess import cost_of_care\n"
             "from helpers.load.inputs import Inputs\n"
             "from helpers.present.cost_workbook import write_cost_workbook\n"
             "from helpers.services import SERVICES\n\n"
             "inputs = Inputs(data_dir, council, cache_dir or None)\n"
             "returns, fees = inputs.local(\"cost_returns\"), inputs.local(\"fee_rates\")\n"
             "costs = {s: cost_of_care.cost_section(s, returns, fees, risk.council_name) for s in SERVICES}\n"
             "print(\"Cost tables:\", \", \".join(f\"{s} {len(c.tables)}\" for s, c in costs.items()))\n"
             "if out_dir:\n"
             "    write_cost_workbook(costs, Path(out_dir) / f\"cost_of_care_{council}.xlsx\", risk.council_name)"),
]
NOTEBOOKS = {"market_assessment.ipynb": CELLS, "market_oversight.ipynb": OVERSIGHT_CELLS,
             "explore_cost_of_care.ipynb": EXPLORE_CELLS, "provider_risk_dashboard.ipynb": DASHBOARD_CELLS}


def main(names: list[str] | None = None) -> None:
    unknown = sorted(set(names or ()) - set(NOTEBOOKS))
    if unknown:
        raise SystemExit(f"unknown notebook(s) {', '.join(unknown)}: expected some of {', '.join(NOTEBOOKS)}")
    for name, cells in NOTEBOOKS.items():
        if names and name not in names:
            continue
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
    main(sys.argv[1:])
