import re
from urllib.parse import quote, urlsplit, urlunsplit

import core.validators
from django.db import migrations, models

# RFC 3986's characters outside percent-encoding ("[" and "]" only around an IPv6 host).
_SAFE = "-._~!$&'()*+,;=:@/"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def as_uri(url):
    """The URL with every character a URI may not hold percent-encoded, as a browser sends it:
    `http://localhost/a"b` becomes `http://localhost/a%22b`."""

    def encode(part, safe):
        return quote(_LONE_PERCENT.sub("%25", part), safe=safe + "%")

    parts = urlsplit(url)
    return urlunsplit(
        (
            parts.scheme,
            encode(parts.netloc, _SAFE + "[]"),
            encode(parts.path, _SAFE),
            encode(parts.query, _SAFE + "?"),
            encode(parts.fragment, _SAFE + "?"),
        )
    )


def encode_stored_urls(apps, schema_editor):
    """Citations saved before the rule are made URIs, so the API never serves one that isn't."""
    Citation = apps.get_model("reviews", "Citation")
    for citation in Citation.objects.only("url").iterator():
        if core.validators.WEB_URI.fullmatch(citation.url) is None:
            Citation.objects.filter(pk=citation.pk).update(url=as_uri(citation.url)[:2048])


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0009_notifications'),
    ]

    operations = [
        migrations.AlterField(
            model_name='citation',
            name='url',
            field=models.URLField(max_length=2048, validators=[core.validators.validate_web_uri]),
        ),
        migrations.RunPython(encode_stored_urls, migrations.RunPython.noop),
    ]
