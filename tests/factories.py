"""factory_boy factories shared by every app's tests: people. Each app's own factories live in
tests/<app>/factories.py."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"checker{n}")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation  # type: ignore[untyped-decorator]
    def roles(obj: User, create: bool, names: list[str] | None, **kwargs: object) -> None:
        """`roles=["Editors"]`: the groups (made by the workflow migration) to join."""
        if create and names:
            obj.groups.add(*Group.objects.filter(name__in=names))
