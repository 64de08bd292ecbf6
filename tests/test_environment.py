"""environment.yml (conda) and pyproject.toml (pip) must list the same dependencies."""
import tomllib

import yaml

from conftest import REPO


def _normalise(spec: str) -> str:
    return spec.replace(" ", "").lower()


def test_environment_yml_lists_exactly_the_pyproject_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pip_side = {_normalise(d) for d in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python=", "pip"))]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section
    conda_side = {_normalise(d) for d in conda + [p for p in pip_section if p != "-e ."]}
    assert conda_side == pip_side, (f"only in environment.yml: {sorted(conda_side - pip_side)}; "
                                    f"only in pyproject.toml: {sorted(pip_side - conda_side)}")
