#!/bin/sh
# Differential conformance run: builds GS1's reference engine and the driver under $WORK,
# extracts the corpora, generates mutations and compares with gs1-gateway in both modes.
# usage: scripts/gs1-reference-diff/run.sh [MUTATIONS] [SEED]   (from the repository root)
set -eu
WORK=${WORK:-/tmp/gs1ref}
MIRROR=${MIRROR:-/work/.mirror/gs1+gs1-syntax-engine/repo}
N=${1:-40000}
SEED=${2:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
DICT=resources/gs1/gs1-syntax-dictionary-release-2026-01-27.txt
OURS=${OURS:-target/release/gs1-gateway}
mkdir -p "$WORK"
if [ ! -f "$WORK/src/c-lib/build/libgs1encoders.a" ]; then
    git -C "$MIRROR" archive HEAD src/c-lib CHANGES | tar -x -C "$WORK"
    make -C "$WORK/src/c-lib" -j1 build/libgs1encoders.a >/dev/null
fi
gcc -O2 -Wall -o "$WORK/refdriver" "$HERE/refdriver.c" -I"$WORK/src/c-lib" \
    "$WORK/src/c-lib/build/libgs1encoders.a"
python3 "$HERE/extract_corpus.py" "$WORK/src/c-lib" "$DICT" src/gs1/tests.rs \
    "$WORK/corpus_ref.tsv" "$WORK/corpus_ours.tsv"
python3 "$HERE/gen_dict.py" "$SEED" 12 "$DICT" > "$WORK/corpus_dict.tsv"
# Hand-written edge cases (Digital Link, symbologies, brackets, dates) and the limits.
cat "$HERE/edge_cases.tsv" > "$WORK/corpus_edge.tsv"
python3 "$HERE/gen_limits.py" >> "$WORK/corpus_edge.tsv"
# Seeds for mutation: the bracketed form and URI of every input the reference accepts.
cat "$WORK/corpus_ref.tsv" "$WORK/corpus_ours.tsv" "$WORK/corpus_dict.tsv" \
    | "$WORK/refdriver" --syndict "$DICT" | python3 "$HERE/seeds.py" > "$WORK/seeds.tsv"
python3 "$HERE/mutate.py" "$SEED" "$N" "$WORK/corpus_ref.tsv" "$WORK/corpus_ours.tsv" "$WORK/corpus_edge.tsv" \
    "$WORK/seeds.tsv" "$WORK/seeds.tsv" > "$WORK/corpus_mut.tsv"
wc -l "$WORK"/corpus_*.tsv "$WORK/seeds.tsv"
for mode in --strict ""; do
    for corpus in corpus_ref corpus_ours corpus_dict corpus_edge seeds corpus_mut; do
        echo "== $corpus ${mode:-(default)}"
        python3 "$HERE/compare.py" --refdriver "$WORK/refdriver" --ours "$OURS" $mode \
            --syndict "$DICT" --show 0 --out "$WORK/diff_${corpus}${mode:+_strict}.tsv" \
            "$WORK/$corpus.tsv"
    done
done
# Element strings (normalised, FNC1 placement) of every accepted bracketed input.
python3 "$HERE/element_strings.py" "$WORK/refdriver" "$DICT" "$WORK"/corpus_*.tsv \
    "$WORK/seeds.tsv" > "$WORK/element_strings.tsv"
echo "== element strings: $(wc -l < "$WORK/element_strings.tsv") pairs; check with:"
echo "   GS1_REFERENCE_ELEMENT_STRINGS=$WORK/element_strings.tsv cargo test --lib gs1 -- --ignored"
