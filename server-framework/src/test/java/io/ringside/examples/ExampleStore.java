package io.ringside.examples;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import java.util.Arrays;

/**
 * The state the example protocols share between connections on different workers: a small key-value
 * table, striped (one lock per stripe, no global lock), with open addressing inside each stripe. It is
 * the one place that needs concurrency control: handlers are confined to their worker, this is not.
 *
 * <p>Allocation-free in steady state: keys are compared and hashed straight from the received span, a
 * value is written from the stored array to the connection under the stripe's lock, and a set of a key
 * that exists with a value of the same length overwrites it in place.
 *
 * <p>Thread-safe.
 */
final class ExampleStore {
    private static final int STRIPES = 16;
    private static final int SLOTS_PER_STRIPE = 1024;

    private final Stripe[] stripes = new Stripe[STRIPES];

    ExampleStore() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** Writes the value with {@code writer} if the key is found; returns whether it was.*/
    boolean writeValue(ByteSpan keySpan, int from, int to, Connection out, ValueWriter writer) {
        int hash = hash(keySpan, from, to);
        Stripe s = stripes[hash & (STRIPES - 1)];
        synchronized (s) {
            int slot = s.find(keySpan, from, to, hash);
            if (slot < 0) {
                return false;
            }
            writer.write(out, s.keys[slot], s.values[slot]);
            return true;
        }
    }

    /** Stores {@code value[0, length)} under the key (copied). */
    void put(ByteSpan keySpan, int from, int to, byte[] value, int length) {
        int hash = hash(keySpan, from, to);
        Stripe s = stripes[hash & (STRIPES - 1)];
        synchronized (s) {
            int slot = s.find(keySpan, from, to, hash);
            if (slot < 0) {
                slot = s.claim(keySpan, from, to, hash);
            }
            byte[] old = s.values[slot];
            if (old == null || old.length != length) {
                s.values[slot] = Arrays.copyOf(value, length);
            } else {
                System.arraycopy(value, 0, old, 0, length);
            }
        }
    }

    private static int hash(ByteSpan key, int from, int to) {
        int h = 0x9747b28c;
        for (int i = from; i < to; i++) {
            h = (h ^ key.byteAt(i)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    /** Writes a stored value to a connection, framed as the protocol wants. */
    interface ValueWriter {
        void write(Connection out, byte[] key, byte[] value);
    }

    /** One stripe: open addressing, linear probing; guarded by its own monitor. */
    private static final class Stripe {
        final byte[][] keys = new byte[SLOTS_PER_STRIPE][];
        final byte[][] values = new byte[SLOTS_PER_STRIPE][];
        final int[] hashes = new int[SLOTS_PER_STRIPE];
        int used;

        int find(ByteSpan key, int from, int to, int hash) {
            for (int i = 0, slot = (hash >>> 4) & (SLOTS_PER_STRIPE - 1); i < SLOTS_PER_STRIPE; i++, slot = (slot + 1) & (SLOTS_PER_STRIPE - 1)) {
                byte[] k = keys[slot];
                if (k == null) {
                    return -1;
                }
                if (hashes[slot] == hash && sameBytes(k, key, from, to)) {
                    return slot;
                }
            }
            return -1;
        }

        int claim(ByteSpan key, int from, int to, int hash) {
            if (used == SLOTS_PER_STRIPE * 3 / 4) {
                throw new IllegalStateException("example store full");
            }
            int slot = (hash >>> 4) & (SLOTS_PER_STRIPE - 1);
            while (keys[slot] != null) {
                slot = (slot + 1) & (SLOTS_PER_STRIPE - 1);
            }
            byte[] k = new byte[to - from];
            key.copyTo(from, to, k, 0);
            keys[slot] = k;
            hashes[slot] = hash;
            used++;
            return slot;
        }

        private static boolean sameBytes(byte[] k, ByteSpan key, int from, int to) {
            if (k.length != to - from) {
                return false;
            }
            for (int i = 0; i < k.length; i++) {
                if (k[i] != key.byteAt(from + i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A byte array seen as a span (for keys the handler copied out of earlier blocks). */
    static final class ArrayKey implements ByteSpan {
        private byte[] bytes;
        private int length;

        ArrayKey(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        /** Re-points the view at {@code array[0, newLength)}. */
        ArrayKey wrap(byte[] array, int newLength) {
            this.bytes = array;
            this.length = newLength;
            return this;
        }

        ArrayKey reset(int newLength) {
            this.length = newLength;
            return this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public byte byteAt(int index) {
            return bytes[index];
        }

        @Override
        public void copyTo(byte[] dst, int dstOffset) {
            System.arraycopy(bytes, 0, dst, dstOffset, length);
        }

        @Override
        public String toString(java.nio.charset.Charset charset) {
            return new String(bytes, 0, length, charset);
        }
    }
}
