package dev.fraudplatform.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What {@code fp} commands run in this JVM print, for command-line tests: standard output and error are captured
 * and {@code fp.home} points at the test's home from {@link #start} until {@link #close}, which restores all three.
 */
final class CapturedConsole implements AutoCloseable {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream oldOut = System.out;
    private final PrintStream oldErr = System.err;

    private CapturedConsole(Path home) {
        System.setProperty("fp.home", home.toString());
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    static CapturedConsole start(Path home) {
        return new CapturedConsole(home);
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        System.clearProperty("fp.home");
    }
}
