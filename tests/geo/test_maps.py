"""The office map: valid SVG, a title, one numbered marker per office, every text escaped."""

import xml.etree.ElementTree as ET

from loket.geo.maps import MapPoint, context_points, office_map_svg

SVG = "{http://www.w3.org/2000/svg}"
GENT = (51.05, 3.72)


def test_one_marker_per_office_and_a_title(sessions):
    offices = [
        MapPoint("OCMW Gent", 51.054, 3.722),
        MapPoint("OCMW Destelbergen", 51.06, 3.80),
        MapPoint("OCMW Sint-Martens-Latem", 51.02, 3.63),
    ]
    with sessions() as session:
        context = context_points(session, [GENT] + [(p.latitude, p.longitude) for p in offices])
    svg = office_map_svg(offices, GENT, title="Offices near 9000", context=context)
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    labelled = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == labelled[0]
    assert root.find(f"{SVG}title").text == "Offices near 9000"
    markers = root.findall(f"{SVG}g[@class='office']")
    assert [m.find(f"{SVG}text").text for m in markers] == ["1", "2", "3"]
    assert len(context) >= 3
    assert len(root.findall(f"{SVG}g/{SVG}circle[@r='2']")) == len(context)
    assert "style=" not in svg and "<script" not in svg
    assert len(svg.encode()) < 15_000


def test_script_like_names_are_escaped():
    svg = office_map_svg(
        [MapPoint("<script>alert(1)</script> & Co", 51.0, 3.7)],
        GENT,
        title='"><script>x</script>',
        here_label="<b>",
    )
    root = ET.fromstring(svg)
    assert "<script" not in svg
    assert root.find(f"{SVG}g/{SVG}title").text == "1. <script>alert(1)</script> & Co"


def test_a_map_without_here_still_parses():
    ET.fromstring(office_map_svg([], None))
