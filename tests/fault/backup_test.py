#!/usr/bin/python3
"""Backup and restore, proven: a database with a full lifecycle made through the real API
(report, return, safe-and-well check, assignment, interview offer, interview with CSE risk,
actions raised and completed, the champion's sign-off, close; another episode left open; reads
that the audit trail records) is backed up with ops/backup and restored with ops/restore into a
fresh cluster. Then:
  - every table holds the same rows (md5 of each table's rows in a fixed order) and the same
    count, and every sequence stands where it stood;
  - the schema, ownership and grants are the same (schema-only dumps compared);
  - `homeward audit verify` passes on the copy, over as many entries as on the original;
  - `homeward serve` on the copy, as the application's role, signs in, reads the closed episode
    and takes a new report (the sequences and grants came across).
It prints the row counts.
"""

import json
import subprocess
import sys
import uuid

import harness
from harness import log

failures = []


def fail(message):
    failures.append(message)
    log(f"FAIL: {message}")


def expect(answer, status, what):
    if answer.status != status:
        raise RuntimeError(f"{what}: {answer.status} {answer.body[:300]!r}")
    return answer.json()


def make_lifecycle(port, ca, users):
    tokens, ids = {}, {}
    for role in ("police", "social_worker", "cse_champion", "manager"):
        tokens[role], ids[role] = harness.log_in(port, ca, users[role])
    police = harness.client(port, ca, tokens["police"])
    social = harness.client(port, ca, tokens["social_worker"])
    champion = harness.client(port, ca, tokens["cse_champion"])
    manager = harness.client(port, ca, tokens["manager"])

    child = expect(social.post("/api/v1/children", harness.child_body("A")), 201, "child")
    episode = expect(police.post("/api/v1/episodes", harness.report_body(child["id"], "A"),
                                 {"Idempotency-Key": str(uuid.uuid4())}), 201, "report")
    path = f"/api/v1/episodes/{episode['id']}"
    expect(police.post(f"{path}/return", harness.return_body()), 200, "return")
    expect(police.post(f"{path}/safe-and-well", harness.safe_and_well_body()), 200,
           "safe-and-well")
    expect(social.post(f"{path}/assign", {"worker_id": ids["social_worker"]}), 200, "assign")
    expect(social.post(f"{path}/interview-offer", harness.offer_body()), 200, "offer")
    expect(social.post(f"{path}/interview", harness.interview_body(
        "medium", ["older_boyfriend_or_girlfriend", "unexplained_money_gifts_or_phones"])), 200,
        "interview")
    action = expect(social.post(f"{path}/actions", {
        "type": "safety_plan", "description": "Safety plan with the carers",
        "owner_id": ids["social_worker"], "due_at": harness.iso(7 * 86400)}), 201, "action")
    expect(social.post(f"{path}/actions/{action['id']}/complete",
                       {"outcome": "Plan agreed"}), 200, "action complete")
    expect(social.post(f"{path}/actions", {
        "type": "cse_referral", "description": "Referral to the CSE team",
        "owner_id": ids["social_worker"], "due_at": harness.iso(3 * 86400)}), 201, "action")
    refused = social.post(f"{path}/close", harness.close_body())
    if refused.status != 409:
        fail(f"close with an open action and no sign-off answered {refused.status}, not 409")
    open_actions = [a for a in expect(social.get(path), 200, "episode")["actions"]
                    if a["status"] == "open"]
    for a in open_actions:
        expect(social.post(f"{path}/actions/{a['id']}/complete", {"outcome": "Referred"}), 200,
               "action complete")
    expect(champion.post(f"{path}/sign-off", {"note": "Reviewed with the team"}), 200,
           "sign-off")
    closed = expect(social.post(f"{path}/close", harness.close_body()), 200, "close")
    if closed["state"] != "closed":
        fail(f"the episode ended {closed['state']}, not closed")

    # A second child's episode left open, and reads the trail records.
    other = expect(social.post("/api/v1/children", harness.child_body("B")), 201, "child")
    second = expect(police.post("/api/v1/episodes", harness.report_body(other["id"], "B"),
                                {"Idempotency-Key": str(uuid.uuid4())}), 201, "report")
    expect(police.post(f"/api/v1/episodes/{second['id']}/return", harness.return_body()), 200,
           "return")
    expect(manager.get(f"{path}/history"), 200, "history")
    expect(manager.get("/api/v1/overdue"), 200, "overdue")
    expect(social.get(f"/api/v1/children/{child['id']}"), 200, "child")
    for c in (police, social, champion, manager):
        c.close()
    return episode["id"], closed["version"]


def table_digests(db, database):
    """Each table's row count and the md5 of its rows in a fixed order; each sequence's place."""
    digests = {}
    for (table,) in db.psql(database, "select tablename from pg_tables "
                                      "where schemaname = 'public' order by 1"):
        count, digest = db.psql(database, (
            f"select count(*), coalesce(md5(string_agg(r::text, E'\\n' order by r::text)), '') "
            f"from public.{table} r"))[0]
        digests[table] = (int(count), digest)
    for (sequence,) in db.psql(database, "select sequencename from pg_sequences "
                                         "where schemaname = 'public' order by 1"):
        digests[f"sequence {sequence}"] = tuple(db.psql(
            database, f"select last_value, is_called from public.{sequence}")[0])
    return digests


# What a restore must carry besides the rows, read from the catalogs (a schema-only dump is not
# comparable as text: it carries a random \restrict key, and an expression deparsed from a
# restored definition may lose parentheses its original had).
SCHEMA_QUERIES = [
    # relations, their kind, owner and grants (the application's role may not change the past)
    "select c.relname, c.relkind, pg_get_userbyid(c.relowner), coalesce(c.relacl::text, '') "
    "from pg_class c where c.relnamespace = 'public'::regnamespace order by 1",
    "select table_name, column_name, data_type, is_nullable, coalesce(column_default, '') "
    "from information_schema.columns where table_schema = 'public' order by 1, 2",
    "select conrelid::regclass::text, conname, contype from pg_constraint "
    "where connamespace = 'public'::regnamespace order by 1, 2",
    "select indexname, indexdef from pg_indexes where schemaname = 'public' order by 1",
    "select proname, pg_get_userbyid(proowner), prosecdef, coalesce(proacl::text, ''), "
    "md5(prosrc), coalesce(proconfig::text, '') from pg_proc "
    "where pronamespace = 'public'::regnamespace order by 1",
    "select defaclrole::regrole::text, defaclobjtype, defaclacl::text from pg_default_acl "
    "order by 1, 2",
    "select coalesce(nspacl::text, ''), pg_get_userbyid(nspowner) from pg_namespace "
    "where nspname = 'public'",
]


def schema_of(db, database):
    return [db.psql(database, query) for query in SCHEMA_QUERIES]


def audit_entries(url):
    verified = harness.homeward(["audit", "verify"], url, check=False)
    if verified.returncode != 0:
        fail(f"homeward audit verify exited {verified.returncode}: {verified.stderr.strip()}")
        return None
    line = verified.stdout.strip().splitlines()[-1]
    return json.loads(line)["entries"]


def main():
    work = harness.work_dir("backup")
    original = copy = serve = None
    try:
        original = harness.cluster(f"{work}/original")
        original.create_database("homeward")
        app_url = original.url("homeward", "homeward_app")
        harness.homeward(["migrate"], original.url("homeward", "homeward_owner"))
        users = harness.make_world(app_url)
        tls = harness.make_tls(f"{work}/tls")
        serve = harness.server(app_url, tls, f"{work}/serve-original.log",
                               {"HOMEWARD_AUDIT_SEQUENCE_MS": "50"})
        serve.start()
        harness.wait_until_ready(serve.port, tls["ca"], 60)
        episode_id, version = make_lifecycle(serve.port, tls["ca"], users)
        # Stopped, so that nothing changes the original between the backup and the comparison.
        if serve.stop() != 0:
            fail("serve did not stop cleanly")

        backup = f"{work}/homeward.dump"
        subprocess.run([f"{harness.SOURCE_DIR}/ops/backup",
                        original.url("homeward", "homeward_owner"), backup], check=True)
        if subprocess.run([f"{harness.SOURCE_DIR}/ops/backup",
                           original.url("homeward", "homeward_owner"), backup],
                          capture_output=True).returncode != 2:
            fail("ops/backup replaced an existing backup")

        copy = harness.cluster(f"{work}/copy")
        copy.create_database("homeward")
        subprocess.run([f"{harness.SOURCE_DIR}/ops/restore", backup,
                        copy.url("homeward", "homeward_owner")], check=True)
        if subprocess.run([f"{harness.SOURCE_DIR}/ops/restore", backup,
                           copy.url("homeward", "homeward_owner")],
                          capture_output=True).returncode != 1:
            fail("ops/restore restored over a database that is not empty")

        before = table_digests(original, "homeward")
        after = table_digests(copy, "homeward")
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                fail(f"{name}: original {before.get(name)}, restored {after.get(name)}")
        counts = {n: v[0] for n, v in before.items() if not n.startswith("sequence ")}
        log("rows: " + ", ".join(f"{n} {c}" for n, c in counts.items() if c))
        if counts.get("episode_history", 0) < 12 or counts.get("actions", 0) != 2:
            fail("the lifecycle did not make the rows the test expects to compare")
        for query, a, b in zip(SCHEMA_QUERIES, schema_of(original, "homeward"),
                               schema_of(copy, "homeward")):
            if a != b:
                fail(f"the restored schema differs in: {query}\n  {a}\n  {b}")

        copy_app_url = copy.url("homeward", "homeward_app")
        entries_before = audit_entries(app_url)
        entries_after = audit_entries(copy_app_url)
        log(f"audit trail: {entries_before} entries verified on the original, {entries_after} "
            f"on the copy")
        if entries_before != entries_after or not entries_after:
            fail("the restored audit trail does not verify over the same entries")

        # The copy serves: sign in, read the closed episode, take a new report.
        serve = harness.server(copy_app_url, tls, f"{work}/serve-copy.log")
        serve.start()
        harness.wait_until_ready(serve.port, tls["ca"], 60)
        police = harness.client(serve.port, tls["ca"],
                                harness.log_in(serve.port, tls["ca"], users["police"])[0])
        seen = expect(police.get(f"/api/v1/episodes/{episode_id}"), 200, "restored episode")
        if (seen["state"], seen["version"]) != ("closed", version):
            fail(f"the restored episode is {seen['state']} v{seen['version']}")
        social = harness.client(serve.port, tls["ca"],
                                harness.log_in(serve.port, tls["ca"], users["social_worker"])[0])
        child = expect(social.post("/api/v1/children", harness.child_body("C")), 201, "child")
        expect(police.post("/api/v1/episodes", harness.report_body(child["id"], "C"),
                           {"Idempotency-Key": str(uuid.uuid4())}), 201, "report on the copy")
        police.close()
        social.close()
        if serve.stop() != 0:
            fail("serve on the copy did not stop cleanly")
        print(f"FIGURES tables={len(counts)} rows={sum(counts.values())} "
              f"audit_entries={entries_after}", flush=True)
    except Exception as error:
        fail(f"{type(error).__name__}: {error}")
        if serve is not None:
            log("end of serve's log:\n" + serve.tail())
    finally:
        if serve is not None:
            serve.stop()
        for db in (original, copy):
            if db is not None:
                db.stop()
        harness.remove_work_dir(work)
    if failures:
        log(f"{len(failures)} failure(s)")
        return 1
    log("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
