import io

import pytest

from films.tabular import FileRejected, read_csv


def table(data: bytes, required=("a", "b")):
    t = read_csv(io.BytesIO(data), required=list(required), known=["a", "b", "c"], what="test")
    return t, list(t.rows)


def test_bom_semicolon_case_and_blanks_in_header_are_accepted():
    t, rows = table("\ufeff A ;B\r\n1;2\r\n\r\n3;4\r\n".encode())
    assert t.columns == ["a", "b"]
    assert rows == [(2, {"a": "1", "b": "2"}), (4, {"a": "3", "b": "4"})]


def test_quoted_fields_keep_delimiters_and_line_numbers_follow_the_file():
    _, rows = table(b'a,b\n"x,1","multi\nline"\n5,6\n')
    assert rows[0] == (3, {"a": "x,1", "b": "multi\nline"})
    assert rows[1] == (4, {"a": "5", "b": "6"})


def test_unknown_columns_are_named():
    t, _ = table(b"a,b,zzz\n1,2,3\n")
    assert t.unknown_columns == ["zzz"]


def test_missing_required_column_names_it():
    with pytest.raises(FileRejected, match=r"lacks the required column b \(found: a, c\)"):
        table(b"a,c\n1,2\n")


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file_is_rejected_with_one_message(data):
    with pytest.raises(FileRejected, match="empty"):
        table(data)


def test_not_utf8_says_so_and_how_to_fix():
    with pytest.raises(FileRejected, match="not UTF-8.*CSV UTF-8"):
        table("a,b\nКино,1\n".encode("cp1251"))


def test_extra_values_are_flagged_on_the_row():
    _, rows = table(b"a,b\n1,2,3\n")
    assert "__extra__" in rows[0][1]


def test_a_tab_delimited_file_is_told_about_its_delimiter():
    """Issue 13: not 'the header lacks the required columns … (found: cinema_code transaction_id …)'."""
    content = b"cinema_code\ttransaction_id\tkind\nKZ-C0001\tT1\tsale\n"
    with pytest.raises(FileRejected) as exc:
        read_csv(io.BytesIO(content), required=["cinema_code", "transaction_id", "kind"],
                 known=["cinema_code", "transaction_id", "kind"], what="ticket-sales")
    assert "separated by tabs" in str(exc.value) and "comma (,) or a semicolon (;)" in str(exc.value)
    assert "lacks the required" not in str(exc.value)
