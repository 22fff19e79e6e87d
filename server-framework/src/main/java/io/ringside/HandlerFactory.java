package io.ringside;

/**
 * Creates one {@link LineHandler} per accepted connection.
 *
 * <p>Threading: called on the worker that will own the connection, possibly on several workers at
 * once, so it must be thread-safe (a constructor reference such as {@code EchoHandler::new} is).
 * A handler without per-connection fields may be shared: return the same instance every time and it
 * saves an object per connection, but it is then called from several workers at once and must stay
 * stateless.
 */
@FunctionalInterface
public interface HandlerFactory {
    /** A handler for one new connection (or a shared stateless one). */
    LineHandler newHandler();
}
