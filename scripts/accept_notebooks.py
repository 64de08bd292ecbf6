"""Re-execute the notebooks nbval checks and store their outputs as the new reference (run on purpose only).

- notebooks/*.ipynb: executed in place on the demo data (their default parameters);
- tests/nbval/market_assessment_<council>_<service>.ipynb: the market assessment notebook executed by
  Papermill for two demo councils × the four services (the same path `caremarket run` takes).

Run through `make accept-notebooks` after a change to the figures that you intend, and say so in the commit.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import papermill as pm

from helpers.services import SERVICES

REPO = Path(__file__).resolve().parents[1]
NBVAL_DIR = REPO / "tests" / "nbval"
COUNCILS = ("E08000019", "E08000018")  # Sheffield, Rotherham


def main() -> None:
    for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
        print(f"executing {notebook.relative_to(REPO)}")
        subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                        str(notebook)], check=True, cwd=notebook.parent)
    NBVAL_DIR.mkdir(parents=True, exist_ok=True)
    for code in COUNCILS:
        for service in SERVICES:
            out = NBVAL_DIR / f"market_assessment_{code}_{service}.ipynb"
            print(f"executing {out.relative_to(REPO)}")
            pm.execute_notebook(str(REPO / "notebooks" / "market_assessment.ipynb"), str(out), kernel_name="python3",
                                parameters={"council": code, "service": service, "data_dir": "../../data/demo",
                                            "cache_dir": "../../data/.cache"},
                                cwd=str(NBVAL_DIR), progress_bar=False)


if __name__ == "__main__":
    main()
