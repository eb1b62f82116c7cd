"""Smithy RPC v2 CBOR front for moto: translates CBOR calls to the awsJson 1.0 moto serves.

Why: aws-sdk-cloudwatch (Rust, 1.140) speaks only Smithy RPC v2 CBOR
(``POST /service/GraniteServiceVersion20100801/operation/DescribeAlarms``,
``Content-Type: application/cbor``); moto 5.2.5 answers that path with a 404. boto3 still picks
awsJson 1.0 for CloudWatch, which moto serves, so the request is re-sent to moto as JSON and the
JSON answer is re-encoded as CBOR, with timestamps tagged (tag 1, epoch seconds) where
botocore's model of the operation says a member is a timestamp. Errors keep their status and
``__type``.

Only the CBOR subset Smithy uses is implemented: ints, byte and text strings, arrays and maps
(definite and indefinite length), tags, booleans, null and floats.
"""

from __future__ import annotations

import io
import json
import struct
from datetime import datetime
from typing import Any, Callable, Iterable

# Smithy service shape name in the URL -> botocore service name.
SERVICES = {"GraniteServiceVersion20100801": "cloudwatch"}

_MODELS: dict[str, Any] = {}


class Tagged:
    def __init__(self, tag: int, value: Any) -> None:
        self.tag, self.value = tag, value


# --- decoding ---------------------------------------------------------------------------------

_BREAK = object()


def loads(data: bytes) -> Any:
    value, _ = _decode(data, 0)
    return value


def _length(data: bytes, pos: int, info: int) -> tuple[int | None, int]:
    if info < 24:
        return info, pos
    if info == 31:
        return None, pos
    size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
    return int.from_bytes(data[pos:pos + size], "big"), pos + size


def _decode(data: bytes, pos: int) -> tuple[Any, int]:
    initial = data[pos]
    pos += 1
    major, info = initial >> 5, initial & 0x1F
    if major == 7:
        if info == 20:
            return False, pos
        if info == 21:
            return True, pos
        if info in (22, 23):
            return None, pos
        if info == 25:
            return struct.unpack(">e", data[pos:pos + 2])[0], pos + 2
        if info == 26:
            return struct.unpack(">f", data[pos:pos + 4])[0], pos + 4
        if info == 27:
            return struct.unpack(">d", data[pos:pos + 8])[0], pos + 8
        if info == 31:
            return _BREAK, pos
        raise ValueError(f"unsupported simple value {info}")
    length, pos = _length(data, pos, info)
    if major == 0:
        return length, pos
    if major == 1:
        return -1 - (length or 0), pos
    if major in (2, 3):
        if length is None:  # indefinite: concatenated chunks
            chunks = []
            while True:
                chunk, pos = _decode(data, pos)
                if chunk is _BREAK:
                    break
                chunks.append(chunk)
            return (b"" if major == 2 else "").join(chunks), pos
        raw = data[pos:pos + length]
        return (bytes(raw) if major == 2 else raw.decode("utf-8")), pos + length
    if major == 4:
        items = []
        while length is None or len(items) < length:
            item, pos = _decode(data, pos)
            if item is _BREAK:
                break
            items.append(item)
        return items, pos
    if major == 5:
        out: dict[Any, Any] = {}
        while length is None or len(out) < length:
            key, pos = _decode(data, pos)
            if key is _BREAK:
                break
            out[key], pos = _decode(data, pos)
        return out, pos
    if major == 6:
        value, pos = _decode(data, pos)
        return Tagged(length or 0, value), pos
    raise ValueError(f"unsupported major type {major}")


# --- encoding ---------------------------------------------------------------------------------


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise ValueError("integer too large")


def dumps(value: Any) -> bytes:
    out = io.BytesIO()
    _encode(value, out)
    return out.getvalue()


def _encode(value: Any, out: io.BytesIO) -> None:
    if value is None:
        out.write(b"\xf6")
    elif value is True:
        out.write(b"\xf5")
    elif value is False:
        out.write(b"\xf4")
    elif isinstance(value, int):
        out.write(_head(0, value) if value >= 0 else _head(1, -1 - value))
    elif isinstance(value, float):
        out.write(b"\xfb" + struct.pack(">d", value))
    elif isinstance(value, bytes):
        out.write(_head(2, len(value)) + value)
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        out.write(_head(3, len(raw)) + raw)
    elif isinstance(value, (list, tuple)):
        out.write(_head(4, len(value)))
        for item in value:
            _encode(item, out)
    elif isinstance(value, dict):
        out.write(_head(5, len(value)))
        for key, item in value.items():
            _encode(key, out)
            _encode(item, out)
    elif isinstance(value, Tagged):
        out.write(_head(6, value.tag))
        _encode(value.value, out)
    else:
        raise TypeError(f"cannot encode {type(value).__name__}")


# --- translation ------------------------------------------------------------------------------


def _epoch(value: Any) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def _to_json(value: Any) -> Any:
    """CBOR request value -> JSON value (tag-1 timestamps become epoch seconds)."""
    if isinstance(value, Tagged):
        return _to_json(value.value)
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    return value


def _to_cbor(value: Any, shape: Any) -> Any:
    """JSON response value -> CBOR value, typed by botocore's output shape."""
    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {k: _to_cbor(v, members.get(k)) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_to_cbor(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _to_cbor(v, shape.value) for k, v in value.items()}
    if kind == "timestamp":
        return Tagged(1, _epoch(value))
    if kind in ("double", "float") and isinstance(value, int):
        return float(value)
    return value


def _model(service: str) -> Any:
    if service not in _MODELS:
        import botocore.session

        _MODELS[service] = botocore.session.get_session().get_service_model(service)
    return _MODELS[service]


StartResponse = Callable[..., Any]


def is_rpcv2_cbor(environ: dict[str, Any]) -> bool:
    path = environ.get("PATH_INFO", "")
    parts = path.strip("/").split("/")
    return (environ.get("REQUEST_METHOD") == "POST" and len(parts) == 4 and parts[0] == "service"
            and parts[2] == "operation" and parts[1] in SERVICES)


def handle(environ: dict[str, Any], start_response: StartResponse,
           moto_app: Callable[..., Iterable[bytes]]) -> Iterable[bytes]:
    _, smithy_service, _, operation = environ["PATH_INFO"].strip("/").split("/")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    request = _to_json(loads(body)) if body else {}
    payload = json.dumps(request).encode()

    inner = dict(environ)
    inner.update({
        "PATH_INFO": "/",
        "RAW_URI": "/",
        "REQUEST_URI": "/",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-amz-json-1.0",
        "CONTENT_LENGTH": str(len(payload)),
        "HTTP_X_AMZ_TARGET": f"{smithy_service}.{operation}",
        "HTTP_X_AMZN_QUERY_MODE": "true",
        "wsgi.input": io.BytesIO(payload),
    })
    inner.pop("HTTP_SMITHY_PROTOCOL", None)
    captured: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, headers
        return lambda _data: None

    try:
        raw = b"".join(moto_app(inner, capture))
        status = captured.get("status", "500 Internal Server Error")
    except Exception as exc:  # noqa: BLE001 - a moto crash must still answer in CBOR
        raw, status = json.dumps({"__type": "InternalFailure", "message": repr(exc)}).encode(), \
            "500 Internal Server Error"
    try:
        answer = json.loads(raw) if raw.strip() else {}
    except ValueError:
        answer = {"__type": "InternalFailure", "message": raw.decode("utf-8", "replace")[:500]}
    if status.startswith("2"):
        shape = _model(SERVICES[smithy_service]).operation_model(operation).output_shape
        answer = _to_cbor(answer, shape)
    out = dumps(answer)
    headers = [(k, v) for k, v in captured.get("headers", [])
               if k.lower() not in ("content-type", "content-length")]
    headers += [("Content-Type", "application/cbor"), ("Content-Length", str(len(out))),
                ("smithy-protocol", "rpc-v2-cbor")]
    start_response(status, headers)
    return [out]
