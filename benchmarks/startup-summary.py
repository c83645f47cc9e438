"""Summary of run-startup-bench.sh's rounds: per command, the median wall time over every run,
its IQR and range, what it adds to the same command without an agent, and the median over rounds
of the mean CPU time (user + system) per run. Usage: startup-summary.py DIR"""
import glob
import json
import os
import statistics
import sys

out = sys.argv[1]
files = sorted(glob.glob(os.path.join(out, "round-*.json")))
times, wall_r, cpu_r = {}, {}, {}
for f in files:
    for res in json.load(open(f))["results"]:
        c = res["command"]
        times.setdefault(c, []).extend(res["times"])
        wall_r.setdefault(c, []).append(statistics.median(res["times"]))
        cpu_r.setdefault(c, []).append(res["user"] + res["system"])


def q(v, p):
    v = sorted(v)
    k = (len(v) - 1) * p
    f = int(k)
    c = min(f + 1, len(v) - 1)
    return v[f] + (v[c] - v[f]) * (k - f)


lines = [
    "| command | config | runs | wall median (s) | IQR (s) | min..max (s) | added vs none (s)"
    " | added per round (s) | CPU per run (s) | CPU added (s) |",
    "|---|---|---|---|---|---|---|---|---|---|",
]
for what in ("version", "first-getConnection"):
    base = what + " none"
    for name in [n for n in times if n.startswith(what + " ")]:
        t = times[name]
        cpu = statistics.median(cpu_r[name])
        added = added_r = cpu_added = ""
        if base in times and name != base:
            added = "%+.3f" % (statistics.median(t) - statistics.median(times[base]))
            added_r = " ".join("%+.2f" % (a - b) for a, b in zip(wall_r[name], wall_r[base]))
            cpu_added = "%+.3f" % (cpu - statistics.median(cpu_r[base]))
        lines.append(
            "| %s | %s | %d | %.3f | %.3f..%.3f | %.3f..%.3f | %s | %s | %.3f | %s |"
            % (what, name.split(" ", 1)[1], len(t), statistics.median(t), q(t, 0.25),
               q(t, 0.75), min(t), max(t), added, added_r, cpu, cpu_added))
load = os.path.join(out, "load.txt")
text = (
    "Start-up benchmark: %d rounds, interleaved (hyperfine -N, 1 warm-up per command and round)\n\n"
    % len(files)
    + "\n".join(lines)
    + "\n\nLoad average:\n"
    + (open(load).read() if os.path.exists(load) else "")
)
open(os.path.join(out, "summary.md"), "w").write(text)
print(text)
