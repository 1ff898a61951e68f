"""The lab leaves the runtime: the web and worker processes never import training or
evaluation code. Django itself imports each installed app's package and its `apps` module
at setup; nothing else of `lab` may load."""

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ALLOWED = ["lab", "lab.apps"]  # what django.setup() imports for any installed app
RUNTIME_IMPORTS = (
    "import django; django.setup(); "
    "import config.urls, claims.tasks, library.tasks, reviews.tasks, webhooks.tasks; "
    "import sys; print(sorted(m for m in sys.modules if m == 'lab' or m.startswith('lab.')))"
)


def test_web_and_worker_modules_do_not_import_the_lab():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", RUNTIME_IMPORTS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    assert [m for m in loaded if m not in ALLOWED] == []


def test_no_runtime_module_names_the_lab():
    """A static check too: no module outside lab/, tests/ and benchmarks/ imports `lab`."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for app in ("config", "core", "library", "claims", "reviews", "clients", "webhooks"):
        for path in (root / app).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                if any(n == "lab" or n.startswith("lab.") for n in names):
                    offenders.append(str(path.relative_to(root)))
    assert offenders == []
