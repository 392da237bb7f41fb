#!/usr/bin/env python3
"""Turns what PostgreSQL logged (log_statement=all) for one request into a pgbench script that
runs exactly those statements with the same values: the reference rate the database would allow
for that request's own work.

usage: replay_statements.py LOG MARK_START MARK_END EXCLUDE OUT [--transaction] [--version-of ID]

Each logged value becomes a pgbench variable (:<OUT's name>_s<statement>p<parameter>, so that
scripts run together keep their own values), which pgbench -M prepared binds as a parameter of
the prepared statement, as serve binds it and as pgbench -S binds its :aid. Written as literals,
the values would be constants the planner folds into the plan (the scope's test of the caller's
role, for one, disappears), and the reference would run cheaper plans than serve's generic ones.
The definitions go to OUT.vars, one "-Dname=value" argument per value, each ending in a NUL, for
pgbench's command line. A NULL and an empty string stay literals in the SQL, and so are planned
as constants: -D takes no NULL, and refuses a definition with nothing after its "=".

The prepared statements logged between the two marks are kept in order, except those whose name
matches the regular expression EXCLUDE (the server's background work: the audit sequencer, the
webhook and email senders, readiness pings; and whatever the reference leaves out on purpose).
With --transaction, every statement but the session check (which commits on its own, and which
serve skips for a session it checked in the last few seconds) runs in one BEGIN ... COMMIT, as the
request's transaction does. --version-of ID replaces
the episode's version in every event's optimistic update (each statement that begins with
"with moved as", such as episodes_move and episodes_regrade) with a subquery reading it, so that
a replayed update moves the row every time, as the real request does."""
import os
import re
import sys


def unquoted(value):
    """A value as PostgreSQL's log quotes it ('...', with '' for '), as its text."""
    return value[1:-1].replace("''", "'")


def main():
    log, start, end, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[5]
    exclude = re.compile(sys.argv[4])
    transaction = "--transaction" in sys.argv
    episode = None
    if "--version-of" in sys.argv:
        episode = sys.argv[sys.argv.index("--version-of") + 1]
    lines = open(log, encoding="utf-8", errors="replace").read().split("\n")
    inside = False
    statements = []
    pending = None
    for line in lines:
        if start in line:
            inside = True
            continue
        if end in line:
            break
        if not inside:
            continue
        body = line[line.index("|"):] if "|" in line else line
        m = re.match(r"\|[0-9]+\|LOG:  execute (\w+): (.*)$", body)
        if m:
            if pending:
                statements.append(pending)
            pending = {"name": m.group(1), "sql": m.group(2), "params": {}}
            continue
        m = re.match(r"\|[0-9]+\|DETAIL:  parameters: (.*)$", body)
        if m and pending:
            for k, v in re.findall(r"\$(\d+) = ('(?:[^']|'')*'|NULL)", m.group(1)):
                pending["params"][int(k)] = v
            continue
        if re.match(r"\|[0-9]+\|LOG:  ", body) and pending:
            statements.append(pending)
            pending = None
    if pending:
        statements.append(pending)
    script = []
    alone = []  # the session check, committed on its own
    variables = []
    prefix = re.sub(r"\W", "_", os.path.basename(out).split(".")[0])
    for i, s in enumerate(statements):
        if exclude.search(s["name"]):
            continue
        sql = s["sql"]
        for k in sorted(s["params"], reverse=True):
            value = s["params"][k]
            if episode and k == 2 and sql.startswith("with moved as (update episodes "):
                value = "(select version from episodes where id = '%s')" % episode
            elif value not in ("NULL", "''"):
                name = "%s_s%dp%d" % (prefix, i, k)
                variables.append("-D%s=%s" % (name, unquoted(value)))
                value = ":" + name
            sql = re.sub(r"\$%d(?!\d)" % k, lambda _: value, sql)
        line = sql.replace("\n", " ") + ";"
        if transaction and s["name"] == "sessions_find_and_touch":
            alone.append(line)
        else:
            script.append(line)
    if not script and not alone:
        sys.exit("no statements found between the marks")
    if transaction and len(script) > 1:
        script = ["BEGIN;"] + script + ["COMMIT;"]
    script = alone + script
    open(out, "w").write("\n".join(script) + "\n")
    open(out + ".vars", "w").write("".join(v + "\0" for v in variables))
    print("%s: %d statements" % (out, len([s for s in script if s not in ("BEGIN;", "COMMIT;")])))


if __name__ == "__main__":
    main()
