"""The one DynamoDB table and its indexes: the single definition that `create-tables`, the
CloudFormation template in `infra/` and the PynamoDB models must agree with (a test compares them).

Key layout (every access pattern, and the key or index that serves it, is listed in README.md,
"Data access patterns"):

  table  pk / sk          primary item key; entity prefixes like USER#, BRAND#, CHANNEL#
  gsi1   gsi1pk / gsi1sk  "list children of a parent" (brands of all, channels of a brand,
                          audit of one entity, brands of a user)
  gsi2   gsi2pk / gsi2sk  time-ordered work queues (due follow-ups, digests) and the review index
"""
from __future__ import annotations

KEY_ATTRIBUTES = ("pk", "sk")
INDEXES = {
    "gsi1": ("gsi1pk", "gsi1sk"),
    "gsi2": ("gsi2pk", "gsi2sk"),
}


def table_definition(table_name: str) -> dict:
    """Arguments for DynamoDB CreateTable (on-demand billing, all-attribute projections)."""
    attributes = [*KEY_ATTRIBUTES] + [name for pair in INDEXES.values() for name in pair]
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in attributes],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index,
                "KeySchema": [
                    {"AttributeName": hash_key, "KeyType": "HASH"},
                    {"AttributeName": range_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, (hash_key, range_key) in INDEXES.items()
        ],
    }

# Ephemeral items (sign-in nonces, idempotency keys) carry epoch seconds here; DynamoDB deletes
# them some time after expiry, so every read of such an item also checks expiry itself.
TTL_ATTRIBUTE = "ttl"
