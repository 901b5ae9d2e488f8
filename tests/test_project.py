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
    from sitegen import pipeline, report

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the generator")

    monkeypatch.setattr(pipeline, "build", broken)
    assert report.run_build(ROOT, tmp_path / "site", None) == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: a bug in the generator" in err and "Traceback" not in err
    assert report.run_build(ROOT, tmp_path / "site", None, verbose=True) == 2
    assert "Traceback" in capsys.readouterr().err


def test_the_repository_tracks_no_generated_or_binary_file() -> None:
    """What a newcomer clones is what matters: no build output, lock files, caches, downloaded
    packages or other binaries (the favicon is SVG text)."""
    import shutil
    import subprocess

    import pytest
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    names = [n for n in tracked.decode("utf-8").split("\0") if n]
    assert len(names) > 50
    generated = re.compile(r"(^|/)(site|\.site[-.][^/]*|\.cache|\.venv|node_modules|__pycache__|\.pytest_cache"
                           r"|\.hypothesis|bench/out|bench/work)(/|$)|\.(lock|whl|pyc|so|zip|gz|tar|jar|mo|png|jpe?g|pdf)$"
                           r"|(^|/)package-lock\.json$")
    bad = [n for n in names if generated.search(n)]
    binary = [n for n in names if b"\0" in (ROOT / n).read_bytes()[:8192]] if not bad else []
    assert not bad and not binary, bad + binary


def test_the_preview_server_does_not_import_the_command_line() -> None:
    """serve.py and cli.py both report builds through report.py; neither imports the other."""
    serve = (ROOT / "sitegen" / "serve.py").read_text(encoding="utf-8")
    assert not re.search(r"from \.cli import|import sitegen\.cli|from sitegen\.cli", serve)
