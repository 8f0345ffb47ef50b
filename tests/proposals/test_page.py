import io

import pytest
from PIL import Image
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal, Support
from tests.workflow.helpers import put_status

from .conftest import ALTSTADT, form_data


def test_page_shows_the_proposal(client, citizen, make_proposal):
    proposal = make_proposal(citizen, description="Siehe https://example.org/plan.")
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "Mehr Bänke am Anger" in page
    assert citizen.public_name in page
    assert "Noch keine amtliche Antwort" in page
    assert 'data-mode="show"' in page
    assert (
        '<a href="https://example.org/plan" rel="nofollow noopener ugc">https://example.org/plan</a>.'
        in page
    )
    assert f"/vorschlaege/{proposal.id}" in page  # share link


def test_deleted_author(client, make_proposal):
    proposal = make_proposal(None)
    assert "Gelöschte Person" in client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)


def test_xss_is_escaped(client, citizen, make_proposal):
    proposal = make_proposal(
        citizen,
        title="<script>alert(1)</script>",
        description='<script>alert(2)</script> javascript:alert(3) <a href="javascript:x">y</a>',
    )
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert 'href="javascript' not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_unknown_proposal_is_404(client, districts):
    assert client.get("/vorschlaege/999").status_code == 404
    assert client.get("/vorschlaege/999/foto").status_code == 404


def test_supports_toggle_and_count(client, login, create_user, citizen, make_proposal):
    proposal = make_proposal(citizen)
    other = create_user()
    login(other)
    url = f"/vorschlaege/{proposal.id}"
    assert client.post(f"{url}/unterstuetzen").status_code == 302
    assert client.post(f"{url}/unterstuetzen").status_code == 302  # idempotent
    assert services.support_count(proposal.id) == 1
    assert "1 Person unterstützt diesen Vorschlag." in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/unterstuetzung-zurueckziehen").status_code == 302
    assert services.support_count(proposal.id) == 0


def test_author_cannot_support_own(client, login, citizen, make_proposal):
    proposal = make_proposal(citizen)
    login(citizen)
    assert client.post(f"/vorschlaege/{proposal.id}/unterstuetzen").status_code == 403


def test_withdrawn_cannot_be_supported(client, login, create_user, citizen, make_proposal):
    proposal = make_proposal(citizen)
    services.withdraw(citizen, proposal)
    db.session.commit()
    login(create_user())
    assert client.post(f"/vorschlaege/{proposal.id}/unterstuetzen").status_code == 403


def test_anonymous_support_goes_to_login(client, citizen, make_proposal):
    proposal = make_proposal(citizen)
    assert client.post(f"/vorschlaege/{proposal.id}/unterstuetzen").status_code == 302
    assert services.support_count(proposal.id) == 0


def test_duplicate_support_row_is_treated_as_supported(
    app, create_user, citizen, make_proposal, monkeypatch
):
    proposal = make_proposal(citizen)
    other = create_user()
    db.session.add(Support(user_id=other.id, proposal_id=proposal.id))
    db.session.flush()
    # as if the check had not seen the concurrent row
    monkeypatch.setattr(services, "has_supported", lambda user, pid: False)
    assert services.support(other, proposal) is False
    db.session.commit()
    assert services.support_count(proposal.id) == 1


def test_withdraw(client, login, citizen, make_proposal):
    proposal = make_proposal(citizen)
    login(citizen)
    assert client.post(f"/vorschlaege/{proposal.id}/zurueckziehen").status_code == 302
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.is_withdrawn and proposal.status == "new"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "proposal.withdrawn"))
    assert entry.district_id == proposal.district_id
    assert client.post(f"/vorschlaege/{proposal.id}/zurueckziehen").status_code == 403
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "zurückgezogen" in page


def test_only_author_withdraws(client, login, create_user, citizen, make_proposal):
    proposal = make_proposal(citizen)
    login(create_user())
    assert client.post(f"/vorschlaege/{proposal.id}/zurueckziehen").status_code == 403


def test_edit_until_first_support(client, login, create_user, citizen, make_proposal):
    proposal = make_proposal(citizen)
    login(citizen)
    url = f"/vorschlaege/{proposal.id}/bearbeiten"
    assert client.get(url).status_code == 200
    response = client.post(url, data=form_data(title="Geänderter Titel"))
    assert response.status_code == 302
    assert db.session.get(Proposal, proposal.id).title == "Geänderter Titel"
    services.support(create_user(), db.session.get(Proposal, proposal.id))
    db.session.commit()
    assert client.get(url).status_code == 403


def test_edit_locked_after_status_change(client, login, citizen, make_proposal):
    proposal = make_proposal(citizen)
    put_status("proposal", proposal, "in_review")
    db.session.commit()
    login(citizen)
    assert client.get(f"/vorschlaege/{proposal.id}/bearbeiten").status_code == 403


def test_query_count_does_not_grow_with_supports(
    client, create_user, citizen, make_proposal, count_queries
):
    proposal = make_proposal(citizen)
    client.get(f"/vorschlaege/{proposal.id}")
    with count_queries() as few:
        client.get(f"/vorschlaege/{proposal.id}")
    for _ in range(5):
        services.support(create_user(), proposal)
    db.session.commit()
    with count_queries() as many:
        client.get(f"/vorschlaege/{proposal.id}")
    assert many.count == few.count


def test_district_page_lists_proposals(client, citizen, make_proposal, districts):
    make_proposal(citizen, title="Spielplatz sanieren")
    page = client.get("/ortsteile/01").get_data(as_text=True)
    assert "Spielplatz sanieren" in page


# --- duplicate hint ------------------------------------------------------------------------


def test_duplicate_hint(client, login, create_user, citizen, make_proposal):
    existing = make_proposal(citizen, title="Neue Sitzbänke am Anger")
    login(create_user())
    response = client.post("/vorschlaege/neu", data=form_data(title="Mehr Sitzbänke am Anger"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ähnliche Vorschläge in der Nähe" in page
    assert f"/vorschlaege/{existing.id}/unterstuetzen" in page
    assert "Trotzdem einreichen" in page
    assert db.session.scalar(select(db.func.count(Proposal.id))) == 1
    response = client.post(
        "/vorschlaege/neu", data=form_data(title="Mehr Sitzbänke am Anger", confirm="1")
    )
    assert response.status_code == 302
    assert db.session.scalar(select(db.func.count(Proposal.id))) == 2


def test_no_hint_for_far_or_different(citizen, make_proposal):
    make_proposal(citizen, title="Neue Sitzbänke am Anger")
    assert services.similar_proposals("Radweg reparieren", *ALTSTADT) == []
    assert services.similar_proposals("Neue Sitzbänke am Anger", 50.9455, 11.0660) == []
    assert len(services.similar_proposals("neue sitzbänke am anger!", *ALTSTADT)) == 1


# --- photos --------------------------------------------------------------------------------


def _jpeg_with_gps(size=(3000, 1000)):
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Kamera"
    exif[0x8825] = {1: "N", 2: (50.0, 58.0, 42.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    out.seek(0)
    return out


@pytest.fixture
def signed_in(client, login, citizen):
    login(citizen)
    return citizen


def test_photo_is_cleaned(client, signed_in, districts, categories):
    data = form_data()
    data["photo"] = (_jpeg_with_gps(), "bild.jpg")
    response = client.post("/vorschlaege/neu", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    served = client.get(f"/vorschlaege/{proposal.id}/foto")
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(served.data))
    assert not image.getexif()
    assert max(image.size) <= 2048
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "Foto zum Vorschlag" in page


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"GIF89a" + b"\0" * 100, "Bitte laden Sie ein Foto im Format JPEG, PNG oder WebP hoch."),
        (b"not an image at all", "konnte nicht als Foto gelesen werden"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 50, "konnte nicht als Foto gelesen werden"),
        (b"x" * (8 * 1024 * 1024 + 1), "größer als 8 MB"),
    ],
)
def test_bad_photos(client, signed_in, districts, categories, payload, message):
    data = form_data(title="Mein Fototitel")
    data["photo"] = (io.BytesIO(payload), "bild.jpg")
    response = client.post("/vorschlaege/neu", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Mein Fototitel"' in page
    assert db.session.scalar(select(Proposal)) is None


def test_gif_refused(client, signed_in, districts, categories):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    out.seek(0)
    data = form_data()
    data["photo"] = (out, "bild.gif")
    response = client.post("/vorschlaege/neu", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "JPEG, PNG oder WebP" in response.get_data(as_text=True)


def test_decompression_bomb_refused(client, signed_in, districts, categories, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    out = io.BytesIO()
    Image.new("RGB", (100, 100)).save(out, "PNG")
    out.seek(0)
    data = form_data()
    data["photo"] = (out, "bild.png")
    response = client.post("/vorschlaege/neu", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "zu viele Pixel" in response.get_data(as_text=True)


def test_edit_locked_after_first_comment(client, login, create_user, citizen, make_proposal):
    comments = pytest.importorskip("app.comments.services")
    proposal = make_proposal(citizen)
    comments.add_comment(create_user(), "proposal", proposal.id, "Gute Idee!")
    db.session.commit()
    login(citizen)
    assert client.get(f"/vorschlaege/{proposal.id}/bearbeiten").status_code == 403


def test_proposal_is_a_comment_target(client, login, create_user, citizen, make_proposal):
    pytest.importorskip("app.comments.targets")
    proposal = make_proposal(citizen)
    login(create_user())
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "Kommentare" in page


def test_photo_can_be_replaced_while_editing(client, signed_in, districts, categories):
    data = form_data()
    data["photo"] = (_jpeg_with_gps(), "bild.jpg")
    client.post("/vorschlaege/neu", data=data, content_type="multipart/form-data")
    proposal = db.session.scalar(select(Proposal))
    first = proposal.photo
    from app.proposals import photos

    assert photos.path_for(first) is not None
    data = form_data(title="Mit neuem Foto")
    data["photo"] = (_jpeg_with_gps(size=(800, 600)), "neu.jpg")
    response = client.post(
        f"/vorschlaege/{proposal.id}/bearbeiten", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.photo and proposal.photo != first
    image = Image.open(io.BytesIO(client.get(f"/vorschlaege/{proposal.id}/foto").data))
    assert image.size == (800, 600) and not image.getexif()
    assert photos.path_for(first) is None, "the replaced file is removed"
