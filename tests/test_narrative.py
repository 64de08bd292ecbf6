import pandas as pd

from helpers import narrative


def _supply() -> pd.DataFrame:
    return pd.DataFrame({"category": ["Residential", "Nursing", "All care homes"], "locations": [70, 30, 100],
                         "providers": [50, 20, 65], "beds": [2100, 1450, 3550]})


def test_care_home_messages_carry_the_figures_formatted():
    msgs = narrative.care_home_messages("Sheffield", _supply(), 81.25, 3)
    assert msgs[0] == ("Sheffield has 100 care homes run by 65 providers, with 3,550 beds; "
                       "30 are nursing homes with 1,450 beds.")
    assert msgs[1] == "81% of rated care homes are rated Good or Outstanding by CQC; 3 are not yet rated."


def test_care_home_messages_without_ratings():
    msgs = narrative.care_home_messages("Rutland", _supply(), None, 0)
    assert msgs[1] == "No care home has a published CQC rating yet."


def test_formatters():
    assert narrative.fmt_int(1234.6) == "1,235"
    assert narrative.fmt_pct(None) == "not available"
    assert narrative.fmt_pct(79.5) == "80%"
