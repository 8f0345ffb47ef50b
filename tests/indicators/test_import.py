"""Import with validation: every kind of problem, nothing written before confirmation,
re-import changes nothing, rollback restores the previous values."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.districts.models import District
from app.extensions import db
from app.indicators import catalogue, imports
from app.indicators.models import ImportBatch, Indicator, IndicatorValue

from .conftest import upload


def value_of(code: str, number: str, year: int) -> float | None:
    return db.session.scalar(
        select(IndicatorValue.value)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .join(District, District.id == IndicatorValue.district_id)
        .where(Indicator.code == code, District.number == number, IndicatorValue.year == year)
    )


def value_count() -> int:
    return db.session.scalar(select(func.count(IndicatorValue.id)))


def last_batch() -> ImportBatch:
    return db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))


def problems(batch: ImportBatch) -> list[tuple[int, str]]:
    return [(p["row"], p["kind"]) for p in batch.problems]


@pytest.fixture
def as_planner(demo, planner, login):
    login(planner)
    return planner


# 2025 is not in the demo series (2012-2024): values there are new.
GOOD_LONG = "district;indicator;year;value\n05;sgb2_rate;2025;27,4\nRieth;unemployment;2025;9,1\n"


def test_upload_shows_report_and_writes_nothing(client, as_planner):
    before = value_count()
    response = upload(client, GOOD_LONG)
    assert response.status_code == 302
    batch = last_batch()
    assert batch.status == "pending" and batch.layout == "long"
    assert batch.new_count == 2 and not batch.problems
    assert value_count() == before
    page = client.get(f"/indikatoren/import/{batch.id}").get_data(as_text=True)
    assert "New values: 2" in page or "Neue Werte: 2" in page


def test_confirm_writes_with_provenance(client, as_planner):
    upload(client, GOOD_LONG, source="Amt für Statistik")
    batch = last_batch()
    response = client.post(f"/indikatoren/import/{batch.id}/bestaetigen", data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert value_of("sgb2_rate", "05", 2025) == 27.4
    assert value_of("unemployment", "06", 2025) == 9.1
    stored = db.session.scalar(select(IndicatorValue).where(IndicatorValue.year == 2025))
    assert stored.batch_id == batch.id
    batch = db.session.get(ImportBatch, batch.id)
    assert batch.status == "applied" and batch.created_by_id == as_planner.id
    assert batch.stated_source == "Amt für Statistik" and batch.filename == "figures.csv"
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "indicators.import_applied")
    )
    # The provenance is shown with the figure and given by the API.
    page = client.get("/ortsteile/05/zahlen").get_data(as_text=True)
    assert f"Import Nr. {batch.id}" in page and "Amt für Statistik" in page
    values = client.get("/api/v1/indicators/sgb2_rate?year=2025").get_json()["values"]
    assert {v["district"]: v["import"] for v in values}["05"] == batch.id


@pytest.mark.parametrize(
    "row,kind",
    [
        ("99;sgb2_rate;2025;5", "unknown_district"),
        ("Atlantis;sgb2_rate;2025;5", "unknown_district"),
        ("rieth;sgb2_rate;2025;5", "unknown_district"),  # names must be exact
        ("05;no_such_code;2025;5", "unknown_indicator"),
        ("05;sgb2_rate;2025;viel", "not_a_number"),
        ("05;sgb2_rate;2025;", "missing_value"),
        ("05;sgb2_rate;2025;100,5", "out_of_range"),
        ("05;sgb2_rate;2025;-1", "out_of_range"),
        ("05;inhabitants;2025;-3", "out_of_range"),
        ("05;sgb2_rate;20x5;5", "bad_year"),
        # Only ASCII digits: "²" passes str.isdigit() but not int(); "١٢" passes both.
        ("0²;sgb2_rate;2025;5", "unknown_district"),
        ("١٢;sgb2_rate;2025;5", "unknown_district"),
        ("05;sgb2_rate;202²;5", "bad_year"),
        ("05;sgb2_rate;٢٠٢٥;5", "bad_year"),
        ("05;sgb2_rate;99999999999;5", "bad_year"),
    ],
)
def test_each_kind_of_problem_is_reported_with_its_row(client, as_planner, row, kind):
    before = value_count()
    upload(client, "district;indicator;year;value\n05;unemployment;2025;9\n" + row + "\n")
    batch = last_batch()
    assert problems(batch) == [(3, kind)]
    assert batch.new_count == 1
    page = client.get(f"/indikatoren/import/{batch.id}")
    assert page.status_code == 200
    # Without explicit consent nothing is written.
    response = client.post(f"/indikatoren/import/{batch.id}/bestaetigen", data={})
    assert response.status_code == 400
    assert value_count() == before
    assert db.session.get(ImportBatch, batch.id).status == "pending"


def test_duplicate_row(client, as_planner):
    upload(client, GOOD_LONG + "05;sgb2_rate;2025;27,4\n")
    batch = last_batch()
    assert problems(batch) == [(4, "duplicate")]
    assert batch.problems[0]["detail"] == "2"


def test_report_as_csv(client, as_planner):
    upload(client, GOOD_LONG + "05;sgb2_rate;2025;27,4\n99;sgb2_rate;2025;1\n")
    batch = last_batch()
    text = client.get(f"/indikatoren/import/{batch.id}/bericht.csv").get_data(as_text=True)
    lines = text.strip().splitlines()
    assert lines[0].lstrip("\ufeff") == "kind,row,text"
    assert [line.split(",")[:2] for line in lines[1:]] == [["problem", "4"], ["problem", "5"]]
    assert "<" not in text


@pytest.mark.committing  # the first confirmation comes from another connection
def test_a_second_confirmation_of_the_same_upload_is_refused(client, as_planner):
    """Two confirmations at the same time: the second finds the batch claimed, even though
    the object it loaded still says "pending"."""
    from sqlalchemy import update as sql_update

    upload(client, GOOD_LONG)
    batch = last_batch()
    assert batch.status == "pending"
    with db.engine.begin() as other:  # the first confirmation, in another connection
        other.execute(
            sql_update(ImportBatch).where(ImportBatch.id == batch.id).values(status="applied")
        )
    with pytest.raises(catalogue.IndicatorError):
        imports.apply_batch(as_planner, batch)
    db.session.rollback()


def test_value_differing_from_stored_needs_confirmation(client, as_planner):
    stored = value_of("sgb2_rate", "05", 2024)
    upload(client, f"district,indicator,year,value\n05,sgb2_rate,2024,{stored + 1}\n")
    batch = last_batch()
    assert problems(batch) == [(2, "changed")]
    assert batch.changed_count == 1
    assert client.post(f"/indikatoren/import/{batch.id}/bestaetigen").status_code == 400
    assert value_of("sgb2_rate", "05", 2024) == stored
    response = client.post(f"/indikatoren/import/{batch.id}/bestaetigen", data={"overwrite": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert value_of("sgb2_rate", "05", 2024) == pytest.approx(stored + 1)


def test_skip_invalid_rows_writes_only_valid_ones(client, as_planner):
    upload(client, GOOD_LONG + "99;sgb2_rate;2025;5\n")
    batch = last_batch()
    response = client.post(
        f"/indikatoren/import/{batch.id}/bestaetigen", data={"skip_invalid": "y"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch.id)
    assert (batch.status, batch.new_count, batch.skipped_count) == ("applied", 2, 1)
    assert value_of("sgb2_rate", "05", 2025) == 27.4


def test_reimport_of_the_same_file_changes_nothing(client, as_planner):
    upload(client, GOOD_LONG)
    client.post(f"/indikatoren/import/{last_batch().id}/bestaetigen")
    count = value_count()
    first = db.session.scalar(select(IndicatorValue).where(IndicatorValue.year == 2025))
    first_batch, first_updated = first.batch_id, first.updated_at
    upload(client, GOOD_LONG)
    batch = last_batch()
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (0, 0, 2)
    assert not batch.problems
    assert client.post(f"/indikatoren/import/{batch.id}/bestaetigen").status_code == 302
    db.session.expire_all()
    assert value_count() == count
    again = db.session.get(IndicatorValue, first.id)
    assert (again.batch_id, again.updated_at) == (first_batch, first_updated)


def test_rollback_restores_previous_values(client, as_planner):
    old = value_of("sgb2_rate", "05", 2024)
    count = value_count()
    upload(
        client, f"district;indicator;year;value\n05;sgb2_rate;2024;{old + 2}\n05;sgb2_rate;2025;3\n"
    )
    batch_id = last_batch().id
    client.post(f"/indikatoren/import/{batch_id}/bestaetigen", data={"overwrite": "y"})
    db.session.expire_all()
    assert value_count() == count + 1
    response = client.post(f"/indikatoren/importe/{batch_id}/zuruecknehmen")
    assert response.status_code == 303
    db.session.expire_all()
    assert value_of("sgb2_rate", "05", 2024) == old
    assert value_of("sgb2_rate", "05", 2025) is None
    assert value_count() == count
    restored = db.session.scalar(
        select(IndicatorValue).where(IndicatorValue.year == 2024, IndicatorValue.value == old)
    )
    assert db.session.get(ImportBatch, restored.batch_id).layout == "demo"
    assert db.session.get(ImportBatch, batch_id).status == "rolled_back"
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "indicators.import_rolled_back")
    )
    # A second rollback is refused.
    client.post(f"/indikatoren/importe/{batch_id}/zuruecknehmen")
    assert value_count() == count


def test_rollback_refused_while_a_later_import_changed_the_values(client, as_planner):
    upload(client, "district;indicator;year;value\n05;sgb2_rate;2025;3\n")
    first = last_batch().id
    client.post(f"/indikatoren/import/{first}/bestaetigen")
    upload(client, "district;indicator;year;value\n05;sgb2_rate;2025;4\n")
    second = last_batch().id
    client.post(f"/indikatoren/import/{second}/bestaetigen", data={"overwrite": "y"})
    client.post(f"/indikatoren/importe/{first}/zuruecknehmen")
    db.session.expire_all()
    assert db.session.get(ImportBatch, first).status == "applied"
    assert value_of("sgb2_rate", "05", 2025) == 4
    client.post(f"/indikatoren/importe/{second}/zuruecknehmen")
    db.session.expire_all()
    assert value_of("sgb2_rate", "05", 2025) == 3
    client.post(f"/indikatoren/importe/{first}/zuruecknehmen")
    db.session.expire_all()
    assert value_of("sgb2_rate", "05", 2025) is None


def test_wide_form_with_bom_and_numbers_or_names(client, as_planner):
    text = (
        "\ufeffOrtsteil,Jahr,inhabitants,sgb2_rate,name\n"
        "1,2025,17950,8.2,Altstadt\n"
        "Rieth,2025,,12.5,\n"
    )
    upload(client, text)
    batch = last_batch()
    assert batch.layout == "wide" and not batch.problems
    assert batch.new_count == 3  # the empty inhabitants cell of Rieth is simply absent
    client.post(f"/indikatoren/import/{batch.id}/bestaetigen")
    db.session.expire_all()
    assert value_of("inhabitants", "01", 2025) == 17950
    assert value_of("sgb2_rate", "06", 2025) == 12.5


def test_wide_form_unknown_column_is_a_problem_in_row_one(client, as_planner):
    upload(client, "district;year;sgb2_rate;happiness\n05;2025;20;7\n")
    assert problems(last_batch()) == [(1, "unknown_indicator")]


def test_numerator_and_denominator_are_stored(client, as_planner):
    upload(
        client,
        "district;indicator;year;value;numerator;denominator\n05;sgb2_rate;2025;25;1000;4000\n",
    )
    client.post(f"/indikatoren/import/{last_batch().id}/bestaetigen")
    stored = db.session.scalar(select(IndicatorValue).where(IndicatorValue.year == 2025))
    assert (stored.numerator, stored.denominator) == (1000, 4000)
    page = client.get("/indikatoren/karte?indicator=sgb2_rate&year=2025").get_data(as_text=True)
    assert "Nenner" in page and "4.000" in page
    text = client.get("/indikatoren/karte.csv?indicator=sgb2_rate&year=2025").get_data(as_text=True)
    assert "1000.0,4000.0" in text


def test_xlsx_first_sheet(client, as_planner):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["district", "indicator", "year", "value"])
    sheet.append([5, "sgb2_rate", 2025, 26.5])
    sheet.append(["Rieth", "sgb2_rate", 2025, "x y"])
    workbook.create_sheet("other").append(["ignored"])
    data = io.BytesIO()
    workbook.save(data)
    upload(client, data.getvalue(), filename="zahlen.xlsx")
    batch = last_batch()
    assert batch.new_count == 1 and problems(batch) == [(3, "not_a_number")]


@pytest.mark.parametrize(
    "content,filename,message",
    [
        (b"%PDF-1.4", "figures.pdf", "CSV"),
        (b"\xff\xfe\x00d\x00i", "figures.csv", "UTF-8"),
        (b"PK\x03\x04broken", "figures.xlsx", "Excel"),
        (b"a;b\n1;2\n", "figures.csv", "district"),
        (b"", "figures.csv", "empty"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(
    client, as_planner, content, filename, message
):
    client.get("/")  # English messages: set the language on the session
    client.post("/sprache", data={"lang": "en", "next": "/"})
    response = upload(client, content, filename=filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ImportBatch.id))) == 1  # the demo batch only


def test_too_large_file_refused(client, as_planner, app):
    app.config["INDICATOR_IMPORT_MAX_BYTES"] = 100
    response = upload(client, GOOD_LONG * 10)
    assert response.status_code == 400


def test_missing_file_or_source_keeps_the_form(client, as_planner):
    response = client.post(
        "/indikatoren/import", data={"source": "Amt"}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert 'value="Amt"' in response.get_data(as_text=True)


def test_discard(client, as_planner):
    upload(client, GOOD_LONG)
    batch_id = last_batch().id
    assert client.post(f"/indikatoren/import/{batch_id}/verwerfen").status_code == 302
    assert db.session.get(ImportBatch, batch_id).status == "discarded"
    assert client.post(f"/indikatoren/import/{batch_id}/bestaetigen").status_code == 400


def test_confirm_uses_the_stored_rows_not_posted_data(client, as_planner):
    upload(client, GOOD_LONG)
    batch_id = last_batch().id
    client.post(
        f"/indikatoren/import/{batch_id}/bestaetigen",
        data={"rows": '[[2, "05", "sgb2_rate", 2025, 99, null, null, "new"]]'},
    )
    assert value_of("sgb2_rate", "05", 2025) == 27.4


def test_batches_page_lists_imports(client, as_planner):
    upload(client, GOOD_LONG)
    page = client.get("/indikatoren/importe")
    assert page.status_code == 200
    assert "figures.csv" in page.get_data(as_text=True)


def test_the_demo_import_can_be_rolled_back_as_a_whole(client, as_planner):
    demo_batch = db.session.scalar(select(ImportBatch).where(ImportBatch.layout == "demo"))
    assert value_count() == 53 * 13 * 8
    response = client.post(f"/indikatoren/importe/{demo_batch.id}/zuruecknehmen")
    assert response.status_code == 303
    assert value_count() == 0


def test_batches_page_needs_no_query_per_batch(client, as_planner, create_user, count_queries):
    def add_batches(n: int) -> None:
        for _ in range(n):
            imports.create_pending_batch(create_user("planner"), "f.csv", GOOD_LONG.encode(), "x")
        db.session.commit()

    add_batches(2)
    client.get("/indikatoren/importe")
    with count_queries() as few:
        client.get("/indikatoren/importe")
    add_batches(4)
    with count_queries() as more:
        client.get("/indikatoren/importe")
    assert more.count == few.count
