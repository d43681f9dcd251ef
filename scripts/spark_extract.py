#!/usr/bin/env python3
"""newsie extract over a corpus with Apache Spark (PySpark, RDD.pipe).

Each partition of the JSONL corpus is piped through `newsie extract -` (stdin to stdout, one
record per article line, in order), so the part files, read in order, are the single-process
output. A cluster runs it the same way with another --master; newsie and its models must then be
at the same path on every worker.

  scripts/spark_extract.py corpus.jsonl -o out/            # part-00000, part-00001, ...
  scripts/spark_extract.py corpus.jsonl -o out.jsonl --single
"""
import argparse
import os
import shlex
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", help="JSONL corpus (a path or glob Spark's textFile reads)")
    p.add_argument("-o", "--output", required=True, help="folder of part files, or a file with --single")
    p.add_argument("--single", action="store_true", help="write one JSONL file instead of part files")
    p.add_argument("--master", default="local[2]")
    p.add_argument("--partitions", type=int, default=None, help="minimum input partitions")
    p.add_argument("--newsie", default=os.path.join(ROOT, "target", "release", "newsie"))
    p.add_argument("--threads", type=int, default=1, help="threads per newsie process (one task per core)")
    p.add_argument("extra", nargs="*", help="more newsie extract flags, after --")
    a = p.parse_args()

    from pyspark import SparkConf, SparkContext

    sc = SparkContext(conf=SparkConf().setMaster(a.master).setAppName("newsie extract"))
    sc.setLogLevel("WARN")
    try:
        lines = sc.textFile(a.input, a.partitions) if a.partitions else sc.textFile(a.input)
        command = [a.newsie, "extract", "-", "--quiet", "--threads", str(a.threads)] + a.extra
        records = lines.pipe(shlex.join(command), checkCode=True)
        if a.single:
            tmp = a.output + ".parts"
            shutil.rmtree(tmp, ignore_errors=True)
            records.saveAsTextFile(tmp)
            parts = sorted(f for f in os.listdir(tmp) if f.startswith("part-"))
            with open(a.output, "wb") as out:
                for part in parts:
                    with open(os.path.join(tmp, part), "rb") as f:
                        shutil.copyfileobj(f, out)
            shutil.rmtree(tmp)
        else:
            records.saveAsTextFile(a.output)
    finally:
        sc.stop()


if __name__ == "__main__":
    sys.exit(main())
