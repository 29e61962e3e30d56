"""Country codes an address may carry: the ISO 3166-1 alpha-2 codes that name a country or
territory (from Babel's CLDR data), without the codes CLDR adds for groupings and unknowns
(`EU`, `UN`, `ZZ`, ...) or the ranges ISO leaves to private use (`XA`, `QO`, ...)."""

from functools import cache

from babel import Locale

# CLDR territories with two letters that are not a place: groupings, unknown, pseudo-locales.
NOT_A_PLACE = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


@cache
def country_codes() -> frozenset[str]:
    territories = Locale("en").territories
    return frozenset(
        code
        for code in territories
        if isinstance(code, str)
        and len(code) == 2
        and code.isalpha()
        and code.isupper()
        and code not in NOT_A_PLACE
    )


def is_country_code(code: str) -> bool:
    """Whether `code` (upper case) names a country or territory, e.g. `BE`, `NL`, `XK`."""
    return code in country_codes()
