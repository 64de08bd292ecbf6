from helpers.load import data_dictionary
from helpers.load import cqc_directory


def test_data_dictionary_is_up_to_date():
    assert data_dictionary.DICTIONARY.read_text(encoding="utf-8") == data_dictionary.render(), (
        "docs/data_dictionary.md is stale: run `.venv/bin/python -m helpers.load.data_dictionary`")


def test_data_dictionary_lists_every_mapped_column():
    text = data_dictionary.render()
    for column in cqc_directory.COLUMNS:
        assert f"| `{column.canonical}` | `{column.published[0]}`" in text
