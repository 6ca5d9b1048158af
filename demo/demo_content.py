"""The fictional texts of the demo: good-practice examples and earlier meetings.

The municipalities are the region's real ones; everything said about them here is made up
for the demo (marked as such in each example) and names no real person.
"""

from typing import NamedTuple

DEMO_MARK = "Fiktives Demo-Beispiel."


class DemoPractice(NamedTuple):
    slug: str
    title: str
    municipality: str
    topics: tuple[str, ...]
    summary: str
    implementation: str
    started: int  # year


PRACTICES = [
    DemoPractice(
        "neubuergerfruehstueck-olpe",
        "Neubürgerfrühstück im Rathaus",
        "Olpe",
        ("willkommenskultur", "neubuerger-gewinnung"),
        "Zweimal im Jahr lädt die Stadt neu Zugezogene zu einem Frühstück mit Verwaltung, "
        "Vereinen und Handel ein.",
        "Einladung mit der Anmeldebestätigung, Frühstück im Ratssaal, Stände der Vereine.",
        2023,
    ),
    DemoPractice(
        "rueckkehrertag-arnsberg",
        "Rückkehrertag zwischen den Jahren",
        "Arnsberg",
        ("neubuerger-gewinnung", "fachkraefte"),
        "Am 27. Dezember treffen Heimatbesucherinnen und -besucher Arbeitgeber der Region.",
        "Messe in der Stadthalle, Speed-Dating mit Unternehmen, Beratung zu Wohnen und Kita.",
        2022,
    ),
    DemoPractice(
        "probewohnen-winterberg",
        "Probewohnen im Sauerland",
        "Winterberg",
        ("neubuerger-gewinnung", "tourismus", "wohnen"),
        "Interessierte wohnen eine Woche zum Probepreis und lernen Arbeitgeber und Schulen kennen.",
        "Ferienwohnungen in der Nebensaison, Programm mit Betrieben, Kita und Vereinen.",
        2024,
    ),
    DemoPractice(
        "landarzt-stipendium-bad-berleburg",
        "Stipendium für angehende Landärztinnen und Landärzte",
        "Bad Berleburg",
        ("medizin-pflege", "fachkraefte"),
        "Medizinstudierende erhalten ein Stipendium und verpflichten sich, einige Jahre vor Ort "
        "zu praktizieren.",
        "Vertrag mit Stadt und Praxen, Famulaturen in der Region, Begleitung durch eine Patin.",
        2021,
    ),
    DemoPractice(
        "pflege-schnuppertage-meschede",
        "Schnuppertage in der Pflege",
        "Meschede",
        ("medizin-pflege", "fachkraefte"),
        "Schülerinnen und Schüler begleiten einen Tag lang Pflegekräfte in Klinik und Heim.",
        "Koordiniert von der Wirtschaftsförderung mit drei Trägern und den Schulen.",
        2023,
    ),
    DemoPractice(
        "digitale-willkommensmappe-soest",
        "Digitale Willkommensmappe",
        "Soest",
        ("willkommenskultur", "smart-city"),
        "Eine barrierefreie Web-App bündelt alles, was Neubürgerinnen und Neubürger brauchen.",
        "Inhalte aus den Fachämtern, QR-Code auf der Meldebestätigung, mehrsprachig.",
        2024,
    ),
    DemoPractice(
        "smarte-parkplaetze-menden",
        "Freie Parkplätze in Echtzeit",
        "Menden (Sauerland)",
        ("smart-city", "stadtmarketing"),
        "Sensoren melden freie Parkplätze in der Innenstadt an eine Karte im Netz.",
        "Pilot mit 80 Stellplätzen, offene Daten, Auswertung mit dem Handel.",
        2023,
    ),
    DemoPractice(
        "leerstandsboerse-altena",
        "Leerstandsbörse für die Innenstadt",
        "Altena",
        ("stadtmarketing", "wohnen"),
        "Leere Ladenlokale werden mit Gründerinnen und Gründern zusammengebracht.",
        "Übersicht der Flächen, mietfreie Probemonate, Beratung durch die Wirtschaftsförderung.",
        2022,
    ),
    DemoPractice(
        "familienpass-luedenscheid",
        "Familienpass mit Ermäßigungen",
        "Lüdenscheid",
        ("familie", "willkommenskultur"),
        "Familien erhalten einen Pass mit Ermäßigungen in Bad, Museum und bei Vereinen.",
        "Ausgabe im Bürgerbüro, Partnerbetriebe werben mit einem Aufkleber.",
        2021,
    ),
    DemoPractice(
        "kita-platz-lotsen-iserlohn",
        "Kita-Lotsen für Zugezogene",
        "Iserlohn",
        ("familie", "neubuerger-gewinnung"),
        "Lotsinnen helfen zugezogenen Familien, schnell einen Betreuungsplatz zu finden.",
        "Sprechstunde im Familienbüro, Abstimmung mit den Trägern, Rückmeldung binnen einer Woche.",
        2024,
    ),
    DemoPractice(
        "azubi-wohnen-attendorn",
        "Wohnen für Auszubildende",
        "Attendorn",
        ("fachkraefte", "wohnen"),
        "Ein umgebautes Gebäude bietet möblierte Zimmer für Auszubildende von außerhalb.",
        "Betrieb durch eine Genossenschaft, Plätze über die Ausbildungsbetriebe vergeben.",
        2023,
    ),
    DemoPractice(
        "wanderbotschafter-schmallenberg",
        "Wanderbotschafterinnen und -botschafter",
        "Schmallenberg",
        ("tourismus", "stadtmarketing"),
        "Ehrenamtliche zeigen Gästen ihre Lieblingswege und erzählen vom Leben im Ort.",
        "Schulung durch den Tourismusverein, Termine im Veranstaltungskalender.",
        2022,
    ),
    DemoPractice(
        "dorfladen-kirchhundem",
        "Genossenschaftlicher Dorfladen",
        "Kirchhundem",
        ("wohnen", "familie"),
        "Bürgerinnen und Bürger betreiben gemeinsam einen Laden mit regionalen Produkten.",
        "Genossenschaft mit 300 Mitgliedern, Ehrenamt und zwei Teilzeitkräfte.",
        2020,
    ),
    DemoPractice(
        "coworking-lennestadt",
        "Coworking auf dem Land",
        "Lennestadt",
        ("fachkraefte", "smart-city", "neubuerger-gewinnung"),
        "Ein Coworking-Raum am Bahnhof lässt Pendlerinnen und Pendler vor Ort arbeiten.",
        "Tagespässe, schnelles Netz, Kooperation mit Arbeitgebern der Region.",
        2023,
    ),
    DemoPractice(
        "willkommensabend-siegen",
        "Willkommensabend für internationale Fachkräfte",
        "Siegen",
        ("fachkraefte", "willkommenskultur"),
        "Neue Fachkräfte aus dem Ausland lernen an einem Abend Stadt und Vereine kennen.",
        "Einladung über die Arbeitgeber, Dolmetschende, Stände von Sprachschulen und Vereinen.",
        2024,
    ),
    DemoPractice(
        "gesundheitsregion-kreuztal",
        "Gesundheitskiosk im Stadtteil",
        "Kreuztal",
        ("medizin-pflege", "familie"),
        "Eine Pflegefachkraft berät im Stadtteil zu Gesundheit, Pflege und Hilfen.",
        "Offene Sprechstunde, Zusammenarbeit mit Hausarztpraxen und Pflegediensten.",
        2024,
    ),
    DemoPractice(
        "innenstadt-gutschein-lippstadt",
        "Stadtgutschein für den örtlichen Handel",
        "Lippstadt",
        ("stadtmarketing",),
        "Ein Gutschein, den über hundert Geschäfte annehmen, hält Kaufkraft in der Stadt.",
        "Digitaler und gedruckter Gutschein, Arbeitgeber nutzen ihn als Sachbezug.",
        2021,
    ),
    DemoPractice(
        "heimatcheck-warstein",
        "Heimat-Check für Jugendliche",
        "Warstein",
        ("familie", "neubuerger-gewinnung"),
        "Jugendliche bewerten Freizeit, Mobilität und Ausbildung; die Stadt antwortet öffentlich.",
        "Umfrage an den Schulen, Workshop mit dem Rat, Zwischenbericht nach einem Jahr.",
        2023,
    ),
    DemoPractice(
        "e-bike-pendeln-brilon",
        "Mit dem E-Bike zur Arbeit",
        "Brilon",
        ("smart-city", "fachkraefte"),
        "Betriebe und Stadt verleihen E-Bikes zum Testen für den Weg zur Arbeit.",
        "Leihflotte von 20 Rädern, vier Wochen je Person, Begleitung durch den Radverkehr.",
        2022,
    ),
    DemoPractice(
        "seniorenwohnen-bad-laasphe",
        "Wohnen im Alter mitten im Ort",
        "Bad Laasphe",
        ("wohnen", "medizin-pflege"),
        "Barrierearme Wohnungen über einem Nahversorger halten ältere Menschen im Ortskern.",
        "Investor, Stadt und Pflegedienst planen gemeinsam, Quartierstreff im Erdgeschoss.",
        2021,
    ),
    DemoPractice(
        "sommerfest-der-vereine-finnentrop",
        "Vereinsmeile für Neubürgerinnen und Neubürger",
        "Finnentrop",
        ("willkommenskultur", "familie"),
        "Beim Sommerfest stellen sich alle Vereine an einer Meile vor; Neubürger erhalten Lose.",
        "Organisation durch den Gemeindeverband der Vereine, Einladung an alle Zugezogenen.",
        2022,
    ),
    DemoPractice(
        "tourismus-app-bad-sassendorf",
        "Gästekarte als App",
        "Bad Sassendorf",
        ("tourismus", "smart-city"),
        "Die Gästekarte steckt im Telefon und zeigt Angebote, Busse und Veranstaltungen.",
        "Ausgabe durch die Gastgeber, Auswertung der Nutzung ohne persönliche Daten.",
        2024,
    ),
    DemoPractice(
        "fachkraefte-pate-netphen",
        "Patenschaften für neue Fachkräfte",
        "Netphen",
        ("fachkraefte", "willkommenskultur"),
        "Ehrenamtliche Patinnen und Paten begleiten neue Fachkräfte im ersten Jahr.",
        "Vermittlung über die Wirtschaftsförderung, Treffen einmal im Monat, kleine Schulung.",
        2023,
    ),
    DemoPractice(
        "mitfahrbank-marsberg",
        "Mitfahrbänke in den Ortsteilen",
        "Marsberg",
        ("smart-city", "familie"),
        "Wer auf der Bank sitzt, möchte mitgenommen werden: einfache Mobilität zwischen Dörfern.",
        "Zwölf Bänke mit Zielschildern, Kampagne mit Ortsvorstehern und Presse.",
        2021,
    ),
    DemoPractice(
        "stadtmarketing-podcast-plettenberg",
        "Podcast aus der Stadt",
        "Plettenberg",
        ("stadtmarketing", "neubuerger-gewinnung"),
        "Ein monatlicher Podcast stellt Menschen, Betriebe und Orte der Stadt vor.",
        "Produktion mit der Volkshochschule, Verbreitung über die Website und Social Media.",
        2024,
    ),
    DemoPractice(
        "fachkraefte-messe-werl",
        "Ausbildungsmesse am Abend",
        "Werl",
        ("fachkraefte",),
        "Eltern und Jugendliche informieren sich nach Feierabend über Ausbildungsbetriebe.",
        "Messe in der Schule von 17 bis 20 Uhr, Busshuttle aus den Ortsteilen.",
        2022,
    ),
    DemoPractice(
        "willkommenspunkt-wenden",
        "Willkommenspunkt im Bürgerbüro",
        "Wenden",
        ("willkommenskultur",),
        "Eine feste Ansprechperson im Bürgerbüro beantwortet alle Fragen von Zugezogenen.",
        "Schulung des Teams, Checkliste, Rückruf binnen zwei Tagen.",
        2023,
    ),
]

# Examples taken up elsewhere: (practice slug, adopting municipality, how it went).
ADOPTIONS = [
    ("willkommenstasche-werdohl", "Olpe", "Seit dem Frühjahr verteilen wir eigene Taschen."),
    ("willkommenstasche-werdohl", "Neuenrade", "Mit Gutscheinen des Heimatvereins umgesetzt."),
    ("willkommenstasche-werdohl", "Balve", ""),
    ("neubuergerfruehstueck-olpe", "Wenden", "Wir laden zweimal im Jahr ein; gut besucht."),
    ("landarzt-stipendium-bad-berleburg", "Hallenberg", "Zwei Stipendien vergeben."),
    ("digitale-willkommensmappe-soest", "Ense", "Inhalte übernommen, eigenes Design."),
    ("dorfladen-kirchhundem", "Herscheid", "Gründung der Genossenschaft läuft."),
    ("familienpass-luedenscheid", "Halver", ""),
    ("mitfahrbank-marsberg", "Medebach", "Sechs Bänke aufgestellt."),
]


class DemoMeeting(NamedTuple):
    number: int
    title: str
    host: str
    online: bool
    topics: tuple[str, ...]  # agenda items besides the welcome
    action: str  # one agreement of the meeting


EARLIER_MEETINGS = [
    DemoMeeting(
        1,
        "Auftakt des Runden Tisches",
        "Arnsberg",
        False,
        ("Ziele und Arbeitsweise",),
        "Ansprechpersonen melden",
    ),
    DemoMeeting(
        2,
        "Willkommenskultur",
        "Olpe",
        False,
        ("Neubürgerfrühstück",),
        "Checkliste Willkommenskultur abstimmen",
    ),
    DemoMeeting(
        3, "Fachkräfte gewinnen", "Siegen", True, ("Rückkehrertag",), "Termine der Messen sammeln"
    ),
    DemoMeeting(
        4,
        "Medizin & Pflege",
        "Bad Berleburg",
        True,
        ("Landarzt-Stipendium",),
        "Ansprechpartner der Kliniken melden",
    ),
    DemoMeeting(
        5,
        "Leben und Arbeiten auf dem Land",
        "Lennestadt",
        False,
        ("Coworking am Bahnhof",),
        "Coworking-Orte kartieren",
    ),
    DemoMeeting(
        6,
        "Innenstädte beleben",
        "Altena",
        True,
        ("Leerstandsbörse",),
        "Leerstandsdaten austauschen",
    ),
    DemoMeeting(
        7,
        "Familien willkommen",
        "Lüdenscheid",
        False,
        ("Familienpass",),
        "Familienangebote bündeln",
    ),
    DemoMeeting(
        8,
        "Tourismus als Türöffner",
        "Winterberg",
        False,
        ("Probewohnen im Sauerland",),
        "Gästebefragung vorbereiten",
    ),
    DemoMeeting(
        9,
        "Digitale Angebote für Neubürger",
        "Soest",
        True,
        ("Digitale Willkommensmappe",),
        "Inhalte der Willkommensmappe teilen",
    ),
    DemoMeeting(
        10,
        "Wohnen und Bauen",
        "Attendorn",
        False,
        ("Wohnen für Auszubildende",),
        "Bauflächen melden",
    ),
    DemoMeeting(
        11,
        "Smart Cities in Südwestfalen",
        "Menden (Sauerland)",
        True,
        ("Freie Parkplätze in Echtzeit",),
        "Daten der Sensoren offenlegen",
    ),
    DemoMeeting(
        12,
        "Internationale Fachkräfte",
        "Siegen",
        True,
        ("Willkommensabend",),
        "Mehrsprachige Infoblätter sammeln",
    ),
    DemoMeeting(
        13,
        "Mobilität zwischen den Dörfern",
        "Marsberg",
        False,
        ("Mitfahrbänke",),
        "Erfahrungen mit Mitfahrbänken auswerten",
    ),
    DemoMeeting(
        14,
        "Jugend und Heimat",
        "Warstein",
        True,
        ("Heimat-Check für Jugendliche",),
        "Ergebnisse des Heimat-Checks vorstellen",
    ),
]
