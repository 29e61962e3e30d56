"""Small embedded lists of given names, family names and street names per language, so that a
synthetic citizen of Eupen is called Lukas Schmitz and lives in the Bahnhofstraße."""

from typing import Final

# fmt: off
GIVEN_MALE: Final[dict[str, tuple[str, ...]]] = {
    "nl": (
        "Jan", "Pieter", "Luc", "Marc", "Dirk", "Koen", "Bart", "Tom", "Wim", "Jef",
        "Stijn", "Wouter", "Jeroen", "Geert", "Kris", "Filip", "Joris", "Sander", "Thijs", "Lars",
        "Noah", "Lucas", "Liam", "Arthur", "Jules", "Mathis", "Vic", "Warre", "Seppe", "Rik",
    ),
    "fr": (
        "Jean", "Pierre", "Michel", "Philippe", "Alain", "Luc", "Jacques", "Marc", "Olivier",
        "Nicolas", "François", "Laurent", "Julien", "Maxime", "Thomas", "Antoine", "Hugo",
        "Louis", "Gabriel", "Nathan", "Théo", "Mathéo", "Adrien", "Baptiste", "Quentin",
        "Sébastien", "Benoît", "Cédric", "Damien", "Raphaël",
    ),
    "de": (
        "Lukas", "Jonas", "Leon", "Felix", "Paul", "Elias", "Ben", "Noah", "Tim", "Jan",
        "Stefan", "Andreas", "Michael", "Thomas", "Markus", "Klaus", "Jürgen", "Werner",
        "Manfred", "Helmut", "Matthias", "Tobias", "Florian", "Niklas", "Moritz", "Johannes",
        "Erwin", "Günter", "Hubert", "Dieter",
    ),
}

GIVEN_FEMALE: Final[dict[str, tuple[str, ...]]] = {
    "nl": (
        "Marie", "An", "Els", "Katrien", "Sofie", "Liesbeth", "Griet", "Inge", "Veerle", "Hilde",
        "Lotte", "Eline", "Fien", "Lore", "Nele", "Sara", "Lien", "Tine", "Evi", "Ilse",
        "Emma", "Olivia", "Louise", "Mila", "Nora", "Julie", "Hanne", "Femke", "Ann", "Mieke",
    ),
    "fr": (
        "Marie", "Anne", "Catherine", "Isabelle", "Nathalie", "Sophie", "Christine", "Monique",
        "Françoise", "Valérie", "Julie", "Camille", "Léa", "Manon", "Chloé", "Emma", "Louise",
        "Alice", "Lina", "Zoé", "Juliette", "Charlotte", "Élise", "Pauline", "Aurélie",
        "Céline", "Delphine", "Amélie", "Mélanie", "Hélène",
    ),
    "de": (
        "Anna", "Maria", "Lena", "Lea", "Laura", "Julia", "Sarah", "Katharina", "Sophie",
        "Hannah", "Emma", "Mia", "Lina", "Marie", "Clara", "Johanna", "Ursula", "Monika",
        "Sabine", "Petra", "Brigitte", "Gisela", "Renate", "Claudia", "Andrea", "Stefanie",
        "Birgit", "Martina", "Heike", "Ingrid",
    ),
}

FAMILY: Final[dict[str, tuple[str, ...]]] = {
    "nl": (
        "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
        "Wouters", "De Smet", "Dubois", "Hermans", "Aerts", "Pauwels", "Van den Broeck",
        "De Backer", "Vermeulen", "Van Damme", "Michiels", "Verstraete", "Smets", "Stevens",
        "De Clercq", "Lambrechts", "Desmet", "Vandenberghe", "Leclercq", "Martens", "Coppens",
        "Van de Velde", "Verhoeven", "Cools", "Declercq", "Bogaerts", "Verbruggen", "Van Dyck",
        "Huysmans", "De Vos", "Segers", "Wuyts",
    ),
    "fr": (
        "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Leclercq", "Lefebvre",
        "Renard", "Denis", "Lejeune", "Collard", "Leroy", "Gilson", "François", "Henry",
        "Thiry", "Hubert", "Mathieu", "Dumont", "Legrand", "Noël", "Bertrand", "Gérard",
        "Fontaine", "Lemaire", "Masson", "Marchal", "Servais", "Lecomte", "Jacquet", "Piette",
        "Delvaux", "Remy", "Charlier", "Goffin", "Wauters", "Close", "Massart", "Pirard",
    ),
    "de": (
        "Schmitz", "Müller", "Schmidt", "Meyer", "Weber", "Wagner", "Becker", "Hoffmann",
        "Schulz", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
        "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Kessler", "Cremer",
        "Jost", "Maraite", "Heinen", "Lentz", "Kreusch", "Mockel", "Reuter", "Thomé", "Pauels",
        "Küpper", "Gennen", "Hilgers", "Lambertz", "Fank", "Scholzen", "Piront",
    ),
}

STREETS: Final[dict[str, tuple[str, ...]]] = {
    "nl": (
        "Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Schoolstraat", "Nieuwstraat",
        "Kapelstraat", "Veldstraat", "Beekstraat", "Kouterstraat", "Lindenlaan", "Kastanjelaan",
        "Brugstraat", "Marktplein", "Grote Markt", "Hoogstraat", "Steenweg", "Meersstraat",
        "Bosstraat", "Heidestraat", "Vaartstraat", "Leopoldlaan", "Koning Albertstraat",
        "Processiestraat", "Bergstraat", "Hofstraat", "Sint-Jansstraat", "Lange Nieuwstraat",
        "Wilgenstraat", "Populierenlaan",
    ),
    "fr": (
        "Rue de la Gare", "Rue de l'Église", "Rue du Moulin", "Grand-Rue", "Rue Haute",
        "Rue de la Station", "Place communale", "Rue des Écoles", "Avenue des Tilleuls",
        "Rue du Château", "Chaussée de Bruxelles", "Rue de la Chapelle", "Rue du Pont",
        "Rue Neuve", "Avenue Albert Ier", "Rue des Champs", "Rue de la Fontaine",
        "Rue du Centre", "Rue Saint-Martin", "Rue des Prés", "Avenue de la Forêt",
        "Rue de la Paix", "Rue du Marché", "Rue Léopold", "Place du Marché", "Rue des Fleurs",
        "Rue de l'Industrie", "Rue du Bois", "Rue Royale", "Rue de la Croix",
    ),
    "de": (
        "Bahnhofstraße", "Kirchstraße", "Hauptstraße", "Schulstraße", "Dorfstraße",
        "Mühlenweg", "Marktplatz", "Bergstraße", "Gartenstraße", "Lindenallee", "Aachener Straße",
        "Hochstraße", "Klosterstraße", "Neustraße", "Talstraße", "Waldstraße", "Bergkapellstraße",
        "Feldweg", "Rathausplatz", "Kapellenstraße", "Wiesenweg", "Herbesthaler Straße",
        "Malmedyer Straße", "Vennweg", "Am Kehrweg", "Schilsweg", "Paveestraße", "Gospertstraße",
        "Klötzerbahn", "Judenstraße",
    ),
}

# fmt: on

# For the few moves abroad: a country and some of its street names.
ABROAD: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("NL", ("Dorpsstraat", "Kerkstraat", "Stationsweg", "Molenweg", "Julianalaan")),
    ("FR", ("Rue de la République", "Avenue Jean Jaurès", "Rue Victor Hugo", "Rue Pasteur")),
    ("DE", ("Hauptstraße", "Bahnhofstraße", "Goethestraße", "Schillerstraße", "Ringstraße")),
    ("LU", ("Grand-Rue", "Rue de Luxembourg", "Route d'Arlon", "Rue du Village")),
)
