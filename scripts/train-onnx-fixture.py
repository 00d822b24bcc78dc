"""Trains and exports the tiny ONNX text classifier that tests warden's pluggable ONNX path.

    python3 -m venv /tmp/onnx-venv && /tmp/onnx-venv/bin/pip install -r scripts/requirements-onnx-fixture.txt
    /tmp/onnx-venv/bin/python scripts/train-onnx-fixture.py   # ~5 s, deterministic
    /tmp/onnx-venv/bin/python scripts/train-onnx-fixture.py --retrain-tokenizer   # new token ids

The regression is deterministic given the tokenizer, so the run above reproduces the committed .onnx
files byte for byte: it reuses the committed tokenizer.json. The tokenizers WordPiece trainer is not
deterministic (it breaks frequency ties in hash order, so token ids differ from run to run); only
--retrain-tokenizer trains a new one, and every .onnx file then changes with it.

Writes test/fixtures/detectors/injection/onnx/{tiny-injection.onnx,tiny-injection-bert.onnx,tokenizer.json}. It is NOT a
production model (it has seen 546 deepset-train rows and knows nothing beyond their words); it exists so
the loading, tokenising and scoring code of detectors/injection/onnx is exercised on a real ONNX
graph and a real Hugging Face tokenizer.json, with the same signature as Prompt Guard / PIGuard
exports: inputs input_ids and attention_mask (int64, [batch, sequence]), output logits (float32,
[batch, 2]), label 0 = benign, 1 = injection.

tiny-injection-bert.onnx is the same classifier with the signature of BERT / DeBERTa-v2 exports that
also take token_type_ids (int64, [batch, sequence]): a segment embedding S[token_type_ids_t] is added
to each token's embedding before pooling. S[0] is zero, so with one segment (all zeros, what warden
feeds) it scores exactly as tiny-injection.onnx; S[1] pushes towards injection, so a caller that fed
anything else would get different scores, which is what the tests check.

Tokenizer: WordPiece (BERT-style: lowercase, [CLS] text [SEP]), 2,000 tokens, trained on the same rows.
Model: an embedding bag and a linear layer, i.e. logistic regression over token counts:
    pooled = sum_t mask_t * E[input_ids_t] / sqrt(sum_t mask_t);  logits = pooled @ W + b
with E of width 2 holding the regression weights and W the identity, so the graph has the shape of a
real classifier head (Gather, masking, pooling, MatMul, Add) while staying a few kilobytes.

Data: ../shared/datasets/prompt-injection/deepset-train.jsonl beside the repository (override with
WARDEN_INJECTION_TRAIN), the same file scripts/train-injection-model.ts reads. The deepset test split
is never read.
"""

import json
import os
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

ROOT = Path(__file__).resolve().parent.parent
TRAIN = Path(os.environ.get("WARDEN_INJECTION_TRAIN", ROOT.parent / "shared/datasets/prompt-injection/deepset-train.jsonl"))
OUT = ROOT / "test/fixtures/detectors/injection/onnx"
VOCAB = 2000
EPOCHS = 400
LR = 0.5
L2 = 1e-3


def read_rows(path: Path) -> tuple[list[str], np.ndarray]:
    texts, labels = [], []
    for line in path.read_text(encoding="utf8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        texts.append(row["text"])
        labels.append(int(row["label"]))
    return texts, np.array(labels, dtype=np.float64)


def train_tokenizer(texts: list[str]) -> Tokenizer:
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(
        vocab_size=VOCAB, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]"], min_frequency=2
    )
    tok.train_from_iterator(texts, trainer=trainer)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    return tok


def features(tok: Tokenizer, texts: list[str]) -> np.ndarray:
    """Exactly what the ONNX graph computes before its weights: token counts / sqrt(token count)."""
    x = np.zeros((len(texts), tok.get_vocab_size()), dtype=np.float64)
    for i, enc in enumerate(tok.encode_batch(texts)):
        for t in enc.ids:
            x[i, t] += 1.0
        x[i] /= np.sqrt(len(enc.ids))
    return x


def train_lr(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Full-batch gradient descent from zero weights: no randomness, the same weights every run."""
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(EPOCHS):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g = p - y
        w -= LR * (x.T @ g / len(y) + L2 * w)
        b -= LR * g.mean()
    return w, b


# Segment 1's push towards the injection label per token; large enough that a second segment shows.
SEGMENT_1_LOGIT = 4.0


def build_graph(w: np.ndarray, b: float, token_types: bool = False) -> onnx.ModelProto:
    vocab = w.shape[0]
    # Column 0 (benign) carries no weight: logits[1] - logits[0] is the regression's log-odds.
    emb = np.stack([np.zeros(vocab), w], axis=1).astype(np.float32)
    inits = [
        numpy_helper.from_array(emb, "embeddings"),
        numpy_helper.from_array(np.eye(2, dtype=np.float32), "head_weight"),
        numpy_helper.from_array(np.array([0.0, b], dtype=np.float32), "head_bias"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "axis_last"),
        numpy_helper.from_array(np.array([1.0], dtype=np.float32), "one"),
    ]
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
    ]
    nodes = [helper.make_node("Gather", ["embeddings", "input_ids"], ["tok_emb"], axis=0)]  # [B, S, 2]
    embedded = "tok_emb"
    if token_types:
        seg = np.array([[0.0, 0.0], [0.0, SEGMENT_1_LOGIT]], dtype=np.float32)  # type_vocab_size 2, as BERT
        inits.append(numpy_helper.from_array(seg, "segment_embeddings"))
        inputs.append(helper.make_tensor_value_info("token_type_ids", TensorProto.INT64, ["batch", "sequence"]))
        nodes += [
            helper.make_node("Gather", ["segment_embeddings", "token_type_ids"], ["seg_emb"], axis=0),  # [B, S, 2]
            helper.make_node("Add", ["tok_emb", "seg_emb"], ["tok_seg_emb"]),
        ]
        embedded = "tok_seg_emb"
    nodes += [
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),  # [B, S]
        helper.make_node("Unsqueeze", ["mask_f", "axis_last"], ["mask3"]),  # [B, S, 1]
        helper.make_node("Mul", [embedded, "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis1"], ["summed"], keepdims=0),  # [B, 2]
        helper.make_node("ReduceSum", ["mask_f", "axis_last"], ["count"], keepdims=1),  # [B, 1]
        helper.make_node("Max", ["count", "one"], ["count_safe"]),  # an all-padding row divides by 1
        helper.make_node("Sqrt", ["count_safe"], ["norm"]),
        helper.make_node("Div", ["summed", "norm"], ["pooled"]),
        helper.make_node("MatMul", ["pooled", "head_weight"], ["projected"]),
        helper.make_node("Add", ["projected", "head_bias"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "warden-tiny-injection-bert" if token_types else "warden-tiny-injection",
        inputs,
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="warden")
    model.ir_version = 8  # readable by every onnxruntime since 1.10
    model.doc_string = "warden test fixture: tiny prompt-injection classifier (scripts/train-onnx-fixture.py)"
    onnx.checker.check_model(model)
    return model


def main() -> None:
    if not TRAIN.exists():
        sys.exit(f"training file not found: {TRAIN} (set WARDEN_INJECTION_TRAIN)")
    texts, y = read_rows(TRAIN)
    reuse = (OUT / "tokenizer.json").exists() and "--retrain-tokenizer" not in sys.argv[1:]
    tok = Tokenizer.from_file(str(OUT / "tokenizer.json")) if reuse else train_tokenizer(texts)
    x = features(tok, texts)
    w, b = train_lr(x, y)
    p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    acc = ((p >= 0.5) == (y == 1)).mean()
    print(f"{len(texts)} rows ({int(y.sum())} injections), vocab {tok.get_vocab_size()}, training accuracy {acc:.3f}")
    OUT.mkdir(parents=True, exist_ok=True)
    if not reuse:
        tok.save(str(OUT / "tokenizer.json"))
    onnx.save(build_graph(w, b), str(OUT / "tiny-injection.onnx"))
    onnx.save(build_graph(w, b, token_types=True), str(OUT / "tiny-injection-bert.onnx"))
    for name in ("tokenizer.json", "tiny-injection.onnx", "tiny-injection-bert.onnx"):
        verb = "kept" if reuse and name == "tokenizer.json" else "wrote"
        print(f"{verb} {OUT / name} ({(OUT / name).stat().st_size} bytes)")


if __name__ == "__main__":
    main()
