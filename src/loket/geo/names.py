"""How a municipality is named to a citizen who must choose one."""

from loket.geo.model import Municipality


def official_name(municipality: Municipality) -> str:
    """Both official names where they differ ("Elsene / Ixelles" in Brussels), else the one
    name: a citizen recognises their municipality whatever language the page is in."""
    if municipality.name_fr and municipality.name_fr != municipality.name_nl:
        return f"{municipality.name_nl} / {municipality.name_fr}"
    return municipality.name_nl
