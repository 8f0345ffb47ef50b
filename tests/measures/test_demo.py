from sqlalchemy import func, select

from app.demo.loader import load_demo
from app.extensions import db
from app.measures.models import Measure, MeasureIndicator, MeasureInput


def test_demo_measures(app, districts):
    load_demo()
    db.session.commit()
    titles = set(db.session.scalars(select(Measure.title)))
    assert {"Spielplatz in der Gera-Aue", "Neue Kita am Moskauer Platz"} <= titles
    assert len(titles) == 4
    assert db.session.scalar(select(func.count()).select_from(MeasureInput)) >= 3
    assert db.session.scalar(select(func.count()).select_from(MeasureIndicator)) >= 4
    load_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(Measure.id))) == 4
