"""usage: ASC-FR long-term clients by council and by age band."""
import pandas as pd
import pytest

from helpers.assess import usage

def _row(code, setting, band, value, *, data_type="Clients", care_type="Long Term Support", value_type=""):
    return {"geography_code": code, "support_setting": setting, "age_band": band, "value": value,
            "data_type": data_type, "care_type": care_type, "value_type": value_type}


def _ascfr() -> pd.DataFrame:
    return pd.DataFrame([
        _row("E08000019", "Residential", "18 to 64", 100.0),
        _row("E08000019", "Residential", "65 and Over", 700.0),
        _row("E08000019", "Nursing", "65 and Over", 200.0),
        _row("E08000019", "Community: Home Care", "65 and Over", 5000.0),       # other setting
        _row("E08000019", "Residential", "65 and Over", 9.0, care_type="Short Term Support"),
        _row("E08000019", "Residential", "65 and Over", 999.0, data_type="Weeks"),
        _row("E08000019", "Residential", "65 and Over", 77.0, value_type="Numerator"),
        _row("E08000019", "Residential", "All ages", 1000.0),                   # a total: not an age band
        _row("", "Residential", "65 and Over", 123456.0),                       # a region/England row
        _row("E08000018", "Residential", "18 to 64", 30.0, care_type="long term support"),  # case differs
        _row("E08000018", "Nursing", "65 and Over", 90.0),
        _row("E06000012", "Residential", "18 to 64", None),                     # all suppressed
        _row("E06000012", "Nursing", "65 and Over", None)])


SETTINGS = ("Residential", "Nursing")


def test_clients_by_council_sums_long_term_clients_in_the_settings():
    out = usage.clients_by_council(_ascfr(), SETTINGS)
    assert out.columns.tolist() == ["la_code", "clients"]
    assert out.set_index("la_code")["clients"].to_dict() == {"E08000019": 1000.0, "E08000018": 120.0}


def test_clients_by_council_list_of_settings_and_no_settings():
    out = usage.clients_by_council(_ascfr(), ["Community: Home Care"])
    assert out.to_dict("records") == [{"la_code": "E08000019", "clients": 5000.0}]
    assert usage.clients_by_council(_ascfr(), ()).empty


def test_age_split_shares():
    out = usage.age_split(_ascfr(), "E08000019", SETTINGS)
    assert out["band"].tolist() == ["18-64", "65+"]
    assert out["clients"].tolist() == [100.0, 900.0]
    assert out["share"].tolist() == pytest.approx([0.1, 0.9])


def test_age_split_single_band():
    out = usage.age_split(_ascfr(), "E08000018", ("Nursing",))
    assert out.to_dict("records") == [{"band": "65+", "clients": 90.0, "share": 1.0}]


def test_age_split_none_when_suppressed_absent_or_zero():
    assert usage.age_split(_ascfr(), "E06000012", SETTINGS) is None  # every value suppressed
    assert usage.age_split(_ascfr(), "E10000019", SETTINGS) is None  # council not in the data
    zeros = pd.DataFrame([_row("E08000019", "Residential", "18 to 64", 0.0),
                          _row("E08000019", "Residential", "65 and Over", 0.0)])
    assert usage.age_split(zeros, "E08000019", SETTINGS) is None
