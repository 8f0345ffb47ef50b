from sqlalchemy import select

from app.extensions import db
from app.proposals import services
from app.proposals.models import CATEGORIES, Category


def test_load_categories_is_idempotent(empty_database, app):
    assert services.load_categories() == len(CATEGORIES) == 11
    assert services.load_categories() == 0
    assert len(db.session.scalars(select(Category)).all()) == 11


def test_category_colours_contrast_on_white(categories):
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for category in categories.values():
        assert 1.05 / (luminance(category.colour) + 0.05) >= 4.5, category.slug


def test_a_list_of_proposals_leaves_the_district_shapes_unloaded(
    client, citizen, make_proposal, count_queries
):
    """The district is eager-loaded with every proposal, its shapes (~11.6 KB a row) not."""
    from app.proposals.models import Proposal

    for title in ("Mehr Bänke am Anger", "Ein Brunnen am Domplatz", "Radweg zur Krämerbrücke"):
        make_proposal(citizen, title=title)
    db.session.expunge_all()
    with count_queries() as counter:
        proposals = list(db.session.scalars(select(Proposal)).unique())
        names = {p.district.name for p in proposals}
    assert len(proposals) == 3 and names == {"Altstadt"}
    assert counter.count <= 2, counter.statements  # with the authors' roles
    assert not [s for s in counter.statements if "geometry" in s]
    # The place sketch on the proposal page selects the district's simplified outline
    # explicitly, once per process and district (cached): the first view may read it.
    with count_queries() as counter:
        assert client.get(f"/vorschlaege/{proposals[0].id}").status_code == 200
    outline_reads = [s for s in counter.statements if "geometry" in s]
    assert all(s.startswith("SELECT districts.geometry_simplified") for s in outline_reads)
    with count_queries() as counter:
        assert client.get(f"/vorschlaege/{proposals[0].id}").status_code == 200
        assert client.get("/ortsteile/01").status_code == 200
    assert counter.statements and not [s for s in counter.statements if "geometry" in s]
