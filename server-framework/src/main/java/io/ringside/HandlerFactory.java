package io.ringside;

/**
 * Creates one {@link LineHandler} per accepted connection.
 *
 * <p>Threading: called on the worker that will own the connection, possibly on several workers at
 * once, so it must be thread-safe (a constructor reference such as {@code EchoHandler::new} is).
 */
@FunctionalInterface
public interface HandlerFactory {
    LineHandler newHandler();
}
