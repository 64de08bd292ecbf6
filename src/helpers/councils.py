"""The 153 English councils with adult social care responsibility, and LA name → ONS code."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import pandas as pd

from helpers.errors import UsageError

CITY_OF_LONDON = "E09000001"
_DROP_WORDS = re.compile(
    r"\b(city of|county of|royal borough of|london borough of|metropolitan borough of|borough of|"
    r"council|county|city|borough|district|metropolitan|ua|the)\b"
)


def normalise_name(name: str) -> str:
    """Reduce an LA name to a matching key: 'Bristol, City of' and 'City of Bristol' → 'bristol'."""
    s = str(name).casefold().replace("&", " and ")
    s = re.sub(r"[^a-z0-9 ]+", " ", s.replace("-", " "))
    s = _DROP_WORDS.sub(" ", s)
    return re.sub(r"\s+", " ", s).strip()


@lru_cache(maxsize=1)
def councils() -> pd.DataFrame:
    """Return the council reference table: code, name, region_code, region_name, type, aliases."""
    with resources.files("helpers.reference").joinpath("councils.csv").open(encoding="utf-8") as f:
        table = pd.read_csv(f, dtype=str, keep_default_na=False)
    return table


@lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for row in councils().itertuples():
        for name in [row.name, *row.aliases.split("|")]:
            key = normalise_name(name)
            if key and key != "london":  # "London" is the region; the City of London is matched by name
                index.setdefault(key, row.code)
    # Names used by CQC and Skills for Care that are not in the register's aliases.
    index.update({"kingston upon hull": "E06000010", "hull": "E06000010",
                  "cornwall and isles of scilly": "E06000052", "durham": "E06000047",
                  "st helens": "E08000013", "southend": "E06000033"})
    return index


def code_for_name(name: str) -> str | None:
    """Return the ONS code for a council name as written by CQC/ONS/Skills for Care, or None."""
    if "city of london" in str(name).casefold():
        return CITY_OF_LONDON
    return _name_index().get(normalise_name(name))


def codes_for_names(names: pd.Series) -> pd.Series:
    """``code_for_name`` of each name (None for a blank one), worked out once per distinct name: a national file
    names its few hundred councils on each of its hundred thousand rows."""
    found: dict[object, str | None] = {}

    def code(name: object) -> str | None:
        if name not in found:
            found[name] = code_for_name(name) if name else None
        return found[name]
    return names.map(code)


def council(code: str) -> pd.Series:
    """Return one council's reference row; an unknown code is a usage error naming close codes."""
    table = councils()
    match = table[table["code"] == code.strip().upper()]
    if match.empty:
        import difflib
        close = difflib.get_close_matches(code.upper(), table["code"].tolist(), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UsageError(f"unknown council code '{code}': expected an ONS code of an English council "
                         f"with adult social care responsibility (E06/E08/E09/E10…).{hint}")
    return match.iloc[0]
