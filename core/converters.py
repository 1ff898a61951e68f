"""URL converters. `<id:...>`: a database id (at most 18 digits), so a huge number in a URL
is a 404 rather than an integer overflow in the database."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
