package io.ringside.it.memcached;

import java.util.regex.Pattern;

/**
 * What may differ between two correct servers' replies, and nothing else: the version string, the
 * values of {@code STAT} lines (not their names or order), CAS numbers in {@code VALUE} lines and in meta
 * replies' {@code c} flags, {@code me}'s internals (a TTL other than -1, the access time, CAS, slab class and
 * size: protocol.txt calls them "the internal data for the item"), and the space padding of a number that incr/decr
 * shortened, wherever it ends up in a value ({@code VALUE} and {@code VA} blocks, read by their length; an append
 * or prepend keeps it): protocol.txt says a decremented number "MAY be space-padded at the end, but this is purely
 * an implementation optimization", and memcached itself pads or not depending on whether another reference to the
 * item is held at that moment (its LRU maintainer's deferred bumps hold one for a while). As padding cannot be told
 * from a space a client stored after a digit, every such space in a value is taken away; the random sequences store
 * values without spaces, so this hides nothing there.
 *
 * <p>Threading: stateless.
 */
final class ReplyNormalizer {
    private static final Pattern VERSION = Pattern.compile("(?m)^VERSION [^\r\n]*\r\n");
    private static final Pattern STAT = Pattern.compile("(?m)^STAT (\\S+) [^\r\n]*\r\n");
    private static final Pattern CAS = Pattern.compile("(?m)^(VALUE \\S+ \\d+ \\d+) \\d+\r\n");
    /** The header of a data block: its start (up to the length), the length, the rest of the line. */
    private static final Pattern BLOCK = Pattern.compile("(?m)^(VALUE \\S+ \\d+ |VA )(\\d{1,9})([^\r\n]*)\r\n");
    /** Spaces after a digit in a value: maybe the padding of a number incr/decr shortened. */
    private static final Pattern PADDING = Pattern.compile("(\\d) +");
    /** A meta reply line (HD, VA, EX, NS, NF, EN): its {@code c} flag is a CAS number. */
    private static final Pattern META_LINE = Pattern.compile("(?m)^(?:HD|VA \\d+|EX|NS|NF|EN)(?: [^\r\n]*)?\r\n");
    private static final Pattern META_CAS = Pattern.compile(" c\\d+(?= |\r)");
    /** A meta debug line: its times, CAS, slab class and size are the server's own (the key, fetch and -1 are not). */
    private static final Pattern ME_LINE = Pattern.compile(
            "(?m)^(ME \\S+ exp=)(?:-1(?= )|(-?\\d+)) la=\\d+ cas=\\d+ (fetch=(?:yes|no)) cls=\\d+ size=\\d+\r\n");

    /** A meta reply's remaining TTL ({@code t} flag; -1 is "never expires" and has no digits after a minus). */
    private static final Pattern META_TTL = Pattern.compile("(?m)^((?:HD|VA \\d+|EX|NS|NF|EN)(?: [^\r\n]*)? t)(\\d+)(?= |\r)");

    // Explicit \r\n, not $: in MULTILINE mode Java's $ also matches before a lone \r.

    private ReplyNormalizer() {
    }

    static String normalize(String reply) {
        String s = VERSION.matcher(reply).replaceAll("VERSION <version>\r\n");
        s = STAT.matcher(s).replaceAll("STAT $1 <value>\r\n");
        s = unpad(s);
        s = CAS.matcher(s).replaceAll("$1 <cas>\r\n");
        s = ME_LINE.matcher(s).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1)
                + (m.group(2) == null ? "-1" : "<exp>") + " la=<la> cas=<cas> " + m.group(3) + " cls=<cls> size=<size>\r\n"));
        return META_LINE.matcher(s).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                META_CAS.matcher(m.group()).replaceAll(" c<cas>")));
    }

    /**
     * Whether two normalized replies that differ are the same but for remaining TTLs ({@code t} flags of meta
     * replies) one second apart: a TTL counts down by each server's own clock, which ticks at its own moment of the
     * second, so between two steps one server's clock may tick and the other's not. Anything else must be equal.
     */
    static boolean sameButForATtlTick(String expected, String actual) {
        java.util.regex.Matcher e = META_TTL.matcher(expected);
        java.util.regex.Matcher a = META_TTL.matcher(actual);
        StringBuilder es = new StringBuilder();
        StringBuilder as = new StringBuilder();
        boolean differ = false;
        while (e.find()) {
            if (!a.find() || Math.abs(Long.parseLong(e.group(2)) - Long.parseLong(a.group(2))) > 1) {
                return false;
            }
            differ |= !e.group(2).equals(a.group(2));
            e.appendReplacement(es, java.util.regex.Matcher.quoteReplacement(e.group(1)) + "<ttl>");
            a.appendReplacement(as, java.util.regex.Matcher.quoteReplacement(a.group(1)) + "<ttl>");
        }
        if (a.find()) {
            return false;
        }
        e.appendTail(es);
        a.appendTail(as);
        return differ && es.toString().equals(as.toString());
    }

    /** Every data block without the spaces after its digits, its length adjusted; anything else as it is. */
    private static String unpad(String s) {
        StringBuilder out = new StringBuilder(s.length());
        java.util.regex.Matcher m = BLOCK.matcher(s);
        int at = 0;
        while (at < s.length() && m.find(at)) {
            int start = m.end();
            int end = start + Integer.parseInt(m.group(2));
            if (end + 2 > s.length() || !s.startsWith("\r\n", end)) {
                out.append(s, at, m.end()); // not a whole block: left as it is
                at = m.end();
                continue;
            }
            String data = PADDING.matcher(s.substring(start, end)).replaceAll("$1");
            out.append(s, at, m.start()).append(m.group(1)).append(data.length()).append(m.group(3)).append("\r\n")
                    .append(data).append("\r\n");
            at = end + 2;
        }
        return out.append(s, at, s.length()).toString();
    }

    /** A reply or step as one printable line: \r \n and non-ASCII bytes escaped, long runs shortened. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        int limit = 600;
        for (int i = 0; i < s.length(); i++) {
            if (b.length() > limit) {
                b.append("...(").append(s.length()).append(" bytes in all)");
                break;
            }
            char c = s.charAt(i);
            if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
