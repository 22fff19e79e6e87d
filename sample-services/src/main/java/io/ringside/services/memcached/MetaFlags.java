package io.ringside.services.memcached;

import io.ringside.ByteSpan;

/**
 * The flags of one meta command line ({@code mg}, {@code ms}, {@code md}, {@code ma}), parsed as memcached
 * 1.6.18's {@code _meta_flag_preparse} does: each word after the key (and after {@code ms}'s datalen) is a flag,
 * its first byte the flag letter, the rest its token. An unknown or repeated letter ends the parse with its error at
 * once; a token that does not parse, or a key that does not decode at the {@code b} flag (the key is decoded here,
 * where {@code b} stands), is an error too, but the parse goes on and the last such error is the one reported, as
 * there (the caller may replace it: {@code md} and {@code ma} always say "invalid or duplicate flag"). An opaque
 * token of more than {@value #MAX_OPAQUE_TOKEN} bytes, its letter counted, is not a parse error: each command
 * checks it where memcached does ({@link #longOpaque()}).
 *
 * <p>Confined to its connection's worker (one instance per handler, {@link #parse} per line); allocation-free.
 */
final class MetaFlags {
    /** memcached's MFLAG_MAX_OPT_LENGTH: a meta line of more tokens (its terminal one counted) is refused. */
    static final int MAX_TOKENS = 20;
    /** A bad token that sets no message of its own ({@code F}): the one before it, or memcached's default, stands. */
    private static final byte[] NO_MESSAGE = new byte[0];
    /** memcached's MFLAG_MAX_OPAQUE_LENGTH: the longest {@code O} token, its letter included. */
    static final int MAX_OPAQUE_TOKEN = 32;
    /** The letters memcached 1.6.18 accepts on any meta command (each command ignores the ones it does not use). */
    private static final String VALID = "bNTRlOPLkstcfvhuqFCMJDI";

    private final int[] wordOf = new int[128];
    private ByteSpan line;
    private int ttl;
    private int vivify;
    private int recache;
    private long cas;
    private long initial;
    private long delta;
    private int clientFlags;
    private byte mode;
    private int longOpaque;

    /**
     * Parses words {@code first..} of {@code r} and decodes its key into {@code key} (base64 if {@code b} is given);
     * returns null, or the error reply (memcached's words for {@code mg} and {@code ms}).
     */
    byte[] parse(RequestLine r, int first, MetaKey key) {
        java.util.Arrays.fill(wordOf, -1);
        line = r.span();
        longOpaque = -1;
        byte[] error = null;
        for (int w = first; w < r.words(); w++) {
            int at = r.start(w);
            int end = r.end(w);
            byte f = line.byteAt(at);
            if (f < 0 || VALID.indexOf(f) < 0) {
                return MetaReplies.INVALID_FLAG;
            }
            if (wordOf[f] >= 0) {
                return MetaReplies.DUPLICATE_FLAG;
            }
            wordOf[f] = w;
            byte[] bad = f == 'b' ? (key.decode(r, true) <= 0 ? MetaReplies.DECODING_KEY : null) : token(f, at + 1, end);
            if (bad == NO_MESSAGE) {
                error = error == null ? Replies.BAD_FORMAT : error;
            } else if (bad != null) {
                error = bad;
            }
            if (f == 'O' && end - at > MAX_OPAQUE_TOKEN && longOpaque < 0) {
                longOpaque = w;
            }
        }
        if (wordOf['b'] < 0) {
            key.decode(r, false);
        }
        return error;
    }

    /** The word of the first {@code O} token over {@value #MAX_OPAQUE_TOKEN} bytes ("opaque token too long"), or -1. */
    int longOpaque() {
        return longOpaque;
    }

    private byte[] token(byte f, int from, int to) {
        switch (f) {
            case 'T':
            case 'N':
            case 'R': {
                long v = MemcachedNumbers.int32(line, from, to);
                if (v == MemcachedNumbers.INVALID) {
                    return MetaReplies.BAD_TOKEN;
                }
                if (f == 'T') {
                    ttl = (int) v;
                } else if (f == 'N') {
                    vivify = (int) v;
                } else {
                    recache = (int) v;
                }
                return null;
            }
            case 'C':
            case 'J':
            case 'D': {
                long v = MemcachedNumbers.unsigned64(line, from, to);
                if (!MemcachedNumbers.isValidUnsigned(v, line, from, to)) {
                    return f == 'C' ? MetaReplies.BAD_TOKEN : f == 'J' ? MetaReplies.BAD_INITIAL : MetaReplies.BAD_DELTA;
                }
                if (f == 'C') {
                    cas = v;
                } else if (f == 'J') {
                    initial = v;
                } else {
                    delta = v;
                }
                return null;
            }
            case 'F': {
                long v = MemcachedNumbers.flags(line, from, to);
                if (v == MemcachedNumbers.INVALID) {
                    return NO_MESSAGE; // memcached flags the error without a message of its own
                }
                clientFlags = (int) v;
                return null;
            }
            case 'M':
                if (to - from != 1) {
                    return MetaReplies.BAD_MODE_LENGTH;
                }
                mode = line.byteAt(from);
                return null;
            default:
                return null;
        }
    }

    /** Whether the line has more words than memcached takes on a meta command (checked before the flags). */
    static boolean tooMany(RequestLine r) {
        return r.ntokens() > MAX_TOKENS;
    }

    /** Whether flag {@code f} was given. */
    boolean has(char f) {
        return wordOf[f] >= 0;
    }

    /** The word of flag {@code f} (its letter at {@code start}), or -1. */
    int word(char f) {
        return wordOf[f];
    }

    /** {@code T}: the new exptime (0, never expires, unless given). */
    int ttl() {
        return has('T') ? ttl : 0;
    }

    /** {@code N}: the exptime of an item created on a miss. */
    int vivify() {
        return has('N') ? vivify : 0;
    }

    /** {@code R}: the exptime below which an item's remaining TTL wins the recache token. */
    int recache() {
        return has('R') ? recache : 0;
    }

    /** {@code C}: the CAS unique to compare. */
    long cas() {
        return has('C') ? cas : 0;
    }

    /** {@code J}: {@code ma}'s initial value (0 unless given). */
    long initial() {
        return has('J') ? initial : 0;
    }

    /** {@code D}: {@code ma}'s delta (1 unless given). */
    long delta() {
        return has('D') ? delta : 1;
    }

    /** {@code F}: {@code ms}'s client flags (0 unless given). */
    int clientFlags() {
        return has('F') ? clientFlags : 0;
    }

    /** {@code M}: the mode letter, or 0 if none was given. */
    byte mode() {
        return has('M') ? mode : 0;
    }
}
