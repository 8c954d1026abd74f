"""Money: integer minor units with an ISO 4217 currency; shares and display."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pycountry
from babel.numbers import format_currency

from app.i18n.catalogs import parse_locale

# Currencies whose minor unit is not 1/100 (ISO 4217 exponent); the rest have two decimals.
_EXPONENTS = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}

MAX_AMOUNT = 99_999_999  # Stripe's ceiling for one charge in minor units


def is_currency(code: str) -> bool:
    """True for an ISO 4217 alphabetic code (upper case)."""
    return len(code) == 3 and code.isupper() and pycountry.currencies.get(alpha_3=code) is not None


def exponent(currency: str) -> int:
    """How many decimals the currency's minor unit has."""
    return _EXPONENTS.get(currency, 2)


@dataclass(frozen=True)
class Money:
    """An amount in minor units of a currency."""

    amount: int
    currency: str

    def decimal(self) -> Decimal:
        """The amount in whole units: 125.00 for 12500 USD cents, 5000 for 5000 JPY."""
        return Decimal(self.amount).scaleb(-exponent(self.currency))

    def display_for(self, locale: str) -> str:
        """The amount as the locale writes money: `CA$150.00` (en), `150,00 $` (fr_CA)."""
        return str(format_currency(self.decimal(), self.currency, locale=parse_locale(locale)))

    def display(self) -> str:
        """The amount for people: `USD 125.00`, `JPY 5000`."""
        digits = exponent(self.currency)
        value = Decimal(self.amount).scaleb(-digits)
        return f"{self.currency} {value:,.{digits}f}"


def share(amount: int, basis_points: int) -> int:
    """`basis_points`/10000 of an amount in minor units, rounded half up."""
    exact = Decimal(amount) * Decimal(basis_points) / Decimal(10_000)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
