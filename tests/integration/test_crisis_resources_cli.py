"""`flask crisis-resources` lists the lines and fails when one is due; a bad file stops the app."""

from __future__ import annotations

import json

import pytest

from matching.intake.crisis_lines import CrisisResourcesError
from tests.unit.test_crisis_lines import valid


def review(app, *args):
    return app.test_cli_runner().invoke(args=["crisis-resources", *args])


def test_the_shipped_lines_are_listed_by_country(app):
    result = review(app, "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  WARNING: these details were not confirmed against their sources" in lines
    assert "GB United Kingdom" in lines
    assert (
        "  [GB-SCT] Breathing Space: Call 0800 83 85 87, Monday to Thursday 6pm to 2am; "
        "Friday 6pm to Monday 6am (checked 2026-11-22)"
    ) in lines
    assert "  [NZ] Emergency services: Call 111 if you are in immediate danger, 24/7 " in (
        "\n".join(lines)
    )
    assert "Everywhere else (international)" in lines
    assert lines[-1] == (
        "32 entries, 0 due for a check against their source "
        "(not checked within 180 days of 2026-11-23)"
    )


def test_old_entries_are_flagged_and_fail_the_command(app):
    result = review(app, "--as-of", "2027-06-01")
    assert result.exit_code == 1
    assert "DUE FOR A CHECK: last checked 191 days ago (more than 180)" in result.output
    assert result.output.splitlines()[-1].startswith("32 entries, 32 due")
    assert review(app, "--as-of", "2027-06-01", "--max-age-days", "191").exit_code == 0


def test_a_checked_on_in_the_future_is_flagged(app):
    result = review(app, "--as-of", "2026-11-01")
    assert result.exit_code == 1
    assert "DUE FOR A CHECK: checked_on 2026-11-22 is in the future" in result.output


def test_the_operators_file_is_reviewed_with_the_shipped_one(make_app, tmp_path):
    data = valid()
    data["countries"]["GB"]["lines"][0]["checked_on"] = "2000-01-01"
    path = tmp_path / "clinic.json"
    path.write_text(json.dumps(data))
    result = review(make_app(CRISIS_RESOURCES_FILE=str(path)), "--as-of", "2026-11-23")
    assert result.exit_code == 1
    assert f"{path}: checked: Checked by the clinic on 2026-11-20." in result.output
    assert "  [GB] Samaritans: Call 116 123, 24/7 (checked 2000-01-01)" in result.output
    assert "DUE FOR A CHECK: last checked 9823 days ago (more than 180)" in result.output
    assert result.output.splitlines()[-1].startswith("30 entries, 1 due")


def test_the_app_refuses_to_start_on_a_malformed_file(make_app, tmp_path):
    data = valid()
    data["countries"]["GB"]["lines"][0]["sorce"] = "https://www.samaritans.org"
    path = tmp_path / "clinic.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CrisisResourcesError, match=r"unknown key\(s\) 'sorce'"):
        make_app(CRISIS_RESOURCES_FILE=str(path))
