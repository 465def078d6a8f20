"""The charts' axes group digits with the page language's separators, as the tables beside them do."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "decimal", "thousands"),
    [("kk", ",", "\xa0"), ("ru", ",", "\xa0"), ("en", ".", ",")],
)
def test_page_declares_its_number_separators_for_the_charts(client, lang, decimal, thousands):
    html = client.get(f"/{lang}/market/").content.decode()
    assert f'data-decimal="{decimal}"' in html
    assert f'data-thousands="{thousands}"' in html
