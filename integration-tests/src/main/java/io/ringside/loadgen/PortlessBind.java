package io.ringside.loadgen;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * Sets Linux's {@code IP_BIND_ADDRESS_NO_PORT} on a client socket, so that binding it to a source
 * address ({@code --src-ips}) leaves the choice of the port to {@code connect()}, as the C reference
 * load generator does.
 *
 * <p>Why it matters: a port taken at {@code bind()} time must be free on that address, TIME_WAIT
 * sockets included, and while such a socket lives (TIME_WAIT: 60 s) the kernel keeps that port out
 * of every other process's connect-time port choice. A few seconds of churn would exhaust the range
 * and break outgoing connections on the whole host for a minute. With the option set, the port is
 * picked at connect time by the full 4-tuple, like an unbound socket's, and loopback TIME_WAIT
 * entries are reused.
 *
 * <p>Java has no API for this option, so it goes through the JDK's own {@code sun.nio.ch.Net}. That
 * needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} (the generator's jar carries it in its
 * manifest). Without it, or on a system without the option, {@link #available()} is false and
 * {@code --src-ips} above 1 is refused.
 *
 * <p>Threading: stateless after class initialisation; safe from any thread.
 */
final class PortlessBind {
    private static final int IPPROTO_IP = 0;
    private static final int IP_BIND_ADDRESS_NO_PORT = 24;

    private static final Method GET_FD;
    private static final Method SET_INT_OPTION;
    private static final String UNAVAILABLE;

    static {
        Method getFd = null;
        Method setInt = null;
        String why = null;
        try {
            getFd = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFD");
            getFd.setAccessible(true);
            setInt = Class.forName("sun.nio.ch.Net").getDeclaredMethod("setIntOption0", FileDescriptor.class,
                    boolean.class, int.class, int.class, int.class, boolean.class);
            setInt.setAccessible(true);
            try (SocketChannel probe = SocketChannel.open()) {
                setOption(getFd, setInt, probe);
            }
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            why = e instanceof InvocationTargetException ite ? String.valueOf(ite.getCause()) : String.valueOf(e);
        }
        GET_FD = why == null ? getFd : null;
        SET_INT_OPTION = why == null ? setInt : null;
        UNAVAILABLE = why;
    }

    private PortlessBind() {
    }

    /** Whether {@link #apply} works in this JVM. */
    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why it is not available (null if it is), with the fix. */
    static String unavailableReason() {
        return UNAVAILABLE == null ? null
                : "--src-ips needs IP_BIND_ADDRESS_NO_PORT, not settable here (" + UNAVAILABLE + "); use Linux and "
                        + "run the ringside-loadgen jar, or add --add-opens java.base/sun.nio.ch=ALL-UNNAMED";
    }

    /** Sets the option on an unbound socket. */
    static void apply(SocketChannel ch) throws IOException {
        if (!available()) {
            throw new IllegalStateException(unavailableReason());
        }
        try {
            setOption(GET_FD, SET_INT_OPTION, ch);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setOption(Method getFd, Method setInt, SocketChannel ch)
            throws IllegalAccessException, InvocationTargetException {
        FileDescriptor fd = (FileDescriptor) getFd.invoke(ch);
        setInt.invoke(null, fd, false, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1, false);
    }
}
