"""`flask keys rotate-field-encryption`: every encrypted value moves to the newest key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import LargeBinary, select

from app.clock import utcnow
from app.db.base import Base
from app.encryption import FieldCipher
from app.factory import create_app
from app.identity.models import TotpFactor
from app.keys.rotation import encrypted_columns, rotate_column
from matching.intake.models import Intake
from tests.conftest import app_config_for_tests
from tests.factories import make_client
from tests.report_helpers import shown_intake

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_every_binary_column_is_an_encrypted_one_by_name():
    binary = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, LargeBinary)
    }
    found = {f"{t.name}.{c.name}" for t, c in encrypted_columns(Base.metadata)}
    assert (
        binary
        == found
        == {
            "intakes.free_text_encrypted",
            "session_codings.diagnoses_encrypted",
            "totp_factors.secret_encrypted",
            "webhook_endpoints.secret_encrypted",
        }
    )


@pytest.fixture
def old_data(committed, security):
    """Seven intakes and a TOTP secret written under the old key, one intake under no key."""
    old = FieldCipher([OLD])
    texts = {}
    for n in range(7):
        person = make_client(committed, security)
        intake = shown_intake(committed, person, utcnow())
        intake.free_text_encrypted = old.encrypt(f"note {n}")
        texts[intake.id] = f"note {n}"
        if n == 0:
            committed.add(
                TotpFactor(
                    user_id=person.user_id,
                    secret_encrypted=old.encrypt("JBSWY3DPEHPK3PXP"),
                    created_at=utcnow(),
                )
            )
    stranger = shown_intake(committed, make_client(committed, security), utcnow())
    stranger.free_text_encrypted = FieldCipher([Fernet.generate_key().decode()]).encrypt("lost")
    committed.commit()
    return texts, stranger.id


def run(tmp_path, database_url, *keys):
    app = create_app(app_config_for_tests(database_url, tmp_path, FIELD_ENCRYPTION_KEYS=list(keys)))
    return app.test_cli_runner().invoke(
        args=["keys", "rotate-field-encryption", "--batch-size", "3"]
    )


def test_rotation_moves_everything_to_the_new_key_and_reports_the_unreadable(
    committed, old_data, tmp_path, database_url
):
    texts, lost = old_data
    result = run(tmp_path, database_url, NEW, OLD)
    assert result.exit_code == 1  # one value could not be read with any key
    assert "intakes.free_text_encrypted: 7 re-encrypted, 0 already current, 1 unreadable" in (
        result.output
    )
    assert "totp_factors.secret_encrypted: 1 re-encrypted" in result.output
    assert f"intakes.free_text_encrypted {lost}" in result.output
    committed.rollback()  # a fresh transaction: see what the rotation committed
    only_new = FieldCipher([NEW])
    for intake_id, text in texts.items():
        stored = committed.scalar(select(Intake.free_text_encrypted).where(Intake.id == intake_id))
        assert only_new.decrypt(stored) == text  # readable once the old key is gone
    secret = committed.scalar(select(TotpFactor.secret_encrypted))
    assert only_new.decrypt(secret) == "JBSWY3DPEHPK3PXP"
    again = run(tmp_path, database_url, NEW, OLD)
    assert "intakes.free_text_encrypted: 0 re-encrypted, 7 already current" in again.output


def test_an_interrupted_rotation_resumes_where_it_stopped(committed, old_data, engine, monkeypatch):
    texts, lost = old_data
    cipher = FieldCipher([NEW, OLD])
    real_rotate, batches = cipher.rotate, []

    def failing_rotate(token: bytes) -> bytes:
        if len(batches) == 1:  # the machine goes away during the second batch
            raise RuntimeError("the machine went away")
        return real_rotate(token)

    monkeypatch.setattr(cipher, "rotate", failing_rotate)
    table = Intake.__table__
    with pytest.raises(RuntimeError):
        rotate_column(
            engine, table, table.c.free_text_encrypted, cipher, batch_size=3, advance=batches.append
        )
    first_batch = sorted([*texts, lost])[:3]  # UUIDs sort as the database orders them
    done_first = [i for i in first_batch if i != lost]
    committed.rollback()  # a fresh transaction: see what the rotation committed
    newest = FieldCipher([NEW])
    current = {
        i for i in texts if newest.is_current(committed.get_one(Intake, i).free_text_encrypted)
    }
    assert current == set(done_first)  # the first batch committed, the interrupted one did not
    monkeypatch.undo()
    report = rotate_column(
        engine,
        table,
        table.c.free_text_encrypted,
        FieldCipher([NEW, OLD]),
        batch_size=3,
        advance=batches.append,
    )
    assert (report.rotated, report.current, report.unreadable) == (
        7 - len(done_first),
        len(done_first),
        [str(lost)],
    )
