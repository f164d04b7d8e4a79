"""Transliteration to ASCII: base letters for accented ones, nothing guessed."""

import pytest

from utrex_sdk.fixedwidth.ascii import to_ascii


@pytest.mark.parametrize(("text", "expected"), [
    ("José", "Jose"), ("Nuñez", "Nunez"), ("Zoë", "Zoe"), ("Łukasz", "Lukasz"),
    ("O’Brien", "O'Brien"), ("Groß", "Gross"), ("Ærøskøbing", "AEroskobing"),
    ("Smith–Jones", "Smith-Jones"),
])
def test_letters_with_an_ascii_base_are_transliterated(text, expected):
    assert to_ascii(text) == (expected, True, "")


def test_ascii_text_is_unchanged():
    assert to_ascii("O'Brien-Smith") == ("O'Brien-Smith", False, "")


@pytest.mark.parametrize(("text", "bad"), [("李", "李"), ("Ana😀", "😀"), ("A\tB", "\t")])
def test_characters_without_an_ascii_equivalent_are_reported(text, bad):
    assert to_ascii(text).unmappable == bad
