#!/usr/bin/env python3
"""Turns positions labelled by their words into the offsets-only gold file (docs/positions.md).

A labeller writes, per page, one JSON line per position with the words as they stand in the text
newsie extracts (`newsie extract PAGES/ --with-text -o pages.jsonl`):

  {"page": KEY, "n": 1, "cue": "said", "content": ["first piece", "second piece"],
   "speaker": "Morrison", "resolved": "Tim Morrison", "nested_in": null,
   "stance": "neutral", "stance2": null, "anchor": "Morrison also said"}

`anchor` (optional) is a snippet that occurs once in the text and holds the cue (or, without a
cue, the content's start): it says which of several places is meant. Whitespace and the kind of
quotation mark need not match exactly. A page with no positions is one line {"page": KEY}.

This script finds every piece, checks it, and writes offsets only (never the text):

  scripts/labels/positions.py pages.jsonl LABELS.jsonl [...] --split tune -o OUT.jsonl

It exits 1 and names every label it could not place, so a labeller can fix and rerun.
"""
import argparse
import hashlib
import json
import re
import sys

QUOTES = {"'": "['‘’`]", "‘": "['‘’`]", "’": "['‘’`]", '"': '["“”″]', "“": '["“”″]', "”": '["“”″]'}
DASHES = {"-": "[-‐‑–—]", "–": "[-‐‑–—]", "—": "[-‐‑–—]"}


def pattern(words):
    """A regex for the words, loose on whitespace, quotation marks and dashes."""
    out = []
    for ch in words.strip():
        if ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        elif ch in QUOTES:
            out.append(QUOTES[ch])
        elif ch in DASHES:
            out.append(DASHES[ch])
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out))


def find(text, words, lo=0, hi=None, whole=False):
    hi = len(text) if hi is None else hi
    found = []
    for m in pattern(words).finditer(text, lo, hi):
        s, e = m.span()
        if whole and ((s > 0 and text[s - 1].isalnum()) or (e < len(text) and text[e].isalnum())):
            continue
        found.append((s, e))
    return found


def nearest(spans, at):
    return min(spans, key=lambda s: min(abs(s[0] - at), abs(s[1] - at))) if spans else None


def place(text, lab):
    """Offsets for one label, or an error message."""
    pieces = lab.get("content") or []
    if isinstance(pieces, str):
        pieces = [pieces]
    if not pieces:
        return None, "no content"
    cue_words = lab.get("cue")
    lo, hi = 0, len(text)
    if lab.get("anchor"):
        a = find(text, lab["anchor"])
        if len(a) != 1:
            return None, f"anchor found {len(a)} times"
        lo, hi = a[0]
    cue = None
    if cue_words:
        cues = find(text, cue_words, lo, hi, whole=True)
        if not cues:
            return None, f"cue {cue_words!r} not found" + (" in the anchor" if lab.get("anchor") else "")
    first = find(text, pieces[0])
    if not first:
        return None, f"content {pieces[0][:40]!r} not found"
    if cue_words:
        # the (cue, content) pair nearest to each other; ambiguous when two pairs tie
        pairs = sorted(
            (max(0, max(c[0], f[0]) - min(c[1], f[1])), c, f) for c in cues for f in first
        )
        if len(pairs) > 1 and pairs[0][0] == pairs[1][0] and pairs[0][1:] != pairs[1][1:]:
            return None, "cue and content occur twice at the same distance: add an anchor"
        _, cue, start = pairs[0]
        if pairs[0][0] > 600:
            return None, "cue and content are over 600 characters apart"
    else:
        inside = [f for f in first if lo <= f[0] < hi] if lab.get("anchor") else first
        if len(inside) != 1:
            return None, f"content start found {len(inside)} times: add an anchor"
        start = inside[0]
    content = [start]
    for p in pieces[1:]:
        nxt = [f for f in find(text, p, content[-1][1]) if f[0] - content[-1][1] < 600]
        if not nxt:
            return None, f"content piece {p[:40]!r} not found after the one before"
        content.append(nxt[0])
    speaker = None
    if lab.get("speaker"):
        at = cue[0] if cue else content[0][0]
        near = [s for s in find(text, lab["speaker"], whole=True) if abs(s[0] - at) < 400]
        speaker = nearest(near, at)
        if speaker is None:
            return None, f"speaker {lab['speaker']!r} not found within 400 characters"
    return {
        "cue": list(cue) if cue else None,
        "content": [list(c) for c in content],
        "speaker": list(speaker) if speaker else None,
    }, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", help="newsie extract --with-text output for the pages")
    ap.add_argument("labels", nargs="+")
    ap.add_argument("--split", required=True, choices=["tune", "heldout"])
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    texts = {}
    for line in open(a.pages):
        r = json.loads(line)
        texts[r["id"]] = r.get("text") or ""
    out, errors, pages = [], [], []
    for path in a.labels:
        for i, line in enumerate(open(path), 1):
            if not line.strip():
                continue
            lab = json.loads(line)
            page = lab["page"]
            if page not in texts:
                errors.append(f"{path}:{i}: no page {page}")
                continue
            if page not in pages:
                pages.append(page)
            if "content" not in lab:
                continue
            if lab.get("stance") not in ("support", "oppose", "neutral"):
                errors.append(f"{path}:{i}: stance {lab.get('stance')!r}")
                continue
            spans, err = place(texts[page], lab)
            if err:
                errors.append(f"{path}:{i}: n={lab.get('n')}: {err}")
                continue
            out.append({
                "page": page, "split": a.split, "n": lab["n"], **spans,
                "resolved": lab.get("resolved"), "nested_in": lab.get("nested_in"),
                "stance": lab["stance"], "stance2": lab.get("stance2"),
            })
    for e in errors:
        print(e, file=sys.stderr)
    with open(a.output, "w") as f:
        for p in pages:
            sha = hashlib.sha256(texts[p].encode()).hexdigest()[:16]
            f.write(json.dumps({"page": p, "sha": sha, "split": a.split}) + "\n")
        for o in out:
            f.write(json.dumps(o) + "\n")
    print(f"{len(pages)} pages, {len(out)} positions placed, {len(errors)} not", file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
