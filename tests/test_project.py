"""The project's own promises: the README's commands are the ones CI and the deploy use."""
from __future__ import annotations

import re
import sys

from conftest import ROOT


def readme_commands() -> tuple[str, str]:
    """The two set-up commands, from the README's 'Quick start' block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```(?:sh|bash)?\n(.*?)```", text, re.S)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2, commands
    return commands[0], commands[1]


def test_readme_has_exactly_a_build_and_a_test_command() -> None:
    build, test = readme_commands()
    assert build == "make site" and test == "make test"


def test_ci_runs_the_readme_test_command() -> None:
    _, test = readme_commands()
    lines = [l.strip() for l in (ROOT / ".ci/run").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert test in lines


def test_pages_workflow_builds_with_the_readme_command_and_official_actions() -> None:
    build, _ = readme_commands()
    workflow = (ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8")
    runs = re.findall(r"^\s*run:\s*(.+)$", workflow, re.M)
    assert any(r == build or r.startswith(build + " ") for r in runs), runs
    for action in ("actions/upload-pages-artifact@", "actions/deploy-pages@", "actions/configure-pages@"):
        assert action in workflow
    assert re.search(r"path:\s*site\b", workflow)


def test_verbose_shows_the_traceback_of_an_internal_error(monkeypatch, capsys, tmp_path) -> None:
    from sitegen import cli, pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the generator")

    monkeypatch.setattr(pipeline, "build", broken)
    assert cli.run_build(ROOT, tmp_path / "site", None) == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: a bug in the generator" in err and "Traceback" not in err
    assert cli.run_build(ROOT, tmp_path / "site", None, verbose=True) == 2
    assert "Traceback" in capsys.readouterr().err
