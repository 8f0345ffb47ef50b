"""Demo content: offers, neighbours and reports; some summary cells pass the threshold."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from app.barriers import services
from app.barriers.models import AffectedBarrier, AffectedPerson, BarrierReport, Offer, OfferType
from app.demo.loader import load_demo
from app.extensions import db


def test_demo_loads_once_and_fills_the_summary(app, districts, runner):
    load_demo()
    db.session.commit()
    offers = db.session.scalar(select(func.count(Offer.id)).where(Offer.is_demo.is_(True)))
    reports = db.session.scalar(select(func.count(BarrierReport.id)))
    assert 15 <= offers <= 25 and reports > 20
    load_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(BarrierReport.id))) == reports
    with app.test_request_context():
        summary = services.summary()
    shown = {
        (row["offer_id"], code): n
        for row in summary["by_offer"]
        for code, n in row["cells"].items()
    }
    # All cells, without the threshold: some pass it, some stay below and are not shown.
    raw = db.session.execute(
        select(BarrierReport.offer_id, AffectedBarrier.barrier_type, func.count())
        .select_from(AffectedBarrier)
        .join(AffectedPerson, AffectedBarrier.affected_id == AffectedPerson.id)
        .join(BarrierReport, AffectedPerson.report_id == BarrierReport.id)
        .where(BarrierReport.offer_id.is_not(None))
        .group_by(BarrierReport.offer_id, AffectedBarrier.barrier_type)
    ).all()
    assert shown == {(offer, code): n for offer, code, n in raw if n >= 5}
    assert len(shown) >= 2
    assert any(0 < n < 5 for _offer, _code, n in raw)


def test_demo_refused_in_production(app, districts, runner):
    app.config["DEMO_CONTENT_ALLOWED"] = False
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(Offer.id))) == 0


def test_cli_setup_and_import(app, districts, runner, tmp_path):
    db.session.execute(delete(OfferType))  # the session's reference data has them already
    db.session.commit()
    assert "offer types: 8 created" in runner.invoke(args=["barriers", "setup"]).output
    path = tmp_path / "offers.csv"
    path.write_text(
        "name,type,address,lat,lon,provider\nHaus,library,Weg,50.9785,11.0265,X\n,library,,1,2,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["barriers", "import-offers", str(path)])
    assert "line 3" in result.output and "1 rows valid" in result.output
    result = runner.invoke(args=["barriers", "import-offers", str(path), "--write"])
    assert "1 offers imported" in result.output
    assert db.session.scalar(select(func.count(Offer.id))) == 1
