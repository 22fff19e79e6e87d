package io.ringside.it.memcached;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The meta protocol's part of {@link DifferentialSequences}: hand-written cases for recaching ({@code mg N R} and
 * the {@code W X Z} flags), invalidation ({@code md I}, {@code ms I}), {@code ms C} in every mode, base64 keys the
 * item remembers, {@code mg u} and {@code me}; and random meta steps with bad flags mixed in.
 *
 * <p>No step's reply depends on time passing: the random steps ask for no {@code t} or {@code l} flag (a TTL or an
 * access time may tick between the two servers), and {@code me}'s times are normalized ({@link ReplyNormalizer}).
 *
 * <p>Threading: stateless.
 */
final class MetaSequences {
    private static final String KEY251 = DifferentialSequences.KEY251;

    private MetaSequences() {
    }

    private static String set(String key, String data) {
        return DifferentialSequences.set(key, data);
    }

    /** The hand-written meta cases, by name; each runs after a {@code flush_all}. */
    static Map<String, List<String>> handWritten() {
        Map<String, List<String>> c = new LinkedHashMap<>();
        c.put("meta vivify and recache", List.of("mg a N30\r\n", "mg a N30\r\n", "mg a v s f c\r\n", "mg b N30 q v k O9\r\n",
                "mg b q\r\nmn\r\n", "mg c t N30\r\n", "mg d N30 T60 t\r\n", "mg e T60 N30 t\r\n",
                "mg f N30 h\r\n", "mg f h\r\n", "mg g Nabc\r\n", "mg g N\r\n", "mg g R30 v\r\n", "mg g Rabc\r\n",
                set("r", "x").replace(" 0 0 ", " 0 20 "), "mg r R30 v\r\n", "mg r R30 v\r\n", "mg r R10\r\n",
                set("r0", "x"), "mg r0 R30\r\n", "mg r0 T10 R30\r\n", "mg r0 R30\r\n", set("r1", "x"),
                "mg r1 R30 T10\r\n", "mg r1 R30\r\n", set("r2", "x"), "mg r2 N30 R30\r\n",
                set("r3", "x").replace(" 0 0 ", " 0 50 "), "mg r3 R30\r\n", "mg r3 R60\r\n", "mg r3 R60 c\r\n"));
        c.put("meta invalidation", List.of(set("s", "hi"), "mg s c\r\n", "md s I\r\n", "mg s v c\r\n", "mg s c\r\n",
                "md s I q\r\nmn\r\n", "mg s\r\n", "md s I T30\r\n", "me s\r\n", "md missing I\r\n",
                "md s I C1 k O2\r\n", "mg s c\r\n", "md s I C${cas} k\r\n", "mg s\r\n", "mg s N30 R30 T10\r\n",
                "md s T30\r\n", "mg s\r\n", set("a", "hi"), "md a I\r\n", "append a 0 0 1\r\nx\r\n", "mg a v\r\n",
                set("n", "10"), "md n I\r\n", "incr n 1\r\n", "mg n v\r\n", "incr n 100\r\n", "mg n v\r\n",
                set("t", "hi"), "md t I\r\n", "touch t 100\r\n", "mg t\r\n", "gat 100 t\r\n", "mg t\r\n",
                set("k", "hi"), "md k I\r\n", "md k I\r\n", "mg k\r\n", "md k\r\n", "mg k\r\n"));
        c.put("meta set invalidate", List.of(set("a", "hi"), "mg a c\r\n", "md a I\r\n",
                "ms a 2 C${cas} I c\r\nho\r\n", "mg a v c\r\n", "mg a v\r\n", "ms a 2 C${cas} I c\r\nhu\r\n",
                "mg a v c\r\n", "ms a 2 C${cas}9 I c\r\nno\r\n", "ms a 2 I\r\nzz\r\n", "mg a v\r\n",
                "ms b 2 C5 I\r\nzz\r\n", set("c", "hi"), "ms c 2 C1 I k\r\nzz\r\n", "mg c v\r\n"));
        c.put("meta set modes with a cas", List.of("ms m 2 ME C5\r\nzz\r\n", "ms m 2 ME C5\r\nzz\r\n", "mg m v c\r\n",
                "ms m 2 MA C5\r\nzz\r\n", "ms m 2 MA C${cas}\r\nzz\r\n", "mg m v c\r\n", "ms m 2 MP C${cas}\r\naa\r\n",
                "mg m v c\r\n", "ms m 2 MR C5\r\naa\r\n", "ms m 2 MR C${cas}\r\nbb\r\n", "mg m v c\r\n",
                "ms x 2 MR C5\r\naa\r\n", "ms x 2 MA C5\r\naa\r\n", "ms x 2 MP C5\r\naa\r\n", "ms x 2 MS C5\r\naa\r\n",
                "ms m 2 MA C0\r\nzz\r\n", "ms m 2 MP C0 I\r\naa\r\n", "mg m v\r\n", "ms m 2 MA C1 I\r\nzz\r\n",
                "set m 0 0 1\r\n1\r\n", "cas zz 0 0 1 12345\r\nx\r\n", "append m 0 0 1\r\n2\r\n", "get m\r\n"));
        c.put("meta keys remembered as base64", List.of("ms YQ== 2 b\r\nhi\r\n", "mg a k\r\n", "mg YQ== b k\r\n",
                "md a k q\r\n", "mg YQ== b N30 k\r\n", "mg a k\r\n", "ms Yw== 2 b\r\nhi\r\n", "ms Yw== 2 b MA\r\nhi\r\n",
                "mg c k\r\n", "ms ZA== 1 b\r\n3\r\n", "ma d D100\r\n", "mg d k v\r\n", "ms ZA== 1 b\r\n3\r\n",
                "ma d\r\n", "mg d k v\r\n", "ms YR== 1 b k\r\n1\r\n", "md YR== b k\r\n", "set e 0 0 1\r\nx\r\n",
                "mg ZQ== b k\r\n", "ms ZQ== 2 b k c\r\nhi\r\n", "ms ZQ== 1 b k c MA\r\nx\r\n", "mg e k v\r\n"));
        c.put("meta no bump and debug", List.of(set("u", "hi"), "mg u u h\r\n", "mg u h\r\n", "mg u h\r\n",
                "mg u u v\r\n", "touch u 0\r\n", set("u2", "hi"), "touch u2 0\r\n", "mg u2 h\r\n", "me u2\r\n",
                "me missing\r\n", "me\r\n", "me u b\r\n", "me ### b\r\n", "me " + KEY251 + "\r\n", "me u x y\r\n",
                "ms YQ== 2 b\r\nhi\r\n", "me YQ== b\r\n", "me a\r\n", "md a I\r\n", "me a\r\n", "mn\r\n"));
        c.put("stats subcommands", List.of("stats reset\r\n", "stats reset x\r\n", "stats sizes\r\n", "stats foo\r\n"));
        return c;
    }

    private static final String[] KEYS = {"a", "b", "c", "n1", "YQ==", DifferentialSequences.KEY250};
    private static final String[] EXPTIMES = {"0", "100000", "-1", DifferentialSequences.PAST, "x"};
    private static final String[] NUMBERS = {"0", "1", "7", "18446744073709551615", "18446744073709551616", "-1", "x"};

    private static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    private static String key(SplittableRandom r) {
        return r.nextInt(40) == 0 ? KEY251 : pick(r, KEYS);
    }

    /** One random meta command: mostly valid, some with a bad flag, token or mode. */
    static String randomStep(SplittableRandom r) {
        switch (r.nextInt(12)) {
            case 0, 1, 2, 3:
                return "mg " + key(r) + flags(r, "vkcfshquOTNRb") + "\r\n";
            case 4, 5, 6: {
                String data = r.nextInt(3) == 0 ? Integer.toString(r.nextInt(100)) : "x".repeat(r.nextInt(0, 40));
                // No I: with a CAS of another key (${cas}) it compares CAS ages across keys, and this store's CAS
                // uniques are ordered per key only (the README says so); the hand-written cases test I.
                return "ms " + key(r) + " " + data.length() + flags(r, "TFCqkcOMb") + "\r\n" + data + "\r\n";
            }
            case 7, 8:
                return "md " + key(r) + flags(r, "qkOCITb") + "\r\n";
            case 9, 10:
                // No T: memcached 1.6.18 loses an ma's new TTL now and then. When a get has just queued the item
                // for its LRU maintainer's asynchronous bump (which holds a reference), incr replaces the item
                // with a copy and applies T to the old one; whether the bump is still queued depends on timing,
                // so memcached's own replies to one sequence differ from run to run. The hand-written cases and
                // MemcachedRecacheTest test ma T.
                return "ma " + key(r) + flags(r, "NJDMqvkOCtcb") + "\r\n";
            default:
                return r.nextBoolean() ? "mn\r\n" : "me " + key(r) + (r.nextInt(4) == 0 ? " b" : "") + "\r\n";
        }
    }

    /** Up to four flags from {@code letters}, each with a token it takes; now and then a bad or repeated one. */
    private static String flags(SplittableRandom r, String letters) {
        StringBuilder b = new StringBuilder();
        for (int n = r.nextInt(5); n > 0; n--) {
            char f = letters.charAt(r.nextInt(letters.length()));
            b.append(' ').append(f).append(token(r, f));
        }
        int bad = r.nextInt(25);
        if (bad == 0) {
            b.append(" z");
        } else if (bad == 1 && b.length() > 0) {
            b.append(b, 0, 2); // the first flag again
        }
        return b.toString();
    }

    private static String token(SplittableRandom r, char f) {
        switch (f) {
            case 'T', 'N':
                return pick(r, EXPTIMES);
            case 'R':
                return pick(r, new String[] {"30", "200000", "x"});
            case 'F', 'J', 'D':
                return pick(r, NUMBERS);
            case 'C':
                return r.nextInt(3) == 0 ? "18446744073709551615" : "${cas}"; // a CAS no item has, or the last seen
            case 'M':
                return pick(r, new String[] {"S", "E", "A", "P", "R", "I", "+", "D", "-", "X", "SS"});
            case 'O':
                return "o" + r.nextInt(1000);
            default:
                return "";
        }
    }
}
