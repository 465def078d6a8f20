from decimal import Decimal

import pytest

from films.models import Film
from funding.metrics import recompute_film_metrics
from funding.models import FilmMetrics


@pytest.mark.django_db
def test_every_metric_of_a_released_funded_film(examples_loaded):
    film = Film.objects.get(code="KZ-2024-0003")
    m = film.metrics
    assert m.awarded == {"KZT": "331000000.70"}
    assert m.gross == Decimal("213000.00") and m.admissions == 66
    assert m.screenings == film.screenings.filter(tickets_sold__gt=0).count() > 0
    assert m.net_to_rights_holders == Decimal("95850.00")  # 213000 × (1 − 0.55)
    assert m.return_on_funding == (Decimal("213000") / Decimal("331000000.70")).quantize(Decimal("1e-12"))
    assert m.net_return_on_funding == (Decimal("95850") / Decimal("331000000.70")).quantize(Decimal("1e-12"))
    assert m.funding_per_admission == (Decimal("331000000.70") / 66).quantize(Decimal("0.01"))
    assert m.cohort_year == 2022
    assert m.last_sale_at is not None and m.computed_at >= m.last_sale_at


@pytest.mark.django_db
def test_no_kzt_award_means_empty_return_and_foreign_currency_kept_apart(examples_loaded):
    foreign = Film.objects.get(code="FX-00001").metrics
    assert foreign.return_on_funding is None and foreign.awarded == {}
    mixed = Film.objects.get(code="KZ-2019-0002").metrics
    assert mixed.awarded == {"KZT": "305000000.99", "USD": "250000.00"}
    assert mixed.awarded_kzt == Decimal("305000000.99")


@pytest.mark.django_db
def test_exhibitor_share_can_be_overridden_per_film_and_recompute_is_idempotent(examples_loaded):
    film = Film.objects.get(code="KZ-2024-0003")
    film.exhibitor_share = Decimal("0.5")
    film.save()
    first = recompute_film_metrics([film.pk])[0]
    second = recompute_film_metrics([film.pk])[0]
    assert first.net_to_rights_holders == Decimal("106500.00")
    fields = [f.name for f in FilmMetrics._meta.fields if f.name != "computed_at"]
    assert [getattr(first, f) for f in fields] == [getattr(second, f) for f in fields]


@pytest.mark.django_db
def test_no_admissions_means_empty_funding_per_admission(registers):
    film = Film.objects.get(code="KZ-2023-0001")
    m = recompute_film_metrics([film.pk])[0]
    assert m.admissions == 0 and m.funding_per_admission is None
    assert m.return_on_funding == Decimal("0")
