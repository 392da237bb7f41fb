#!/usr/bin/python3
"""Crash and fault test: real processes, real HTTPS clients, a private cluster with fsync on.

Under a concurrent write load (children added, episodes reported, and each taken through
return, safe-and-well check, interview offer, interview and close), `homeward serve`, connected
as the application's own role, is killed with SIGKILL and started again; then PostgreSQL is
stopped with `pg_ctl -m immediate` and started again while serve keeps running.

It holds that:
  - every write a client saw acknowledged (2xx with its id) is in the database afterwards, with
    the state and version the client was told, and has its audit entry;
  - every episode is whole: its history has one row per version, 1..version, each from the
    state the one before went to, the last to the episode's state;
  - `homeward audit verify` passes;
  - while the database is away, every API request answers 503 with Retry-After;
  - serve answers again within 5 s of the database's return, without a restart.

It prints the counts (writes acknowledged, found afterwards, seconds to recover).
"""

import http.client
import sys
import threading
import time
import uuid

import harness
from harness import log

WORKERS = 4
LOAD_SECONDS = 4          # of load before and after each fault
DATABASE_AWAY_SECONDS = 3
RECOVERY_LIMIT = 5.0      # seconds from the database's return to a served write

failures = []


def fail(message):
    failures.append(message)
    log(f"FAIL: {message}")


class load:
    """WORKERS threads, each taking episodes through their lifecycle until told to stop. An
    answer that is not 2xx (or no answer) leaves the episode where it is, since the client cannot
    know what became of the write, and the worker starts another."""

    def __init__(self, port, ca, tokens):
        self.port = port
        self.ca = ca
        self.tokens = tokens
        self.lock = threading.Lock()
        self.acknowledged = []    # (kind, id, version, state, at)
        self.answers = []         # (started, finished, status, retry_after, path)
        self.errors = 0           # requests without an answer (connection refused, reset)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.work, args=(n,), daemon=True)
                        for n in range(WORKERS)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def acked(self, kind, ident, version, state):
        with self.lock:
            self.acknowledged.append((kind, ident, version, state, time.monotonic()))

    def send(self, who, path, body, headers=None):
        began = time.monotonic()
        try:
            answer = who.post(path, body, headers)
        except (OSError, http.client.HTTPException):
            with self.lock:
                self.errors += 1
            time.sleep(0.05)  # the server is down: do not spin
            return None
        with self.lock:
            self.answers.append((began, time.monotonic(), answer.status,
                                 answer.header("retry-after"), path))
        if not 200 <= answer.status < 300:
            time.sleep(0.05)
            return None
        return answer.json()

    def work(self, worker):
        police = harness.client(self.port, self.ca, self.tokens["police"])
        social = harness.client(self.port, self.ca, self.tokens["social_worker"])
        n = 0
        while not self.stopping.is_set():
            n += 1
            tag = f"{worker}-{n}"
            child = self.send(police, "/api/v1/children", harness.child_body(tag))
            if not child:
                continue
            self.acked("child", child["id"], None, None)
            episode = self.send(police, "/api/v1/episodes",
                                harness.report_body(child["id"], tag),
                                {"Idempotency-Key": str(uuid.uuid4())})
            if not episode:
                continue
            self.acked("episode", episode["id"], episode["version"], episode["state"])
            steps = [(police, "return", harness.return_body()),
                     (police, "safe-and-well", harness.safe_and_well_body()),
                     (social, "interview-offer", harness.offer_body()),
                     (social, "interview", harness.interview_body()),
                     (social, "close", harness.close_body())]
            for who, event, body in steps:
                if self.stopping.is_set():
                    break
                moved = self.send(who, f"/api/v1/episodes/{episode['id']}/{event}", body)
                if not moved:
                    break
                self.acked("event", moved["id"], moved["version"], moved["state"])
        police.close()
        social.close()

    def count(self):
        with self.lock:
            return len(self.acknowledged)

    def first_ack_after(self, moment, timeout):
        """Seconds from MOMENT to the first write acknowledged after it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                later = [a[4] for a in self.acknowledged if a[4] > moment]
            if later:
                return min(later) - moment
            time.sleep(0.01)
        return None


def probe_while_database_away(port, ca, token, episode_id, until):
    """Every kind of API request, again and again while the database is away: each must be 503
    with Retry-After. /readyz reports a probe that pings the database every second, so it must
    say 503 within two seconds and then keep saying it. Returns how many requests were sent and
    the slowest answer's seconds."""
    probe = harness.client(port, ca, token)
    sent, slowest = 0, 0.0
    began = time.monotonic()
    requests = [("GET", f"/api/v1/episodes/{episode_id}", None),
                ("GET", "/api/v1/episodes", None),
                ("POST", "/api/v1/children", harness.child_body("probe")),
                ("POST", f"/api/v1/episodes/{episode_id}/risk",
                 {"risk_level": "high", "reason": "probe"})]
    ready_503_at = None
    while time.monotonic() < until:
        for method, path, body in requests:
            asked = time.monotonic()
            answer = probe.request(method, path, body)
            slowest = max(slowest, time.monotonic() - asked)
            sent += 1
            if answer.status != 503 or not answer.header("retry-after"):
                fail(f"{method} {path} with the database away answered {answer.status} "
                     f"(Retry-After: {answer.header('retry-after')}), not 503 with Retry-After")
        ready = probe.get("/readyz")
        sent += 1
        if ready.status == 503 and ready.header("retry-after"):
            ready_503_at = ready_503_at or time.monotonic() - began
        elif ready_503_at is not None or time.monotonic() - began > 2.0:
            fail(f"/readyz {time.monotonic() - began:.1f} s after the database went away "
                 f"answered {ready.status} (Retry-After: {ready.header('retry-after')})")
        time.sleep(0.1)
    probe.close()
    log(f"/readyz said 503 {ready_503_at if ready_503_at is None else round(ready_503_at, 2)} s "
        f"after the database went away")
    return sent, slowest


def verify(db, database, acknowledged, app_url):
    """Checks the database against what the clients were told; returns the count found."""
    children = {a[1] for a in acknowledged if a[0] == "child"}
    episodes = {a[1] for a in acknowledged if a[0] == "episode"}
    found = 0
    if children:
        ids = ",".join(f"'{i}'" for i in children)
        found += int(db.value(database, f"select count(*) from children where id in ({ids})"))
    history = {(row[0], int(row[1])): row[2] for row in db.psql(
        database, "select episode_id, version, to_state from episode_history")}
    for kind, ident, version, state, _ in acknowledged:
        if kind in ("episode", "event"):
            stored = history.get((ident, version))
            if stored == state:
                found += 1
            else:
                fail(f"acknowledged {kind} of episode {ident} (version {version}, {state}) is "
                     f"not in the database (found: {stored})")
    # Every acknowledged report and event has its audit entry, chained or waiting to be.
    audited = {row[0] for row in db.psql(
        database, "select distinct entity_id from audit_events where outcome = 'success' "
                  "and entity_type = 'episode'")}
    missing_audit = episodes - audited
    if missing_audit:
        fail(f"{len(missing_audit)} acknowledged episodes have no audit entry, e.g. "
             f"{sorted(missing_audit)[0]}")

    # Every episode whole: history 1..version, chained states, the last one the episode's.
    broken = db.psql(database, """
        select e.id, e.state, e.version, count(h.*), max(h.version),
               (array_agg(h.to_state order by h.version desc))[1]
        from episodes e left join episode_history h on h.episode_id = e.id
        group by e.id
        having count(h.*) <> e.version or max(h.version) <> e.version
            or (array_agg(h.to_state order by h.version desc))[1] <> e.state""")
    for row in broken:
        fail(f"episode {row[0]} is not whole: state {row[1]} version {row[2]}, "
             f"{row[3]} history rows up to version {row[4]} ending in {row[5]}")
    unchained = db.value(database, """
        select count(*) from episode_history h join episode_history p
          on p.episode_id = h.episode_id and p.version = h.version - 1
        where h.from_state is distinct from p.to_state""")
    if unchained != "0":
        fail(f"{unchained} history rows do not start from the state the one before ended in")
    # The interview recorded exactly where the episode went through one.
    orphans = db.value(database, """
        select count(*) from episodes e where (e.state in ('interviewed', 'closed')
          and e.version >= 5) <> exists (select 1 from interviews i where i.episode_id = e.id)""")
    if orphans != "0":
        fail(f"{orphans} episodes' interview records do not match their history")

    verified = harness.homeward(["audit", "verify"], app_url, check=False)
    if verified.returncode != 0:
        fail(f"homeward audit verify exited {verified.returncode}: {verified.stderr.strip()}")
    else:
        log(f"audit verify: {verified.stdout.strip().splitlines()[-1]}")
    return found


def main():
    work = harness.work_dir("crash")
    db = None
    serve = None
    try:
        log(f"private cluster (fsync on) in {work}/pg")
        db = harness.cluster(f"{work}/pg")
        if db.value("postgres", "show fsync") != "on":
            fail("the cluster runs with fsync off: a crash test would prove nothing")
        db.create_database("homeward")
        owner_url = db.url("homeward", "homeward_owner")
        app_url = db.url("homeward", "homeward_app")
        harness.homeward(["migrate"], owner_url)
        users = harness.make_world(app_url)
        tls = harness.make_tls(f"{work}/tls")

        serve = harness.server(app_url, tls, f"{work}/serve.log",
                               {"HOMEWARD_DB_POOL_SIZE": "6"})
        serve.start()
        harness.wait_until_ready(serve.port, tls["ca"], 60)
        if db.value("homeward", "select count(*) from pg_stat_activity where "
                               "usename = 'homeward_app'") == "0":
            fail("serve is not connected as homeward_app")
        tokens = {role: harness.log_in(serve.port, tls["ca"], users[role])[0]
                  for role in ("police", "social_worker")}

        traffic = load(serve.port, tls["ca"], tokens)
        traffic.start()
        time.sleep(LOAD_SECONDS)

        # (a) serve killed mid-write and started again.
        before_kill = traffic.count()
        serve.kill()
        killed_at = time.monotonic()
        log(f"kill -9 homeward serve after {before_kill} acknowledged writes")
        time.sleep(0.5)
        serve.start()
        restarted_at = time.monotonic()
        ready_after = harness.wait_until_ready(serve.port, tls["ca"], 60)
        first_write = traffic.first_ack_after(restarted_at, 30)
        log(f"serve restarted: ready {ready_after:.2f} s after its start, first acknowledged "
            f"write {first_write if first_write is None else round(first_write, 2)} s "
            f"({time.monotonic() - killed_at:.2f} s after the kill)")
        if first_write is None:
            fail("no write was acknowledged after serve was started again")
        time.sleep(LOAD_SECONDS)

        # (b) PostgreSQL stopped with -m immediate while serve runs, and started again.
        before_stop = traffic.count()
        some_episode = next(a[1] for a in traffic.acknowledged if a[0] == "episode")
        db.stop_immediately()
        stopped_at = time.monotonic()
        log(f"pg_ctl stop -m immediate after {before_stop} acknowledged writes")
        probes, slowest = probe_while_database_away(serve.port, tls["ca"], tokens["police"],
                                                    some_episode,
                                                    stopped_at + DATABASE_AWAY_SECONDS)
        starting_at = time.monotonic()
        db.start()  # returns when PostgreSQL, its crash recovery done, accepts connections
        returned_at = time.monotonic()
        log(f"PostgreSQL started again: crash recovery and start took "
            f"{returned_at - starting_at:.2f} s")
        # Away: sent after the stop and answered before PostgreSQL was being started again. An
        # answer during the start may rightly be a 201: the database accepts connections before
        # pg_ctl returns, and serve writes again within milliseconds of that.
        with traffic.lock:
            away = [a for a in traffic.answers if a[0] > stopped_at and a[1] < starting_at]
        wrong = [a for a in away if a[2] != 503 or not a[3]]
        slowest = max([slowest] + [a[1] - a[0] for a in away])
        log(f"database away {starting_at - stopped_at:.2f} s: {probes} probes and {len(away)} "
            f"load requests answered, {len(wrong)} not 503 with Retry-After; the slowest "
            f"answer {slowest:.2f} s")
        for a in wrong[:5]:
            fail(f"POST {a[4]} with the database away answered {a[2]} (Retry-After: {a[3]})")
        acked_away = [a for a in away if 200 <= a[2] < 300]
        if acked_away:
            fail(f"{len(acked_away)} writes were acknowledged while the database was away")
        recovered = traffic.first_ack_after(returned_at, 30)
        ready = harness.wait_until_ready(serve.port, tls["ca"], 30)
        log(f"database back: first acknowledged write after "
            f"{recovered if recovered is None else round(recovered, 2)} s, /readyz 200 after "
            f"{ready:.2f} s (serve not restarted: pid {serve.process.pid})")
        if recovered is None or recovered > RECOVERY_LIMIT:
            fail(f"serve did not acknowledge a write within {RECOVERY_LIMIT} s of the "
                 f"database's return")
        if not serve.running():
            fail("serve exited while the database was away")
        time.sleep(LOAD_SECONDS)

        traffic.stop()
        status = serve.stop()
        if status != 0:
            fail(f"serve exited {status} on SIGTERM")

        acknowledged = list(traffic.acknowledged)
        found = verify(db, "homeward", acknowledged, app_url)
        kinds = {k: sum(1 for a in acknowledged if a[0] == k) for k in ("child", "episode",
                                                                           "event")}
        episodes = db.value("homeward", "select count(*) from episodes")
        log(f"writes acknowledged: {len(acknowledged)} ({kinds['child']} children, "
            f"{kinds['episode']} reports, {kinds['event']} events); found afterwards: {found}; "
            f"requests without an answer: {traffic.errors}; episodes in the database: "
            f"{episodes}")
        log(f"seconds to recover: serve killed -> restarted and ready {ready_after:.2f} s; "
            f"database back -> first acknowledged write "
            f"{recovered if recovered is None else round(recovered, 2)} s")
        print(f"FIGURES acknowledged={len(acknowledged)} found={found} "
              f"serve_restart_ready_s={ready_after:.2f} "
              f"database_return_first_write_s={recovered if recovered is None else round(recovered, 2)} "
              f"database_away_probes={probes + len(away)}", flush=True)
        if found != len(acknowledged):
            fail(f"{len(acknowledged) - found} acknowledged writes are missing")
        if kinds["event"] == 0:
            fail("the load made no events: the test proved nothing")
    except Exception as error:  # report it as a failure, then clean up
        fail(f"{type(error).__name__}: {error}")
        if serve is not None:
            log("end of serve's log:\n" + serve.tail())
    finally:
        if serve is not None:
            serve.stop()
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
