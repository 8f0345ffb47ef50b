"""Importing measures (CLI and back-office upload) and ``flask indicators import``: every
problem with its row number, nothing written on errors, a re-import changes nothing."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from app.extensions import db
from app.indicators.models import IndicatorValue
from app.measures.models import Measure, MeasureHistory, MeasureInput
from app.workflow import services as workflow

from .conftest import ADMIN_LIST

HEADER = (
    "external_id;title;description;office;districts;status;progress;start;end;"
    "budget_planned;budget_spent;target_indicators;linked_inputs"
)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def write(tmp_path, *rows, name="measures.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def good_rows(proposal_id: int) -> list[str]:
    return [
        "M-1;Spielplatz Gera-Aue;Neu;social-planning;23;planned;;2027-01-01;2027-12-31;"
        f"150000;0;sgb2_rate:down;proposal:{proposal_id}",
        "M-2;Kita Moskauer Platz;;Sozialplanung;23, 24;In Umsetzung;60;;;;;;",
    ]


def test_cli_import_creates_then_a_reimport_changes_nothing(
    runner, tmp_path, indicators, proposal_factory, people
):
    proposal = proposal_factory(people["author"])
    path = write(tmp_path, *good_rows(proposal.id))
    result = runner.invoke(args=["measures", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "created: 2" in result.output
    first = db.session.scalar(select(Measure).where(Measure.external_id == "M-1"))
    assert first.progress == 10 and first.budget_planned == 150000
    second = db.session.scalar(select(Measure).where(Measure.external_id == "M-2"))
    assert second.progress == 60 and second.status.key == "in_implementation"
    assert workflow.item_for("proposal", proposal.id).status.key == "merged_into_measure"
    before = (count(Measure), count(MeasureHistory), count(MeasureInput))
    again = runner.invoke(args=["measures", "import", str(path)])
    assert again.exit_code == 0, again.output
    assert "unchanged: 2" in again.output
    assert (count(Measure), count(MeasureHistory), count(MeasureInput)) == before
    changed = write(
        tmp_path, good_rows(proposal.id)[0].replace(";planned;;", ";decided;;"), name="b.csv"
    )
    result = runner.invoke(args=["measures", "import", str(changed)])
    assert "updated: 1" in result.output
    db.session.refresh(first)
    assert first.progress == 25


def test_cli_dry_run_writes_nothing(runner, tmp_path, indicators, proposal_factory, people):
    proposal = proposal_factory(people["author"])
    path = write(tmp_path, *good_rows(proposal.id))
    result = runner.invoke(args=["measures", "import", str(path), "--dry-run"])
    assert result.exit_code == 0
    assert "nothing was written" in result.output
    assert count(Measure) == 0


def test_every_problem_is_reported_with_its_row_and_nothing_is_written(
    runner, tmp_path, indicators, proposal_factory, people
):
    proposal = proposal_factory(people["author"])
    path = write(
        tmp_path,
        good_rows(proposal.id)[0],  # fine, but the file has errors: not written either
        "M-3;A;;nowhere;23;planned;;;;;;;",
        "M-4;B;;social-planning;99;planned;;;;;;;",
        "M-5;C;;social-planning;23;planned;;;;;;nothing:up;",
        "M-6;D;;social-planning;23;planned;150;;;;;;",
        "M-7;E;;social-planning;23;planned;;2027-05-01;2027-04-01;;;;",
        f"M-8;F;;social-planning;23;planned;;;;;;;proposal:{proposal.id}, proposal:{proposal.id}",
        "M-9;G;;social-planning;23;planned;;;;;;;proposal:999999",
        "M-1;H;;social-planning;23;planned;;;;;;;",
        "M-10;I;;social-planning;23;vielleicht;;;;;;;",
    )
    result = runner.invoke(args=["measures", "import", str(path)])
    assert result.exit_code == 1
    out = result.output
    for expected in (
        "row 3, office: Unbekanntes Amt",
        "row 4, districts: Unbekannter Ortsteil",
        "row 5, target_indicators: Unbekannter Indikator-Code",
        "row 6, progress: Der Fortschritt muss zwischen 0 und 100",
        "row 7, end: Das Ende darf nicht vor dem Beginn",
        "row 8, linked_inputs: Ein Beitrag ist doppelt",
        "row 9, linked_inputs: Den Beitrag proposal:999999 gibt es nicht",
        "row 10, external_id: Die externe Kennung steht bereits in Zeile 2",
        "row 11, status: Unbekannter Status",
    ):
        assert expected in out, (expected, out)
    assert count(Measure) == 0 and count(MeasureHistory) == 0


def test_a_linked_input_twice_in_the_database_is_no_problem_on_reimport(
    runner, tmp_path, indicators, proposal_factory, people
):
    proposal = proposal_factory(people["author"])
    path = write(tmp_path, good_rows(proposal.id)[0])
    assert runner.invoke(args=["measures", "import", str(path)]).exit_code == 0
    assert runner.invoke(args=["measures", "import", str(path)]).exit_code == 0
    assert count(MeasureInput) == 1


def test_the_file_must_have_exactly_the_columns(runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("external_id;title;colour\nM-1;A;red\n", encoding="utf-8")
    result = runner.invoke(args=["measures", "import", str(path)])
    assert result.exit_code == 1
    assert "Fehlende Spalten" in result.output and "Unbekannte Spalten: colour" in result.output


def test_the_upload_in_the_back_office_with_xlsx(client, login, planner, indicators):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        [
            "M-1",
            "Kita",
            "",
            "social-planning",
            "23",
            "decided",
            None,
            None,
            None,
            1000,
            None,
            "",
            "",
        ]
    )
    sheet.append(
        [
            "M-2",
            "Bibliothek",
            "",
            "social-planning",
            "99",
            "decided",
            150,
            None,
            None,
            None,
            None,
            "",
            "",
        ]
    )
    data = io.BytesIO()
    workbook.save(data)
    login(planner)
    response = client.post(
        ADMIN_LIST + "import",
        data={"file": (io.BytesIO(data.getvalue()), "m.xlsx")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Unbekannter Ortsteil" in html and "zwischen 0 und 100" in html
    assert count(Measure) == 0
    sheet.delete_rows(3)
    data = io.BytesIO()
    workbook.save(data)
    response = client.post(
        ADMIN_LIST + "import",
        data={"file": (io.BytesIO(data.getvalue()), "m.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert db.session.scalar(select(Measure.progress).where(Measure.external_id == "M-1")) == 25


def test_a_planner_cannot_import_into_another_office(client, login, other_planner, indicators):
    login(other_planner)
    content = HEADER + "\nM-1;Kita;;social-planning;23;decided;;;;;;;\n"
    response = client.post(
        ADMIN_LIST + "import",
        data={"file": (io.BytesIO(content.encode()), "m.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "eigenen Amts" in response.get_data(as_text=True)
    assert count(Measure) == 0


# --- flask indicators import --------------------------------------------------------------------


def test_indicator_import_cli(runner, tmp_path, indicators):
    good = tmp_path / "values.csv"
    good.write_text(
        "district;indicator;year;value\n23;sgb2_rate;2022;24.5\n05;sgb2_rate;2022;6.0\n",
        encoding="utf-8",
    )
    stored = count(IndicatorValue)
    checked = runner.invoke(args=["indicators", "import", str(good)])
    assert checked.exit_code == 0, checked.output
    assert "new: 2" in checked.output and count(IndicatorValue) == stored
    written = runner.invoke(args=["indicators", "import", str(good), "--confirm"])
    assert written.exit_code == 0, written.output
    assert count(IndicatorValue) == stored + 2
    again = runner.invoke(args=["indicators", "import", str(good), "--confirm"])
    assert "unchanged: 2" in again.output and count(IndicatorValue) == stored + 2
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "district;indicator;year;value\n99;sgb2_rate;2022;1\n23;sgb2_rate;2023;viel\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["indicators", "import", str(bad), "--confirm"])
    assert result.exit_code == 1
    assert "row 2" in result.output and "row 3" in result.output
    assert count(IndicatorValue) == stored + 2
    differs = tmp_path / "differs.csv"
    differs.write_text("district;indicator;year;value\n23;sgb2_rate;2022;30\n", encoding="utf-8")
    refused = runner.invoke(args=["indicators", "import", str(differs), "--confirm"])
    assert refused.exit_code == 1
    assert (
        runner.invoke(
            args=["indicators", "import", str(differs), "--confirm", "--overwrite"]
        ).exit_code
        == 0
    )


def test_a_file_too_large_is_refused(app, runner, tmp_path):
    app.config["MEASURE_IMPORT_MAX_BYTES"] = 100
    path = write(tmp_path, *[f"M-{n};A;;social-planning;23;planned;;;;;;;" for n in range(10)])
    result = runner.invoke(args=["measures", "import", str(path)])
    assert result.exit_code == 1 and "zu groß" in result.output
