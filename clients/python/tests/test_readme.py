"""The README's examples run as written against the demo server (only its address and key
differ)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from conftest import Server

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_readme_has_the_examples() -> None:
    assert len(BLOCKS) >= 6
    assert len(BLOCKS[0].strip().splitlines()) == 5


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index: int) -> None:
    code = BLOCKS[index].replace("127.0.0.1:7420", server.address).replace("demo-key-change-me-0001", server.api_key)
    monkeypatch.chdir(tmp_path)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, f"README block {index}", "exec"), {"__name__": "readme"})
    assert output.getvalue().strip()
