"""What the fault and backup tests share: a private PostgreSQL cluster made with ops/lib.sh's
helpers (fsync on, so a crash tests what production would keep), a CA of the test's own and a
server certificate it signs, `homeward serve` as a real process connected as the application's
role, and an HTTPS client that verifies the certificate. Python's standard library only.

The cluster is the test's own, not the one ops/test starts: the fault test stops it with
`pg_ctl -m immediate`, which would take every other test's database with it.
"""

import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import uuid

SOURCE_DIR = os.environ["HOMEWARD_SOURCE_DIR"]
BINARY = os.environ["HOMEWARD_BINARY"]
LIB_SH = os.path.join(SOURCE_DIR, "ops", "lib.sh")
PG_BIN = "/usr/lib/postgresql/15/bin"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def lib(*args, env=None):
    """Runs one of ops/lib.sh's helpers with its arguments (what it prints on standard output is
    dropped; standard error, where the helpers say what went wrong, is kept)."""
    subprocess.run(["bash", "-c", 'source "$0" && "$@"', LIB_SH, *args], check=True,
                   env=env, stdout=subprocess.DEVNULL)


def lib_output(*args):
    return subprocess.run(["bash", "-c", 'source "$0" && "$@"', LIB_SH, *args], check=True,
                          capture_output=True, text=True).stdout.strip()


def free_port():
    return int(lib_output("free_port"))


def work_dir(name):
    """A folder the postgres account can reach, removed by cleanup() unless KEEP=1."""
    path = tempfile.mkdtemp(prefix=f"homeward-{name}.")
    os.chmod(path, 0o755)
    return path


def remove_work_dir(path):
    if os.environ.get("KEEP") == "1":
        log(f"kept {path}")
    else:
        shutil.rmtree(path, ignore_errors=True)


class cluster:
    """A private PostgreSQL 15 cluster in DIR/data listening on 127.0.0.1:PORT, fsync on."""

    def __init__(self, directory):
        self.dir = directory
        self.port = free_port()
        os.makedirs(directory, exist_ok=True)
        lib("pg_init", directory)
        self.start()
        lib("pg_create_roles", directory, str(self.port))

    def start(self):
        env = dict(os.environ, PG_FSYNC="on")
        lib("pg_start", self.dir, str(self.port), "127.0.0.1", env=env)

    def stop_immediately(self):
        """A crash as far as the data is concerned: no checkpoint, recovery from the WAL."""
        lib("as_pg", f"{PG_BIN}/pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "-w",
            "stop")

    def stop(self):
        lib("pg_stop", self.dir)

    def url(self, database, user="postgres"):
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name, owner="homeward_owner"):
        lib("pg_create_db", self.dir, str(self.port), name, owner)

    def psql(self, database, sql):
        """Rows of a query as lists of text, run as the superuser."""
        result = subprocess.run(
            [f"{PG_BIN}/psql", "-X", "-v", "ON_ERROR_STOP=1", "-qtA", "-F", "\t", "-d",
             self.url(database), "-c", sql], check=True, capture_output=True, text=True)
        return [line.split("\t") for line in result.stdout.splitlines() if line != ""]

    def value(self, database, sql):
        return self.psql(database, sql)[0][0]


def make_tls(directory):
    """A CA of the test's own and a certificate for 127.0.0.1 that it signs."""
    lib("make_test_ca", directory)
    return {"ca": f"{directory}/ca.pem", "cert": f"{directory}/cert.pem",
            "key": f"{directory}/key.pem"}


def homeward_environment(settings):
    """The environment of a homeward command: no HOMEWARD_ setting of the caller leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    env["HOMEWARD_DATA_DIR"] = os.path.join(SOURCE_DIR, "data")
    env.update(settings)
    return env


def homeward(args, database_url, stdin=None, check=True):
    env = homeward_environment({"HOMEWARD_DATABASE_URL": database_url})
    result = subprocess.run([BINARY, *args], env=env, input=stdin, capture_output=True,
                            text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"homeward {' '.join(args)} exited {result.returncode}: "
                           f"{result.stderr.strip()}")
    return result


class server:
    """`homeward serve` as a real process, logging to LOG (appended across restarts)."""

    def __init__(self, database_url, tls, log_path, extra=None):
        self.port = free_port()
        self.log_path = log_path
        self.env = homeward_environment({
            "HOMEWARD_DATABASE_URL": database_url,
            "HOMEWARD_LISTEN": f"127.0.0.1:{self.port}",
            "HOMEWARD_TLS_CERT": tls["cert"],
            "HOMEWARD_TLS_KEY": tls["key"],
            **(extra or {}),
        })
        self.process = None
        self.listened = False

    def start(self):
        """Starts serve. On its first start, should another process take the port chosen for it
        before serve binds it (a busy machine running other tests), serve exits saying so: a new
        port is chosen and serve started again. Restarts keep the port the clients know."""
        for _ in range(5):
            offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
            log_file = open(self.log_path, "ab")
            self.process = subprocess.Popen([BINARY, "serve"], env=self.env, stdout=log_file,
                                            stderr=subprocess.STDOUT)
            log_file.close()
            if self.listened:
                return
            deadline = time.monotonic() + 60
            while self.process.poll() is None and time.monotonic() < deadline:
                if b'"event":"listening"' in self._log_since(offset):
                    self.listened = True
                    return
                time.sleep(0.02)
            if b"Address already in use" not in self._log_since(offset):
                return  # running but slow, or failed otherwise: wait_until_ready says which
            log(f"port {self.port} was taken before serve could listen on it; another port")
            self.port = free_port()
            self.env["HOMEWARD_LISTEN"] = f"127.0.0.1:{self.port}"

    def _log_since(self, offset):
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return f.read()

    def kill(self):
        """SIGKILL: no drain, no flush, nothing the process could still do."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return None
        return self.process.returncode if self.process else None

    def running(self):
        return self.process is not None and self.process.poll() is None

    def tail(self, lines=20):
        with open(self.log_path, "rb") as f:
            return b"".join(f.readlines()[-lines:]).decode("utf-8", "replace")


class response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body) if self.body else None

    def header(self, name):
        return self.headers.get(name.lower())


class client:
    """One keep-alive HTTPS connection that verifies the server against the test's CA. A
    connection error raises; the next request opens a new connection."""

    def __init__(self, port, ca_file, token=None, timeout=15):
        self.port = port
        self.context = ssl.create_default_context(cafile=ca_file)
        self.token = token
        self.timeout = timeout
        self.connection = None

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method, path, body=None, headers=None):
        if self.connection is None:
            self.connection = http.client.HTTPSConnection("127.0.0.1", self.port,
                                                          context=self.context,
                                                          timeout=self.timeout)
        all_headers = {"accept": "application/json"}
        if self.token:
            all_headers["authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["content-type"] = "application/json"
        all_headers.update(headers or {})
        try:
            self.connection.request(method, path, body=data, headers=all_headers)
            answer = self.connection.getresponse()
            payload = answer.read()
            result = response(answer.status, {k.lower(): v for k, v in answer.getheaders()},
                              payload)
            if answer.will_close:
                self.close()
            return result
        except Exception:
            self.close()
            raise

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body, headers=None):
        return self.request("POST", path, body, headers)


def wait_until_ready(port, ca_file, timeout):
    """Seconds until /readyz answers 200 (the server up and the database reachable)."""
    began = time.monotonic()
    probe = client(port, ca_file, timeout=2)
    while time.monotonic() - began < timeout:
        try:
            if probe.get("/readyz").status == 200:
                probe.close()
                return time.monotonic() - began
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.02)
    raise RuntimeError(f"the server was not ready within {timeout} s")


# ---- the world the tests work in: organisations, users, sessions -----------------------------

PASSWORD = "a long test password " + uuid.uuid4().hex[:8]


def make_world(database_url):
    """A police force, a local authority and a user of each role the lifecycle needs."""
    for code, kind in (("FAULT-POLICE", "police"), ("FAULT-LA", "local_authority")):
        homeward(["org", "add", "--code", code, "--name", f"{code} (fault test)", "--kind", kind],
                 database_url)
    users = {"police": "FAULT-POLICE", "social_worker": "FAULT-LA", "manager": "FAULT-LA",
             "cse_champion": "FAULT-LA"}
    for role, org in users.items():
        homeward(["user", "add", "--username", f"fault.{role}", "--role", role, "--org", org,
                  "--password-stdin"], database_url, stdin=PASSWORD + "\n")
    return {role: f"fault.{role}" for role in users}


def log_in(port, ca_file, username):
    answer = client(port, ca_file).post("/api/v1/session",
                                        {"username": username, "password": PASSWORD})
    if answer.status != 201:
        raise RuntimeError(f"log-in of {username}: {answer.status} {answer.body!r}")
    return answer.json()["token"], answer.json().get("user", {}).get("id")


def iso(seconds_from_now):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds_from_now))


# The bodies of one episode's lifecycle, as the API takes them.
def child_body(n):
    return {"given_name": f"Child{n}", "family_name": f"Fault{n}", "date_of_birth": "2010-05-17",
            "sex": "female", "looked_after": True, "responsible_authority": "FAULT-LA"}


def report_body(child_id, n):
    return {"child_id": child_id, "last_seen_at": iso(-3 * 3600),
            "last_seen_location": "Bus station", "circumstances": "Did not return from school",
            "risk_level": "medium", "police_reference": f"NP-{n}", "missing_or_away": "missing"}


def return_body():
    return {"returned_at": iso(-2 * 3600), "found_location": "Park", "returned_to": "Carer"}


def safe_and_well_body():
    return {"conducted_at": iso(-90 * 60), "notes": "Seen at home, well"}


def offer_body():
    return {"offered_at": iso(-60 * 60), "scheduled_for": iso(86400), "independent": True}


def interview_body(cse_risk="none", indicators=()):
    return {"conducted_at": iso(-30 * 60), "location": "School", "where_stayed": "A friend's flat",
            "with_whom": "Friends from school", "push_factors": ["conflict at home"],
            "pull_factors": ["friends"], "harm_disclosed": False, "indicators": list(indicators),
            "cse_risk": cse_risk, "child_views": "Wants more time with friends"}


def close_body():
    return {"summary": "Safe; plan agreed with the carers"}
