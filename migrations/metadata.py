"""Every package's models on one MetaData: what migrations and schema tests compare against."""

from app.models import Base
from matching import models as matching_models  # noqa: F401 (registers the tables)
from scheduling import appointment_models, external_models, models, outbox  # noqa: F401

metadata = Base.metadata
