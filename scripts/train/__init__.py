"""newsie's training: one package, run by scripts/train/run JOB [ARGS...] (python3 -m train from scripts/).

Jobs, one module each (standard library only: the steps, the defaults, the log; run under python3):
    ner, attribution   models/ner, models/attribution             (trainer: tagger)
    stance             models/stance                              (trainer: stance_tagger)
    shared             runs/shared/model, one encoder, two heads  (trainer: multihead)
    teacher            runs/teacher/model, MPNet's NER head, and its soft labels
    student            runs/student/model, the shared model taught by soft labels
    places             src/stages/places/ranker.json                     (newsie eval ranker)
Trainers (torch + transformers: run under the $PY of scripts/train/env):
    tagger        one head over the MiniLM base (scripts/train/tagger.py before)
    multihead     one encoder, one head per task
    soft_labels   a teacher's probabilities per word
    stance_tagger the stance model: every word of a position labelled with its stance
Shared by them:
    data          label sets and readers: CoNLL-2003, UNER, PolNeAR (through `newsie segment`), XML;
                  the words a stance is read from (cargo test checks them)
    windows       windows and casing as src/model/windows.rs builds them (cargo test checks it); no torch
    common        wordpieces, examples, batches, spans, a run's start, the saved delta
    recipe        the jobs' steps: scripts/setup, the trainers' Python, the newsie binary, the log
"""
