package dev.fraudplatform.app.cli;

/**
 * The one status line of a long command (a world build, a run streaming), on stderr: rewritten in place on a
 * terminal; elsewhere (CI logs, pipes) a plain line every 10 s. One per process; callers on any thread may update it.
 * A command calls {@link #end} before it prints its result, so that the result never shares a line with the status.
 */
public final class StatusLine {
    private static final boolean TERMINAL = System.console() != null;
    private static long lastPlainStatus;

    private StatusLine() {}

    /** Shows {@code line} as the current status (or drops it, off a terminal, within 10 s of the last one). */
    public static synchronized void show(String line) {
        if (TERMINAL) {
            System.err.print("\r\033[2K" + line);
            System.err.flush();
        } else if (System.currentTimeMillis() - lastPlainStatus >= 10_000) {
            lastPlainStatus = System.currentTimeMillis();
            System.err.println(line);
        }
    }

    /** Clears the status line; the next {@link #show} prints at once. */
    public static synchronized void end() {
        if (TERMINAL) {
            System.err.print("\r\033[2K");
            System.err.flush();
        }
        lastPlainStatus = 0;
    }
}
