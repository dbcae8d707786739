"""Summarises scripts/bench's hyperfine exports: one table, the goal ratios, PASS or MISS.

    python summary.py NAME JSON... --ratio LABEL NUM DEN OP GOAL [--ratio ...] --markdown OUT

Each JSON is one hyperfine run (a round) of the same commands. A command's median is the
median of its per-round medians; its mean ± σ pools every run of every round. A ratio is
computed per round (same round, so the same machine state) and the median over rounds is the
one judged against its goal. CPU time (user + system, as hyperfine reports it) is shown
(the mean per run; the median over rounds) beside the wall times: on a shared machine it moves
less with the load. Missing a goal is
reported, never an error.
"""

import json
import statistics
import sys


def cpu_time(result):
    """User + system seconds of one command in one round (hyperfine exports their means)."""
    user, system = result["user"], result["system"]
    if isinstance(user, list):  # per-run lists, should a hyperfine export them
        return statistics.median(u + s for u, s in zip(user, system))
    return user + system


def parse_args(argv):
    name, files, ratios, markdown = argv[0], [], [], None
    i = 1
    while i < len(argv):
        if argv[i] == "--ratio":
            ratios.append(argv[i + 1 : i + 6])
            i += 6
        elif argv[i] == "--markdown":
            markdown = argv[i + 1]
            i += 2
        else:
            files.append(argv[i])
            i += 1
    return name, files, ratios, markdown


def main():
    name, files, ratios, markdown = parse_args(sys.argv[1:])
    rounds = []
    for path in files:
        with open(path) as f:
            rounds.append({r["command"]: r for r in json.load(f)["results"]})
    commands = list(rounds[0])  # the order of the first round
    rows = []
    for command in commands:
        times = [t for rnd in rounds for t in rnd[command]["times"]]
        cpu = [cpu_time(rnd[command]) for rnd in rounds]
        rows.append(
            {
                "command": command,
                "median": statistics.median(rnd[command]["median"] for rnd in rounds),
                "mean": statistics.mean(times),
                "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
                "cpu": statistics.median(cpu),
                "runs": len(times),
            }
        )

    def ms(seconds):
        return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.2f} s"

    print(f"{'median':>10}  {'mean ± σ':>22}  {'cpu (u+s)':>10}  runs  command")
    for r in rows:
        spread = f"{ms(r['mean'])} ± {ms(r['stddev'])}"
        print(f"{ms(r['median']):>10}  {spread:>22}  {ms(r['cpu']):>10}  {r['runs']:>4}  {r['command']}")

    lines = []
    for label, num, den, op, goal in ratios:
        goal = float(goal)
        per_round = [rnd[num]["median"] / rnd[den]["median"] for rnd in rounds]
        cpu_round = [cpu_time(rnd[num]) / cpu_time(rnd[den]) for rnd in rounds]
        value = statistics.median(per_round)
        ok = value >= goal if op == ">=" else value <= goal
        verdict = "PASS" if ok else "MISS"
        detail = ", ".join(f"{v:.2f}" for v in per_round)
        text = (
            f"{label}: {value:.2f}x (goal {op} {goal:g}x): {verdict}"
            f"  [wall medians per round: {detail}; cpu time ratio {statistics.median(cpu_round):.2f}x]"
        )
        print(text)
        lines.append((label, value, op, goal, verdict, statistics.median(cpu_round)))

    if markdown:
        with open(markdown, "w") as out:
            out.write("| Command | Median | Mean ± σ | CPU (user+sys) | Runs |\n")
            out.write("|:---|---:|---:|---:|---:|\n")
            for r in rows:
                out.write(
                    f"| `{r['command']}` | {ms(r['median'])} | {ms(r['mean'])} ± {ms(r['stddev'])}"
                    f" | {ms(r['cpu'])} | {r['runs']} |\n"
                )
            out.write("\n| Ratio (of wall medians) | Value | Goal | Result | CPU-time ratio |\n")
            out.write("|:---|---:|---:|:---|---:|\n")
            for label, value, op, goal, verdict, cpu in lines:
                out.write(f"| {label} | {value:.2f}x | {op} {goal:g}x | {verdict} | {cpu:.2f}x |\n")


if __name__ == "__main__":
    main()
