"""The README promises only what exists: every environment variable it documents is read by
the code, every `leaderboard` command and `make` target it names exists, and every error code
it lists is one the code can send."""

from __future__ import annotations

import re
from pathlib import Path

from leaderboard.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
CODE = "\n".join(
    p.read_text() for d in ("leaderboard", "web", "bridge", "ops") for p in (ROOT / d).rglob("*.py")
)


def section(title: str) -> str:
    """The README's section with this heading, up to the next heading of its level or
    higher."""
    match = re.search(rf"^(#+) {re.escape(title)}\n", README, re.M)
    assert match, title
    rest = README[match.end() :]
    end = re.search(rf"^#{{1,{len(match[1])}}} ", rest, re.M)
    return rest[: end.start()] if end else rest


def config_table_variables() -> set[str]:
    """The names in the first column of the README's configuration table."""
    section_text = section("Configuration")
    names: set[str] = set()
    for line in section_text.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            for name in re.findall(r"`([A-Z][A-Z0-9_{},]{2,})`", first):
                # LEADERBOARD_REDIS_{BRIDGE,WEB,ADMIN}_PASSWORD stands for three
                match = re.fullmatch(r"(.*)\{(.*)\}(.*)", name)
                if match:
                    names |= {match[1] + part + match[3] for part in match[2].split(",")}
                else:
                    names.add(name)
    return names


def test_every_documented_environment_variable_is_read_by_the_code():
    variables = config_table_variables()
    assert {"DATABASE_URL", "REDIS_URL", "PORT", "WEB_WORKERS"} <= variables
    for name in sorted(variables):
        assert f'"{name}"' in CODE or f"'{name}'" in CODE or f"{name}_" in CODE, name


def test_every_leaderboard_command_in_the_readme_exists():
    named = set(re.findall(r"`leaderboard ([a-z][a-z-]+)", README))
    choices = next(a.choices for a in build_parser()._actions if a.dest == "command")
    assert named, "the README names no command?"
    assert named <= set(choices), named - set(choices)


def test_every_make_target_in_the_readme_exists():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    named = set(re.findall(r"`make ([a-z][a-z-]*)", README))
    assert {"run", "test"} <= named
    assert named <= targets, named - targets


def test_every_error_code_in_the_readme_can_be_sent():
    codes = set(re.findall(r"`([A-Z][A-Z_]{3,})`", section("HTTP API"))) - {
        "POST",
        "PATCH",
        "DELETE",
    }
    assert "VALIDATION_ERROR" in codes
    missing = {c for c in codes if f'"{c}"' not in CODE}
    assert not missing, missing
