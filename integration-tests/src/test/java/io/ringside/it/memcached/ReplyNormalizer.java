package io.ringside.it.memcached;

import java.util.regex.Pattern;

/**
 * What may differ between two correct servers' replies, and nothing else: the version string, the
 * values of {@code STAT} lines (not their names or order), CAS numbers in {@code VALUE} lines and in meta
 * replies' {@code c} flags, {@code me}'s internals (a TTL other than -1, the access time, CAS, slab class and
 * size: protocol.txt calls them "the internal data for the item"), and the space padding of a number that incr/decr shortened: protocol.txt says a
 * decremented number "MAY be space-padded at the end, but this is purely an implementation optimization", and
 * memcached itself pads or not depending on whether another reference to the item is held at that moment.
 *
 * <p>Threading: stateless.
 */
final class ReplyNormalizer {
    private static final Pattern VERSION = Pattern.compile("(?m)^VERSION [^\r\n]*\r\n");
    private static final Pattern STAT = Pattern.compile("(?m)^STAT (\\S+) [^\r\n]*\r\n");
    private static final Pattern CAS = Pattern.compile("(?m)^(VALUE \\S+ \\d+ \\d+) \\d+\r\n");
    /** A value that is a number padded with spaces: header (key, flags), length, digits, padding, rest of header. */
    private static final Pattern PADDED = Pattern.compile("(?m)^(VALUE \\S+ \\d+ )\\d+((?: \\d+)?)\r\n(\\d+) +\r\n");
    /** A meta reply line (HD, VA, EX, NS, NF, EN): its {@code c} flag is a CAS number. */
    private static final Pattern META_LINE = Pattern.compile("(?m)^(?:HD|VA \\d+|EX|NS|NF|EN)(?: [^\r\n]*)?\r\n");
    private static final Pattern META_CAS = Pattern.compile(" c\\d+(?= |\r)");
    /** A meta debug line: its times, CAS, slab class and size are the server's own (the key, fetch and -1 are not). */
    private static final Pattern ME_LINE = Pattern.compile(
            "(?m)^(ME \\S+ exp=)(?:-1(?= )|(-?\\d+)) la=\\d+ cas=\\d+ (fetch=(?:yes|no)) cls=\\d+ size=\\d+\r\n");

    // Explicit \r\n, not $: in MULTILINE mode Java's $ also matches before a lone \r.

    private ReplyNormalizer() {
    }

    static String normalize(String reply) {
        String s = VERSION.matcher(reply).replaceAll("VERSION <version>\r\n");
        s = STAT.matcher(s).replaceAll("STAT $1 <value>\r\n");
        s = PADDED.matcher(s).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                m.group(1) + m.group(3).length() + m.group(2) + "\r\n" + m.group(3) + "\r\n"));
        s = CAS.matcher(s).replaceAll("$1 <cas>\r\n");
        s = ME_LINE.matcher(s).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1)
                + (m.group(2) == null ? "-1" : "<exp>") + " la=<la> cas=<cas> " + m.group(3) + " cls=<cls> size=<size>\r\n"));
        return META_LINE.matcher(s).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                META_CAS.matcher(m.group()).replaceAll(" c<cas>")));
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
