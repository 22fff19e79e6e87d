package io.ringside.it.memcached;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The command sequences of {@link MemcachedDifferentialIT}: hand-written ones for every command and
 * error, and seeded random ones with bad input mixed in (the meta protocol's are in {@link MetaSequences}). A step is the exact bytes sent (ISO-8859-1,
 * one char per byte), {@code ${cas}} standing for the last CAS the server sent on that connection.
 *
 * <p>No step depends on time passing: exptimes are 0, negative, an absolute time long past, or far
 * in the future. Every hand-written case starts with {@code flush_all}.
 *
 * <p>Threading: stateless.
 */
final class DifferentialSequences {
    static final int ONE_MIB = 1024 * 1024;
    /** Over 30 days, hence an absolute Unix time: 1970-01-31, long past. */
    static final String PAST = Integer.toString(30 * 24 * 3600 + 1);
    static final String KEY250 = "k".repeat(250);
    static final String KEY251 = "k".repeat(251);

    private DifferentialSequences() {
    }

    static String set(String cmd, String key, String flags, String exp, String data, String... extra) {
        String tail = extra.length == 0 ? "" : " " + String.join(" ", extra);
        return cmd + " " + key + " " + flags + " " + exp + " " + data.length() + tail + "\r\n" + data + "\r\n";
    }

    static String set(String key, String data) {
        return set("set", key, "0", "0", data);
    }

    /** Every byte value once, \r\n included: a binary value. */
    static String allBytes() {
        StringBuilder b = new StringBuilder(256);
        for (int i = 0; i < 256; i++) {
            b.append((char) i);
        }
        return b.toString();
    }

    /** The hand-written cases, by name. */
    static Map<String, List<String>> handWritten() {
        Map<String, List<String>> c = new LinkedHashMap<>();
        c.put("storage commands", List.of(set("a", "1"), "get a\r\n", set("add", "a", "0", "0", "2"),
                set("add", "b", "5", "0", "2"), "get a b\r\n", set("replace", "a", "7", "0", "3"),
                set("replace", "zz", "0", "0", "3"), set("append", "a", "99", "0", "45"),
                set("prepend", "a", "99", "0", "012"), "get a\r\n", set("append", "zz", "0", "0", "x"),
                set("prepend", "zz", "0", "0", "x"), set("set", "f", "4294967295", "0", "max flags"), "get f\r\n",
                set("set", "e", "0", "0", ""), "get e\r\n", "gets a b e f zz\r\n"));
        c.put("noreply", List.of(set("set", "a", "0", "0", "1", "noreply"), set("add", "b", "0", "0", "2", "noreply"),
                set("add", "b", "0", "0", "3", "noreply"), set("replace", "a", "0", "0", "4", "noreply"),
                set("append", "a", "0", "0", "5", "noreply"), set("prepend", "a", "0", "0", "6", "noreply"),
                "incr a 10 noreply\r\n", "decr b 1 noreply\r\n", "get a b\r\n", "touch a 100 noreply\r\n",
                "delete b noreply\r\n", "delete b noreply\r\n", "get b\r\n", "gets a\r\n",
                set("cas", "a", "0", "0", "7", "${cas}", "noreply"), "get a\r\n", "flush_all noreply\r\n",
                "get a\r\n", "verbosity 1 noreply\r\n", "incr zz 1 noreply\r\n", "bogus noreply\r\n"));
        c.put("cas", List.of(set("c", "first"), "gets c\r\n", set("cas", "c", "0", "0", "second", "${cas}"),
                "gets c\r\n", set("set", "c", "0", "0", "third"), set("cas", "c", "0", "0", "lost", "${cas}"),
                "get c\r\n", set("cas", "missing", "0", "0", "x", "12345"), set("cas", "c", "0", "0", "x"),
                set("cas", "c", "0", "0", "x", "notanumber"), set("cas", "c", "0", "0", "x", "-1"),
                "gets c missing c\r\n"));
        c.put("get gets gat gats", List.of(set("g1", "v1"), set("g2", "v2"), "get g1 g2 missing g1\r\n",
                "gets g1 g2\r\n", "gat 100 g1 g2 missing\r\n", "gats 100 g1\r\n", "gat 0 g1\r\n",
                "gat " + PAST + " g1\r\n", "get g1\r\n", "gat -1 g2\r\n", "get g2\r\n", "gat\r\n", "gat 100\r\n",
                "gat abc g1\r\n", "gats\r\n", "get\r\n", "gets\r\n", "get " + KEY250 + "\r\n",
                "get " + KEY251 + "\r\n", "get a " + KEY251 + " b\r\n"));
        c.put("touch and expiry", List.of(set("set", "t", "0", "1000", "x"), "touch t 2000\r\n", "touch missing 10\r\n",
                "touch t\r\n", "touch t abc\r\n", "touch t -1\r\n", "get t\r\n", set("set", "p", "0", PAST, "x"),
                "get p\r\n", set("set", "n", "0", "-1", "x"), "get n\r\n", set("set", "x", "0", "abc", "x")));
        c.put("delete", List.of(set("d", "1"), "delete d\r\n", "delete d\r\n", set("d", "1"), "delete d 0\r\n",
                "delete d 5\r\n", "delete d 0 noreply\r\n", "get d\r\n", "delete\r\n", "delete " + KEY251 + "\r\n"));
        c.put("incr decr", List.of(set("n", "10"), "incr n 5\r\n", "decr n 3\r\n", "decr n 100\r\n", "get n\r\n",
                set("n", "18446744073709551615"), "incr n 1\r\n", "get n\r\n", set("n", "18446744073709551615"),
                "incr n 18446744073709551615\r\n", set("n", "100"), "decr n 1\r\n", "get n\r\n", "decr n 90\r\n",
                "get n\r\n", "incr n 1000\r\n", "get n\r\n", set("n", "007"), "incr n 1\r\n", "get n\r\n",
                set("t", "abc"), "incr t 1\r\n", "decr t 1\r\n", set("t", "12abc"), "incr t 1\r\n",
                set("t", " 12"), "incr t 1\r\n", set("t", ""), "incr t 1\r\n", "incr missing 1\r\n",
                "decr missing 1\r\n", "incr n abc\r\n", "incr n -1\r\n", "incr n 18446744073709551616\r\n",
                "incr n\r\n", "incr\r\n", set("n", "1".repeat(21)), "incr n 1\r\n"));
        c.put("errors", List.of("foo\r\n", "\r\n", "GET a\r\n", "sets a 0 0 1\r\n", "set a 0 0\r\n",
                "set a 0 0 1 2 3 4\r\nx\r\n", "set a abc 0 1\r\nx\r\n", "set a 0 0 abc\r\n", "set a 0 0 -1\r\n",
                "set a 4294967296 0 1\r\nx\r\n", "set a -1 0 1\r\nx\r\n", "set " + KEY251 + " 0 0 1\r\nx\r\n",
                set("set", KEY250, "0", "0", "ok"), "get " + KEY250 + "\r\n", "set a 0 0 3\r\nabcde\r\n",
                "set a 0 0 3\r\nabc\n", "set a 0 0 3\r\nabcXY", "get a\r\n", "set a 0 0 1\nx\r\n", "get a\n",
                "verbosity\r\n", "verbosity abc\r\n", "flush_all abc\r\n", "  get   a  \r\n", "get a\tb\r\n"));
        c.put("too large", List.of(set("big", "old"), set("set", "big", "0", "0", "x".repeat(ONE_MIB + 1)),
                "get big\r\n", set("set", "big", "0", "0", "y".repeat(ONE_MIB - 1024)), "get big\r\n",
                "set big 0 0 2000000\r\n" + "z".repeat(2_000_000) + "\r\n", "get big\r\n",
                set("add", "big3", "0", "0", "x".repeat(2 * ONE_MIB)), set("append", "big", "0", "0", "w".repeat(4096)),
                "get big3\r\n", "set big4 0 0 4294967295\r\n"));
        c.put("binary values", List.of(set("bin", allBytes()), "get bin\r\n",
                set("crlf", "line1\r\nEND\r\nVALUE x 0 1\r\n\r\n"), "get crlf bin\r\n"));
        c.put("flush_all", List.of(set("a", "1"), "flush_all\r\n", "get a\r\n", set("a", "2"), "get a\r\n",
                "flush_all 0\r\n", "get a\r\n", set("a", "3"), "flush_all 1000\r\n", "get a\r\n",
                "flush_all -1\r\n", "flush_all 0 noreply\r\n", "get a\r\n", "flush_all 1 2\r\n"));
        c.put("version verbosity", List.of("version\r\n", "version extra\r\n", "verbosity 1\r\n", "verbosity 0\r\n",
                "verbosity 1 2 3\r\n"));
        c.put("quit", List.of(set("q", "1"), "get q\r\nquit\r\n", "get q\r\n", "quit extra\r\n", "get q\r\n"));
        c.put("meta get", List.of(set("set", "a", "5", "100", "hi"), "mg a\r\n", "mg a s v f t c k Oxx h l\r\n",
                "mg a h l t v\r\n", "mg a T30 t\r\n", "mg a t s\r\n", "mg missing v\r\n", "mg missing k O1\r\n",
                "mg missing q v\r\nmn\r\n", "mg a q\r\n", "mg a O k\r\n", "mg a P L v\r\n", "mg a vv\r\n",
                "mg  a  v\r\n", "mg a t T50\r\n", "mg a t\r\n", "mg a T-1\r\n", "mg a\r\n"));
        c.put("meta set", List.of("ms a 2\r\nhi\r\n", "mg a v f t\r\n", "ms a 2 T100 F7 c k O1\r\nhi\r\n",
                "mg a v f t c\r\n", "ms a 2 C${cas} c\r\nho\r\n", "ms a 2 C${cas}0 c\r\nhu\r\n", "ms a 2 C1 q\r\nhx\r\n",
                "ms a 2 ME\r\nhi\r\n", "ms b 2 ME q\r\nhi\r\nmn\r\n", "ms a 1 MA\r\nx\r\n", "ms a 1 MP\r\ny\r\n",
                "ms zz 1 MR k\r\nz\r\n", "ms zz 1 MA\r\nz\r\n", "ms a 1 MS F4294967295\r\nz\r\n",
                "mg a v f\r\n", "ms n 0\r\n\r\n", "mg n s v\r\n", "ms a 2 I\r\nhi\r\n", "ms e 2 T-1\r\nhi\r\n",
                "mg e\r\n", "ms a 2 v f s t h l\r\nhi\r\n", "ms a 2 C0\r\nhi\r\n", "ms new 2 C5\r\nhi\r\n",
                "ms a " + (ONE_MIB + 1) + " ME k\r\n" + "x".repeat(ONE_MIB + 1) + "\r\n", "mg a v\r\n",
                "ms a 2 zz\r\nh\r\n\r\n", "mg a\r\n"));
        c.put("meta base64 keys", List.of("ms YQ== 2 b k\r\nhi\r\n", "mg YQ== b k v\r\n", "mg Yg== b k O2\r\n",
                "md Yg== b k\r\n", "ma Yg== b k v N0\r\n", "md YQ== b k q\r\n", "mg a v\r\n", "mg a b\r\n",
                "mg ### b\r\n", "ms a 2 b\r\nhi\r\n"));
        c.put("meta delete", List.of(set("a", "hi"), "md a k O5\r\n", "md a k O5\r\n", "md a q\r\n", set("a", "hi"),
                "mg a c\r\n", "md a C${cas}9\r\n", "md a C${cas} q\r\nmn\r\n", "mg a\r\n", "md a v c T5\r\n"));
        c.put("meta arithmetic", List.of("ma n\r\n", "ma n q\r\nmn\r\n", "ma n N0 J5 v\r\n", "ma n v t\r\n",
                set("n", "10"), "ma n\r\n", "ma n v\r\n", "ma n MD D5 v\r\n", "ma n M- D100 v\r\n", "ma n M+ v\r\n",
                "ma n MI v k O1\r\n", "ma n q\r\nmn\r\n", "ma n q v\r\nmn\r\n", "ma m N0 q\r\nmn\r\n",
                "ma n c v\r\n", "mg n v c\r\n", set("x", "hi"), "ma x\r\n", "ma v N50 t v k\r\n",
                set("big", "18446744073709551615"), "ma big v\r\n", "ma n f s h l\r\n", set("g", "9"), "mg g c\r\n",
                "ma g C${cas}1 v k\r\n", "ma g C${cas} v\r\n", "ma g C5 q\r\n", "ma gone C5\r\n", "ma x C5\r\n",
                set("set", "t", "0", "100", "1"), "ma t T50 t v\r\n", "mg t t\r\n", "ma t T0 t\r\n", "ma t N0 T50 t\r\n",
                "ma t2 N30 T50 t\r\n", "ma t T-1 v\r\n", "mg t\r\n"));
        c.put("meta errors", List.of("mg\r\n", "ms\r\n", "md\r\n", "ma\r\n", "ms a\r\n", "ms a x\r\nhi\r\n",
                "ms a -1\r\n", "mg a zz\r\n", "mg a 1\r\n", "mg a Oabc Oxyz\r\n", "mg a c c\r\n", "mg a Tabc\r\n",
                "mg a Fabc\r\n", "mg a Cabc\r\n", "mg a MX k\r\n", "mg a O" + "9".repeat(33) + "\r\n",
                "mg a v noreply\r\n", "mg " + KEY251 + " v\r\n", "ms " + KEY251 + " 2\r\nhi\r\n",
                "md " + KEY251 + "\r\n", "ms a 2 zz\r\nhi\r\n", "ms a 2 Tabc\r\nhi\r\n", "ms a 2 Fabc\r\nhi\r\n",
                "ms a 2 F-1\r\nhi\r\n", "ms a 2 MX\r\nhi\r\n", "ms a 2 Ms\r\nhi\r\n", "ms a 2 Mset\r\nhi\r\n",
                "ms a 2 S5\r\nhi\r\n", "ms a 2 c c\r\nhi\r\n", "ms a 2 C\r\nhi\r\n", "ms a 2 T\r\nhi\r\n",
                "ms a 2\r\nhiX\r\n", "md a zz\r\n", "md a Cabc\r\n", "md a k k\r\n", "ma a Dabc\r\n",
                "ma a D18446744073709551616\r\n", "ma a MX\r\n", "ma a Mi\r\n", "ma a zz\r\n",
                "ma a O" + "9".repeat(33) + "\r\n", "mg a v v v v v v v v v v v v v v v v v v\r\n",
                "mg a v v v v v v v v v v v v v v v v v\r\n", "md a q q q q q q q q q q q q q q q q q q\r\n",
                "ms a 2 O1 O2 O3 O4 O5 O6 O7 O8 O9 O10 O11 O12 O13 O14 O15 O16 O17\r\nhi\r\n"));
        c.putAll(MetaSequences.handWritten());
        c.put("pipelined", List.of(set("p1", "a") + set("p2", "b") + "get p1 p2\r\nincr p1 1\r\nbogus\r\n"
                + "delete p2\r\nget p1 p2\r\n"));
        return c;
    }

    private static final String[] KEYS = {"a", "b", "c", "n1", "n2", KEY250};
    private static final String[] FLAGS = {"0", "1", "65535", "4294967295", "4294967296", "-1", "x"};
    private static final String[] EXPTIMES = {"0", "0", "0", "100000", "-1", PAST, "x"};
    private static final String[] DELTAS = {"1", "0", "7", "18446744073709551615", "18446744073709551616", "-1", "x"};
    private static final String[] STORAGE = {"set", "add", "replace", "append", "prepend", "cas"};

    /** {@code steps} random steps from {@code seed}: mostly valid commands, about one in five bad. */
    static List<String> random(long seed, int steps) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(steps + 1);
        out.add("flush_all\r\n");
        for (int i = 0; i < steps; i++) {
            out.add(randomStep(r));
        }
        return out;
    }

    private static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    private static String key(SplittableRandom r) {
        return r.nextInt(50) == 0 ? KEY251 : r.nextInt(30) == 0 ? "" : pick(r, KEYS);
    }

    private static String value(SplittableRandom r) {
        switch (r.nextInt(5)) {
            case 0: return Long.toString(r.nextLong(0, Long.MAX_VALUE));
            case 1: return Integer.toString(r.nextInt(1000));
            case 2: return "v\r\nEND\r\n" + r.nextInt(100);
            case 3: return "";
            default: return "x".repeat(r.nextInt(1, 200));
        }
    }

    /**
     * The keys of a retrieval line, a 251-byte one moved first. memcached 1.6.18 keeps a reference to each
     * item it fetched before the bad key (its reply is dropped, the reference is not), and a later incr or
     * decr of such an item copies it instead of rewriting it in place (no space padding): a reference-count
     * quirk of memcached's, not protocol, which Ringside does not copy (the README lists it).
     */
    private static String keyList(List<String> keys) {
        if (keys.remove(KEY251)) {
            keys.add(0, KEY251);
        }
        StringBuilder b = new StringBuilder();
        for (String k : keys) {
            b.append(' ').append(k);
        }
        return b.toString();
    }

    private static String noreply(SplittableRandom r) {
        return r.nextInt(6) == 0 ? " noreply" : "";
    }

    private static String randomStep(SplittableRandom r) {
        if (r.nextInt(100) < 15) {
            return MetaSequences.randomStep(r);
        }
        int kind = r.nextInt(100);
        if (kind < 35) {
            return storage(r);
        }
        if (kind < 55) {
            String cmd = r.nextInt(3) == 0 ? "gets" : "get";
            List<String> keys = new ArrayList<>();
            for (int n = r.nextInt(5); n >= 0; n--) {
                keys.add(key(r));
            }
            return cmd + keyList(keys) + "\r\n";
        }
        if (kind < 60) {
            return (r.nextBoolean() ? "gat " : "gats ") + pick(r, EXPTIMES) + keyList(new ArrayList<>(List.of(key(r), key(r)))) + "\r\n";
        }
        if (kind < 72) {
            return (r.nextBoolean() ? "incr " : "decr ") + key(r) + " " + pick(r, DELTAS) + noreply(r) + "\r\n";
        }
        if (kind < 78) {
            return "delete " + key(r) + (r.nextInt(10) == 0 ? " 0" : "") + noreply(r) + "\r\n";
        }
        if (kind < 83) {
            return "touch " + key(r) + " " + pick(r, EXPTIMES) + noreply(r) + "\r\n";
        }
        if (kind < 85) {
            return "flush_all" + (r.nextBoolean() ? "" : " 0") + noreply(r) + "\r\n";
        }
        if (kind < 87) {
            return r.nextBoolean() ? "version\r\n" : "verbosity " + r.nextInt(3) + noreply(r) + "\r\n";
        }
        return bad(r);
    }

    private static String storage(SplittableRandom r) {
        String cmd = pick(r, STORAGE);
        String key = key(r);
        String data = value(r);
        String cas = cmd.equals("cas") ? (r.nextInt(4) == 0 ? " " + r.nextInt(100) : " ${cas}") : "";
        String line = cmd + " " + key + " " + pick(r, FLAGS) + " " + pick(r, EXPTIMES) + " " + data.length() + cas + noreply(r);
        return line + "\r\n" + data + "\r\n";
    }

    /** Bad input that still ends where it says (no unfinished data block that would eat the next step). */
    private static String bad(SplittableRandom r) {
        switch (r.nextInt(9)) {
            case 0: return pick(r, new String[] {"foo", "GET a", "SET a 0 0 1", "stat", "getx a", "quit2"}) + "\r\n";
            case 1: return "\r\n";
            case 2: return "set " + key(r) + " 0 0\r\n";
            case 3: {
                String data = value(r) + "xx";
                return "set " + key(r) + " 0 0 " + (data.length() - 2) + "\r\n" + data + "\r\n"; // bad data chunk
            }
            case 4: return "set " + key(r) + " 0 0 " + pick(r, new String[] {"-1", "abc", "1x"}) + "\r\n";
            case 5: return pick(r, new String[] {"incr", "decr", "touch", "delete", "gat"}) + "\r\n";
            case 6: return "get " + key(r) + "\n";
            case 7: return "incr " + key(r) + " 1 2 3 4 5\r\n";
            default: return "set " + key(r) + " 0 0 2 noreply\r\nabcdef\r\n";
        }
    }
}
