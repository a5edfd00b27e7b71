package dev.fraudplatform.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code fp} command line as a child process of the test (the classpath of this JVM), for kill tests. */
final class FpProcess {
    private FpProcess() {}

    /** Starts {@code fp args...} with {@code env} added, its output appended to {@code log}. */
    static Process start(Path log, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Fp.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return pb.start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until the gate on {@code port} answers its health check; fails if {@code process} ends first. */
    static void awaitHealthy(int port, Process process, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200) return;
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("gate did not come up"
                + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")") + ": " + Files.readString(log));
    }

    /** Waits for the first match of {@code pattern} in {@code log} and returns its first group. */
    static String awaitLine(Path log, Pattern pattern, Process process) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            Optional<String> found = Files.exists(log)
                    ? Files.readAllLines(log).stream()
                            .map(pattern::matcher)
                            .filter(Matcher::find)
                            .map(m -> m.group(1))
                            .findFirst()
                    : Optional.empty();
            if (found.isPresent()) return found.get();
            if (!process.isAlive()) break;
            Thread.sleep(100);
        }
        throw new AssertionError(
                "no line matching " + pattern + ": " + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }
}
