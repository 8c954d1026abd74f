"""Billing's blueprints, in the order the app registers them."""

from __future__ import annotations

from billing.ledger.api import blueprints as ledger_blueprints
from billing.paperwork.api import blueprints as paperwork_blueprints
from billing.payments.api import blueprints as payment_blueprints
from billing.pricing.api import blueprints as pricing_blueprints

blueprints = (*pricing_blueprints, *payment_blueprints, *ledger_blueprints, *paperwork_blueprints)
