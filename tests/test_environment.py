"""The conda environment file and the pip lock file describe the same environment."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"unpinned line in the lock file: {line!r}"
            pins[_norm(name)] = version
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _conda() -> tuple[dict, dict[str, str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins, pip_section = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section = dep["pip"]
            continue
        name, _, version = dep.partition("=")
        pins[_norm(name)] = version.lstrip("=")
    return env, pins, pip_section


def test_conda_file_uses_conda_forge_only():
    env, _, _ = _conda()
    assert env["channels"] == ["conda-forge", "nodefaults"]


def test_every_conda_pin_equals_the_lock():
    _, pins, _ = _conda()
    lock = _lock()
    assert pins.pop("python") == "3.11"
    for name, version in pins.items():
        assert name in lock, f"{name} is in environment.yml but not in requirements-lock.txt"
        assert version == lock[name], f"{name}: environment.yml has {version}, the lock has {lock[name]}"


def test_direct_dependencies_are_in_both_files():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = list(meta["dependencies"]) + meta["optional-dependencies"]["notebooks"] + meta["optional-dependencies"]["test"]
    names = {_norm(re.split(r"[<>=!~ ;\[]", d, maxsplit=1)[0]) for d in direct}
    _, pins, pip_section = _conda()
    lock = _lock()
    for name in names:
        assert name in pins, f"{name} (pyproject.toml) is missing from environment.yml"
        assert name in lock, f"{name} (pyproject.toml) is missing from requirements-lock.txt"
    assert "-e ." in pip_section


def test_running_interpreter_matches_the_pinned_python():
    assert sys.version_info[:2] == (3, 11)
