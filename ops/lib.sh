# Shared by ops/run, ops/test and ops/bench: installing what is missing, building, and running a
# private PostgreSQL cluster. Source it; do not run it.
set -euo pipefail

HOMEWARD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin

# Debian 12 packages the build, the tests and the dev server need. Boost comes from the 1.81
# packages only: the unversioned libboost-dev is 1.74 and clashes with them.
REQUIRED_PACKAGES=(
    g++ cmake ninja-build ccache pkg-config clang-format git openssl
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
    libpqxx-dev libssl-dev libargon2-dev libgtest-dev libgmock-dev libcurl4-openssl-dev
    libvips-dev libimage-exiftool-perl libvips-tools
    libcairo2-dev libpango1.0-dev fonts-dejavu-core libarchive-dev libqrencode-dev
    postgresql-15 postgresql-contrib
)

# What ops/fuzz adds: clang 16 with libFuzzer and its sanitizer runtimes (clang's
# -fsanitize=fuzzer links libclang_rt.fuzzer from libclang-rt-16-dev).
FUZZ_PACKAGES=(clang-16 libfuzzer-16-dev libclang-rt-16-dev)

# What the tests add (ops/test only): Debian's Chromium, which the browser tests' playwright-core
# drives, the SMTP relay that receives the email alerts (aiosmtpd, run with Debian's
# /usr/bin/python3), poppler-utils, whose pdftotext and pdfinfo read the printed reports back, and
# unzip, which unpacks the subject-access export.
BROWSER_TEST_PACKAGES=(chromium python3-aiosmtpd poppler-utils unzip)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs only the packages that are missing: a second run spends no time in apt.
ensure_packages() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

# The build runs Node.js and npm to build the web application (web/). A machine that already has
# them (e.g. from NodeSource, whose nodejs bundles npm) is left alone: Debian's `npm` package would
# conflict with such a nodejs, so it is installed only where there is no npm at all.
ensure_node() {
    command -v node >/dev/null 2>&1 || ensure_packages nodejs
    command -v npm >/dev/null 2>&1 || ensure_packages npm
}

# build DIR CMAKE_ARGS...: configures once, then builds incrementally.
build() {
    local dir=$1
    shift
    export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
    if [ ! -f "$dir/build.ninja" ]; then
        cmake -S "$HOMEWARD_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
    fi
    cmake --build "$dir" -j "$(nproc)"
}

# PostgreSQL refuses to run as root: as root, its processes run as the postgres account.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# free_port: a TCP port on 127.0.0.1 nobody listens on.
free_port() {
    # Below the kernel's range for the local ports of outgoing connections: a port chosen there
    # can be taken by any connection opened before the server binds it (a fresh-clone run once
    # failed so, the replica's port in use).
    local port low=32768
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
    [ "$low" -gt 11000 ] || low=32768
    for _ in $(seq 1 200); do
        port=$((10000 + RANDOM % (low - 10000)))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    log "no free TCP port found"
    return 1
}

# pg_init DIR: a new cluster in DIR/data, sockets in DIR/run, log in DIR/log.
pg_init() {
    local dir=$1
    mkdir -p "$dir/run"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres:postgres "$dir"
        if ! runuser -u postgres -- test -x "$dir"; then
            log "the postgres account cannot reach $dir: clone the repository where it can (e.g. under /work or /srv)"
            return 1
        fi
    fi
    as_pg "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; return 1; }
}

# pg_start DIR PORT LISTEN: starts the cluster; LISTEN is listen_addresses ('' for sockets only).
# PG_FSYNC=off for throwaway clusters; PG_SHARED_BUFFERS (default PostgreSQL's 128MB) for benches
# whose working set is larger, as a production server's would be sized.
pg_start() {
    local dir=$1 port=$2 listen=$3
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
        -o "-p $port -k $dir/run -c listen_addresses='$listen' -c fsync=${PG_FSYNC:-on} -c shared_buffers=${PG_SHARED_BUFFERS:-128MB}" start >/dev/null ||
        { tail -n 20 "$dir/log" >&2; return 1; }
}

# pg_init_replica DIR PRIMARY_DIR PRIMARY_PORT: a streaming replica of the running cluster in
# PRIMARY_DIR, in DIR/data (pg_basebackup -R: it starts as a hot standby that connects to the
# primary's socket), sockets in DIR/run, log in DIR/log; start it with pg_start on a port of its
# own. initdb's pg_hba allows local replication connections, and wal_level replica is the default.
pg_init_replica() {
    local dir=$1 primary=$2 port=$3
    mkdir -p "$dir/run"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres:postgres "$dir"
    fi
    as_pg "$PG_BIN/pg_basebackup" -h "$primary/run" -p "$port" -U postgres -D "$dir/data" \
        -R -X stream -c fast >"$dir/basebackup.log" 2>&1 ||
        { cat "$dir/basebackup.log" >&2; return 1; }
    # The primary keeps the rows the replica's queries read until they end, rather than the
    # replica cancelling them when it replays their removal.
    echo "hot_standby_feedback = on" | as_pg tee -a "$dir/data/postgresql.auto.conf" >/dev/null
}

# pg_wait_replica DIR PORT: waits (up to 60 s) until the replica in DIR streams from its primary.
pg_wait_replica() {
    local dir=$1 port=$2
    for _ in $(seq 1 600); do
        if as_pg "$PG_BIN/psql" -h "$dir/run" -p "$port" -U postgres -d postgres -qtAc \
            "select status from pg_stat_wal_receiver" 2>/dev/null | grep -q streaming; then
            return 0
        fi
        sleep 0.1
    done
    log "the replica in $dir does not stream from its primary"
    tail -n 20 "$dir/log" >&2
    return 1
}

pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1; }

# stop_process PID: ends a background process (SIGTERM) and waits for it. It never fails, so that
# a cleanup trap (run under set -e) goes on to stop the cluster whatever the process's exit
# status: a process ended by the signal exits 143, which would otherwise end the trap there.
stop_process() {
    [ -n "${1:-}" ] || return 0
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

pg_stop() {
    local dir=$1
    if [ -d "$dir/data" ] && pg_running "$dir"; then
        as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
    fi
}

# pg_create_roles DIR PORT: the owner role that runs migrations and owns the schema
# (homeward_owner) and the application's role that serve connects as (homeward_app: it may
# insert into the audit trail, never update or delete it); made unless they exist.
pg_create_roles() {
    local dir=$1 port=$2 role
    for role in homeward_owner homeward_app; do
        as_pg "$PG_BIN/psql" -h "$dir/run" -p "$port" -U postgres -d postgres -qtAc \
            "do \$\$ begin if not exists (select from pg_roles where rolname = '$role') then create role $role login; end if; end \$\$" >/dev/null
    done
}

# pg_create_db DIR PORT NAME [OWNER]: creates the database unless it exists.
pg_create_db() {
    local dir=$1 port=$2 name=$3 owner=${4:-postgres}
    if ! as_pg "$PG_BIN/../bin/psql" -h "$dir/run" -p "$port" -U postgres -d postgres -tAc \
        "select 1 from pg_database where datname = '$name'" | grep -q 1; then
        as_pg "$PG_BIN/createdb" -h "$dir/run" -p "$port" -U postgres -O "$owner" "$name"
    fi
}

# make_test_ca DIR: a CA of the caller's own (DIR/ca.pem, DIR/ca-key.pem) and a certificate for
# 127.0.0.1 and localhost that it signs (DIR/cert.pem, DIR/key.pem). A client that trusts only
# DIR/ca.pem checks the server as it would in production; a self-signed certificate would need
# verification turned off (and testssl.sh rates one critical). The certificate is shaped as a
# public one would be, so that testssl.sh judges the server and not the test's certificate: 90
# days (it warns under 60, and a public CA may not issue over 398), and a CRL distribution point
# (a certificate naming neither a CRL nor an OCSP responder is rated high). Nothing fetches the
# CRL: testssl.sh does only with --phone-out.
make_test_ca() {
    local dir=$1
    mkdir -p "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
        -subj "/O=Homeward test/CN=homeward test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/key.pem" -out "$dir/cert.csr" 2>/dev/null
    printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=critical,CA:FALSE' \
        'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' \
        'crlDistributionPoints=URI:http://127.0.0.1/homeward-test-ca.crl' >"$dir/ext"
    openssl x509 -req -in "$dir/cert.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
        -CAcreateserial -days 90 -sha256 -extfile "$dir/ext" -out "$dir/cert.pem" 2>/dev/null
    chmod 600 "$dir/key.pem" "$dir/ca-key.pem"
}
