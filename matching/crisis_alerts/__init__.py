"""Crisis alerts as records: raised with a high-risk intake, acknowledged, escalated when not."""
