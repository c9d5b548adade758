#!/usr/bin/env python3
"""Reads every memcheck log a `make test-memcheck` run left (Tests/Valgrind/memcheck.sh writes
one per daemon process) and fails when any shows a memory error, a definite leak, or no final
summary (the daemon was killed or crashed, so its leaks were never checked).

Usage: check-logs.py [LOG_DIR]   (default .build/memcheck)
Each distinct error is printed once with its stack and the logs it occurs in.
"""
import pathlib
import re
import sys

# Headlines memcheck gives its errors; anything else counted in ERROR SUMMARY still fails below.
ERROR_HEADLINE = re.compile(
    r"Invalid (read|write|free)|Mismatched free|uninitialised|Source and destination overlap"
    r"|Jump to the invalid address|fishy value|are definitely lost in loss record"
    r"|Process terminating with default action")
PREFIX = re.compile(r"^==\d+== ?")


def blocks(lines):
    """Memcheck separates its reports with a bare `==PID==` line: yields each block's lines."""
    block = []
    for line in lines:
        text = PREFIX.sub("", line.rstrip("\n"))
        if text.strip():
            block.append(text)
        elif block:
            yield block
            block = []
    if block:
        yield block


def check(path):
    """The problems of one log: a list of (headline, stack) pairs."""
    lines = path.read_text(errors="replace").splitlines()
    problems = []
    summary = None
    for block in blocks(lines):
        headline = block[0]
        if ERROR_HEADLINE.search(headline):
            stack = [line.strip() for line in block[1:] if line.lstrip().startswith(("at ", "by "))]
            # The loss record number differs between runs; the size and the stack identify it.
            problems.append((re.sub(r" in loss record [\d,]+ of [\d,]+", "", headline), tuple(stack[:12])))
        for line in block:
            lost = re.match(r"\s*definitely lost: ([\d,]+) bytes", line)
            if lost and lost.group(1) != "0":
                problems.append((f"definitely lost: {lost.group(1)} bytes", ()))
            errors = re.match(r"ERROR SUMMARY: ([\d,]+) errors", line)
            if errors:
                summary = int(errors.group(1).replace(",", ""))
    if summary is None:
        problems.append(("no ERROR SUMMARY: the process did not exit cleanly (killed or crashed), so it was never leak-checked", ()))
    elif summary and not problems:
        problems.append((f"ERROR SUMMARY: {summary} errors", ()))
    return problems


def command(path):
    for line in path.read_text(errors="replace").splitlines():
        if "Command: " in line:
            return line.split("Command: ", 1)[1]
    return "?"


def main():
    directory = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".build/memcheck")
    logs = sorted(directory.glob("memcheck.*.log"))
    if not logs:
        print(f"check-logs: no memcheck logs in {directory}: did the tests run the daemon under memcheck.sh?")
        return 1
    found = {}
    for log in logs:
        for problem in check(log):
            found.setdefault(problem, []).append(log)
    for (headline, stack), where in found.items():
        print(f"\n{headline}  [{len(where)} of {len(logs)} logs]")
        for frame in stack:
            print(f"    {frame}")
        for log in where[:3]:
            print(f"  in {log}: {command(log)}")
    failed = len({log for where in found.values() for log in where})
    print(f"\ncheck-logs: {len(logs)} daemon runs under memcheck, {failed} with problems"
          + ("" if failed else ": no invalid reads/writes/frees, no uninitialised values, no definite leaks, every run exited cleanly"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
