package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A sink that copies the last hit into a growing array (tests only; one per thread). */
final class Capture implements ValueSink {
    byte[] bytes = new byte[64];
    int length = -1;
    int flags;
    long cas;
    int calls;

    @Override
    public void value(ByteBuffer src, int offset, int len, int f, long c) {
        if (bytes.length < len) {
            bytes = new byte[Math.max(len, bytes.length * 2)];
        }
        src.get(offset, bytes, 0, len);
        length = len;
        flags = f;
        cas = c;
        calls++;
    }

    String string() {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    void reset() {
        length = -1;
        flags = 0;
        cas = 0;
    }
}
