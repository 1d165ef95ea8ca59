from __future__ import annotations

import pytest
from django.db import connection

#: Every column that holds a region code and is compared as a range by territory checks.
CODE_COLUMNS = [
    ("regions_region", "code"),
    ("regions_region", "parent_id"),
    ("audit_auditevent", "region_id"),
    ("accounts_user_scope_regions", "region_id"),
    ("organisations_organisation_jurisdiction", "region_id"),
    ("organisations_organisation", "seat_id"),
]


@pytest.mark.django_db
def test_region_code_columns_compare_bytewise_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares text bytewise by default")
    with connection.cursor() as cursor:
        for table, column in CODE_COLUMNS:
            cursor.execute(
                "SELECT collation_name FROM information_schema.columns"
                " WHERE table_name = %s AND column_name = %s",
                [table, column],
            )
            assert cursor.fetchone() == ("C",), f"{table}.{column} must use the C collation"
