"""The training data and its labels, as every trainer reads them: the tasks' label sets, CoNLL-2003
and Universal NER column files, PolNeAR's brat standoff (words and sentences from `newsie segment`,
as at inference), the labelled web pages of tests/data/positions-pages.jsonl and the texts of LGL /
GeoVirus XML. Documents come out as lists of sentences of (word, BIO tag); a position's words for
its stance model. Standard library only.
"""
import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET

NER_TYPES = ["PER", "ORG", "LOC", "MISC"]
ATTRIBUTION_TYPES = ["SOURCE", "CUE", "CONTENT"]
HEADS = {"ner": NER_TYPES, "attribution": ATTRIBUTION_TYPES}


def labels_of(types):
    return ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]


def read_conll(path):
    """Documents -> sentences -> (word, BIO tag); IOB1 converted to BIO."""
    docs, doc, sent = [], [], []

    def end_sent():
        nonlocal sent
        if sent:
            doc.append(sent)
            sent = []

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                end_sent()
                continue
            cols = line.split()
            if cols[0] == "-DOCSTART-":
                end_sent()
                if doc:
                    docs.append(doc)
                doc = []
                continue
            sent.append((cols[0], cols[-1]))
    end_sent()
    if doc:
        docs.append(doc)
    for d in docs:
        for s in d:
            prev = "O"
            for i, (w, t) in enumerate(s):
                if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
                    t = "B-" + t[2:]
                s[i] = (w, t)
                prev = t
    return docs


def read_iob2(path):
    """Universal NER's layout: `# newdoc` opens a document, `# sent_id` a sentence, then rows of
    index, word, IOB2 tag."""
    docs, doc, sent = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# newdoc"):
                if sent:
                    doc.append(sent)
                    sent = []
                if doc:
                    docs.append(doc)
                doc = []
            elif not line.strip():
                if sent:
                    doc.append(sent)
                    sent = []
            elif not line.startswith("#"):
                cols = line.split("\t")
                sent.append((cols[1], cols[2]))
    if sent:
        doc.append(sent)
    if doc:
        docs.append(doc)
    return docs


def read_brat(path):
    """Source / Cue / Content spans of a brat .ann file: [(TYPE, [(start, end), ...])]."""
    spans = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2 or not cols[0].startswith("T"):
                continue
            label, _, offsets = cols[1].partition(" ")
            if label.upper() not in ATTRIBUTION_TYPES:
                continue
            parts = [tuple(int(x) for x in part.split()) for part in offsets.split(";")]
            spans.append((label.upper(), parts))
    return spans


def segment(newsie, items):
    """[(id, text)] -> [(words as (start, end), sentences as (first, end) word ranges)] by
    `newsie segment`, as at inference."""
    import subprocess

    lines = [json.dumps({"id": n, "text": t}) for n, t in items]
    out = subprocess.run(
        [newsie, "segment", "-"], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True
    ).stdout
    segs = []
    for (n, _), line in zip(items, out.splitlines()):
        seg = json.loads(line)
        assert seg["id"] == n, (seg["id"], n)
        segs.append((seg["words"], seg["sentences"]))
    assert len(segs) == len(items), "newsie segment left out a document"
    return segs


def tagged(text, words, sentences, spans):
    """A document as sentences of (word, BIO tag), the words overlapping each (TYPE, [(start, end),
    ...]) span tagged with its type (a later span overwrites an earlier one)."""
    tags = ["O"] * len(words)
    for label, parts in spans:
        for s, e in parts:
            inside = [i for i, (ws, we) in enumerate(words) if ws < e and we > s]
            for k, i in enumerate(inside):
                tags[i] = ("B-" if k == 0 else "I-") + label
    return [[(text[words[i][0] : words[i][1]], tags[i]) for i in range(a, b)] for a, b in sentences]


def read_polnear(split_dir, newsie, all_annotators=False):
    """Documents -> sentences -> (word, BIO tag) from a PolNeAR split. Where an article has several
    annotators' files the first in name order is used, so results repeat; with all_annotators
    (training only) each file is one more document."""
    text_dir, ann_dir = os.path.join(split_dir, "text"), os.path.join(split_dir, "attributions")
    names = sorted(f[:-4] for f in os.listdir(text_dir) if f.endswith(".txt"))
    anns = sorted(os.listdir(ann_dir))
    items = []
    for n in names:
        with open(os.path.join(text_dir, n + ".txt"), encoding="utf-8") as f:
            items.append((n, f.read()))
    docs = []
    for (n, text), (words, sentences) in zip(items, segment(newsie, items)):
        mine = [a for a in anns if a.startswith(n + "_") and a.endswith(".ann")]
        for ann in (mine if all_annotators else mine[:1]) or [None]:
            spans = read_brat(os.path.join(ann_dir, ann)) if ann else []
            docs.append(tagged(text, words, sentences, spans))
    return docs


PAIRS = {"“": "”", '"': '"', "‘": "’"}


def polnear_content(text, parts):
    """Widens a labelled page content ([[start, end], ...], in place) to PolNeAR's bounds, so that
    the two sets teach one convention: a "that" before the content and the quotation marks around
    it (with the punctuation inside them) belong to it."""
    s, e = parts[0][0], parts[-1][1]
    before = text[:s].rstrip(" ")
    if before and before[-1] in PAIRS:
        after = re.match(r"[.,!?;:]*\s*" + re.escape(PAIRS[before[-1]]), text[e:])
        if after:
            parts[0][0], parts[-1][1] = len(before) - 1, e + after.end()
            return
    that = re.search(r"\bthat\s+$", text[max(0, s - 8) : s], re.I)
    if that:
        parts[0][0] = max(0, s - 8) + that.start()


def read_pages(gold, records, newsie, split="tune", fold=None, nested=False):
    """Documents -> sentences -> (word, BIO tag) from the labelled web pages (docs/positions.md):
    the page texts from `newsie extract --with-text` records, the top-level positions' speaker, cue
    and content from the labels (the tagger reads one level; with nested, each content piece that
    holds positions is a document too, as the nested stage reads it). With fold (k, n), only the
    split's pages whose index in key order is not k modulo n."""
    pages, spans, inner, contents = {}, {}, [], {}
    with open(gold, encoding="utf-8") as f:
        for line in f:
            g = json.loads(line)
            if g["split"] != split:
                continue
            if "n" not in g:
                pages[g["page"]] = g
                continue
            contents[(g["page"], g["n"])] = g["content"]
            if g["nested_in"] is None:
                spans.setdefault(g["page"], []).extend(position_spans(g))
            else:
                inner.append(g)
    keys = sorted(pages)
    if fold:
        keys = [p for i, p in enumerate(keys) if i % fold[1] != fold[0]]
    texts = {}
    with open(records, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] in pages:
                texts[r["id"]] = r["text"]
                sha = hashlib.sha256(r["text"].encode("utf-8")).hexdigest()[:16]
                assert sha == pages[r["id"]]["sha"], f"page {r['id']}: not the text the labels were made on"
    missing = [k for k in keys if k not in texts]
    assert not missing, f"{records}: no text of the labelled pages {missing[:3]}…"
    items = [(k, texts[k]) for k in keys]
    docs = []
    for (k, text), (words, sentences) in zip(items, segment(newsie, items)):
        for label, parts in spans.get(k, []):
            if label == "CONTENT":
                polnear_content(text, parts)
        docs.append(tagged(text, words, sentences, spans.get(k, [])))
    if nested:
        # A content piece read as a text of its own, as the nested stage reads it, with the
        # positions inside it tagged.
        pieces = {}
        for g in inner:
            if g["page"] not in keys:
                continue
            for s, e in contents.get((g["page"], g["nested_in"]), []):
                if s <= g["content"][0][0] and g["content"][-1][1] <= e:
                    pieces.setdefault((g["page"], s, e), []).append(g)
        items = [(f"{p}:{s}", texts[p][s:e]) for p, s, e in pieces]
        for ((p, s, e), gs), (_, piece), (words, sentences) in zip(pieces.items(), items, segment(newsie, items)):
            shifted = [(label, [[a - s, b - s] for a, b in parts]) for g in gs for label, parts in position_spans(g)]
            for label, parts in shifted:
                if label == "CONTENT":
                    polnear_content(piece, parts)
            docs.append(tagged(piece, words, sentences, shifted))
    return docs


def position_spans(g):
    """A labelled page position's speaker, cue and content as (TYPE, [[start, end], ...])."""
    out = []
    if g["speaker"]:
        out.append(("SOURCE", [list(g["speaker"])]))
    if g["cue"]:
        out.append(("CUE", [list(g["cue"])]))
    out.append(("CONTENT", [list(c) for c in g["content"]]))
    return out


def xml_docs(path, newsie):
    """Each article's text in an LGL / GeoVirus file, as sentences of words."""
    items = []
    for i, art in enumerate(ET.parse(path).getroot().iter("article")):
        text = art.findtext("text") or ""
        if text.strip():
            items.append((f"{os.path.basename(path)}-{i}", text))
    return [
        [[text[words[k][0] : words[k][1]] for k in range(a, b)] for a, b in sentences]
        for (_, text), (words, sentences) in zip(items, segment(newsie, items))
    ]


# The most words of a position read for its stance (src/stages/attribution/stance_model.rs).
STANCE_MAX_WORDS = 80


def stance_span(words, cue, content):
    """The word range read for a position: from its first to its last cue or content word, at most
    STANCE_MAX_WORDS, the cue kept (a long quotation before its cue loses its start). Char spans in,
    word indices out; None where no word is covered."""
    parts = ([cue] if cue else []) + list(content)
    covered = [i for i, (s, e) in enumerate(words) if any(s < b and a < e for a, b in parts)]
    if not covered:
        return None
    lo, hi = covered[0], covered[-1] + 1
    cue_end = max((i + 1 for i, (s, e) in enumerate(words) if cue and s < cue[1] and cue[0] < e), default=lo)
    if hi - lo > STANCE_MAX_WORDS:
        lo, hi = (lo, lo + STANCE_MAX_WORDS) if cue_end <= lo + STANCE_MAX_WORDS else (cue_end - STANCE_MAX_WORDS, cue_end)
    return lo, hi
