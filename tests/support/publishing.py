"""Many due publication targets at once, written straight to DynamoDB Local (for the concurrency
test and the benchmark): scheduled posts, their version snapshots, and their queued targets."""
from __future__ import annotations

from datetime import datetime

from chalicelib.content import repo as post_repo
from chalicelib.content.models import PostItem, PostVersionItem
from chalicelib.content.rules import diff
from chalicelib.core import schedule
from chalicelib.core.clock import iso
from chalicelib.core.db import connection as db_connection
from chalicelib.core.ids import new_id
from chalicelib.publishing import repo as target_repo
from chalicelib.publishing.models import TargetItem


def seed_due_targets(brand_id: str, author_id: str, channel, count: int, publish_at: datetime) -> list[str]:
    """`count` approved posts on `channel`, each with one target due at `publish_at`; their target ids."""
    db_connection.bind_models()
    when = iso(publish_at)
    stamp = iso(publish_at)
    ids = []
    with PostItem.batch_write() as posts, PostVersionItem.batch_write() as versions, \
            TargetItem.batch_write() as targets:
        for n in range(count):
            post_id = new_id()
            content = {"title": f"Post {n}", "body": f"Text {n} {post_id}", "channel_ids": [channel.id],
                       "variants": {}, "media": [], "links": []}
            content_hash = diff.content_hash(content)
            posts.save(PostItem(*post_repo.post_key(post_id), gsi1pk=post_repo.calendar_pk(brand_id),
                                gsi1sk=post_repo.calendar_sk(when, post_id), id=post_id, brand_id=brand_id,
                                author_id=author_id, status="scheduled", hold=False, version=1,
                                content_hash=content_hash, approval={}, created_at=stamp, updated_at=stamp,
                                content_type="engaging", publish_wall=schedule.to_wall(publish_at, "UTC"),
                                timezone="UTC", publish_at=when, **content))
            versions.save(PostVersionItem(f"POST#{post_id}", post_repo.version_sk(1), post_id=post_id, version=1,
                                          content=content, content_hash=content_hash, author_id=author_id,
                                          created_at=stamp))
            tid = target_repo.target_id(post_id, channel.id)
            targets.save(TargetItem(f"POST#{post_id}", f"TARGET#{channel.id}", gsi2pk=target_repo.TARGETS.name,
                                    gsi2sk=target_repo.TARGETS.key(when, tid), id=tid, post_id=post_id, brand_id=brand_id,
                                    channel_id=channel.id, platform=channel.platform, state="scheduled", version=1,
                                    publish_at=when, attempts=0, created_at=stamp, updated_at=stamp,
                                    title=content["title"], text=content["body"], media=[], links=[], solo=True))
            ids.append(tid)
    return ids
