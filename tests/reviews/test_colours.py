"""The workflow's colours reach pages through /colours.css, not style attributes: the
Content-Security-Policy refuses inline styles (and scripts), and no template has any."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviews.models import Status, Verdict

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "library", "claims", "reviews", "clients", "webhooks")


@pytest.mark.django_db
def test_each_status_and_verdict_gets_its_colour_without_a_login(client, workflow):
    response = client.get("/colours.css")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    css = response.content.decode()
    assert ".status-in-progress { --colour: #2563eb; }" in css
    assert css.count("--colour") == Status.objects.count() + Verdict.objects.count()


@pytest.mark.django_db
def test_a_colour_that_could_end_the_rule_is_left_out(client, workflow):
    Status.objects.filter(slug="in-progress").update(colour="red}*")
    Verdict.objects.filter(slug="false").update(colour="tomato")
    css = client.get("/colours.css").content.decode()
    assert "status-in-progress" not in css
    assert ".verdict-false { --colour: tomato; }" in css


def _templates() -> list[Path]:
    return [path for app in APPS for path in (ROOT / app).glob("templates/**/*.html")]


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_style_or_handler(path):
    text = path.read_text()
    assert not re.search(r"\sstyle\s*=", text), "a style attribute"
    assert "<style" not in text
    assert not re.search(r"\son[a-z]+\s*=", text), "an inline event handler"
    # Only data blocks (JSON-LD), which browsers never run, may be inline.
    scripts = re.findall(r"<script\b([^>]*)>", text)
    assert all("src=" in attrs or "application/ld+json" in attrs for attrs in scripts)
