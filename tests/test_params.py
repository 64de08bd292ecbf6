"""params: load / require / fingerprint, CAREMARKET_PARAMS, errors naming the file and key; one home per fact."""
from pathlib import Path

import pytest
import yaml

from helpers import params
from helpers.errors import InputError


@pytest.fixture
def pdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAREMARKET_PARAMS", str(tmp_path))
    return tmp_path


def test_default_folder_is_the_repo_params_and_load_reads_it(monkeypatch):
    monkeypatch.delenv("CAREMARKET_PARAMS", raising=False)
    assert params.params_dir() == Path(__file__).resolve().parents[1] / "params"
    assert params.load("services")["care_homes"]["population_band"] == "75+"


def test_env_var_points_at_another_folder(pdir):
    (pdir / "things.yml").write_text("a: {b: 3}\n")
    assert params.path_of("things") == pdir / "things.yml"
    assert params.load("things") == {"a": {"b": 3}}


def test_load_sees_a_changed_file(pdir):
    f = pdir / "things.yml"
    f.write_text("a: 1\n")
    assert params.load("things") == {"a": 1}
    f.write_text("a: 22222\n")  # different size, so a new cache stamp
    assert params.load("things") == {"a": 22222}


def test_missing_file_names_the_file(pdir):
    with pytest.raises(InputError) as err:
        params.load("nothing")
    assert err.value.file == pdir / "nothing.yml"
    assert "nothing.yml" in str(err.value) and "not found" in str(err.value)


def test_invalid_yaml_and_non_mapping_name_the_file(pdir):
    (pdir / "bad.yml").write_text("a: [1, 2\n")
    with pytest.raises(InputError, match="not valid YAML") as err:
        params.load("bad")
    assert err.value.file == pdir / "bad.yml"
    (pdir / "list.yml").write_text("- 1\n- 2\n")
    with pytest.raises(InputError, match="mapping") as err:
        params.load("list")
    assert err.value.file == pdir / "list.yml"


def test_require_follows_dotted_keys_and_checks_kind_and_range(pdir):
    raw = {"a": {"b": 3, "flag": True, "name": "x", "ratio": 0.5}}
    assert params.require(raw, "a.b", "int", name="things") == 3
    assert params.require(raw, "a.b", "number", name="things", minimum=3, maximum=3) == 3  # bounds inclusive
    assert params.require(raw, "a.ratio", "number", name="things") == 0.5
    assert params.require(raw, "a.flag", "bool", name="things") is True


def test_require_missing_key_names_file_and_full_key(pdir):
    with pytest.raises(InputError) as err:
        params.require({"a": {"b": 1}}, "a.c", "int", name="things")
    assert err.value.file == pdir / "things.yml"
    assert "missing key 'a.c'" in str(err.value) and "things.yml" in str(err.value)
    with pytest.raises(InputError, match="missing key 'a.b.c'"):  # descending into a non-mapping
        params.require({"a": {"b": 1}}, "a.b.c", "int", name="things")


def test_require_wrong_kind(pdir):
    with pytest.raises(InputError, match="key 'a': expected int, got 'x'"):
        params.require({"a": "x"}, "a", "int", name="things")
    with pytest.raises(InputError, match="expected int"):
        params.require({"a": 1.5}, "a", "int", name="things")
    with pytest.raises(InputError, match="expected number, got True"):  # a bool is not a number
        params.require({"a": True}, "a", "number", name="things")
    with pytest.raises(InputError, match="expected bool"):
        params.require({"a": 1}, "a", "bool", name="things")


def test_require_out_of_range(pdir):
    with pytest.raises(InputError, match=r"key 'a': 0 is outside 1\.\.None") as err:
        params.require({"a": 0}, "a", "int", name="things", minimum=1)
    assert err.value.file == pdir / "things.yml"
    with pytest.raises(InputError, match=r"1\.5 is outside 0\.01\.\.1\.0"):
        params.require({"a": 1.5}, "a", "number", name="things", minimum=0.01, maximum=1.0)


def test_fingerprint_depends_on_yml_names_and_content_only(pdir):
    (pdir / "a.yml").write_text("x: 1\n")
    first = params.fingerprint()
    assert len(first) == 64
    (pdir / "notes.txt").write_text("ignored")
    assert params.fingerprint() == first
    (pdir / "a.yml").write_text("x: 2\n")
    second = params.fingerprint()
    assert second != first
    (pdir / "a.yml").write_text("x: 1\n")
    assert params.fingerprint() == first  # content, not mtime
    (pdir / "a.yml").rename(pdir / "b.yml")
    assert params.fingerprint() != first  # the name counts too


def test_the_national_living_wage_has_one_home_in_the_repo_params():
    # the workforce section and the cost of care's uplift both read params/cost_of_care.yml
    folder = Path(__file__).resolve().parents[1] / "params"
    homes = sorted(p.name for p in folder.glob("*.yml")
                   if "national_living_wage" in (yaml.safe_load(p.read_text(encoding="utf-8")) or {}))
    assert homes == ["cost_of_care.yml"]
