"""services: params/services.yml read and validated; bad values are InputErrors naming the params file."""
import shutil
from pathlib import Path

import pytest
import yaml

from helpers import services
from helpers.errors import InputError, UsageError

REPO_PARAMS = Path(__file__).resolve().parents[1] / "params"


@pytest.fixture
def pdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of params/ that CAREMARKET_PARAMS points at."""
    target = tmp_path / "params"
    shutil.copytree(REPO_PARAMS, target)
    monkeypatch.setenv("CAREMARKET_PARAMS", str(target))
    return target


def _edit(pdir: Path, key: str, field: str, value: object) -> None:
    path = pdir / "services.yml"
    raw = yaml.safe_load(path.read_text())
    raw[key][field] = value
    path.write_text(yaml.safe_dump(raw))


def test_care_homes_definition(monkeypatch):
    monkeypatch.delenv("CAREMARKET_PARAMS", raising=False)
    svc = services.service("care_homes")
    assert svc.title == "Care homes" and svc.care_home is True
    assert svc.cqc_service_types == ("svc_care_home_nursing", "svc_care_home_residential")
    assert list(svc.subcategories) == ["Nursing", "Residential"]  # order kept: first match wins
    assert (svc.capacity, svc.unit, svc.population_band) == ("cqc_beds", "beds", "75+")
    assert svc.ascfr_settings == ("Residential", "Nursing")
    assert svc.target_occupancy == 0.95


def test_every_service_loads_with_its_band(monkeypatch):
    monkeypatch.delenv("CAREMARKET_PARAMS", raising=False)
    bands = {k: services.service(k).population_band for k in services.SERVICES}
    assert bands == {"care_homes": "75+", "home_care": "65+", "supported_living": "18-64",
                     "day_opportunities": "18-64"}
    home = services.service("home_care")
    assert home.care_home is False and home.subcategories == {} and home.capacity == "delivered_hours"
    assert isinstance(services.service("day_opportunities").target_occupancy, float)


def test_unknown_service_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown service 'nursing_homes'"):
        services.service("nursing_homes")


def test_unknown_flag_names_the_params_file(pdir):
    _edit(pdir, "home_care", "cqc_service_types", ["svc_domiciliary", "svc_teleporting"])
    with pytest.raises(InputError, match=r"home_care: unknown CQC service type flag\(s\) \['svc_teleporting'\]") as err:
        services.service("home_care")
    assert err.value.file == pdir / "services.yml"
    assert str(pdir / "services.yml") in str(err.value)


def test_unknown_subcategory_flag(pdir):
    _edit(pdir, "care_homes", "subcategories", {"Nursing": "svc_nursing_typo"})
    with pytest.raises(InputError, match="svc_nursing_typo") as err:
        services.service("care_homes")
    assert err.value.file == pdir / "services.yml"


def test_bad_band_names_the_params_file(pdir):
    _edit(pdir, "care_homes", "population_band", "80+")
    with pytest.raises(InputError, match=r"care_homes\.population_band: '80\+' is not one of") as err:
        services.service("care_homes")
    assert err.value.file == pdir / "services.yml"


def test_bad_capacity_names_the_params_file(pdir):
    _edit(pdir, "supported_living", "capacity", "rooms")
    with pytest.raises(InputError, match="supported_living.capacity: 'rooms' is not one of") as err:
        services.service("supported_living")
    assert err.value.file == pdir / "services.yml"


def test_target_occupancy_out_of_range_and_wrong_type(pdir):
    _edit(pdir, "care_homes", "target_occupancy", 95)
    with pytest.raises(InputError, match="care_homes.target_occupancy"):
        services.service("care_homes")
    _edit(pdir, "care_homes", "target_occupancy", 0.9)
    _edit(pdir, "care_homes", "care_home", "yes")
    with pytest.raises(InputError, match="care_homes.care_home': expected bool"):
        services.service("care_homes")


def test_missing_field_and_missing_service(pdir):
    path = pdir / "services.yml"
    raw = yaml.safe_load(path.read_text())
    del raw["home_care"]["unit"]
    del raw["day_opportunities"]
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(InputError, match="missing key 'home_care.unit'") as err:
        services.service("home_care")
    assert err.value.file == path
    with pytest.raises(InputError, match="no definition for service 'day_opportunities'") as err:
        services.service("day_opportunities")
    assert err.value.file == path
