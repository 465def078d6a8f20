"""factory_boy factories for the tests: a record with sensible defaults, overridden by what a test is about.

They write rows directly (no audit event, no recompute), as fixtures do: a test that is about a door (page,
upload, command, API) loads its data through that door; one that is about what a page or report shows of
data builds the data here. Money is Decimal, as everywhere.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User

from boxoffice.models import Cinema, Screen
from films.choices import FilmKind, FilmStatus
from films.models import Film, FilmStatusChange, Organisation, Region
from funding.choices import DisbursementKind
from funding.models import Disbursement, Grant, Programme

ROLE_PASSWORD = "correct horse battery staple 4"  # noqa: S105 - test users only


class UserFactory(factory.django.DjangoModelFactory):
    """A user with the test password; `roles=["grant_officer", …]` puts them in those role groups."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_superuser = False
    is_staff = factory.SelfAttribute("is_superuser")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or ROLE_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=role)[0])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    identifier = factory.Sequence(lambda n: f"KZ-BIN-{n:012d}")
    name = factory.Sequence(lambda n: f"Organisation {n}")


class FilmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Film

    code = factory.Sequence(lambda n: f"T-{n:05d}")
    title = factory.LazyAttribute(lambda f: f"Title {f.code}")
    kind = FilmKind.FEATURE
    status = FilmStatus.ANNOUNCED


class FilmStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FilmStatusChange

    film = factory.SubFactory(FilmFactory)
    status = factory.SelfAttribute("film.status")
    previous_status = FilmStatus.DEVELOPMENT
    changed_on = factory.LazyFunction(datetime.date.today)


def home_region() -> Region:
    """A region of the configured country (the data migration loads them; a test never makes its own)."""
    return Region.objects.order_by("code").first()


class CinemaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cinema

    code = factory.Sequence(lambda n: f"CIN-{n:03d}")
    name = factory.Sequence(lambda n: f"Cinema {n}")
    region = factory.LazyFunction(home_region)
    city = "Almaty"


class ScreenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Screen

    cinema = factory.SubFactory(CinemaFactory)
    name = factory.Sequence(lambda n: f"{n + 1}")
    seats = 100


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    funder = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Programme {n}")


class GrantFactory(factory.django.DjangoModelFactory):
    """A published grant in KZT awarded on 1 January 2020, linked to `film` when one is given."""

    class Meta:
        model = Grant

    identifier = factory.Sequence(lambda n: f"360G-T-{n:03d}")
    title = factory.Sequence(lambda n: f"Grant {n}")
    currency = "KZT"
    amount_awarded = Decimal("1000000.00")
    award_date = datetime.date(2020, 1, 1)
    funder = factory.SubFactory(OrganisationFactory)
    recipient = factory.SubFactory(OrganisationFactory)
    film = None
    film_code = factory.LazyAttribute(lambda g: g.film.code if g.film else "")
    published = True


class DisbursementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disbursement

    grant = factory.SubFactory(GrantFactory)
    kind = DisbursementKind.DISBURSEMENT
    amount = Decimal("100000.00")
    currency = factory.SelfAttribute("grant.currency")
    date = datetime.date(2020, 2, 1)
    identifier = factory.Sequence(lambda n: f"d{n}")
