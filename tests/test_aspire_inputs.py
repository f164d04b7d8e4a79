"""The Aspire adapter at the edges of its input: `utrex convert --reference DIR` reaching it (an
LEA given by name resolves through leas.csv), and export files or a provider table that are
empty (0 bytes) or hold only a header — a precise finding or a one-line error, never a
traceback."""

import shutil

import pytest
from test_aspire import EXAMPLE, convert, edit, found, records, sections

ASPIRE_FILES = ("faculty_certifications.csv", "district_courses.csv", "master_schedule.csv",
                "students.csv", "enrollments.csv", "student_schedules.csv", "schools.csv",
                "district.csv")


@pytest.fixture
def export(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return folder


def by_name(export):
    """The Financial Literacy section (771001) names its provider LEA instead of numbering it."""
    edit(export, "master_schedule.csv", lambda r: r | {
        "Where Taught": "Leadership Academy of Utah", "Where Taught School": "700"}
        if r["Course Code"] == "7710" else r)


def no_traceback(result):
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


# --- --reference reaches the adapter ------------------------------------------------------------

def test_convert_reference_resolves_a_provider_lea_given_by_name(tmp_path, export):
    by_name(export)
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "leas.csv").write_text(
        "lea_number,name\n52,Red Rock Academies\n77,Leadership Academy of Utah\n"
        "91,Utah Virtual Academy\n23,Juab School District\n")
    result, out, report = convert(tmp_path, export, "--reference", reference)
    assert result.exit_code == 0, result.stderr
    record = sections(out)["771001"]
    assert (record.where_taught_district, record.where_taught_school) == ("77", "700")
    assert not found(report, "aspire.unresolved-lea")


def test_without_reference_the_lea_name_is_reported_not_guessed(tmp_path, export):
    by_name(export)
    result, out, report = convert(tmp_path, export)
    assert result.exit_code == 1
    [error] = found(report, "aspire.unresolved-lea")
    assert "'Leadership Academy of Utah' gives no LEA number" in error["message"]
    assert "--reference DIR" in error["message"]
    assert sections(out)["771001"].where_taught_district is None


def test_a_reference_folder_without_leas_csv_is_no_error_for_the_adapter(tmp_path, export):
    """--reference serves the validator too: a folder of other tables leaves a name unresolved."""
    by_name(export)
    reference = tmp_path / "reference"
    reference.mkdir()
    result, _, report = convert(tmp_path, export, "--reference", reference)
    assert result.exit_code == 1
    [error] = found(report, "aspire.unresolved-lea")
    assert f"the reference folder {reference} has no leas.csv" in error["message"]


def test_a_reference_folder_that_does_not_exist_is_one_line_before_any_output(tmp_path):
    result, out, _ = convert(tmp_path, EXAMPLE, "--reference", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr == (f"utrex: error: reference data folder {tmp_path / 'nowhere'} "
                             "does not exist\n")
    assert not out.exists()


# --- the files the guide's rules read: 0 bytes or a header only ----------------------------------

def emptied(export, name, mode):
    path = export / name
    path.write_text("" if mode == "empty" else path.read_text().splitlines()[0] + "\r\n")
    return "src.empty" if mode == "empty" else "src.no-rows"


@pytest.mark.parametrize("mode", ["empty", "header"])
def test_a_certification_file_without_rows_leaves_every_teacher_id_blank_with_a_finding(
        tmp_path, export, mode):
    file_finding = emptied(export, "faculty_certifications.csv", mode)
    result, out, report = convert(tmp_path, export)
    no_traceback(result)
    assert result.exit_code == 1
    [said] = found(report, file_finding)
    assert said["source"] == "faculty_certifications.csv"
    errors = found(report, "aspire.no-faculty")
    ac = records(out, "AC")
    assert len(errors) == len(ac) == 17 and all(r.teacher1_id is None for r in ac)
    assert "has no faculty record in faculty_certifications.csv" in errors[0]["message"]


@pytest.mark.parametrize("mode", ["empty", "header"])
def test_a_course_file_without_rows_rejects_every_section_and_schedule_naming_it(
        tmp_path, export, mode):
    file_finding = emptied(export, "district_courses.csv", mode)
    result, out, report = convert(tmp_path, export)
    no_traceback(result)
    assert result.exit_code == 1
    [said] = found(report, file_finding)
    assert said["source"] == "district_courses.csv"
    assert records(out, "AC") == [] and records(out, "AM") == []
    unmatched = found(report, "map.no-match")
    assert len(unmatched) == 17 + 100  # every section and every student schedule row
    assert all("district_courses.csv" in f["message"] for f in unmatched)
    assert not [f for f in report["findings"] if f["error_id"].startswith("aspire.")]


@pytest.mark.parametrize("mode", ["empty", "header"])
def test_a_master_schedule_without_rows_gives_no_sections_and_says_so(tmp_path, export, mode):
    file_finding = emptied(export, "master_schedule.csv", mode)
    result, out, report = convert(tmp_path, export)
    no_traceback(result)
    assert result.exit_code == 1
    [said] = found(report, file_finding)
    assert said["source"] == "master_schedule.csv"
    assert records(out, "AC") == []
    assert {f["error_id"] for f in report["findings"] if f["error_id"].startswith("aspire.")} \
        == {"aspire.course-code-letters"}  # the course file is still checked


@pytest.mark.parametrize("mode", ["empty", "header"])
@pytest.mark.parametrize("name", ASPIRE_FILES)
def test_any_aspire_file_without_rows_converts_the_rest_and_names_it(tmp_path, export, name,
                                                                     mode):
    emptied(export, name, mode)
    result, out, report = convert(tmp_path, export)
    no_traceback(result)
    assert result.exit_code == 1 and out.exists()
    assert any(f["source"] == name or name in f["message"] for f in report["findings"]
               if f["level"] in ("Err", "Warn") and f["error_id"].split(".")[0] in ("src",
                                                                                    "map",
                                                                                    "aspire"))


# --- the provider table ---------------------------------------------------------------------------

NEEDS = "school_name, lea_name, school_number (aliases optional)"


@pytest.mark.parametrize(("text", "message"), [
    ("", f"the SOEP provider table is empty; it needs a header ({NEEDS}) and the guide's "
         "providers"),
    ("school_name,aliases,lea_name,school_number,guide_line,reading\r\n",
     "the SOEP provider table has a header but no providers: no provider given by name could "
     "be resolved"),
    ("school_name,lea_name\r\nUtah Online School,Washington County School District\r\n",
     f"the SOEP provider table has no column school_number; it needs {NEEDS}"),
])
def test_a_provider_table_that_is_empty_or_header_only_is_a_one_line_error(tmp_path, export,
                                                                          text, message):
    from utrex_aspire import MAPPING_DIR

    shutil.copy(MAPPING_DIR / "aspire.toml", export / "aspire.toml")
    (export / "soep_providers.csv").write_text(text)
    result, out, _ = convert(tmp_path, export, "--mapping", export / "aspire.toml")
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr == f"utrex: error: {export / 'soep_providers.csv'}: {message}\n"
    assert not out.exists()
