"""Community intake: reports from villagers, their attachments and the per-desa entry points."""
