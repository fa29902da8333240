"""Create the table if it is missing (idempotent); used by the CLI, `make run` and tests."""
from __future__ import annotations

import time

from chalicelib.core import deps
from chalicelib.core.db.schema import TTL_ATTRIBUTE, table_definition
from chalicelib.core.settings import get_settings


def create_tables(wait_seconds: float = 30) -> bool:
    """True if the table was created now, False if it already existed."""
    client = deps.aws_client("dynamodb")
    name = get_settings().table_name
    try:
        client.create_table(**table_definition(name))
        created = True
    except client.exceptions.ResourceInUseException:
        created = False
    deadline = time.monotonic() + wait_seconds
    while client.describe_table(TableName=name)["Table"]["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise TimeoutError(f"table {name} did not become ACTIVE in {wait_seconds}s")
        time.sleep(0.5)
    if created and get_settings().DYNAMODB_ENDPOINT == "":
        client.update_time_to_live(TableName=name, TimeToLiveSpecification={
            "Enabled": True, "AttributeName": TTL_ATTRIBUTE})
    return created
