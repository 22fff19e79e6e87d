package io.ringside.loadgen;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Loopback addresses: parses and checks the target host (only 127.0.0.0/8 is accepted, so the
 * generator can never be aimed at another machine) and names the source addresses used by
 * {@code --src-ips} (127.0.0.1, 127.0.0.2, ...).
 *
 * <p>Threading: stateless, safe from any thread.
 */
public final class Loopback {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Most source addresses {@code --src-ips} may name (127.0.0.1 .. 127.0.0.254). */
    public static final int MAX_SOURCE_ADDRESSES = 254;

    private Loopback() {
    }

    /**
     * Parses {@code host} ("localhost" or a dotted IPv4 literal) without any name lookup.
     *
     * @throws IllegalArgumentException if it is not an IPv4 address in 127.0.0.0/8
     */
    public static InetAddress parse(String host) {
        String h = host == null ? "" : host.trim();
        if (h.equalsIgnoreCase("localhost")) {
            h = "127.0.0.1";
        }
        if (!IPV4.matcher(h).matches()) {
            throw new IllegalArgumentException("refusing target '" + host
                    + "': --host must be an IPv4 address in 127.0.0.0/8 (loopback only)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(h);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad --host '" + host + "': " + e.getMessage(), e);
        }
        requireLoopback(address);
        return address;
    }

    /**
     * @throws IllegalArgumentException if {@code address} is not an IPv4 address in 127.0.0.0/8
     */
    public static void requireLoopback(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length != 4 || raw[0] != 127) {
            throw new IllegalArgumentException("refusing non-loopback target " + address.getHostAddress()
                    + ": only 127.0.0.0/8 is allowed");
        }
    }

    /** Source address number {@code index} (0-based): 127.0.0.(index + 1). */
    public static InetAddress source(int index) {
        if (index < 0 || index >= MAX_SOURCE_ADDRESSES) {
            throw new IllegalArgumentException("source address index out of range: " + index);
        }
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (index + 1)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen for a 4-byte address
        }
    }
}
