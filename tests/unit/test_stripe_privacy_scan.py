"""The scan run after every test that talks to Stripe would catch clinical words."""

from __future__ import annotations

from types import SimpleNamespace

from tests.billing_helpers import health_words_sent


def fake_with(*bodies: str) -> SimpleNamespace:
    requests = [SimpleNamespace(path="/v1/payment_intents", body=b, params={}) for b in bodies]
    return SimpleNamespace(requests=requests)


def test_clinical_words_and_codes_are_caught_even_url_encoded():
    assert health_words_sent(fake_with("description=Therapy+session"))
    assert health_words_sent(fake_with("metadata%5Bconcern%5D=grief_and_loss"))
    assert health_words_sent(fake_with("metadata%5Bdx%5D=F41.1"))
    assert health_words_sent(fake_with("description=Counseling"))


def test_random_ids_and_neutral_text_pass():
    assert not health_words_sent(
        fake_with(
            "customer=cus_GADtherapy1&payment_method=pm_card_visa"
            "&metadata%5Breference%5D=3f32a0c4-1f41-4c5e-9a32-aaaaaaaaaaaa&description=Appointment"
        )
    )
