# Shared by the ops/bench scripts that drive the HTTPS API: a session for a bench user, and the
# figures of a wrk run. Source it after ops/lib.sh; do not run it.

# bench_login URL USERNAME [PASSWORD]: prints the bearer token of a new session (PASSWORD default
# "benchmark password"), or stops the bench saying what the server answered instead.
bench_login() {
    local url=$1 username=$2 password=${3:-benchmark password} body answer
    body=$(python3 -c 'import json,sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2]}))' \
        "$username" "$password")
    answer=$(curl -sSk "$url/api/v1/session" -H 'content-type: application/json' -d "$body") || {
        echo "bench: logging in as $username: the server did not answer" >&2
        return 1
    }
    python3 -c 'import json,sys; t = json.loads(sys.argv[1])["token"]; assert isinstance(t, str) and t; print(t)' \
        "$answer" 2>/dev/null || {
        echo "bench: logging in as $username failed: $answer" >&2
        return 1
    }
}

# wrk_figures [p50]: reads the output of `wrk --latency` and prints
# "requests_per_second=R p99=T" ("requests_per_second=R p50=T p99=T" with p50). wrk counts every
# response it gets as a request, whatever its status: a session that ended, a refusal or a 503
# would be counted as work done. So a run in which any response was not 2xx or 3xx, or a socket
# failed (connect, read, write or timeout), or nothing was answered, prints what happened to
# stderr and fails instead of printing a figure.
wrk_figures() {
    awk -v with_p50="${1:-}" '
        /Requests\/sec/ { rps = $2 }
        / 50%/ { p50 = $2 }
        / 99%/ { p99 = $2 }
        /requests in/ { requests = $1 }
        /Non-2xx or 3xx responses/ { bad = $NF }
        /Socket errors/ { sockets = $0; sub(/^ +/, "", sockets) }
        END {
            if (requests + 0 == 0) {
                print "wrk: no request was answered" > "/dev/stderr"; exit 1
            }
            if (bad + 0 > 0) {
                printf "wrk: %s of %s responses were not 2xx or 3xx: no figure\n", bad, requests > "/dev/stderr"
                exit 1
            }
            if (sockets != "") {
                printf "wrk: %s: no figure\n", sockets > "/dev/stderr"; exit 1
            }
            printf "requests_per_second=%s%s p99=%s\n", rps, with_p50 == "p50" ? " p50=" p50 : "", p99
        }'
}
