package io.ringside.internal;

import io.ringside.ByteSpan;
import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;

/**
 * The framework's door to {@link LineHandler}'s protected hooks, installed by {@code LineHandler}'s
 * static initializer (the JDK's {@code SharedSecrets} idiom), so that the hooks stay protected in the
 * public API while the worker loop, in this package, can call them.
 *
 * <p>Thread-safe: installed once during class initialization, read-only afterwards.
 */
public abstract class HandlerAccess {

    /** Written once by LineHandler's class initializer; the JVM's class-init lock publishes it. */
    private static HandlerAccess instance;

    static {
        try {
            Class.forName(LineHandler.class.getName(), true, HandlerAccess.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public static void install(HandlerAccess access) {
        if (instance != null) {
            throw new IllegalStateException("HandlerAccess already installed");
        }
        instance = access;
    }

    static HandlerAccess get() {
        return instance;
    }

    public abstract void open(LineHandler h, Connection c);

    public abstract void line(LineHandler h, Connection c, ByteSpan line);

    public abstract void block(LineHandler h, Connection c, ByteSpan chunk, boolean last);

    public abstract void lineTooLong(LineHandler h, Connection c, int max);

    public abstract void error(LineHandler h, Connection c, Throwable error);

    public abstract void close(LineHandler h, Connection c, CloseReason reason);
}
