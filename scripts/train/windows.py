"""Windows and casing as newsie builds them at inference (src/model/windows.rs: plan, casing), for the
trainers (train.common.make_examples). No torch and no imports from this package here: `cargo test`
runs this file as a script (python3 scripts/train/windows.py) against the Rust code
(windows::tests::the_training_script_builds_the_same_windows), reading cases as JSON on stdin.
"""

import json
import sys


def casing(word):
    """0 lower or no letters, 1 Title (or single capital), 2 UPPER (2+ letters), 3 mixed."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return 0
    uppers = sum(1 for c in letters if c.isupper())
    if uppers == 0:
        return 0
    if uppers == len(letters):
        return 1 if len(letters) == 1 else 2
    if letters[0].isupper() and uppers == 1:
        return 1
    return 3


def windows(piece_counts, sent_starts, core_max, context):
    """Same algorithm as src/model/windows.rs::plan. Returns (ctx_start, core_start, core_end, ctx_end)
    as word indices."""
    n = len(piece_counts)
    bounds = sorted(set(sent_starts) | {0}) + [n]
    cores = []
    cur_start, cur_len = None, 0
    for a, b in zip(bounds, bounds[1:]):
        if a >= b:
            continue
        size = sum(piece_counts[a:b])
        if size <= core_max:
            if cur_start is not None and cur_len + size <= core_max:
                cur_len += size
                continue
            if cur_start is not None:
                cores.append((cur_start, a))
            cur_start, cur_len = a, size
            continue
        if cur_start is not None:
            cores.append((cur_start, a))
            cur_start, cur_len = None, 0
        i = a
        while i < b:
            j, tot = i, 0
            while j < b and (j == i or tot + piece_counts[j] <= core_max):
                tot += piece_counts[j]
                j += 1
            cores.append((i, j))
            i = j
    if cur_start is not None:
        cores.append((cur_start, n))
    out = []
    for a, b in cores:
        l, tot = a, 0
        while l > 0 and tot + piece_counts[l - 1] <= context:
            tot += piece_counts[l - 1]
            l -= 1
        r, tot = b, 0
        while r < n and tot + piece_counts[r] <= context:
            tot += piece_counts[r]
            r += 1
        out.append((l, a, b, r))
    return out


def main():
    """Each stdin line {"words", "counts", "starts", "core", "context"} gives one line
    {"casing": [...], "plan": [[ctx_start, core_start, core_end, ctx_end], ...]}."""
    for line in sys.stdin:
        case = json.loads(line)
        plan = windows(case["counts"], case["starts"], case["core"], case["context"])
        out = {"casing": [casing(w) for w in case["words"]], "plan": [list(p) for p in plan]}
        print(json.dumps(out))


if __name__ == "__main__":
    main()
