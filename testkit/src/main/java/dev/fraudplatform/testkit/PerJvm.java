package dev.fraudplatform.testkit;

import java.util.concurrent.Callable;

/**
 * One shared resource per test JVM (an embedded server), started on first use and closed when the JVM exits.
 *
 * <p>Failsafe runs every IT class of a module in one JVM, so a server held here is started once per module's IT run,
 * not once per class or test. Tests that share it must not depend on its being empty: each uses ids (or a database)
 * of its own. Thread-safe.
 */
public final class PerJvm<T extends AutoCloseable> {
    private final String name;
    private final Callable<T> start;
    private volatile T value;

    private PerJvm(String name, Callable<T> start) {
        this.name = name;
        this.start = start;
    }

    /** A resource that {@code start} opens on the first {@link #get()}; {@code name} is used in failures. */
    public static <T extends AutoCloseable> PerJvm<T> of(String name, Callable<T> start) {
        return new PerJvm<>(name, start);
    }

    /** The resource, started now if this is the first call; a start that fails is retried by the next call. */
    public T get() {
        T v = value;
        if (v != null) return v;
        synchronized (this) {
            if (value == null) {
                try {
                    value = start.call();
                } catch (Exception e) {
                    throw new IllegalStateException("starting " + name + ": " + e.getMessage(), e);
                }
                T started = value;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(started), "close-" + name));
            }
            return value;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // the JVM is exiting; a server that did not stop cleanly is stopped by its own watchdog
        }
    }
}
