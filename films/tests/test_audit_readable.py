"""The audit trail as an auditor reads it (issue 13): changed fields marked, records by name, no Python
dicts."""

from django.urls import reverse

from films.audit import Actor, record_change
from films.models import Film


def test_an_edit_shows_the_changed_field_marked_and_the_film_by_name(client, registers, auditor):
    film = Film.objects.get(code="KZ-2023-0001")
    before = {"code": film.code, "title": "Dala", "exhibitor_share": None, "genres": ["drama"]}
    record_change(actor=Actor(label="test"), action="update", instance=film, before=before,
                  after={**before, "title": "Dala (restored)"})
    client.force_login(auditor)
    html = client.get(reverse("staff:audit"), {"object_type": "films.film"}).content.decode()
    assert ('<tr class="changed"><th scope="row">title</th><td><del>Dala</del></td>'
            '<td><ins>Dala (restored)</ins>') in html
    assert f'<a href="{reverse("staff:film", args=[film.code])}">{film}</a>' in html
    assert "films.film " not in html and "': None" not in html and "['drama']" not in html
    assert "[&quot;drama&quot;]" in html  # unchanged fields folded away, as JSON


def test_a_created_record_lists_what_it_was_given_and_folds_its_empty_fields():
    from types import SimpleNamespace

    from films.templatetags.audit import audit_changes

    created = SimpleNamespace(before=None, after={"title": "Dala", "producer_id": None, "genres": [], "year": 2025})
    changes = audit_changes(created)
    assert [c["field"] for c in changes["changed"]] == ["title", "year"]
    assert [c["field"] for c in changes["unchanged"]] == ["genres", "producer_id"]
    cleared = SimpleNamespace(before={"title": "Dala", "note": "x"}, after={"title": "Dala", "note": ""})
    assert [c["field"] for c in audit_changes(cleared)["changed"]] == ["note"]  # emptied is a change


def test_an_entrys_action_is_said_in_the_page_language():
    from django.utils import translation

    from films.templatetags.audit import action_words

    with translation.override("ru"):
        assert action_words("update") == "изменено" and action_words("propose") == "предложено"
    with translation.override("kk"):
        assert action_words("update") == "өзгертілді"
    assert action_words("update") == "changed" and action_words("unheard-of") == "unheard-of"
