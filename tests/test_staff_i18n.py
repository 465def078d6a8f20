"""The staff workspace and the sales-batch pages speak the language of their URL (/kk/, /ru/), and every
string their templates mark for translation has a finished Kazakh and Russian translation."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates" / "staff", ROOT / "templates" / "boxoffice"]
LANGUAGES = ["kk", "ru"]

# page -> (its <h1> in kk, in ru, English text that must not be left on it). The headings are real
# translations, so a missing or stale .mo fails here as well as an unmarked string.
PAGES = {
    "dashboard": ("Жұмыс кабинеті", "Рабочий кабинет", ["Latest changes", "Add and load", "awaiting approval"]),
    "films": ("Фильмдер", "Фильмы", ["Register a film", "Upload films", "Planned release"]),
    "grants": ("Гранттар", "Гранты", ["Enter a grant", "Download published grants", "Award date"]),
    "grant": (None, None, ["Disbursements and recoveries", "Audit trail of this grant", "Amount awarded"]),
    "organisations": ("Ұйымдар", "Организации", ["Search names, identifiers and aliases", "Also known as"]),
    "cinemas": ("Кинотеатрлар", "Кинотеатры", ["Upload cinemas", "Connected since", "Last batch"]),
    "queue": ("Шешуді қажет етеді", "Требует решения", ["Held sales records", "Unlinked grants", "Why held"]),
    "reports": ("Аудиторларға арналған есептер", "Отчёты для аудиторов", ["Auditor reports", "360Giving package"]),
    "audit": ("Аудит журналы", "Журнал аудита", ["Export these events", "Record type", "No changes recorded"]),
    "upload": ("Жүктеу: Фильмдер тізілімі", "Загрузка: Реестр фильмов", ["Other registers", "Loading the same file"]),
    "batches": ("Сатылым топтамалары", "Пакеты продаж", ["Upload a sales file", "Metrics recomputed"]),
}
# English that no translated staff page may show: the workspace's own navigation.
NAV_ENGLISH = ["Audit trail", "Organisations", "Workspace"]
# A grant's page has its identifier as <h1>; one of its section headings stands in for it.
GRANT_DETAIL_HEADING = {"kk": "Төлемдер мен қайтарулар", "ru": "Выплаты и возвраты"}


def page_url(name, lang):
    from funding.models import Grant

    with translation.override(lang):
        if name == "grant":
            return reverse("staff:grant", args=[Grant.objects.order_by("pk").first().pk])
        if name == "upload":
            return reverse("staff:upload", args=["films"])
        if name == "batches":
            return reverse("boxoffice:batches")
        return reverse(f"staff:{name}")


def h1_text(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_staff_pages_speak_the_language_of_their_url(client, officer, examples_loaded, lang):
    client.force_login(officer)
    for name, (kk, ru, english) in PAGES.items():
        url = page_url(name, lang)
        assert url.startswith(f"/{lang}/"), url
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html
        expected = {"kk": kk, "ru": ru}[lang]
        if expected is not None:
            assert h1_text(html) == expected, url
        for text in english + NAV_ENGLISH:
            assert text not in html, f"{url} still shows {text!r}"
    grant = client.get(page_url("grant", lang)).content.decode()
    assert f"<h2>{GRANT_DETAIL_HEADING[lang]}</h2>" in grant


def test_english_staff_pages_keep_their_english(client, officer, examples_loaded):
    client.force_login(officer)
    grants = client.get(page_url("grants", "en")).content.decode()
    assert h1_text(grants) == "Grants" and "Enter a grant" in grants
    dashboard = client.get(page_url("dashboard", "en")).content.decode()
    assert "<strong>0</strong> grant changes awaiting approval" in dashboard  # English plural rules


def test_staff_messages_and_form_labels_are_translated(client, officer, registers):
    """What the views say (messages) and the forms' labels follow the URL's language too."""
    from films.models import Film

    client.force_login(officer)
    with translation.override("ru"):
        new_film = reverse("staff:film-new")
    form = client.get(new_film).content.decode()
    assert "Код фильма" in form and "Film code" not in form
    film = Film.objects.order_by("code").first()
    with translation.override("ru"):
        url = reverse("staff:film", args=[film.code])
    response = client.post(
        url, {"status": film.status, "changed_on": "2024-01-01", "reason": "проверка"}, follow=True
    )
    assert "Фильм уже имеет этот статус; изменений не внесено." in response.content.decode()


# --- the catalogs ---------------------------------------------------------------------------------


def read_po(path: Path) -> dict:
    """(msgctxt, msgid) -> {"msgstr": [forms...], "fuzzy": bool} for the live (non-obsolete) entries.
    A small reader: polib is not a dependency, and the files are what makemessages writes."""
    entries, current, field = {}, None, None

    def close():
        if current and "msgid" in current:
            key = (current.get("msgctxt"), current["msgid"])
            forms = [v for k, v in sorted(current.items()) if k.startswith("msgstr")]
            entries[key] = {"msgstr": forms, "fuzzy": current["fuzzy"]}

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#~"):  # obsolete: no longer in the code
            continue
        if not line.strip():
            close()
            current, field = None, None
            continue
        if current is None:
            current = {"fuzzy": False}
        if line.startswith("#,"):
            current["fuzzy"] |= "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            current[field] = ast.literal_eval(value)
    close()
    return entries


def template_msgids() -> set:
    """Every (msgctxt, msgid) the staff and sales-batch templates mark, found the way makemessages finds
    them: Django's templatize turns the templates into gettext calls."""
    calls = re.compile(r"\b(n?p?gettext)\(")
    found = set()
    for folder in TEMPLATE_DIRS:
        for template in sorted(folder.glob("*.html")):
            code = templatize(template.read_text(encoding="utf-8"))
            for match in calls.finditer(code):
                end = code.index(")", match.end())
                while True:  # the call ends at the first ")" that closes a parsable expression
                    try:
                        call = ast.parse(code[match.start() : end + 1], mode="eval").body
                        break
                    except SyntaxError:
                        end = code.index(")", end + 1)
                args = [a.value for a in call.args if isinstance(a, ast.Constant)]
                context = args.pop(0) if match.group(1).startswith(("pgettext", "npgettext")) else None
                found.add((context, args[0]))
    return found


def test_templates_mark_strings():
    msgids = template_msgids()
    assert (None, "Audit trail") in msgids and (None, "Sales batches") in msgids
    assert ("status history", "From") in msgids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_staff_template_string_has_a_finished_translation(lang):
    catalog = read_po(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po")
    missing = sorted(str(key) for key in template_msgids() if key not in catalog)
    assert not missing, f"not in locale/{lang} (run makemessages): {missing}"
    unfinished = sorted(
        str(key)
        for key in template_msgids()
        if catalog[key]["fuzzy"] or not all(catalog[key]["msgstr"]) or not catalog[key]["msgstr"]
    )
    assert not unfinished, f"empty or fuzzy in locale/{lang}: {unfinished}"
