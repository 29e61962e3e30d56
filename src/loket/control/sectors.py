"""The sector register: the NACE-BEL 2008 classes the control service has peers and indicators
for, each named in the plural as an inspector speaks of it ("bakeries")."""

# ruff: noqa: E501  (a table reads best one sector to a line)

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Sector:
    code: str
    nl: str
    fr: str
    en: str
    de: str

    def name(self, language: str) -> str:
        return str(getattr(self, language if language in ("nl", "fr", "en", "de") else "en"))


_SECTORS = [
    Sector("10.71", "bakkerijen", "boulangeries", "bakeries", "Bäckereien"),
    Sector("47.11", "buurtwinkels", "supérettes", "grocery shops", "Lebensmittelgeschäfte"),
    Sector("47.21", "groente- en fruitwinkels", "primeurs", "greengrocers", "Obst- und Gemüsehändler"),
    Sector("47.22", "slagerijen", "boucheries", "butchers", "Metzgereien"),
    Sector("47.23", "viswinkels", "poissonneries", "fishmongers", "Fischgeschäfte"),
    Sector("47.25", "drankenhandels", "commerces de boissons", "drinks shops", "Getränkehandlungen"),
    Sector("47.26", "tabakswinkels", "commerces de tabac", "tobacconists", "Tabakläden"),
    Sector("47.30", "tankstations", "stations-service", "filling stations", "Tankstellen"),
    Sector("47.41", "computerwinkels", "magasins d'informatique", "computer shops", "Computergeschäfte"),
    Sector("47.71", "kledingwinkels", "magasins de vêtements", "clothing shops", "Bekleidungsgeschäfte"),
    Sector("47.72", "schoenwinkels", "magasins de chaussures", "shoe shops", "Schuhgeschäfte"),
    Sector("47.73", "apotheken", "pharmacies", "pharmacies", "Apotheken"),
    Sector("47.76", "bloemenwinkels", "fleuristes", "florists", "Blumengeschäfte"),
    Sector("47.77", "juweliers", "bijouteries", "jewellers", "Juweliere"),
    Sector("45.11", "autohandelaars", "concessionnaires automobiles", "car dealers", "Autohändler"),
    Sector("45.20", "garages", "garages", "car repair garages", "Autowerkstätten"),
    Sector("55.10", "hotels", "hôtels", "hotels", "Hotels"),
    Sector("56.10", "restaurants", "restaurants", "restaurants", "Restaurants"),
    Sector("56.21", "traiteurs", "traiteurs", "caterers", "Caterer"),
    Sector("56.30", "cafés", "cafés", "cafés and bars", "Cafés und Kneipen"),
    Sector("96.02", "kapsalons", "salons de coiffure", "hairdressers", "Friseursalons"),
    Sector("96.01", "wasserijen", "blanchisseries", "laundries", "Wäschereien"),
    Sector("96.04", "sauna's en wellness", "saunas et centres de bien-être", "saunas and spas", "Saunas und Wellnessbetriebe"),
    Sector("93.13", "fitnesscentra", "centres de fitness", "fitness centres", "Fitnessstudios"),
    Sector("49.32", "taxibedrijven", "entreprises de taxis", "taxi firms", "Taxiunternehmen"),
    Sector("49.41", "goederenvervoerders", "transporteurs routiers", "road hauliers", "Straßengüterverkehrsunternehmen"),
    Sector("41.20", "bouwbedrijven", "entreprises de construction", "builders", "Bauunternehmen"),
    Sector("43.21", "elektriciens", "électriciens", "electricians", "Elektroinstallateure"),
    Sector("43.22", "loodgieters en verwarmingsinstallateurs", "plombiers et chauffagistes", "plumbers and heating engineers", "Installateure"),
    Sector("43.31", "stukadoors", "plafonneurs", "plasterers", "Stuckateure"),
    Sector("43.32", "schrijnwerkers", "menuisiers", "joiners", "Tischler"),
    Sector("43.34", "schilders", "peintres", "painters and decorators", "Maler"),
    Sector("43.91", "dakwerkers", "couvreurs", "roofers", "Dachdecker"),
    Sector("81.21", "schoonmaakbedrijven", "entreprises de nettoyage", "cleaning firms", "Reinigungsfirmen"),
    Sector("86.21", "huisartsen", "médecins généralistes", "general practitioners", "Allgemeinärzte"),
    Sector("86.23", "tandartsen", "dentistes", "dentists", "Zahnärzte"),
    Sector("69.20", "boekhouders", "comptables", "accountants", "Buchhalter"),
    Sector("71.11", "architecten", "architectes", "architects", "Architekten"),
    Sector("74.20", "fotografen", "photographes", "photographers", "Fotografen"),
    Sector("95.25", "horlogemakers", "horlogers", "watch repairers", "Uhrmacher"),
]  # fmt: skip
SECTORS: dict[str, Sector] = {sector.code: sector for sector in _SECTORS}

_NACE = re.compile(r"(\d{2})\.?(\d{2})(?:\.?\d{1,3})?")


def sector_of(nace_code: str) -> str | None:
    """The registered NACE class ("10.71") of a NACE-BEL code given as a class or subclass,
    with or without dots ("10.71", "1071", "10.711", "10711"); None when not registered."""
    match = _NACE.fullmatch(nace_code.strip())
    if match is None:
        return None
    code = f"{match.group(1)}.{match.group(2)}"
    return code if code in SECTORS else None
