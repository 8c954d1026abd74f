"""Every package's models on one MetaData: what migrations and schema tests compare against."""

from app.models import Base
from scheduling import appointment_models, models  # noqa: F401 (registers the tables)

metadata = Base.metadata
