"""What every settings module starts from: the project's paths and the environment reader."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Local state of the embedded default (SQLite database, broker, beat schedule); not in git.
VAR_DIR = Path(environ.Env().str("CLAIMDESK_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

# Django's and Celery's clock.
TIME_ZONE = "UTC"
