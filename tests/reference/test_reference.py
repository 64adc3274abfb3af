"""Self-tests of the reference scripts (run by ctest as reference.python_selftest).

  python3 -B -m unittest discover -s tests/reference -p "test_*.py"
"""

import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import llama_reference as ref  # noqa: E402
import make_llama_checkpoint as mk  # noqa: E402
import safetensors_io as st  # noqa: E402


def temp_dir(test):
    d = tempfile.TemporaryDirectory(prefix="gmat-reference-")
    test.addCleanup(d.cleanup)
    return d.name


def run_script(script, *args):
    return subprocess.run([sys.executable, "-B", os.path.join(HERE, script), *map(str, args)],
                          capture_output=True, text=True)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def read_json(path):
    with open(path) as f:
        return json.load(f)


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f)


def bits16(dtype, values):
    return [int(b) for b in np.frombuffer(st.encode(np.array(values, np.float32), dtype), "<u2")]


class SafetensorsRoundTrip(unittest.TestCase):
    # Values every dtype represents exactly.
    values = np.array([[0.0, -1.5, 2.0, 0.25], [-0.0, 96.0, -3.0, 0.5]], np.float32)

    def test_each_dtype_round_trips(self):
        d = temp_dir(self)
        for dtype in ("F32", "F16", "BF16"):
            path = os.path.join(d, f"{dtype}.safetensors")
            st.write_file(path, {"a": self.values, "b": self.values[0]}, dtype, {"note": "x"})
            tensors, dtypes, metadata = st.read_file(path)
            np.testing.assert_array_equal(tensors["a"], self.values)
            np.testing.assert_array_equal(tensors["b"], self.values[0])
            self.assertEqual(dtypes, {"a": dtype, "b": dtype})
            self.assertEqual(metadata, {"note": "x"})

    def test_layout_follows_the_spec(self):
        path = os.path.join(temp_dir(self), "m.safetensors")
        data_bytes = st.write_file(path, {"w": np.ones((3, 5), np.float32), "v": np.ones(7, np.float32)}, "BF16")
        raw = read_bytes(path)
        (n,) = struct.unpack("<Q", raw[:8])
        self.assertEqual(n % 8, 0)
        header = json.loads(raw[8:8 + n])
        self.assertEqual(header["w"], {"dtype": "BF16", "shape": [3, 5], "data_offsets": [0, 30]})
        self.assertEqual(header["v"]["data_offsets"], [30, 44])
        self.assertEqual(len(raw), 8 + n + data_bytes)
        self.assertEqual(data_bytes, 44)

    def test_bf16_rounds_to_nearest_even(self):
        cases = {1.0: 0x3F80,
                 1 + 2**-8: 0x3F80,           # halfway, even neighbour below
                 1 + 3 * 2**-8: 0x3F82,       # halfway, even neighbour above
                 1 + 2**-8 + 2**-20: 0x3F81,  # just above halfway
                 -2.0: 0xC000,
                 3.4028235e38: 0x7F80,        # rounds up to infinity
                 float("-inf"): 0xFF80}
        self.assertEqual(bits16("BF16", list(cases)), list(cases.values()))
        nan_bits = bits16("BF16", [float("nan")])[0]
        self.assertEqual(nan_bits & 0x7F80, 0x7F80)
        self.assertNotEqual(nan_bits & 0x007F, 0)

    def test_f16_rounds_to_nearest_even(self):
        self.assertEqual(bits16("F16", [1 + 2**-11, 1 + 3 * 2**-11, 65520.0]), [0x3C00, 0x3C02, 0x7C00])

    def test_sharded_checkpoint_round_trips_with_index(self):
        d = temp_dir(self)
        tensors = {f"t{i}": np.full((i + 1, 4), i, np.float32) for i in range(5)}
        st.write_checkpoint(d, tensors, "F16", n_shards=3)
        index = read_json(os.path.join(d, st.INDEX_FILE))
        files = sorted(set(index["weight_map"].values()))
        self.assertEqual(files, [st.shard_name(k, 3) for k in (1, 2, 3)])
        self.assertEqual(index["metadata"]["total_size"], sum(t.size * 2 for t in tensors.values()))
        loaded, dtypes = st.read_checkpoint(d)
        self.assertEqual(sorted(loaded), sorted(tensors))
        for name, t in tensors.items():
            np.testing.assert_array_equal(loaded[name], t)
        self.assertEqual(set(dtypes.values()), {"F16"})

    def test_shard_split_keeps_order_and_fills_every_shard(self):
        tensors = {f"t{i}": np.zeros(10) for i in range(4)}
        self.assertEqual(st.split_into_shards(tensors, 4), [["t0"], ["t1"], ["t2"], ["t3"]])
        self.assertEqual(sum(st.split_into_shards(tensors, 2), []), list(tensors))
        with self.assertRaises(st.SafetensorsError):
            st.split_into_shards(tensors, 5)

    def test_corrupt_files_are_rejected_with_names(self):
        d = temp_dir(self)
        path = os.path.join(d, "bad.safetensors")

        def write_raw(header, data=b""):
            text = json.dumps(header).encode()
            with open(path, "wb") as f:
                f.write(struct.pack("<Q", len(text)) + text + data)

        write_raw({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 4)
        with self.assertRaisesRegex(st.SafetensorsError, "bad.safetensors.*'w'"):
            st.read_file(path)
        write_raw({"w": {"dtype": "I8", "shape": [2], "data_offsets": [0, 2]}}, b"\0" * 2)
        with self.assertRaisesRegex(st.SafetensorsError, "unsupported dtype 'I8'"):
            st.read_file(path)
        write_raw({"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]},
                   "b": {"dtype": "F16", "shape": [2], "data_offsets": [2, 6]}}, b"\0" * 6)
        with self.assertRaisesRegex(st.SafetensorsError, "gap or overlap"):
            st.read_file(path)
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", 1000) + b"{}")
        with self.assertRaisesRegex(st.SafetensorsError, "header claims 1000 bytes"):
            st.read_file(path)


class Checkpoint(unittest.TestCase):
    def make(self, *args):
        d = os.path.join(temp_dir(self), "m")
        result = run_script("make_llama_checkpoint.py", d, *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return d

    def test_same_seed_same_bytes_other_seed_other_weights(self):
        a, b, c = self.make("--seed", "5"), self.make("--seed", "5"), self.make("--seed", "6")
        for name in ("config.json", "generation_config.json", "model.safetensors"):
            self.assertEqual(read_bytes(os.path.join(a, name)), read_bytes(os.path.join(b, name)))
        self.assertNotEqual(read_bytes(os.path.join(a, "model.safetensors")),
                            read_bytes(os.path.join(c, "model.safetensors")))

    def test_config_uses_hf_field_names(self):
        d = self.make("--hidden", "32", "--heads", "2", "--kv-heads", "1", "--head-dim", "24", "--dtype", "bf16",
                      "--architecture", "MistralForCausalLM", "--rope-scaling-llama3", "--max-pos", "128")
        config = read_json(os.path.join(d, "config.json"))
        expected = {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "hidden_size": 32,
                    "intermediate_size": 160, "num_hidden_layers": 2, "num_attention_heads": 2,
                    "num_key_value_heads": 1, "head_dim": 24, "vocab_size": 256, "max_position_embeddings": 128,
                    "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": False,
                    "torch_dtype": "bfloat16", "bos_token_id": 1, "eos_token_id": 2}
        self.assertEqual({k: config[k] for k in expected}, expected)
        self.assertIn("sliding_window", config)
        self.assertIsNone(config["sliding_window"])
        self.assertEqual(config["rope_scaling"], {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                  "high_freq_factor": 4.0, "original_max_position_embeddings": 32})
        self.assertEqual(read_json(os.path.join(d, "generation_config.json"))["eos_token_id"], 2)
        default = read_json(os.path.join(self.make(), "config.json"))
        self.assertNotIn("head_dim", default)  # HF derives it from hidden_size / num_attention_heads
        self.assertIsNone(default["rope_scaling"])

    def test_tensor_names_shapes_and_scales(self):
        d = self.make("--head-dim", "8", "--tied", "--shards", "2")
        tensors, dtypes = st.read_checkpoint(d)
        self.assertNotIn("lm_head.weight", tensors)
        self.assertEqual(read_json(os.path.join(d, "config.json"))["head_dim"], 8)
        shapes = {n: tuple(t.shape) for n, t in tensors.items()}
        self.assertEqual(shapes["model.embed_tokens.weight"], (256, 64))
        self.assertEqual(shapes["model.layers.1.self_attn.q_proj.weight"], (32, 64))
        self.assertEqual(shapes["model.layers.1.self_attn.k_proj.weight"], (16, 64))
        self.assertEqual(shapes["model.layers.1.self_attn.o_proj.weight"], (64, 32))
        self.assertEqual(shapes["model.layers.0.mlp.down_proj.weight"], (64, 160))
        self.assertEqual(shapes["model.norm.weight"], (64,))
        self.assertEqual(len(tensors), 1 + 2 * 9 + 1)
        self.assertTrue(0.02 <= tensors["model.layers.0.mlp.up_proj.weight"].std() <= 0.1)
        norm = tensors["model.layers.0.input_layernorm.weight"]
        self.assertTrue(np.all((norm >= 0.9) & (norm <= 1.1)))

    def test_bad_arguments_exit_nonzero(self):
        d = temp_dir(self)
        self.assertNotEqual(run_script("make_llama_checkpoint.py", d, "--heads", "3").returncode, 0)
        self.assertNotEqual(run_script("make_llama_checkpoint.py", d, "--head-dim", "7").returncode, 0)
        self.assertNotEqual(run_script("make_llama_checkpoint.py", d, "--shards", "99").returncode, 0)


def small_config(**overrides):
    """(make_llama_checkpoint args, reference Config) for options like heads=4, tied=True."""
    argv = ["unused"]
    for key, value in overrides.items():
        flag = "--" + key.replace("_", "-")
        argv += [flag] if value is True else [flag, str(value)]
    args = mk.parse_args(argv)
    return args, ref.Config(mk.build_config(args), "config.json")


class ReferenceMath(unittest.TestCase):
    def test_rms_norm_is_hf_formula(self):
        out = ref.rms_norm(np.array([[3.0, 4.0]]), np.array([1.0, 2.0]), 0.0)
        np.testing.assert_allclose(out, [[3 / math.sqrt(12.5), 8 / math.sqrt(12.5)]])

    def test_rope_pairs_first_and_second_half(self):
        _, c = small_config(hidden=32, heads=2)  # head_dim 16
        cos, sin = ref.rotary_cos_sin(c, 4)
        x = np.zeros((1, 4, 16))
        x[0, :, 0] = 1.0
        y = ref.apply_rope(x, cos, sin)
        np.testing.assert_allclose(y[0, 3, 0], math.cos(3.0))
        np.testing.assert_allclose(y[0, 3, 8], math.sin(3.0))  # rotated into j + d/2 ...
        self.assertEqual(y[0, 3, 1], 0.0)                       # ... not into the neighbour

    def test_rope_scores_depend_only_on_relative_position(self):
        _, c = small_config(hidden=32, heads=2)
        cos, sin = ref.rotary_cos_sin(c, 12)
        rng = np.random.default_rng(0)
        q = np.broadcast_to(rng.standard_normal(16), (1, 12, 16))
        k = np.broadcast_to(rng.standard_normal(16), (1, 12, 16))
        rq, rk = ref.apply_rope(q, cos, sin)[0], ref.apply_rope(k, cos, sin)[0]
        self.assertAlmostEqual(rq[5] @ rk[2], rq[9] @ rk[6], places=12)
        self.assertNotAlmostEqual(rq[5] @ rk[2], rq[5] @ rk[3], places=3)

    def test_inv_freq_and_llama3_scaling(self):
        _, c = small_config(hidden=64, heads=4)
        np.testing.assert_allclose(ref.rope_inv_freq(c), 10000.0 ** (-np.arange(0, 16, 2) / 16))
        _, s = small_config(hidden=64, heads=4, max_pos=256)
        s.rope_scaling = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                          "original_max_position_embeddings": 64}
        base, scaled = ref.rope_inv_freq(c), ref.rope_inv_freq(s)
        wavelen = 2 * math.pi / base
        short, long_ = wavelen < 16, wavelen > 64
        np.testing.assert_allclose(scaled[short], base[short])
        np.testing.assert_allclose(scaled[long_], base[long_] / 8)
        medium = ~short & ~long_
        self.assertTrue(medium.any())
        self.assertTrue(np.all((scaled[medium] < base[medium]) & (scaled[medium] > base[medium] / 8)))
        s.rope_scaling = {"rope_type": "yarn", "factor": 2.0}
        with self.assertRaisesRegex(ref.BadInput, "yarn"):
            ref.rope_inv_freq(s)

    def test_sliding_window_mask(self):
        mask = ref.attention_mask(4, 2)
        self.assertEqual(mask[3].tolist(), [False, False, True, True])
        self.assertEqual(ref.attention_mask(4, None)[3].tolist(), [True] * 4)
        self.assertFalse(ref.attention_mask(4, None)[1, 2])

    def test_forward_is_causal(self):
        args, c = small_config()
        w = {n: t.astype(np.float64) for n, t in mk.build_weights(args).items()}
        tokens = [1, 50, 7, 200, 3, 9]
        full = ref.forward(w, c, tokens)
        np.testing.assert_allclose(ref.forward(w, c, tokens[:3]), full[:3], rtol=0, atol=1e-12)
        self.assertGreater(np.abs(ref.forward(w, c, tokens[:5] + [4])[5] - full[5]).max(), 1e-3)

    def test_grouped_query_heads_read_kv_head_h_over_group(self):
        args, c = small_config(heads=4, kv_heads=2)
        w = {n: t.astype(np.float64) for n, t in mk.build_weights(args).items()}
        _, c_full = small_config(heads=4, kv_heads=4)
        w_full = dict(w)
        d = c.head_dim
        for i in range(c.layers):
            for proj in ("k_proj", "v_proj"):
                name = f"model.layers.{i}.self_attn.{proj}.weight"
                kv = w[name].reshape(2, d, -1)
                w_full[name] = kv[[0, 0, 1, 1]].reshape(4 * d, -1)  # query head h uses kv head h // 2
        tokens = [5, 6, 7, 8, 9]
        np.testing.assert_allclose(ref.forward(w_full, c_full, tokens), ref.forward(w, c, tokens), atol=1e-12)

    def test_tied_model_uses_the_embedding(self):
        args, c = small_config(tied=True)
        self.assertTrue(c.tied)
        w = {n: t.astype(np.float64) for n, t in mk.build_weights(args).items()}
        self.assertNotIn("lm_head.weight", w)
        logits = ref.forward(w, c, [1, 2])
        self.assertEqual(logits.shape, (2, 256))


class ReferenceCommandLine(unittest.TestCase):
    def setUp(self):
        self.dir = temp_dir(self)
        self.model = os.path.join(self.dir, "m")
        self.assertEqual(run_script("make_llama_checkpoint.py", self.model, "--vocab", "100").returncode, 0)
        self.out = os.path.join(self.dir, "logits.f32")

    def run_reference(self, tokens, model=None):
        return run_script("llama_reference.py", "--model", model or self.model, "--tokens", tokens, "--out", self.out)

    def test_writes_float32_logits_per_token(self):
        result = self.run_reference("1,2,99")
        self.assertEqual(result.returncode, 0, result.stderr)
        logits = np.fromfile(self.out, "<f4")
        self.assertEqual(logits.size, 3 * 100)
        self.assertTrue(np.all(np.isfinite(logits)))

    def assert_fails(self, result, message):
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(message, result.stderr)

    def test_bad_input_exits_2_with_a_message(self):
        self.assert_fails(self.run_reference("1,100"), "outside the vocabulary [0, 100)")
        self.assert_fails(self.run_reference("1,x"), "not a comma-separated list")
        self.assert_fails(self.run_reference(""), "--tokens is empty")
        self.assert_fails(self.run_reference("1", os.path.join(self.dir, "absent")), "config.json")
        config_path = os.path.join(self.model, "config.json")
        config = read_json(config_path)
        config["hidden_size"] = 32
        write_json(config_path, config)
        self.assert_fails(self.run_reference("1"), "'model.embed_tokens.weight' has shape [100, 64]")
        config["architectures"] = ["GPT2LMHeadModel"]
        write_json(config_path, config)
        self.assert_fails(self.run_reference("1"), "GPT2LMHeadModel")


if __name__ == "__main__":
    unittest.main()
