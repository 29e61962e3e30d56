"""Why a dossier was chosen, in plain Dutch, French, German or English: which ratios are low,
against which real peer group, and what the random sample is for. Built in SQL so that a
million dossiers are explained in seconds."""

import duckdb
import pyarrow as pa

from loket.control.geography import LEVELS, area_name, postcode_areas
from loket.control.sectors import SECTORS

LANGUAGES = ("nl", "fr", "de", "en")
# A ratio counts as markedly low below this many robust standard deviations from peers.
LOW = -1.0

LABELS = {
    "markup": {
        "en": "turnover per euro of purchases",
        "nl": "de omzet per euro aankopen",
        "fr": "le chiffre d'affaires par euro d'achats",
        "de": "der Umsatz je Euro Einkäufe",
    },
    "turnover_per_worker": {
        "en": "turnover per worker",
        "nl": "de omzet per werkende",
        "fr": "le chiffre d'affaires par travailleur",
        "de": "der Umsatz je Erwerbstätigen",
    },
    "turnover_per_wage": {
        "en": "turnover per euro of wages",
        "nl": "de omzet per euro loon",
        "fr": "le chiffre d'affaires par euro de salaires",
        "de": "der Umsatz je Euro Lohn",
    },
    "turnover_per_m2": {
        "en": "turnover per m²",
        "nl": "de omzet per m²",
        "fr": "le chiffre d'affaires par m²",
        "de": "der Umsatz je m²",
    },
}
TEMPLATES = {
    "en": {
        "low": "{label} is lower than for {share}% of {peers}",
        "peers": "{n} {sector} in {area}",
        "adjusted": " (allowing for size and age).",
        "confirmed": " Its {k} nearest {sector} confirm this.",
        "unconfirmed": " Against its {k} nearest {sector} it stands out less.",
        "unscored": "Not scored: {peers}, too few to compare with.",
        "in_line": "No ratio is markedly below its peers, {peers}.",
        "fallback": " Too few {sector} in {home} ({n}); compared with {area}.",
        "random": "Chosen by random sample, not by risk, so that hit rates can be measured "
        "without bias. ",
        "arrondissement": "arrondissement ",
        "country": "Belgium",
    },
    "nl": {
        "low": "{label} is lager dan bij {share}% van {peers}",
        "peers": "{n} {sector} in {area}",
        "adjusted": " (rekening houdend met grootte en leeftijd).",
        "confirmed": " De {k} dichtstbijzijnde {sector} bevestigen dit.",
        "unconfirmed": " Tegenover de {k} dichtstbijzijnde {sector} valt het minder op.",
        "unscored": "Niet gescoord: {peers}, te weinig om mee te vergelijken.",
        "in_line": "Geen enkele verhouding ligt duidelijk onder die van {peers}.",
        "fallback": " Te weinig {sector} in {home} ({n}); vergeleken met {area}.",
        "random": "Gekozen door steekproef, niet om een risico, zodat trefkansen zonder "
        "vertekening gemeten kunnen worden. ",
        "arrondissement": "arrondissement ",
        "country": "België",
    },
    "fr": {
        "low": "{label} est inférieur à celui de {share} % des {peers}",
        "peers": "{n} {sector} de {area}",
        "adjusted": " (compte tenu de la taille et de l'âge).",
        "confirmed": " Ses {k} {sector} les plus proches le confirment.",
        "unconfirmed": " Face à ses {k} {sector} les plus proches, l'écart est moins net.",
        "unscored": "Non évalué : {peers}, trop peu pour comparer.",
        "in_line": "Aucun ratio n'est nettement inférieur à ceux des {peers}.",
        "fallback": " Trop peu de {sector} dans {home} ({n}) ; comparé avec {area}.",
        "random": "Choisi par échantillon aléatoire, non pour un risque, afin de mesurer les "
        "taux de réussite sans biais. ",
        "arrondissement": "l'arrondissement ",
        "country": "la Belgique",
    },
    "de": {
        "low": "{label} ist niedriger als bei {share} % von {peers}",
        "peers": "{n} {sector} in {area}",
        "adjusted": " (unter Berücksichtigung von Größe und Alter).",
        "confirmed": " Die {k} nächstgelegenen {sector} bestätigen dies.",
        "unconfirmed": " Gegenüber den {k} nächstgelegenen {sector} fällt es weniger auf.",
        "unscored": "Nicht bewertet: {peers}, zu wenige für einen Vergleich.",
        "in_line": "Kein Verhältnis liegt deutlich unter dem von {peers}.",
        "fallback": " Zu wenige {sector} in {home} ({n}); verglichen mit {area}.",
        "random": "Durch Zufallsstichprobe gewählt, nicht wegen eines Risikos, damit "
        "Trefferquoten unverzerrt gemessen werden können. ",
        "arrondissement": "Bezirk ",
        "country": "Belgien",
    },
}


# The expected-turnover model's sentence: the shortfall, from which inputs, for which peers.
EXPECTED_TEMPLATES = {
    "en": {
        "below": "Turnover is {pct}% below what its {inputs} predict for {sector} in {area}.",
        "above": "Turnover is not below what its {inputs} predict for {sector} in {area} "
        "({pct}% above).",
        "and": " and ",
        "purchases": "purchases",
        "staff": "staff",
        "wages": "wage bill",
        "floor_area": "floor area",
        "age": " Young firms are allowed to ramp up.",
    },
    "nl": {
        "below": "De omzet ligt {pct}% onder wat {inputs} doen verwachten bij {sector} in {area}.",
        "above": "De omzet ligt niet onder wat {inputs} doen verwachten bij {sector} in "
        "{area} ({pct}% erboven).",
        "and": " en ",
        "purchases": "de aankopen",
        "staff": "het personeel",
        "wages": "de loonmassa",
        "floor_area": "de vloeroppervlakte",
        "age": " Jonge ondernemingen krijgen tijd om op te starten.",
    },
    "fr": {
        "below": "Le chiffre d'affaires est inférieur de {pct} % à ce que laissent attendre "
        "{inputs} pour les {sector} de {area}.",
        "above": "Le chiffre d'affaires n'est pas inférieur à ce que laissent attendre "
        "{inputs} pour les {sector} de {area} ({pct} % au-dessus).",
        "and": " et ",
        "purchases": "ses achats",
        "staff": "son personnel",
        "wages": "sa masse salariale",
        "floor_area": "sa surface",
        "age": " Les jeunes entreprises ont le temps de démarrer.",
    },
    "de": {
        "below": "Der Umsatz liegt {pct} % unter dem, was {inputs} bei {sector} in {area} "
        "erwarten lassen.",
        "above": "Der Umsatz liegt nicht unter dem, was {inputs} bei {sector} in {area} "
        "erwarten lassen ({pct} % darüber).",
        "and": " und ",
        "purchases": "Einkäufe",
        "staff": "Personal",
        "wages": "Lohnsumme",
        "floor_area": "Fläche",
        "age": " Junge Unternehmen erhalten Zeit für den Anlauf.",
    },
}
# When a dossier has none of the inputs, the sentence names the sector alone.
_NO_INPUTS = {"en": "turnover", "nl": "de omzet", "fr": "le chiffre d'affaires", "de": "Umsatz"}
_PRESENT = {
    "purchases": "purchases_eur > 0",
    "staff": "employees IS NOT NULL",
    "wages": "wage_bill_eur > 0",
    "floor_area": "floor_area_m2 > 0",
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fill(template: str, **parts: str) -> str:
    """A template as a SQL concatenation: {name} placeholders become the SQL given."""
    pieces: list[str] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        if before:
            pieces.append(_literal(before))
        pieces.append(f"CAST(({parts[name]}) AS VARCHAR)")
    if rest:
        pieces.append(_literal(rest))
    return "concat(" + ", ".join(pieces) + ")"


def name_tables(language: str) -> tuple[pa.Table, pa.Table]:
    """(sector, sector_name) and (level, refnis, area_name) in `language`, areas with the word
    that introduces them ("arrondissement Antwerpen")."""
    words = TEMPLATES[language]
    sectors = pa.table(
        {
            "sector": list(SECTORS),
            "sector_name": [sector.name(language) for sector in SECTORS.values()],
        }
    )
    areas = postcode_areas()
    levels, codes, names = [], [], []
    for level in LEVELS[:-1]:
        for refnis in sorted(set(areas.column(f"{level}_refnis").to_pylist())):
            word = words["arrondissement"] if level == "arrondissement" else ""
            levels.append(level)
            codes.append(refnis)
            names.append(word + area_name(level, refnis, language))
    levels.append("country")
    codes.append("BE")
    names.append(words["country"])
    return sectors, pa.table({"level": levels, "refnis": codes, "area_name": names})


def explanation_sql(language: str, indicators: tuple[str, ...]) -> str:
    """An SQL expression over `scored` joined with names (sector_name, area_name, home_name):
    the explanation of each dossier. Expects z_<c>, z_knn_<c>, pct_<c>, peer_count,
    knn_count, peer_level, home_count, selection."""
    words = TEMPLATES[language]
    peers = _fill(words["peers"], n="peer_count", sector="sector_name", area="area_name")
    items = ", ".join(
        f"""{{'z': z_{c}, 'knn': z_knn_{c}, 'text': {
            _fill(
                words["low"],
                label=_literal(LABELS[c][language]),
                share=f"99 - pct_{c}",
                peers=peers,
            )
        }}}"""
        for c in indicators
    )
    low = f"list_slice(list_sort(list_filter([{items}], lambda e: e.z < {LOW})), 1, 2)"
    first = f"array_to_string(list_transform({low}, lambda e: e.text), '; ')"
    confirmed = f"list_avg(list_transform({low}, lambda e: coalesce(e.knn, 0))) < {LOW}"
    knn_known = "list_bool_or(list_transform(" + low + ", lambda e: e.knn IS NOT NULL))"
    neighbours = (
        f"CASE WHEN NOT {knn_known} THEN '' WHEN {confirmed} THEN "
        f"{_fill(words['confirmed'], k='knn_count', sector='sector_name')} ELSE "
        f"{_fill(words['unconfirmed'], k='knn_count', sector='sector_name')} END"
    )
    adjusted = _literal(words["adjusted"])
    risky = f"concat(upper(left({first}, 1)), substr({first}, 2), {adjusted}, {neighbours})"
    in_line = _fill(words["in_line"], peers=peers)
    fallback = _fill(
        words["fallback"], sector="sector_name", home="home_name", n="home_count", area="area_name"
    )
    return f"""concat(
        CASE WHEN selection = 'random-sample' THEN {_literal(words["random"])} ELSE '' END,
        CASE WHEN score IS NULL THEN {_fill(words["unscored"], peers=peers)}
             WHEN len({low}) > 0 THEN {risky} ELSE {in_line} END,
        CASE WHEN peer_level <> 'arrondissement' AND score IS NOT NULL THEN {fallback}
             ELSE '' END)"""


def expected_sql(language: str) -> str:
    """The expected-turnover model's explanation: how far turnover lies below (or above) what
    the inputs the dossier actually has predict for its sector in its own arrondissement."""
    words = EXPECTED_TEMPLATES[language]
    named = ", ".join(
        f"CASE WHEN {_PRESENT[code]} THEN {_literal(words[code])} END" for code in _PRESENT
    )
    inputs = f"list_filter([{named}], lambda t: t IS NOT NULL)"
    joined = (
        f"CASE WHEN len({inputs}) = 0 THEN {_literal(_NO_INPUTS[language])} "
        f"WHEN len({inputs}) = 1 THEN {inputs}[1] "
        f"ELSE concat(array_to_string(list_slice({inputs}, 1, len({inputs}) - 1), ', '), "
        f"{_literal(words['and'])}, {inputs}[-1]) END"
    )
    pct = "CAST(round(100 * abs(expected_gap)) AS INTEGER)"
    parts = {"pct": pct, "inputs": joined, "sector": "sector_name", "area": "home_name"}
    below = _fill(words["below"], **parts)
    above = _fill(words["above"], **parts)
    young = f"CASE WHEN {_YOUNG} THEN {_literal(words['age'])} ELSE '' END"
    sentence = f"concat(CASE WHEN expected_gap > 0 THEN {below} ELSE {above} END, {young})"
    # Capitalise: the Dutch and French sentences open with an article.
    return f"concat(upper(left({sentence}, 1)), substr({sentence}, 2))"


_YOUNG = "age_band IN ('0', '1', '2', '3', '4')"


def add_explanations(
    connection: duckdb.DuckDBPyConnection,
    language: str,
    indicators: tuple[str, ...],
    model: str = "ratios",
) -> None:
    """Add column `explanation` to table `scored`, in `language`: the ratio sentences, or
    for the expected-turnover model the shortfall against its prediction."""
    sectors, areas = name_tables(language)
    connection.register("sector_names", sectors)
    connection.register("area_names", areas)
    home = "arrondissement_refnis"
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE explained AS
            SELECT scored.*, {_sql(language, indicators, model)} AS explanation
            FROM scored
            JOIN sector_names USING (sector)
            JOIN area_names ON area_names.level = scored.peer_level
                           AND area_names.refnis = scored.peer_area
            JOIN (SELECT refnis AS {home}, area_name AS home_name FROM area_names
                  WHERE level = 'arrondissement') USING ({home})"""
    )
    connection.execute("DROP TABLE scored")
    connection.execute("ALTER TABLE explained RENAME TO scored")


def _sql(language: str, indicators: tuple[str, ...], model: str) -> str:
    if model != "expected":
        return explanation_sql(language, indicators)
    words = TEMPLATES[language]
    peers = _fill(words["peers"], n="peer_count", sector="sector_name", area="area_name")
    return f"""concat(
        CASE WHEN selection = 'random-sample' THEN {_literal(words["random"])} ELSE '' END,
        CASE WHEN score IS NULL THEN {_fill(words["unscored"], peers=peers)}
             ELSE {expected_sql(language)} END)"""
