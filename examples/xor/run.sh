#!/usr/bin/env bash
# XOR, the function no single layer of step units can learn (the lecture notes' example),
# learned by a 2-4-1 network of sigmoid units with binary cross-entropy: the four rows of the
# truth table are the training and the test set. Prints the test accuracy (1.0) and writes
# the model and predictions to OUT (default out/xor).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/examples/xor"
exec "$ROOT/bin/sparkprop" train --out "${1:-out/xor}" \
  --train-features "$HERE/xor_vectors.csv" --train-labels "$HERE/xor_labels.csv" \
  --test-features "$HERE/xor_vectors.csv" --test-labels "$HERE/xor_labels.csv" \
  --arch 2-4-1 --activation sigmoid --loss sigmoid_bce --classes 2 \
  --optimizer adam --lr 0.3 --schedule constant --epochs 100 --batch 4 \
  --no-batch-norm --dropout 0 --val-fraction 0 --scaling none \
  --master 'local[1]' --partitions 1
