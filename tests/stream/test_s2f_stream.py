"""Cross-language tests of formats/python/s2f_stream.py against the C++
reader and writer, through tests/stream/stream_fixture.

Suites (run one with `test_s2f_stream.py SUITE`):
  CppToPython         C++ writes every kind, Python checks every value
  PythonToCpp         Python writes every kind, C++ checks every value
  PythonReaderErrors  damaged streams raise S2FStreamError naming the byte
  PythonWriterChecks  bad batches are refused; failed writes leave no file

The generator below is the one in tests/stream/fixture_records.hpp (which
documents it); change both together.
"""

import functools
import gzip
import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

import numpy as np

import s2f_stream

FIXTURE = os.environ.get("S2F_STREAM_FIXTURE", "stream_fixture")
BIN_DIR = os.environ.get("S2F_BIN_DIR", "")
BATCH_SIZES = [1, 7, 64, 128, 100]
N_RECORDS = sum(BATCH_SIZES) * 2 - 20  # ends inside a cycle: 580 records, 10 frames
LENGTH_ELEMENT = 0xFFFFF
ALPHABET = list("ACGTNacgtn0123456789_:") + ["\u00e9", "\u00b5"]
U64 = np.uint64


# ---- the deterministic generator --------------------------------------------
def splitmix64(z):
    z = z + U64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> U64(30))) * U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> U64(27))) * U64(0x94D049BB133111EB)
    return z ^ (z >> U64(31))


def draw(kind, field, records, elements):
    """Draws for every (record, element) pair: shape (len(records), len(elements))."""
    r = np.asarray(records, dtype=U64).reshape(-1, 1)
    e = np.asarray(elements, dtype=U64).reshape(1, -1)
    key = (U64(kind) << U64(56)) | (U64(field) << U64(40)) | (r << U64(20)) | e
    return splitmix64(key)


def values_of(dtype, d):
    if dtype == "f16":
        return (((d & U64(0x7FF)).astype(np.int64) - 1024) / 8.0).astype("<f2")
    if dtype == "f32":
        return (((d & U64(0xFFFFFF)).astype(np.int64) - (1 << 23)) / 256.0).astype("<f4")
    if dtype == "f64":
        return (((d >> U64(11)).astype(np.int64) - (1 << 52)) / 1024.0).astype("<f8")
    np_type = np.dtype(s2f_stream._NUMPY_DTYPES[dtype])
    return d.astype(np_type.str.replace("i", "u")).view(np_type)  # low bytes, two's complement


def expected_records(kind, schema, first, count):
    """The generator's records first .. first+count-1 as a batch dict."""
    records = np.arange(first, first + count)
    out = {}
    for f, field in enumerate(schema):
        name, dtype, shape = field["name"], field["dtype"], tuple(field["shape"])
        if dtype == "str" or shape == (-1,):
            lengths = draw(kind, f, records, [LENGTH_ELEMENT])[:, 0] % U64(12 if dtype == "str" else 9)
            column = []
            for r, length in zip(records, lengths.tolist()):
                d = draw(kind, f, [r], np.arange(length))[0]
                if dtype == "str":
                    column.append("".join(ALPHABET[int(x)] for x in d % U64(len(ALPHABET))))
                else:
                    column.append(values_of(dtype, d))
            out[name] = column
        else:
            elems = int(np.prod(shape, dtype=np.int64))
            out[name] = values_of(dtype, draw(kind, f, records, np.arange(elems))).reshape(
                (count,) + shape)
    return out


def expected_batches(kind, schema, n):
    """The generator's records in the fixture's batch sizes (cached: tests only read them)."""
    key = (kind, n)
    if key not in _BATCH_CACHE:
        batches, first, step = [], 0, 0
        while first < n:
            size = min(BATCH_SIZES[step % len(BATCH_SIZES)], n - first)
            batches.append(expected_records(kind, schema, first, size))
            first += size
            step += 1
        _BATCH_CACHE[key] = batches
    return _BATCH_CACHE[key]


_BATCH_CACHE = {}


# ---- helpers ----------------------------------------------------------------
def fixture(*args, **kw):
    return subprocess.run([FIXTURE, *map(str, args)], capture_output=True, **kw)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


@functools.lru_cache(maxsize=None)
def fixture_kinds():
    return tuple(fixture("kinds", check=True).stdout.decode().split())


@functools.lru_cache(maxsize=None)
def fixture_header_text(kind):
    return fixture("header", kind, check=True).stdout


def fixture_header(kind):
    return json.loads(fixture_header_text(kind))


def frame_starts(data):
    """(end of the stream header, start offset of every frame including the end frame)."""
    (json_len,) = struct.unpack_from("<I", data, 12)
    pos = header_end = 16 + json_len + 4
    starts = []
    while pos + 32 <= len(data):
        starts.append(pos)
        if data[pos:pos + 4] == b"S2FE":
            break
        pos += 32 + struct.unpack_from("<I", data, pos + 12)[0]
    return header_end, starts


def assert_batches_equal(test, got, want, context):
    test.assertEqual(sorted(got), sorted(want), context)
    for name, w in want.items():
        g = got[name]
        if isinstance(w, np.ndarray):
            test.assertIsInstance(g, np.ndarray, f"{context} {name}")
            test.assertEqual(g.dtype, w.dtype, f"{context} {name}")
            test.assertEqual(g.shape, w.shape, f"{context} {name}")
            test.assertEqual(g.tobytes(), w.tobytes(), f"{context} {name}")
        elif w and isinstance(w[0], str):
            test.assertEqual(g, w, f"{context} {name}")
        else:
            test.assertEqual(len(g), len(w), f"{context} {name}")
            for i, (gi, wi) in enumerate(zip(g, w)):
                test.assertEqual(gi.dtype, wi.dtype, f"{context} {name}[{i}]")
                test.assertEqual(gi.tobytes(), wi.tobytes(), f"{context} {name}[{i}]")


class TempDirCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="s2f_stream_test.")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def cpp_stream(self, kind, level, n=N_RECORDS):
        path = self.path(f"cpp_{kind}_{level}_{n}.s2f")
        if not os.path.exists(path):
            fixture("write", kind, level, n, path, check=True)
        return path


# ---- suites -----------------------------------------------------------------
class CppToPython(TempDirCase):
    def check_stream(self, stream, kind_index, kind, n):
        header = fixture_header(kind)
        self.assertEqual(stream.kind, kind)
        self.assertEqual(stream.schema, header["schema"])
        self.assertEqual(stream.meta, header["meta"])
        self.assertEqual(stream.version, (1, 0))
        batches = list(stream)
        want = list(expected_batches(kind_index, header["schema"], n))
        self.assertEqual([len(b[header["schema"][0]["name"]]) for b in batches],
                         [len(b[header["schema"][0]["name"]]) for b in want])
        for i, (g, w) in enumerate(zip(batches, want)):
            assert_batches_equal(self, g, w, f"{kind} batch {i}")
        self.assertEqual(stream.records_read, n)
        self.assertEqual(stream.frames_read, len(want))

    def test_every_kind_uncompressed_and_zstd(self):
        for kind_index, kind in enumerate(fixture_kinds()):
            for level in (0, 3):
                with self.subTest(kind=kind, zstd=level):
                    path = self.cpp_stream(kind, level)
                    with s2f_stream.read(path) as stream:
                        self.check_stream(stream, kind_index, kind, N_RECORDS)

    def test_zstd_streams_really_hold_compressed_frames(self):
        data = read_bytes(self.cpp_stream("sequences", 3))
        _, starts = frame_starts(data)
        self.assertIn(1, [data[s + 4] for s in starts[:-1]])

    def test_read_all_concatenates_every_frame(self):
        kinds = fixture_kinds()
        kind_index = kinds.index("tensors")
        header = fixture_header("tensors")
        got = s2f_stream.read(self.cpp_stream("tensors", 3)).read_all()
        assert_batches_equal(self, got, expected_records(kind_index, header["schema"], 0, N_RECORDS),
                             "read_all")
        self.assertEqual(got["half"].dtype, np.float16)
        self.assertEqual(got["half"].shape, (N_RECORDS, 3, 4))

    def test_reads_from_a_pipe_without_seeking(self):
        kind_index = fixture_kinds().index("reservoirs")
        proc = subprocess.Popen([FIXTURE, "write", "reservoirs", "0", str(N_RECORDS), "-"],
                                stdout=subprocess.PIPE)
        try:
            self.check_stream(s2f_stream.read(proc.stdout), kind_index, "reservoirs", N_RECORDS)
        finally:
            proc.stdout.close()
            self.assertEqual(proc.wait(), 0)

    def test_empty_stream_gives_empty_columns_of_the_right_shape(self):
        got = s2f_stream.read(self.cpp_stream("tensors", 0, n=0)).read_all()
        self.assertEqual(got["profile"].shape, (0, 2, 50))
        self.assertEqual(got["profile"].dtype, np.float32)
        self.assertEqual(got["id"], [])


class PythonToCpp(TempDirCase):
    def python_stream(self, kind, level, n=N_RECORDS, **writer_options):
        kind_index = fixture_kinds().index(kind)
        header = fixture_header(kind)
        path = self.path(f"py_{kind}_{level}_{n}.s2f")
        s2f_stream.write(path, header["kind"], header["schema"], header["meta"],
                         expected_batches(kind_index, header["schema"], n), zstd_level=level,
                         **writer_options)
        return path

    def verify(self, kind, n, path, **kw):
        result = fixture("verify", kind, n, path, **kw)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result

    def test_every_kind_uncompressed_and_zstd(self):
        for kind in fixture_kinds():
            for level in (0, 3):
                with self.subTest(kind=kind, zstd=level):
                    self.verify(kind, N_RECORDS, self.python_stream(kind, level))

    def test_uncompressed_output_is_byte_identical_to_the_cpp_writer(self):
        for kind in fixture_kinds():
            with self.subTest(kind=kind):
                ours = read_bytes(self.python_stream(kind, 0))
                theirs = read_bytes(self.cpp_stream(kind, 0))
                self.assertEqual(len(ours), len(theirs))
                self.assertTrue(ours == theirs, f"{kind}: streams differ")

    def test_large_batches_are_cut_into_frames(self):
        kind_index = fixture_kinds().index("sequences")
        header = fixture_header("sequences")
        path = self.path("big.s2f")
        with s2f_stream.Writer(path, "sequences", header["schema"], header["meta"],
                               frame_bytes=4096) as out:
            out.write_batch(expected_records(kind_index, header["schema"], 0, N_RECORDS))
        self.assertGreater(int(self.verify("sequences", N_RECORDS, path).stdout.split()[4]), 10)

    def test_empty_stream(self):
        self.verify("hits", 0, self.python_stream("hits", 3, n=0))

    def test_writes_to_a_pipe(self):
        kind_index = fixture_kinds().index("variants")
        header = fixture_header("variants")
        proc = subprocess.Popen([FIXTURE, "verify", "variants", str(N_RECORDS), "-"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with s2f_stream.Writer(proc.stdin, "variants", header["schema"], header["meta"], zstd_level=1) as out:
            for batch in expected_batches(kind_index, header["schema"], N_RECORDS):
                out.write_batch(batch)
        proc.stdin.close()
        stderr = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        self.assertEqual(proc.wait(), 0, stderr.decode())

    def test_adapter_reads_stdin_and_writes_stdout(self):
        # The shape of a model adapter: sequences in on stdin, the same records out on stdout.
        script = ("import sys, s2f_stream\n"
                  "src = s2f_stream.read(sys.stdin.buffer)\n"
                  "with s2f_stream.Writer('-', src.kind, src.schema, src.meta) as out:\n"
                  "    for batch in src:\n"
                  "        out.write_batch(batch)\n")
        command = (f"set -o pipefail; '{FIXTURE}' write sequences 3 {N_RECORDS} - | "
                   f"'{sys.executable}' -c \"$ADAPTER\" | '{FIXTURE}' verify sequences {N_RECORDS} -")
        result = subprocess.run(["bash", "-c", command], capture_output=True,
                                env=dict(os.environ, ADAPTER=script))
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertTrue(result.stdout.startswith(b"ok: "), result.stdout)


class PythonReaderErrors(TempDirCase):
    def expect_error(self, data, *substrings, offset=None):
        with self.assertRaises(s2f_stream.S2FStreamError) as caught:
            s2f_stream.read(io.BytesIO(bytes(data))).read_all()
        message = str(caught.exception)
        for s in substrings:
            self.assertIn(s, message)
        if offset is not None:
            self.assertEqual(caught.exception.offset, offset, message)
            self.assertIn(f"byte {offset}", message)
        return caught.exception

    def whole(self, kind="tensors", level=0):
        return read_bytes(self.cpp_stream(kind, level))

    def test_cut_at_every_frame_boundary_and_random_offsets(self):
        rng = random.Random(11)
        for level in (0, 3):
            data = self.whole(level=level)
            header_end, starts = frame_starts(data)
            cuts = {1, 8, 15, 16, 17, header_end - 1, header_end}
            cuts |= {s + d for s in starts for d in (0, 1, 31, 32, 33)}
            cuts |= {rng.randrange(1, len(data)) for _ in range(60)}
            for cut in sorted(c for c in cuts if c < len(data)):
                with self.subTest(zstd=level, cut=cut):
                    self.expect_error(data[:cut], "truncated", offset=cut)
        self.expect_error(b"", "input is empty (0 bytes)", offset=0)

    def test_bit_flips_anywhere_are_caught(self):
        data = self.whole(level=3)
        rng = random.Random(5)
        for _ in range(150):
            bit = rng.randrange(len(data) * 8)
            damaged = bytearray(data)
            damaged[bit // 8] ^= 1 << (bit % 8)
            with self.subTest(byte=bit // 8):
                e = self.expect_error(damaged)
                self.assertIsNotNone(e.offset)

    def test_python_and_cpp_name_the_same_problem_and_byte(self):
        view = os.path.join(BIN_DIR, "s2f-view")
        if not os.access(view, os.X_OK):
            self.skipTest("s2f-view not built")
        data = self.whole(kind="positions", level=3)
        header_end, starts = frame_starts(data)
        rng = random.Random(3)
        places = [3, 9, 14, header_end - 2, starts[1] + 2, starts[1] + 9, starts[2] + 40,
                  starts[-1] + 12] + [rng.randrange(len(data)) for _ in range(6)]
        for place in places:
            damaged = bytearray(data)
            damaged[place] ^= 0x10
            path = self.path("damaged.s2f")
            write_bytes(path, damaged)
            e = self.expect_error(damaged)
            cpp = subprocess.run([view, "--validate", path], capture_output=True)
            self.assertEqual(cpp.returncode, 1)
            with self.subTest(place=place, python=str(e), cpp=cpp.stderr.decode()):
                self.assertIn(f"byte {e.offset})", cpp.stderr.decode())
                self.assertIn(e.what.split(":")[0], cpp.stderr.decode())

    def test_foreign_and_future_inputs(self):
        self.expect_error(gzip.compress(b"chr1\t10\t20\n"), "not an s2f stream: it looks gzip", offset=0)
        self.expect_error(b"chrom\tstart\tend\n", "it starts with text 'chrom start end '")
        data = bytearray(self.whole())
        data[8:10] = struct.pack("<H", 2)
        self.expect_error(data, "unsupported stream format version 2.0", offset=8)

    def test_data_after_the_end_frame(self):
        data = self.whole()
        self.expect_error(data + data, "data after the end-of-stream frame", "s2f-view --s2f",
                          offset=len(data))

    def test_consistent_checksums_do_not_hide_a_bad_layout(self):
        data = bytearray(self.whole(kind="positions"))
        _, starts = frame_starts(data)
        s = starts[2]
        stored = struct.unpack_from("<I", data, s + 12)[0]
        payload = bytearray(data[s + 32:s + 32 + stored])
        payload[4:8] = struct.pack("<I", 0xFFFF)  # id offsets: record 1 starts past the end
        payload[8:12] = struct.pack("<I", 3)      # ... and record 2 goes backwards
        struct.pack_into("<I", data, s + 20, zlib.crc32(payload))
        struct.pack_into("<I", data, s + 28, zlib.crc32(data[s:s + 28]))
        data[s + 32:s + 32 + stored] = payload
        # Record 2's offset (payload byte 8) is below record 1's: the C++ reader names byte 4 too.
        self.expect_error(data, "field 'id' offsets decrease", offset=s + 32 + 4)

    def test_missing_zstandard_module_says_how_to_fix_it(self):
        saved, s2f_stream._zstd = s2f_stream._zstd, None
        try:
            self.expect_error(self.whole(level=3), "python3-zstandard", "--zstd 0")
            with self.assertRaises(s2f_stream.S2FStreamError) as caught:
                s2f_stream.Writer(self.path("z.s2f"), "values", [], zstd_level=3)
            self.assertIn("python3-zstandard", str(caught.exception))
            self.assertIn("zstd_level=0", str(caught.exception))
        finally:
            s2f_stream._zstd = saved


class PythonWriterChecks(TempDirCase):
    SCHEMA = [{"name": "id", "dtype": "str", "shape": []},
              {"name": "profile", "dtype": "f16", "shape": [2, 3]}]

    def good_batch(self, n=4):
        return {"id": [f"r{i}" for i in range(n)], "profile": np.ones((n, 2, 3), np.float32)}

    def test_failed_write_leaves_no_output_and_no_temporary(self):
        path = self.path("out.s2f")
        with self.assertRaises(RuntimeError):
            with s2f_stream.Writer(path, "tensors", self.SCHEMA) as out:
                out.write_batch(self.good_batch())
                raise RuntimeError("model crashed")
        self.assertEqual(os.listdir(self.dir), [])

    def test_output_appears_only_on_close(self):
        path = self.path("out.s2f")
        write_bytes(path, b"old")
        out = s2f_stream.Writer(path, "tensors", self.SCHEMA)
        out.write_batch(self.good_batch())
        self.assertEqual(read_bytes(path), b"old")
        out.close()
        self.assertEqual(s2f_stream.read(path).read_all()["profile"].dtype, np.float16)
        self.assertEqual(sorted(os.listdir(self.dir)), ["out.s2f"])

    def test_bad_batches_are_refused_naming_the_field(self):
        cases = [
            ({"id": ["a"]}, "batch has no field 'profile'"),
            (dict(self.good_batch(), extra=[1, 2, 3, 4]), "['extra']"),
            (dict(self.good_batch(), profile=np.ones((4, 3, 2))), "field 'profile' has shape (4, 3, 2)"),
            (dict(self.good_batch(), id=["a"]), "field 'profile' has 4 records"),
            (dict(self.good_batch(), id="abcd"), "sequence of strings"),
        ]
        for batch, message in cases:
            with self.subTest(message=message):
                with s2f_stream.Writer(self.path("x.s2f"), "tensors", self.SCHEMA) as out:
                    with self.assertRaises(s2f_stream.S2FStreamError) as caught:
                        out.write_batch(batch)
                    self.assertIn(message, str(caught.exception))
        schema = [{"name": "count", "dtype": "i32", "shape": []}]
        with s2f_stream.Writer(self.path("y.s2f"), "values", schema) as out:
            with self.assertRaises(s2f_stream.S2FStreamError) as caught:
                out.write_batch({"count": np.array([1.5])})
            self.assertIn("cannot be stored as i32", str(caught.exception))

    def test_bad_schemas_are_refused(self):
        for schema, message in [
            ([{"name": "s", "dtype": "str", "shape": [3]}], "strings are scalar"),
            ([{"name": "a", "dtype": "f32"}, {"name": "a", "dtype": "u8"}], "two fields named 'a'"),
            ([{"name": "a", "dtype": "f8"}], "unknown dtype 'f8'"),
            ([{"name": "a", "dtype": "f32", "shape": [-1, 2]}], "invalid dimension -1"),
        ]:
            with self.subTest(message=message):
                with self.assertRaises(s2f_stream.S2FStreamError) as caught:
                    s2f_stream.Writer(self.path("z.s2f"), "values", schema)
                self.assertIn(message, str(caught.exception))
        self.assertEqual(os.listdir(self.dir), [])

    def test_character_codes_and_numpy_meta_are_accepted(self):
        path = self.path("codes.s2f")
        schema = [{"name": "strand", "dtype": "u8"}, {"name": "pos", "dtype": "i64"}]
        s2f_stream.write(path, "positions", schema, {"seed": np.uint64(7), "shape": np.arange(2)},
                         {"strand": ["+", "-", "."], "pos": np.arange(3, dtype=np.int32)})
        stream = s2f_stream.read(path)
        self.assertEqual(stream.meta, {"seed": 7, "shape": [0, 1]})
        got = stream.read_all()
        self.assertEqual(got["strand"].tolist(), [ord("+"), ord("-"), ord(".")])
        self.assertEqual(got["pos"].dtype, np.int64)

    def test_strings_that_are_not_utf8_round_trip(self):
        path = self.path("bytes.s2f")
        s2f_stream.write(path, "positions", [{"name": "id", "dtype": "str"}], {},
                         {"id": [b"\xff\xfe", "plain"]})
        got = s2f_stream.read(path).read_all()["id"]
        self.assertEqual([s.encode("utf-8", "surrogateescape") for s in got], [b"\xff\xfe", b"plain"])


if __name__ == "__main__":
    unittest.main()
