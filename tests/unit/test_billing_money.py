"""Money: shares round half up, display follows the currency's minor unit, ISO 4217 codes."""

from __future__ import annotations

import pytest

from billing.money import MAX_AMOUNT, Money, exponent, is_currency, share


@pytest.mark.parametrize(
    ("amount", "basis_points", "expected"),
    [
        (1, 5000, 1),  # 0.5 -> 1
        (3, 5000, 2),  # 1.5 -> 2
        (5, 5000, 3),  # 2.5 -> 3 (half up, not half to even)
        (150, 100, 2),  # 1.5 -> 2
        (149, 100, 1),  # 1.49 -> 1
        (125, 100, 1),  # 1.25 -> 1
        (15000, 2500, 3750),  # a quarter of USD 150.00
        (9999, 3333, 3333),  # 3332.6667 -> 3333
        (12345, 10000, 12345),  # all of it
        (12345, 0, 0),  # none of it
        (0, 5000, 0),
        (MAX_AMOUNT, 10000, MAX_AMOUNT),
        (MAX_AMOUNT, 5000, 50_000_000),  # 49,999,999.5 -> 50,000,000
    ],
)
def test_share_rounds_half_up(amount, basis_points, expected):
    assert share(amount, basis_points) == expected


def test_share_is_exact_for_large_amounts():
    # 99,999,999 * 1 / 10000 = 9999.9999 -> 10000; binary floats would drift here
    assert share(MAX_AMOUNT, 1) == 10_000
    assert share(10_005, 1) == 1  # 1.0005 -> 1


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (12550, "USD", "USD 125.50"),
        (5, "USD", "USD 0.05"),
        (0, "EUR", "EUR 0.00"),
        (123456789, "USD", "USD 1,234,567.89"),
        (5000, "JPY", "JPY 5,000"),
        (7, "JPY", "JPY 7"),
        (12345, "KWD", "KWD 12.345"),
        (5, "KWD", "KWD 0.005"),
        (1000, "KWD", "KWD 1.000"),
    ],
)
def test_display_uses_the_currency_exponent(amount, currency, expected):
    assert Money(amount, currency).display() == expected


@pytest.mark.parametrize(("currency", "digits"), [("USD", 2), ("JPY", 0), ("KWD", 3), ("EUR", 2)])
def test_exponent(currency, digits):
    assert exponent(currency) == digits


@pytest.mark.parametrize("code", ["USD", "EUR", "JPY", "KWD", "GBP", "CAD"])
def test_iso_4217_codes_are_currencies(code):
    assert is_currency(code)


@pytest.mark.parametrize("code", ["usd", "Usd", "ZZZ", "US", "USDX", "", "123", "DOLLARS"])
def test_other_strings_are_not_currencies(code):
    assert not is_currency(code)


def test_money_is_a_value():
    assert Money(100, "USD") == Money(100, "USD")
    assert Money(100, "USD") != Money(100, "EUR")
