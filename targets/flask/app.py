"""
app.py - the Flask reference app: twice-app's routes (framework/app/workloads.c)
with the same answers, byte for byte, so that a scenario can put Flask under
gunicorn's sync, gthread and gevent workers beside twice-app's process, thread
and coroutine models and compare like with like.

"The same answers" reaches into the details: the query string is read the way
libtwice reads it (first occurrence, '+' is a space, percent-decoded bytes,
strict UTF-8), a bad parameter is the same 400 JSON error naming it, text that
is not UTF-8 is shown as \\xHH, and JSON is written as jansson writes it
(compact, UTF-8, control characters as uppercase \\uXXXX). The live tests send
the same requests to both and compare status, Content-Type and body.

The /db routes query the PostgreSQL database named by the TWICE_DB environment
variable (a libpq conninfo, as twice-app's --db) through psycopg2 (Debian
python3-psycopg2).

Run it:  gunicorn -k gevent -w 1 --bind 127.0.0.1:8000 --chdir targets/flask app:app
"""
import fcntl
import os
import re
import sys
import time
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, request

try:
    import psycopg2
    import psycopg2.extensions
except ImportError:  # the other routes serve without it; the /db routes say what is missing
    psycopg2 = None

MAX_SLEEP_MS = 60000
MAX_CPU_ITERS = 1000000000
MAX_HOLD_US = 10000000
HELLO = "Hello, World!"
LOCK_FILE = os.environ.get("TWICE_LOCK_FILE", "/tmp/twice-contention.lock")
MASK64 = (1 << 64) - 1
MAX_ID = 2147483647  # items.id is a PostgreSQL integer
MAX_QUERY_ROWS = 100
DB = os.environ.get("TWICE_DB", "")
INTEGER = re.compile(rb"[+-]?[0-9]+")

app = Flask(__name__)


class HttpError(Exception):
    """An error answer: status, message (bytes, escaped on the way out) and extra fields."""

    def __init__(self, status, message, detail=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail or {}


# ---- text and JSON as libtwice and jansson write them --------------------------------------


def _sequence_length(data, i):
    """The length of the valid UTF-8 sequence at data[i], or 0 (RFC 3629, as text.c)."""
    first = data[i]
    if first < 0x80:
        return 1
    length = 4 if first >= 0xF0 else 3 if first >= 0xE0 else 2
    if first < 0xC2 or first > 0xF4 or length > len(data) - i:
        return 0
    if any(data[i + k] & 0xC0 != 0x80 for k in range(1, length)):
        return 0
    second = data[i + 1]
    if ((first == 0xE0 and second < 0xA0) or (first == 0xED and second > 0x9F) or
            (first == 0xF0 and second < 0x90) or (first == 0xF4 and second > 0x8F)):
        return 0
    return length


def utf8_escape(data):
    """bytes as text: valid UTF-8 as it is, any other byte as \\xHH."""
    out = bytearray()
    i = 0
    while i < len(data):
        step = _sequence_length(data, i)
        if step == 0:
            out += b"\\x%02X" % data[i]
            step = 1
        else:
            out += data[i:i + step]
        i += step
    return out.decode("utf-8")


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n",
                  "\r": "\\r", "\t": "\\t"}


def _json_string(text):
    return '"' + "".join(_SHORT_ESCAPES.get(ch) or
                         ("\\u%04X" % ord(ch) if ord(ch) < 0x20 else ch) for ch in text) + '"'


def _json_value(value):
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, dict):
        return "{" + ",".join(_json_string(key) + ":" + _json_value(item)
                              for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json_value(item) for item in value) + "]"
    return str(value)


def json_response(status, fields):
    """An object of strings, integers, objects and arrays, in order, as jansson's JSON_COMPACT
    writes it."""
    body = _json_value(fields)
    return Response(body.encode("utf-8"), status=status, content_type="application/json")


# ---- the query string, read through flask.request --------------------------------------------


def _url_decode(data):
    return unquote_to_bytes(data.replace(b"+", b" "))


def query(name):
    """The first value of a query parameter, as bytes, or None. Reads flask.request: called
    from a handler, this is the current request through Flask's context locals."""
    wanted = name.encode("ascii")
    for pair in request.query_string.split(b"&"):
        if pair:
            key, _, value = pair.partition(b"=")
            if _url_decode(key) == wanted:
                return _url_decode(value)
    return None


def query_int(name, low, high, default):
    text = query(name)
    if text is None:
        return default
    if INTEGER.fullmatch(text) and low <= int(text) <= high:
        return int(text)
    raise HttpError(400, b"query parameter '%s' must be an integer in [%d, %d], got '%s'" %
                    (name.encode("ascii"), low, high, text),
                    {"parameter": name, "value": utf8_escape(text)})


def query_text(name):
    text = query(name)
    if text is None:
        return None
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, b"query parameter '%s' must be UTF-8 text, got '%s'" %
                        (name.encode("ascii"), text),
                        {"parameter": name, "value": utf8_escape(text)}) from None


def raw_target():
    """The request target as the client sent it: gunicorn's RAW_URI, else Werkzeug's."""
    return request.environ.get("RAW_URI") or request.full_path


def raw_path():
    """The path percent-decoded into bytes, as libtwice has it: Werkzeug's request.path has
    already replaced bytes that are not UTF-8."""
    return unquote_to_bytes(raw_target().partition("?")[0])


# ---- errors: the JSON body of libtwice's default error response ------------------------------


@app.errorhandler(HttpError)
def http_error(error):
    return json_response(error.status, {**error.detail, "error": utf8_escape(error.message),
                                        "status": error.status})


@app.errorhandler(404)
def not_found(_):
    return http_error(HttpError(404, b"no route for %s %s" % (
        request.method.encode(), raw_path())))


@app.errorhandler(405)
def method_not_allowed(_):
    # Every route here is GET, which answers HEAD too.
    response = http_error(HttpError(405, b"method %s is not allowed for %s; allowed: GET, HEAD" % (
        request.method.encode(), raw_path())))
    response.headers["Allow"] = "GET, HEAD"
    return response


@app.before_request
def refuse_nul():
    """libtwice refuses a target holding a NUL byte, raw or %00, before anything else:
    decoded, it would cut a path or a parameter short."""
    target = raw_target()
    found = [i for i in (target.find("\0"), target.find("%00")) if i >= 0]
    if found:
        column = min(found) + 1
        raise HttpError(400, b"the request target holds a NUL byte at column %d; a path or a "
                        b"query parameter cannot" % column, {"column": column})


def route(path):
    """A GET route with no automatic OPTIONS answer: twice-app has none."""
    return app.route(path, methods=["GET"], provide_automatic_options=False)


# ---- the workloads ------------------------------------------------------------------------------


@route("/plaintext")
def plaintext():
    return Response(HELLO, status=200, content_type="text/plain")


@route("/json")
def json_route():
    return json_response(200, {"message": HELLO})


@route("/sleep")
def sleep_route():
    ms = query_int("ms", 0, MAX_SLEEP_MS, 10)
    time.sleep(ms / 1000)  # gevent's sleep under the gevent worker, which patches time
    return json_response(200, {"slept_ms": ms})


def cpu_work(iters):
    """xorshift64*, as twice_app_cpu_work(): the same checksum for the same iters."""
    x, total = 0x9E3779B97F4A7C15, 0
    for _ in range(iters):
        x ^= x >> 12
        x ^= (x << 25) & MASK64
        x ^= x >> 27
        total = (total + x * 0x2545F4914F6CDD1D) & MASK64
    return total


@route("/cpu")
def cpu():
    iters = query_int("iters", 1, MAX_CPU_ITERS, 1000)
    return json_response(200, {"iters": iters, "checksum": "%016x" % cpu_work(iters)})


@route("/ctx")
def ctx():
    """Reads the id through flask.request on both sides of a wait: under threads and
    greenlets, another request's context leaking in makes "after" differ from "id"."""
    ident = query_text("id")
    if ident is None:
        raise HttpError(400, b"query parameter 'id' is required")
    ms = query_int("ms", 0, MAX_SLEEP_MS, 0)
    before = query_text("id")
    time.sleep(ms / 1000)
    after = query_text("id")
    return json_response(200, {"id": ident, "before": before, "after": after})


def _waits_yield():
    """True under gevent's worker: a blocking flock() would stop every greenlet."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("time")


def hold_lock(path, hold_us):
    """Holds the machine-wide lock for hold_us (contention_lock.c); returns µs waited for it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        start = time.monotonic_ns()
        if _waits_yield():
            pause_us = 50
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(pause_us / 1e6)
                    pause_us = min(pause_us * 2, 1000)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX)
        waited_us = (time.monotonic_ns() - start) // 1000
        time.sleep(hold_us / 1e6)
        return waited_us
    finally:
        os.close(fd)  # releases the lock


@route("/contention")
def contention():
    hold_us = query_int("us", 0, MAX_HOLD_US, 100)
    ms = query_int("ms", 0, MAX_SLEEP_MS, 0)
    time.sleep(ms / 1000)  # the parallel part
    try:
        waited_us = hold_lock(LOCK_FILE, hold_us)
    except OSError as error:
        raise HttpError(500, ("cannot lock %s: %s" % (LOCK_FILE, error.strerror)).encode(
            "utf-8", "surrogateescape")) from None
    return json_response(200, {"parallel_ms": ms, "held_us": hold_us,
                               "lock_wait_us": waited_us})


# ---- PostgreSQL: the /db routes (framework/app/db_routes.c) ------------------------------------
#
# Connections are made on first use and kept in one pool for the worker: a request takes one
# (or makes one) and gives it back, so a sync worker keeps one, a gthread worker one per thread
# with a query in flight, a gevent worker one per greenlet with a query in flight, each reused
# afterwards. A broken connection (the database restarted) is dropped when it comes back: that
# request is a 503, the next one connects again. list.pop() and list.append() are atomic, which
# is all the threads need.

READ_SQL = "SELECT id, value, counter FROM items WHERE id = %s"
QUERY_SQL = "SELECT id, value, counter FROM items WHERE id >= %s ORDER BY id LIMIT %s"
UPDATE_SQL = "UPDATE items SET counter = counter + 1 WHERE id = %s RETURNING id, value, counter"

_idle_connections = []


def _gevent_wait(conn, timeout=None):
    """psycopg2's wait callback under gevent: a query waits for its socket in the hub, so
    the other greenlets run meanwhile instead of the whole worker blocking in libpq."""
    from gevent.socket import wait_read, wait_write
    while True:
        state = conn.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        if state == psycopg2.extensions.POLL_READ:
            wait_read(conn.fileno(), timeout=timeout)
        elif state == psycopg2.extensions.POLL_WRITE:
            wait_write(conn.fileno(), timeout=timeout)
        else:
            raise psycopg2.OperationalError("unexpected state from poll(): %r" % state)


def _reason(error):
    return str(error).rstrip().encode("utf-8", "replace")


def _take_connection():
    while _idle_connections:
        conn = _idle_connections.pop()
        if not conn.closed:
            return conn
    if _waits_yield() and psycopg2.extensions.get_wait_callback() is None:
        psycopg2.extensions.set_wait_callback(_gevent_wait)
    try:
        conn = psycopg2.connect(DB)
        conn.autocommit = True  # each statement on its own, as twice-app runs them
        return conn
    except psycopg2.Error as error:
        raise HttpError(503, b"database: cannot connect: " + _reason(error)) from None


def _give_back(conn):
    idle = psycopg2.extensions.TRANSACTION_STATUS_IDLE
    if not conn.closed and conn.info.transaction_status == idle:
        _idle_connections.append(conn)
    else:
        conn.close()


def db_rows(sql, params):
    """The rows sql gives, or a 503 that says why there are none."""
    if not DB:
        raise HttpError(503, b"no database: give twice-app --db CONNINFO or set TWICE_DB")
    if psycopg2 is None:
        raise HttpError(503, b"no database: psycopg2 is not installed (Debian python3-psycopg2)")
    conn = _take_connection()
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    except psycopg2.Error as error:
        raise HttpError(503, b"database: query: " + _reason(error)) from None
    finally:
        _give_back(conn)


def _item(row):
    return {"id": row[0], "value": row[1], "counter": row[2]}


def required_int(name, low, high):
    if query(name) is None:
        raise HttpError(400, b"query parameter '%s' is required" % name.encode("ascii"))
    return query_int(name, low, high, low)


def _on_one_item(sql):
    """A statement on the row that the id parameter names: a read or an update."""
    ident = required_int("id", 1, MAX_ID)
    rows = db_rows(sql, (ident,))
    if len(rows) != 1:
        raise HttpError(404, b"no item with id %d" % ident)
    return json_response(200, _item(rows[0]))


@route("/db/read")
def db_read():
    return _on_one_item(READ_SQL)


@route("/db/update")
def db_update():
    return _on_one_item(UPDATE_SQL)


@route("/db/query")
def db_query():
    rows = query_int("rows", 1, MAX_QUERY_ROWS, 10)
    first = query_int("from", 1, MAX_ID, 1)
    return json_response(200, {"items": [_item(row) for row in db_rows(QUERY_SQL, (first, rows))]})
