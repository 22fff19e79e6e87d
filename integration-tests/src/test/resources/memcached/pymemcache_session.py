#!/usr/bin/python3
"""A scripted pymemcache session against a memcached-compatible server; PymemcacheIT runs it.

usage: /usr/bin/python3 pymemcache_session.py HOST PORT

Every reply is checked; the first mismatch prints what was expected and what came back and exits 1.
Exit 0 prints "pymemcache session: N checks passed". Uses Debian's python3-pymemcache (3.5).
"""
import sys

from pymemcache.client.base import Client
from pymemcache.exceptions import MemcacheClientError, MemcacheServerError

checks = 0


def check(what, got, expected):
    global checks
    if got != expected:
        print("MISMATCH %s: got %r, expected %r" % (what, got, expected))
        sys.exit(1)
    checks += 1


def expect_error(what, kind, fn):
    global checks
    try:
        got = fn()
    except kind as e:
        checks += 1
        return str(e)
    print("MISMATCH %s: got %r, expected %s" % (what, got, kind.__name__))
    sys.exit(1)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    c = Client((host, port), default_noreply=False, connect_timeout=10, timeout=30)
    check("flush_all", c.flush_all(), True)
    check("version is a string", isinstance(c.version(), bytes), True)

    # set / get / get_many / delete
    check("set", c.set("k1", b"v1"), True)
    check("get", c.get("k1"), b"v1")
    check("get missing", c.get("nope"), None)
    check("set flags", c.set("k2", b"v2", flags=12345), True)
    check("get_many", c.get_many(["k1", "nope", "k2"]), {"k1": b"v1", "k2": b"v2"})
    check("delete", c.delete("k1"), True)
    check("delete missing", c.delete("k1"), False)
    check("get deleted", c.get("k1"), None)

    # add / replace / append / prepend
    check("add new", c.add("a", b"1"), True)
    check("add existing", c.add("a", b"2"), False)
    check("get after add", c.get("a"), b"1")
    check("replace existing", c.replace("a", b"3"), True)
    check("replace missing", c.replace("b", b"3"), False)
    check("append", c.append("a", b"45"), True)
    check("prepend", c.prepend("a", b"012"), True)
    check("get after append/prepend", c.get("a"), b"012345")
    check("append missing", c.append("nope", b"x"), False)
    check("prepend missing", c.prepend("nope", b"x"), False)

    # gets / cas
    c.set("c", b"first")
    value, cas = c.gets("c")
    check("gets value", value, b"first")
    check("cas ok", c.cas("c", b"second", cas), True)
    check("cas stale", c.cas("c", b"third", cas), False)
    check("get after cas", c.get("c"), b"second")
    check("cas missing", c.cas("nope", b"x", cas), None)
    _, cas2 = c.gets("c")
    check("cas changes on update", cas2 != cas, True)
    many = c.gets_many(["c", "a", "nope"])
    check("gets_many keys", sorted(many.keys()), ["a", "c"])
    check("gets_many value", many["c"][0], b"second")

    # incr / decr: 64-bit unsigned, incr wraps, decr stops at 0
    c.set("n", b"10")
    check("incr", c.incr("n", 5), 15)
    check("decr", c.decr("n", 3), 12)
    check("decr to 0", c.decr("n", 100), 0)
    check("incr missing", c.incr("nope", 1), None)
    check("decr missing", c.decr("nope", 1), None)
    c.set("n", b"18446744073709551615")
    check("incr wraps", c.incr("n", 1), 0)
    c.set("n", b"100")
    check("decr 100 - 1", c.decr("n", 1), 99)
    check("get after decr keeps length", c.get("n"), b"99 ")
    c.set("t", b"abc")
    expect_error("incr non-numeric", MemcacheClientError, lambda: c.incr("t", 1))

    # touch and expiry
    c.set("e", b"x", expire=1000)
    check("touch", c.touch("e", 2000), True)
    check("touch missing", c.touch("nope", 10), False)
    c.set("gone", b"x", expire=-1)
    check("negative expiry: already expired", c.get("gone"), None)

    # binary-safe values: every byte value, and \r\n inside
    every = bytes(range(256))
    check("set all bytes", c.set("bin", every), True)
    check("get all bytes", c.get("bin"), every)
    crlf = b"line1\r\nEND\r\nVALUE x 0 1\r\n\r\n"
    check("set crlf", c.set("crlf", crlf), True)
    check("get crlf", c.get("crlf"), crlf)
    check("get_many binary", c.get_many(["bin", "crlf"]), {"bin": every, "crlf": crlf})
    check("empty value", c.set("empty", b""), True)
    check("get empty", c.get("empty"), b"")

    # keys at the limit: 250 bytes ok, 251 rejected by the client itself
    k250 = "k" * 250
    check("set 250-byte key", c.set(k250, b"long"), True)
    check("get 250-byte key", c.get(k250), b"long")
    expect_error("251-byte key", MemcacheClientError, lambda: c.set("k" * 251, b"x"))

    # values near the 1 MiB item size limit
    big = bytes((i * 7 + 3) % 256 for i in range(1024 * 1024 - 1024))
    check("set near 1 MiB", c.set("big", big), True)
    check("get near 1 MiB", c.get("big"), big)
    c.set("big2", b"old")
    too_big = b"x" * (1024 * 1024 + 1)
    expect_error("set over 1 MiB", MemcacheServerError, lambda: c.set("big2", too_big))
    check("the connection still works after a too-large set", c.get("big"), big)
    check("a too-large set removes the old value", c.get("big2"), None)

    # noreply: nothing comes back, but the store changes
    check("set noreply", c.set("nr", b"1", noreply=True), True)
    check("add noreply", c.add("nr2", b"2", noreply=True), True)
    check("incr noreply", c.incr("nr", 5, noreply=True), None)
    check("append noreply", c.append("nr", b"x", noreply=True), True)
    check("get after noreply", c.get_many(["nr", "nr2"]), {"nr": b"6x", "nr2": b"2"})
    check("delete noreply", c.delete("nr2", noreply=True), True)
    check("get after delete noreply", c.get("nr2"), None)

    # many keys in one get
    keys = ["m%03d" % i for i in range(100)]
    for i, k in enumerate(keys):
        c.set(k, ("value-%d" % i).encode())
    got = c.get_many(keys + ["missing-%d" % i for i in range(20)])
    check("get_many 100 keys", got, {k: ("value-%d" % i).encode() for i, k in enumerate(keys)})

    check("flush_all at the end", c.flush_all(), True)
    check("get after flush_all", c.get("a"), None)
    c.close()
    print("pymemcache session: %d checks passed" % checks)


if __name__ == "__main__":
    main()
