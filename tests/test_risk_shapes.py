"""Risks by what a sentence does: a freeze, a renewal refused, one person, a count of bad records, a fear of the
tool, a refusal to use it, a limited source system; in English, German, French and Spanish (sentences written for
these tests). A condition the tool must meet, and a plain fact of the setup, stay out."""

import pytest

from agent.extract.shapes import setup_fact, shape_sections

RISKS = [
    # a freeze said as the changes it stops
    "We make no changes to the billing systems in the six weeks before the year-end close.",
    "Ab dem 15. März gibt es keine Änderungen mehr an der Kasse, bis Ostern vorbei ist.",
    "Pendant l'inventaire, aucun changement sur les serveurs de caisse.",
    "Desde el 10 de noviembre no tocamos nada en las tiendas hasta después de Navidad.",
    # the renewal refused unless something holds
    "If the dispatchers still use paper in spring, it won't be renewed.",
    "I'm not going to renew unless the claim backlog is halved.",
    "Si les retards ne baissent pas d'ici juin, nous ne le renouvellerons pas.",
    "Si en marzo el tablero no se usa, no lo renovaremos.",
    # the one person it hangs on
    "Mira is the only person who really knows how the pricing tables are built.",
    # a count of records or units with a defect
    "We carry about 2,300 duplicate supplier records from the old ERP.",
    "Around 45 older forklifts without telematics will show up as gaps.",
    "Die Temperaturfühler sind nur auf 12 von 80 Kühlräumen verbaut.",
    "Nous avons environ 600 doublons dans le fichier clients.",
    "Hay unas 120 cámaras sin sensores de temperatura.",
    # fear of the tool and of being watched
    "The drivers call it Big Brother already.",
    "Der Betriebsrat sieht darin eine Leistungskontrolle der Monteure.",
    "Les agents parlent déjà de flicage.",
    "Los choferes dicen que es vigilancia.",
    "I fear it becomes another report nobody opens.",
    "Ich befürchte, dass es noch ein Cockpit wird, das niemand anschaut.",
    "Je crains que ce soit un autre tableau de bord que personne ne regarde.",
    "Me temo que sea otro tablero que nadie mira.",
    # people refusing to use it
    "The warehouse crews resist entering anything on a handheld.",
    "Unsere Fahrer tippen sicher nichts in ein Tablet.",
    "Les techniciens rechignent à saisir leurs heures.",
    "Los vendedores se resisten a cargar las visitas.",
    # a limited source system
    "The booking system's API is limited to 500 calls per hour.",
    "Die API von unserem Lagersystem ist ziemlich schlecht, aber es gibt sie.",
    "L'API du logiciel de caisse est limitée et mal documentée.",
    "El ERP tiene una API bastante mala.",
    "The nightly export from the clinic system fails about once a week.",
    # a renewal that hangs on one result, in the four languages
    "Renewal will be decided on one figure: reagent write-offs.",
    "If that number has not come down by our March close, I will not recommend renewal.",
    "Notre décision de renouvellement dépendra d'un seul critère : la baisse des surestaries.",
    "La renovación dependerá de la tasa de rechazos de las aseguradoras.",
    "Die Verlängerung hängt davon ab, ob die Wasserverluste sinken.",
]

NOT_RISKS = [
    # a condition the tool must meet is a reason to buy
    "Si la app no funciona sin conexión, los técnicos no van a cargar nada.",
    # plain setup and plain pains
    "The data stays in the Frankfurt region, and we connect over a site-to-site VPN.",
    "Wir haben 14 Filialen und rund 300 Mitarbeitende.",
    "Nous changeons de fournisseur de caisse en mars.",
    "Cada mes perdemos dos días cruzando planillas.",
    "We renewed our Oracle licence last year and it runs until 2028.",
]


@pytest.mark.parametrize("text", RISKS)
def test_risk_shapes(text: str) -> None:
    assert "risks" in shape_sections(text)


@pytest.mark.parametrize("text", NOT_RISKS)
def test_not_risk_shapes(text: str) -> None:
    assert "risks" not in shape_sections(text)


def test_a_limited_source_is_not_a_setup_fact() -> None:
    assert setup_fact("Data lives in the Dublin region.")
    assert not setup_fact("Data lives in the Dublin region, with an API limited to 200 calls per minute.")
