"""The explain package loads its parts on demand: uploads need the link parser, not the diagnosis rules."""

from __future__ import annotations

import subprocess
import sys

import desktop_uploader.core.explain as explain_pkg


def test_every_public_name_resolves() -> None:
    for name in explain_pkg.__all__:
        assert getattr(explain_pkg, name) is not None, name
    assert set(explain_pkg._WHERE) == set(explain_pkg.__all__)


def test_the_link_parser_loads_without_the_rules_and_the_catalog() -> None:
    probe = (
        "import sys\n"
        "from desktop_uploader.core.protocol.links import parse_link\n"
        "import desktop_uploader.core.engine\n"
        "print(sorted(m for m in ('desktop_uploader.core.explain.findings',"
        " 'desktop_uploader.core.explain.classify', 'desktop_uploader.core.explain.catalog') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
