"""The repository is self-contained: no code, test, script or Make target refers to a path
outside it (a fresh clone in an empty folder has nothing beside it)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CHECKED = ["app", "tests", "bench", "Makefile", ".ci", "config.py", "wsgi.py", "pyproject.toml"]

# Ways to reach out of the repository: a parent folder spelt as a path, the folder beside
# the checkout that sessions used to read, or an environment variable pointing at it.
OUTSIDE = [
    re.compile(r"\.\./"),
    re.compile(r"\b(REPO_ROOT|BASE_DIR|ROOT|TOP)\.parent\b"),  # the folder above the checkout
    re.compile(r"\bshared/data\b"),
    re.compile(r"QUARTIER_SHARED"),
    re.compile(r"/work/"),
]
THIS_FILE = Path(__file__).resolve().relative_to(REPO_ROOT).as_posix()


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--", *CHECKED],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [name for name in listed if name != THIS_FILE]


def test_the_checked_tree_is_known_to_git() -> None:
    files = tracked_files()
    assert any(name.startswith("tests/") for name in files)
    assert "Makefile" in files


def test_nothing_refers_to_a_path_outside_the_repository() -> None:
    offenders = []
    for name in tracked_files():
        path = REPO_ROOT / name
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue  # binary data (images, fonts) or a file deleted in the work tree
        for number, line in enumerate(text.splitlines(), start=1):
            if any(pattern.search(line) for pattern in OUTSIDE):
                offenders.append(f"{name}:{number}: {line.strip()[:120]}")
    assert not offenders, "paths outside the repository:\n" + "\n".join(offenders)


def test_the_patterns_catch_the_old_reference() -> None:
    """The check would have caught what broke a fresh clone, and passes the shipped data."""
    # Built from pieces, so that this file does not itself read like such a reference.
    env, folder = "QUARTIER_" + "SHARED_DATA", '"sha' + 'red"'
    old = f'Path(os.environ.get("{env}") or REPO_ROOT.parent / {folder} / "data")'
    assert any(pattern.search(old) for pattern in OUTSIDE)
    for line in ('REPO_ROOT / "tests" / "data"', 'Path(__file__).parent / "data" / "erfurt"'):
        assert not any(pattern.search(line) for pattern in OUTSIDE), line
