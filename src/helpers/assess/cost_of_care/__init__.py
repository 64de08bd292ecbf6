"""Cost of care and value for money: what providers' returns say care costs, against what the council pays.

Method, following the DHSC Fair Cost of Care convention:

- Per cost line (per service and, for care homes, per category) the number of returns and the lower
  quartile, median and upper quartile of the providers' £ values (``statistics``).
- Quartiles use the spreadsheet QUARTILE.INC method: for n sorted values x₀…xₙ₋₁ the p-quantile
  sits at position h = (n − 1)·p and is interpolated linearly, x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋).
  This is numpy/pandas' default ``linear`` method; 1, 2, 3, 4 → LQ 1.75, median 2.5, UQ 3.25.
- The total is the median of the providers' totals, reported separately: it is not the sum of the
  line medians (medians do not add).
- Staff vs non-staff: the cost-line groups params ``staff_groups`` names are staff costs; the staff
  share is the median of the returns' staff shares.
- Fee gap = median cost − current rate (£, and % of the median): positive means the rate is below
  the median. Home care rates are also compared with the Homecare Association Minimum Price (``fees``).
- Uplift for the year after the fee year = staff share × NLW change + non-staff share × CPI; budget
  impact = (proposed rate − current rate) × contracted volume (units a year) (``uplift``, with the
  outside rates in ``rates``).
- Fees in the national fee-return categories (65+ and 18–64 residential and nursing, home care per
  contact hour): each category's volume-weighted rate this year and last, the increase, and the gaps
  to the matching median cost and (home care) the HCA price (``categories``).
- Disclosure control: a statistic from fewer than ``min_providers`` returns is replaced by a marker
  with a footnote; published tables never carry a provider ID or a provider's own figures (``disclosure``).

Outlier and completeness checks only add warnings to the data-quality log: no row is dropped (``checks``).

Modules, one job each: ``parameters`` (params/cost_of_care.yml, checked), ``rates`` (NLW, CPI, HCA
price by year), ``statistics``, ``disclosure``, ``fees``, ``categories``, ``uplift``, ``checks``, ``published``
(the published tables and charts), ``messages``, ``section`` (the published section: ``cost_section``)
and ``internal`` (provider-level charts for the internal notebook only). The names below are
re-exported so ``from helpers.assess import cost_of_care as coc`` reaches all of them.
"""
from helpers.assess.cost_of_care.categories import FeeCategories, fee_categories
from helpers.assess.cost_of_care.checks import EXPECTED_VOLUMES, check_fees, check_returns
from helpers.assess.cost_of_care.disclosure import (PROVIDER_COLUMNS, is_suppressed, refuse_provider_columns,
                                                     suppress)
from helpers.assess.cost_of_care.fees import FEE_UNITS, band_category, fee_gap, hca_comparison, service_fees
from helpers.assess.cost_of_care.internal import internal_box_plot, internal_provider_chart
from helpers.assess.cost_of_care.parameters import PARAMS_NAME, footnote, load_params
from helpers.assess.cost_of_care.published import gap_chart, median_chart
from helpers.assess.cost_of_care.rates import (financial_year_of, hca_price, latest_cpi, next_year, nlw_change,
                                                nlw_in_force, period_name)
from helpers.assess.cost_of_care.section import CostSection, cost_section
from helpers.assess.cost_of_care.statistics import (RETURN_KEY, STATS, line_statistics, quartiles, return_totals,
                                                     total_statistics)
from helpers.assess.cost_of_care.uplift import (band_staff_shares, budget_impact, proposed_rate, sensitivity_table,
                                                 uplift_pct, uplift_table, what_if_rate)
from helpers.assess.cost_of_care.wording import SOURCE, money
from helpers.services import SERVICES

__all__ = ["EXPECTED_VOLUMES", "FEE_UNITS", "PARAMS_NAME", "PROVIDER_COLUMNS", "RETURN_KEY", "SERVICES",
           "SOURCE", "STATS", "CostSection", "FeeCategories", "band_category", "band_staff_shares", "budget_impact",
           "check_fees", "check_returns", "cost_section", "fee_categories", "fee_gap", "financial_year_of", "footnote",
           "gap_chart", "hca_comparison", "hca_price", "internal_box_plot", "internal_provider_chart", "is_suppressed",
           "latest_cpi", "line_statistics", "load_params", "median_chart", "money", "next_year", "nlw_change",
           "nlw_in_force", "period_name", "proposed_rate", "quartiles", "refuse_provider_columns", "return_totals",
           "sensitivity_table", "service_fees", "suppress", "total_statistics", "uplift_pct", "uplift_table",
           "what_if_rate"]
