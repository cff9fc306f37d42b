"""Read and write s2f streams from Python (numpy only; zstd frames need the
`zstandard` module, Debian package python3-zstandard).

The byte layout is formats/SPEC.md. This module checks everything the C++
reader checks (magic, version, every CRC-32, payload layout, end frame, no
trailing bytes) and reports problems the same way: what, where (input name and
byte offset), and how to fix it.

Reading::

    import s2f_stream
    stream = s2f_stream.read("windows.s2f")      # or a binary file object, or "-"
    stream.kind, stream.schema, stream.meta
    for batch in stream:                          # one dict per data frame
        seq = batch["seq"]                        # numpy (n, L) uint8
        ids = batch["id"]                         # list of str

    everything = s2f_stream.read("windows.s2f").read_all()

Fixed fields come back as numpy arrays of shape (n, *shape) viewing the frame
in place (read-only; .copy() to modify), str fields as lists of str, variable
numeric fields as lists of 1-D arrays.

Writing (a model adapter reading stdin and writing stdout)::

    src = s2f_stream.read(sys.stdin.buffer)
    schema = [f for f in src.schema if f["name"] != "seq"] + [
        {"name": "profile", "dtype": "f32", "shape": [2, 1000]}]
    with s2f_stream.Writer(sys.stdout.buffer, "tensors", schema, src.meta) as out:
        for batch in src:
            batch = {k: v for k, v in batch.items() if k != "seq"}
            batch["profile"] = model(...)
            out.write_batch(batch)

A Writer given a path writes a temporary file next to it and renames it on
close(); if the `with` block raises, the temporary file is removed (or, on a
pipe, the end frame is never written), so a failed run never leaves an output
that looks complete.
"""

import io
import json
import os
import struct
import sys
import tempfile
import zlib

import numpy as np

try:
    import zstandard as _zstd
except ImportError:  # only needed for compressed frames
    _zstd = None

__all__ = ["S2FStreamError", "Stream", "Writer", "read", "write", "VERSION"]

VERSION = (1, 0)
MAGIC = b"\x89S2F\r\n\x1a\n"
DATA_TAG = b"S2FD"
END_TAG = b"S2FE"
FRAME_HEADER = 32
MAX_JSON = 256 << 20
MAX_PAYLOAD = 1 << 30
CODEC_STORED, CODEC_ZSTD = 0, 1
DEFAULT_FRAME_BYTES = 1 << 20

_NUMPY_DTYPES = {
    "u8": "<u1", "i8": "<i1", "u16": "<u2", "i16": "<i2", "u32": "<u4", "i32": "<i4",
    "u64": "<u8", "i64": "<i8", "f16": "<f2", "f32": "<f4", "f64": "<f8", "str": "<u1",
}
_MAX_DIM = 1 << 31
_OFFSETS = np.dtype("<u4")


class S2FStreamError(Exception):
    """A malformed stream or a batch that does not fit the schema.

    `offset` is the byte offset of the problem in the input (None when the
    problem is not at a place in a byte stream)."""

    def __init__(self, what, where=None, offset=None, fix=None):
        self.what, self.where, self.offset, self.fix = what, where, offset, fix
        message = what
        if where is not None or offset is not None:
            parts = [p for p in (where, None if offset is None else f"byte {offset}") if p]
            message += " (" + ", ".join(parts) + ")"
        if fix:
            message += " \u2014 " + fix
        super().__init__(message)


def _pad8(n):
    return (n + 7) & ~7


def _crc(*chunks):
    c = 0
    for chunk in chunks:
        c = zlib.crc32(chunk, c)
    return c


def _zstd_missing_error(where, offset):
    return S2FStreamError(
        "this stream has zstd-compressed frames and the Python module 'zstandard' is not installed",
        where, offset,
        "install it (apt-get install python3-zstandard), or rewrite the stream uncompressed "
        "with: s2f-view --s2f --zstd 0 -o plain.s2f input.s2f")


# ---- schema -----------------------------------------------------------------
class _Field:
    """One schema field with what the codec needs precomputed."""

    __slots__ = ("name", "dtype", "shape", "np_dtype", "variable", "elements", "is_str")

    def __init__(self, name, dtype, shape):
        self.name, self.dtype, self.shape = name, dtype, tuple(shape)
        self.is_str = dtype == "str"
        self.variable = self.is_str or self.shape == (-1,)
        self.np_dtype = np.dtype(_NUMPY_DTYPES[dtype])
        self.elements = 0 if self.variable else int(np.prod(self.shape, dtype=np.int64))

    def as_dict(self):
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape)}


def _parse_field(entry):
    # Same rules as Field::from_json in formats/src/schema.cpp.
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not isinstance(
            entry.get("dtype"), str):
        raise S2FStreamError("schema field is not an object with string 'name' and 'dtype'")
    name, dtype = entry["name"], entry["dtype"]
    if dtype not in _NUMPY_DTYPES:
        raise S2FStreamError(f"unknown dtype '{dtype}' in stream schema", fix="the stream was "
                             "written by a newer s2f; upgrade")
    shape = entry.get("shape", [])
    if not isinstance(shape, (list, tuple)):
        raise S2FStreamError(f"schema field '{name}' has a non-array shape")
    dims, total = [], 1
    for d in shape:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)):
            raise S2FStreamError(f"schema field '{name}' has a non-integer dimension")
        d = int(d)
        if d == -1 and len(shape) == 1:
            dims.append(d)
            continue
        if d < 0 or d > _MAX_DIM:
            raise S2FStreamError(f"schema field '{name}' has an invalid dimension {d}")
        total *= d
        if total > _MAX_DIM:
            raise S2FStreamError(f"schema field '{name}' is implausibly large")
        dims.append(d)
    if dtype == "str" and dims:
        raise S2FStreamError(f"schema field '{name}' is a str with a shape; strings are scalar")
    return _Field(name, dtype, dims)


def _parse_schema(entries):
    if not isinstance(entries, (list, tuple)):
        raise S2FStreamError("stream schema is not an array of fields")
    fields, seen = [], set()
    for entry in entries:
        f = _parse_field(entry)
        if not f.name:
            raise S2FStreamError("schema field with an empty name")
        if f.name in seen:
            raise S2FStreamError(f"schema has two fields named '{f.name}'")
        seen.add(f.name)
        fields.append(f)
    return fields


# ---- input ------------------------------------------------------------------
def _identify_foreign(head):
    # Says what a non-s2f input most likely is, so the fix is obvious.
    if head[:2] == b"\x1f\x8b":
        return "it looks gzip/BGZF-compressed"
    if head[:4] == b"\x28\xb5\x2f\xfd":
        return "it looks zstd-compressed (s2f compresses frames itself; decompress it first)"
    if head[:4] == b"\x89HDF":
        return "it is an HDF5 file"
    if head[:2] == b"PK":
        return "it is a zip/npz file"
    if all(9 <= b <= 13 or 32 <= b <= 126 for b in head):
        text = head.decode("ascii").translate(str.maketrans("\n\t\r", "   "))
        return f"it starts with text '{text}'"
    return "its first bytes are " + " ".join(f"{b:02x}" for b in head)


def _open_input(source):
    """(binary file object, display name, whether we own it)."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if path in ("-", "/dev/stdin"):
            return sys.stdin.buffer, "<stdin>", False
        try:
            return open(path, "rb"), path, True
        except OSError as e:
            raise S2FStreamError(f"cannot open input: {e.strerror}", path,
                                 fix="check the path (use - for stdin)") from e
    if isinstance(source, io.TextIOBase):
        if not hasattr(source, "buffer"):
            raise S2FStreamError("s2f streams are binary; got a text stream without a .buffer")
        source = source.buffer
    name = getattr(source, "name", None)
    return source, (name if isinstance(name, str) else "<stream>"), False


class Stream:
    """An s2f stream being read front to back (pipes work: nothing seeks).

    Attributes: kind (str), schema (list of {name, dtype, shape} dicts),
    meta (dict), version ((major, minor)), name, records_read, frames_read.
    Iterating yields one dict per non-empty data frame and, at the end,
    verifies the end frame; a damaged stream raises S2FStreamError.
    """

    def __init__(self, source):
        self._file, self.name, self._owned = _open_input(source)
        self._offset = 0
        self.records_read = 0
        self.frames_read = 0
        self._done = False
        self._readinto = getattr(self._file, "readinto", None)
        try:
            self._read_header()
        except BaseException:
            self.close()
            raise

    # -- plumbing
    def _fail(self, what, offset, fix=None):
        raise S2FStreamError(what, self.name, offset,
                             fix or "the stream is damaged; rerun the stage that wrote it")

    def _read_up_to(self, n):
        """Reads n bytes or fewer only at the end of input, into a bytearray."""
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            if self._readinto is not None:
                k = self._readinto(view[got:])
            else:
                chunk = self._file.read(n - got)
                k = len(chunk) if chunk else 0
                view[got:got + k] = chunk or b""
            if not k:
                break
            got += k
        self._offset += got
        if got < n:
            del view
            del buf[got:]
        return buf

    def _read_exact(self, n, what):
        start = self._offset
        buf = self._read_up_to(n)
        if len(buf) != n:
            self._fail(f"stream truncated: input ended inside {what} (needed {n} bytes from byte "
                       f"{start}, got {len(buf)})", start + len(buf),
                       "the stage that wrote it probably stopped early; rerun it")
        return buf

    def _read_header(self):
        head = self._read_up_to(16)
        if not head:
            self._fail("input is empty (0 bytes) where an s2f stream was expected", 0,
                       "the stage that should have written it failed; check its error message")
        if head[:8] != MAGIC[:len(head)]:
            self._fail("not an s2f stream: " + _identify_foreign(bytes(head)), 0,
                       "give a file written by an s2f stage (or convert the input with s2f-encode)")
        if len(head) < 16:
            self._fail("stream truncated inside the 16-byte stream header", len(head),
                       "rerun the stage that wrote it")
        major, minor, json_len = struct.unpack_from("<HHI", head, 8)
        self.version = (major, minor)
        if major != VERSION[0]:
            self._fail(f"unsupported stream format version {major}.{minor} (this s2f reads "
                       f"{VERSION[0]}.x)", 8,
                       "use the s2f release that wrote it, or rewrite the stream with it")
        if json_len > MAX_JSON:
            self._fail(f"stream header claims {json_len} bytes of JSON (limit {MAX_JSON})", 12,
                       "the stream is corrupt; rerun the stage that wrote it")
        rest = self._read_exact(json_len + 4, "the stream header")
        (want,) = struct.unpack_from("<I", rest, json_len)
        text = memoryview(rest)[:json_len]
        if _crc(memoryview(head)[8:16], text) != want:
            self._fail("stream header checksum mismatch", 16 + json_len,
                       "the stream is corrupt; rerun the stage that wrote it")
        try:
            header = json.loads(bytes(text).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            self._fail(f"stream header JSON does not parse: {e}", 16)
        try:
            if not isinstance(header, dict):
                raise S2FStreamError("stream header JSON is not an object")
            if not isinstance(header.get("kind"), str):
                raise S2FStreamError("stream header has no string 'kind'")
            if "schema" not in header:
                raise S2FStreamError("stream header has no 'schema'")
            self._fields = _parse_schema(header["schema"])
            meta = header.get("meta", {})
            if not isinstance(meta, dict):
                raise S2FStreamError("stream header 'meta' is not an object")
        except S2FStreamError as e:
            self._fail("invalid stream header: " + e.what, 16)
        self.kind = header["kind"]
        self.meta = meta
        self.schema = [f.as_dict() for f in self._fields]

    # -- frames
    def _next_frame(self):
        """The next data frame as a batch dict (possibly empty), or None at the end."""
        at = self._offset
        fh = self._read_up_to(FRAME_HEADER)
        if not fh:
            self._fail(f"stream truncated: no end-of-stream frame after {self.frames_read} data "
                       f"frames and {self.records_read} records", at,
                       "the stage that wrote it stopped early (killed, disk full or crashed); rerun it")
        if len(fh) < FRAME_HEADER:
            self._fail(f"stream truncated inside a frame header ({len(fh)} of 32 bytes)",
                       at + len(fh), "the stage that wrote it stopped early; rerun it")
        tag = bytes(fh[:4])
        if tag not in (DATA_TAG, END_TAG):
            self._fail(f"bad frame tag {tag.hex(' ')} (expected S2FD or S2FE)", at)
        if _crc(memoryview(fh)[:28]) != struct.unpack_from("<I", fh, 28)[0]:
            self._fail("frame header checksum mismatch", at)
        if tag == END_TAG:
            total, frames = struct.unpack_from("<QQ", fh, 8)
            if total != self.records_read or frames != self.frames_read:
                self._fail(f"end-of-stream frame says {total} records in {frames} frames, but "
                           f"{self.records_read} records in {self.frames_read} frames were read", at)
            if self._read_up_to(1):
                self._fail("data after the end-of-stream frame", at + FRAME_HEADER,
                           "streams cannot be joined with cat; join them with "
                           "s2f-view --s2f -o joined.s2f a.s2f b.s2f")
            self._done = True
            return None
        codec = fh[4]
        n, stored, raw, crc = struct.unpack_from("<IIII", fh, 8)
        if codec not in (CODEC_STORED, CODEC_ZSTD):
            self._fail(f"unknown frame codec {codec}", at + 4)
        if stored > MAX_PAYLOAD or raw > MAX_PAYLOAD:
            self._fail(f"frame claims a payload of {max(stored, raw)} bytes (limit 1 GiB)", at + 12)
        if codec == CODEC_STORED and stored != raw:
            self._fail("uncompressed frame with stored size != raw size", at + 12)
        payload = self._read_exact(stored, "a frame payload")
        if _crc(payload) != crc:
            self._fail(f"frame {self.frames_read + 1} payload checksum mismatch", at + FRAME_HEADER)
        self.frames_read += 1
        if codec == CODEC_ZSTD:
            payload = self._decompress(payload, raw, at + FRAME_HEADER)
        batch = self._decode(payload, n, at + FRAME_HEADER)
        self.records_read += n
        return batch

    def _decompress(self, payload, raw, at):
        if _zstd is None:
            raise _zstd_missing_error(self.name, at)
        try:
            declared = _zstd.frame_content_size(bytes(payload[:18]))
            if declared not in (raw, -1):
                self._fail(f"zstd frame does not decompress: it declares {declared} bytes, the "
                           f"frame header {raw}", at)
            out = _zstd.ZstdDecompressor().decompress(payload, max_output_size=raw)
        except _zstd.ZstdError as e:
            self._fail(f"zstd frame does not decompress: {e}", at)
        if len(out) != raw:
            self._fail("zstd frame does not decompress: size mismatch", at)
        return out

    def _decode(self, payload, n, at):
        # Mirrors Reader::decode_payload in formats/src/stream.cpp.
        size = len(payload)
        if n and not size:  # records of nothing: see Reader::decode_payload
            self._fail(f"frame claims {n} records but has an empty payload", at)
        pos = 0
        batch = {}

        def need(nbytes, what):
            if nbytes > size - pos:
                self._fail(f"frame payload too short for {what} of {n} records", at + pos)

        for f in self._fields:
            if f.variable:
                ob = (n + 1) * 4
                need(_pad8(ob), f"offsets of field '{f.name}'")
                offsets = np.frombuffer(payload, _OFFSETS, n + 1, pos)
                if offsets[0] != 0:
                    self._fail(f"field '{f.name}' offsets do not start at 0", at + pos)
                if n:
                    drops = np.flatnonzero(offsets[1:] < offsets[:-1])
                    if drops.size:
                        self._fail(f"field '{f.name}' offsets decrease", at + pos + 4 * int(drops[0]))
                pos += _pad8(ob)
                count = int(offsets[n])
                nbytes = count * f.np_dtype.itemsize
                need(nbytes, f"field '{f.name}'")
                bounds = offsets.tolist()
                if f.is_str:
                    data = bytes(payload[pos:pos + nbytes])
                    batch[f.name] = [data[a:b].decode("utf-8", "surrogateescape")
                                     for a, b in zip(bounds, bounds[1:])]
                else:
                    data = _frozen(np.frombuffer(payload, f.np_dtype, count, pos) if count else
                                   np.empty(0, f.np_dtype))
                    batch[f.name] = [data[a:b] for a, b in zip(bounds, bounds[1:])]
                pos = min(pos + _pad8(nbytes), size)
            else:
                count = n * f.elements
                nbytes = count * f.np_dtype.itemsize
                need(nbytes, f"field '{f.name}'")
                if count:
                    arr = np.frombuffer(payload, f.np_dtype, count, pos)
                else:
                    arr = np.empty(0, f.np_dtype)
                batch[f.name] = _frozen(arr.reshape((n,) + f.shape))
                pos = min(pos + _pad8(nbytes), size)
        if pos != size:
            self._fail(f"frame payload has {size - pos} unexplained bytes after its last field",
                       at + pos)
        return batch

    # -- public
    def __iter__(self):
        while not self._done:
            batch = self._next_frame()
            if batch is None:
                break
            if self._batch_size(batch):
                yield batch
        self.close()

    def _batch_size(self, batch):
        if not self._fields:
            return 0
        v = batch[self._fields[0].name]
        return len(v)

    def read_all(self):
        """Every remaining record as one batch dict (verifies the whole stream)."""
        parts = {f.name: [] for f in self._fields}
        for batch in self:
            for f in self._fields:
                parts[f.name].append(batch[f.name])
        out = {}
        for f in self._fields:
            chunks = parts[f.name]
            if f.variable:
                out[f.name] = [x for chunk in chunks for x in chunk]
            elif chunks:
                out[f.name] = np.concatenate(chunks)
            else:
                out[f.name] = np.empty((0,) + f.shape, f.np_dtype)
        return out

    def close(self):
        if self._owned and self._file is not None:
            self._file.close()
        self._file = None if self._owned else self._file
        self._owned = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _frozen(arr):
    arr.flags.writeable = False
    return arr


def read(source):
    """Opens an s2f stream: a path ("-" = stdin) or a binary file object."""
    return Stream(source)


# ---- output -----------------------------------------------------------------
class _Column:
    """A batch field normalised for the codec: fixed (array (n, *shape)) or
    variable (flat element array + n+1 offsets)."""

    __slots__ = ("data", "offsets")

    def __init__(self, data, offsets=None):
        self.data, self.offsets = data, offsets

    def rows(self, a, b):
        if self.offsets is None:
            return _Column(self.data[a:b])
        lo, hi = int(self.offsets[a]), int(self.offsets[b])
        return _Column(self.data[lo:hi], self.offsets[a:b + 1] - self.offsets[a])

    def nbytes(self):
        total = _pad8(self.data.nbytes)
        if self.offsets is not None:
            total += _pad8(self.offsets.nbytes)
        return total


def _cast(values, f, what):
    arr = np.asarray(values)
    if arr.dtype == object:
        raise S2FStreamError(f"{what} holds Python objects; give numbers of dtype {f.dtype}")
    target = f.np_dtype
    if arr.dtype.kind in "SU" and f.dtype == "u8" and arr.size and np.all(np.char.str_len(arr) == 1):
        # One-character codes (strand '+', allele 'R') stored as their ASCII byte.
        arr = np.frombuffer(arr.astype("S1").tobytes(), np.uint8).reshape(arr.shape)
    if arr.dtype != target:
        # Floats may narrow (f32 -> f16) and ints may change width; floats never become ints.
        if not (np.can_cast(arr.dtype, target, "same_kind") or
                (arr.dtype.kind in "biu" and target.kind in "iu")):
            raise S2FStreamError(f"{what} has dtype {arr.dtype}, which cannot be stored as {f.dtype}")
        arr = arr.astype(target)
    return np.ascontiguousarray(arr)


def _column(f, values):
    if f.is_str:
        if isinstance(values, (str, bytes)):
            raise S2FStreamError(f"field '{f.name}' must be a sequence of strings, one per record")
        encoded = [v if isinstance(v, bytes) else str(v).encode("utf-8", "surrogateescape")
                   for v in values]
        lengths = np.fromiter((len(v) for v in encoded), np.int64, len(encoded))
        return _column_from_parts(f, np.frombuffer(b"".join(encoded), np.uint8), lengths)
    if f.variable:
        parts = [_cast(v, f, f"a record of field '{f.name}'").reshape(-1) for v in values]
        lengths = np.fromiter((p.size for p in parts), np.int64, len(parts))
        data = np.concatenate(parts) if parts else np.empty(0, f.np_dtype)
        return _column_from_parts(f, data.astype(f.np_dtype, copy=False), lengths)
    arr = _cast(values, f, f"field '{f.name}'")
    if arr.ndim == 0 or arr.shape[1:] != f.shape:
        raise S2FStreamError(f"field '{f.name}' has shape {arr.shape}, expected (n, "
                             + ", ".join(map(str, f.shape)) + ")",
                             fix="give one row per record, each of the schema's shape")
    return _Column(arr)


def _column_from_parts(f, data, lengths):
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] > 0xFFFFFFFF:
        raise S2FStreamError(f"field '{f.name}' holds over 4 G elements in one batch",
                             fix="write smaller batches")
    return _Column(data, offsets.astype(_OFFSETS))


def _json_value(value):
    # numpy scalars and arrays in meta (seeds, shapes) become plain JSON.
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"meta value of type {type(value).__name__} is not JSON serialisable")


class Writer:
    """Writes an s2f stream to a path ("-" = stdout) or a binary file object.

    write_batch() writes one data frame per call (large batches are cut into
    frames of about frame_bytes); close() writes the end frame and, for
    paths, renames the temporary file into place. zstd_level 0 stores frames
    uncompressed; levels 1-22 need the zstandard module.
    """

    def __init__(self, dest, kind, schema, meta=None, zstd_level=0,
                 frame_bytes=DEFAULT_FRAME_BYTES):
        if not isinstance(kind, str) or not kind:
            raise S2FStreamError("stream kind must be a non-empty string")
        self._fields = _parse_schema(schema)
        self.kind, self.schema = kind, [f.as_dict() for f in self._fields]
        self.meta = {} if meta is None else meta
        if not isinstance(self.meta, dict):
            raise S2FStreamError("stream meta must be a dict")
        if zstd_level and _zstd is None:
            raise S2FStreamError(f"zstd_level={zstd_level} needs the Python module 'zstandard', which is "
                                 "not installed", fix="install it (apt-get install python3-zstandard) or "
                                 "write with zstd_level=0")
        self._compressor = (_zstd.ZstdCompressor(level=int(zstd_level), write_content_size=True)
                            if zstd_level else None)
        self._frame_bytes = max(1, int(frame_bytes))
        self.records_written = 0
        self.frames_written = 0
        self._closed = False
        self._temp = None
        self._open_output(dest)
        try:
            self._write_header()
        except BaseException:
            self.abort()
            raise

    def _open_output(self, dest):
        self._owned = False
        if isinstance(dest, (str, os.PathLike)):
            path = os.fspath(dest)
            if path in ("-", "/dev/stdout"):
                self._file, self.name = sys.stdout.buffer, "<stdout>"
                return
            directory, base = os.path.split(path)
            if not base:
                raise S2FStreamError(f"output path '{path}' names a directory", fix="give a file name")
            try:
                fd, self._temp = tempfile.mkstemp(prefix=f".{base}.tmp.", dir=directory or ".")
            except OSError as e:
                raise S2FStreamError(f"cannot create output: {e.strerror}", path,
                                     fix=f"check that directory '{directory or '.'}' exists and is "
                                         "writable") from e
            os.chmod(self._temp, 0o644)
            self._file, self.name, self._final, self._owned = os.fdopen(fd, "wb"), path, path, True
            return
        if isinstance(dest, io.TextIOBase):
            dest = dest.buffer
        self._file = dest
        name = getattr(dest, "name", None)
        self.name = name if isinstance(name, str) else "<stream>"

    def _write_header(self):
        # Sorted keys and compact separators: the bytes nlohmann::json::dump() gives.
        text = json.dumps({"kind": self.kind, "schema": self.schema, "meta": self.meta},
                          sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False, default=_json_value).encode("utf-8")
        if len(text) > MAX_JSON:
            raise S2FStreamError("stream header JSON exceeds 256 MiB")
        fixed = struct.pack("<HHI", VERSION[0], VERSION[1], len(text))
        self._file.write(MAGIC + fixed + text + struct.pack("<I", _crc(fixed, text)))

    def write_batch(self, batch):
        """Writes a dict {field name: values} holding the same number of records in every field."""
        if self._closed:
            raise S2FStreamError("write_batch after close()")
        if not isinstance(batch, dict):
            raise S2FStreamError("a batch is a dict of field name -> values")
        extra = [k for k in batch if k not in {f.name for f in self._fields}]
        if extra:
            raise S2FStreamError(f"batch has fields {extra} that the {self.kind} schema does not have",
                                 fix="add them to the schema given to Writer, or drop them")
        columns, n = [], None
        for f in self._fields:
            if f.name not in batch:
                raise S2FStreamError(f"batch has no field '{f.name}' (the {self.kind} schema needs it)")
            col = _column(f, batch[f.name])
            rows = len(col.offsets) - 1 if col.offsets is not None else len(col.data)
            if n is None:
                n = rows
            elif rows != n:
                raise S2FStreamError(f"field '{f.name}' has {rows} records, field "
                                     f"'{self._fields[0].name}' {n}",
                                     fix="every field of a batch needs one value per record")
            columns.append(col)
        if not n:
            return
        self._write_rows(columns, n)

    def _write_rows(self, columns, n):
        size = sum(c.nbytes() for c in columns)
        if size > 2 * self._frame_bytes and n > 1:
            step = max(1, n * self._frame_bytes // size)
            for a in range(0, n, step):
                b = min(n, a + step)
                self._write_rows([c.rows(a, b) for c in columns], b - a)
            return
        if size > MAX_PAYLOAD:
            raise S2FStreamError(f"a frame of {n} records needs {size} bytes, over the 1 GiB frame "
                                 "limit", self.name, fix="records this large are not supported")
        payload = np.zeros(size, np.uint8)
        pos = 0
        for c in columns:
            for block in ((c.offsets, c.data) if c.offsets is not None else (c.data,)):
                raw = block.reshape(-1).view(np.uint8)
                payload[pos:pos + raw.size] = raw
                pos += _pad8(raw.size)
        stored, codec = payload, CODEC_STORED
        if self._compressor is not None:
            packed = self._compressor.compress(payload)
            if len(packed) < size:  # incompressible frames are stored as they are
                stored, codec = packed, CODEC_ZSTD
        head = bytearray(FRAME_HEADER)
        head[:4] = DATA_TAG
        head[4] = codec
        struct.pack_into("<IIII", head, 8, n, len(stored), size, _crc(stored))
        struct.pack_into("<I", head, 28, _crc(memoryview(head)[:28]))
        self._file.write(head)
        self._file.write(stored)
        self.records_written += n
        self.frames_written += 1

    def close(self):
        """Writes the end frame and makes the output visible (rename for paths)."""
        if self._closed:
            return
        head = bytearray(FRAME_HEADER)
        head[:4] = END_TAG
        struct.pack_into("<QQ", head, 8, self.records_written, self.frames_written)
        struct.pack_into("<I", head, 28, _crc(memoryview(head)[:28]))
        try:
            self._file.write(head)
            self._file.flush()
            if self._owned:
                self._file.close()
                os.replace(self._temp, self._final)
                self._temp = None
        except BaseException:
            self.abort()
            raise
        self._closed = True

    def abort(self):
        """Stops without an end frame; a temporary file is removed."""
        self._closed = True
        if self._owned:
            self._file.close()
            self._owned = False
        if self._temp is not None:
            try:
                os.unlink(self._temp)
            except FileNotFoundError:
                pass
            self._temp = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False

    def __del__(self):
        if getattr(self, "_temp", None) is not None:
            self.abort()


def write(dest, kind, schema, meta, batches, zstd_level=0, frame_bytes=DEFAULT_FRAME_BYTES):
    """Writes a whole stream from an iterable of batch dicts (or one dict)."""
    if isinstance(batches, dict):
        batches = [batches]
    with Writer(dest, kind, schema, meta, zstd_level, frame_bytes) as out:
        for batch in batches:
            out.write_batch(batch)
