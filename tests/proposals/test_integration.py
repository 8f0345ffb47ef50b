from app.extensions import db
from app.indicators.registry import get_input_type
from app.proposals import services


def test_input_type_for_the_indicators(app, citizen, make_proposal, districts):
    kept = make_proposal(citizen, title="Spielplatz erneuern")
    gone = make_proposal(citizen, title="Zurückgezogen")
    services.withdraw(citizen, gone)
    db.session.commit()
    input_type = get_input_type("proposal")
    assert input_type is not None
    district_id = districts["01"].id
    assert input_type.counter(None) == {district_id: 1}
    assert input_type.lister(district_id) == [(kept.id, "Spielplatz erneuern")]
    with app.test_request_context():
        loaded = input_type.bulk_loader([kept.id, gone.id])
        assert loaded == {kept.id: ("Spielplatz erneuern", f"/vorschlaege/{kept.id}", district_id)}
        assert input_type.loader(gone.id) is None
