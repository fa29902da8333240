"""`seed-demo` gives a newcomer something to take from draft to scheduled and a post that goes out
to the demo webhook channel soon, and is idempotent."""
from __future__ import annotations


def test_seed_twice_gives_one_brand_one_chain_one_draft_and_one_waiting_webhook_post(dynamodb):
    from chalicelib.approvals.chains import repo as chains
    from chalicelib.brands.channels import repo as channels
    from chalicelib.content import repo as posts
    from chalicelib.demo import seed, webhook_url
    from chalicelib.publishing import repo as targets

    first = seed()
    second = seed()
    assert first["brand_id"] == second["brand_id"] and second["created"] is False
    assert len(chains.all_for_brand(first["brand_id"])) == 1
    page = posts.list_calendar(first["brand_id"], None, None, None, 100)
    assert sorted(p.status for p in page.items) == ["draft", "scheduled"]
    assert first["webhook_post"] == second["webhook_post"]  # still waiting: not seeded twice
    webhooks = [c for c in channels.list_for_brand(first["brand_id"], None, 100).items if c.platform == "webhook"]
    assert len(webhooks) == 1 and webhooks[0].handle == webhook_url()
    [target] = targets.for_post(first["webhook_post"]["id"])
    assert target.state == "scheduled" and target.gsi2pk == targets.TARGETS.name


def test_the_demo_brand_has_influencers_with_explained_verdicts(dynamodb):
    from chalicelib.demo import seed
    from chalicelib.identity import repo as user_repo
    from chalicelib.identity.principal import Principal
    from chalicelib.influencers import service as influencers
    from chalicelib.influencers.schemas import InfluencerQuery

    result = seed()
    seed()
    reader = Principal.from_user(user_repo.get_by_email(result["people"]["copywriter"]))
    listed = influencers.directory(reader, result["brand_id"], InfluencerQuery()).items
    assert sorted(i.display_name for i in listed) == ["Anna Cooks", "Boris Brews", "Clara Latte"]
    verdicts = {i.display_name: influencers.vet(reader, i.id, "en")[0] for i in listed}
    assert verdicts["Anna Cooks"].verdict in ("pass", "warn")
    assert {f.rule for f in verdicts["Boris Brews"].flags} >= {"rkn_registry_missing"}
    clara = {f.rule for f in verdicts["Clara Latte"].flags}
    assert verdicts["Clara Latte"].verdict == "fail" and {"credibility_low", "growth_spike"} <= clara


def test_the_demo_brand_has_a_campaign_with_a_report_to_show(dynamodb):
    from chalicelib.campaigns import service as campaigns
    from chalicelib.campaigns.report import service as reports
    from chalicelib.campaigns.schemas import CampaignQuery
    from chalicelib.demo import seed
    from chalicelib.identity import repo as user_repo
    from chalicelib.identity.principal import Principal

    result = seed()
    seed()
    reader = Principal.from_user(user_repo.get_by_email(result["people"]["finance"]))
    [campaign] = campaigns.directory(reader, result["brand_id"], CampaignQuery()).items
    report = reports.report_of(reader, campaign.id)
    wire = __import__("chalicelib.campaigns.report.out", fromlist=["report_out"]).report_out(report)
    totals = wire["totals"]
    assert totals["clicks"] > 0 and totals["conversions"] == 42
    assert totals["views"] == 16_900


def test_the_seed_demo_command_works_in_a_fresh_interpreter_on_an_empty_table(dynamodb, tmp_path):
    """What `make run` does: `create-tables` then `seed-demo`, each its own process (nothing imported
    before, so the command itself must plug the app's hooks), on a table of their own."""
    import os
    import subprocess

    from tests.conftest import PROJECT_DIR
    from tests.support import test_clock

    environ = {**os.environ, "TABLE_PREFIX": f"greenlight-clitest-{tmp_path.name[-8:]}-",
               "OUTBOX_DIR": str(tmp_path / "outbox")}
    for command in ("create-tables", "seed-demo"):
        done = subprocess.run(test_clock.python_module("chalicelib.cli", command), cwd=PROJECT_DIR, env=environ,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    assert "demo brand demo-coffee" in done.stdout and "created" in done.stdout
