package dev.fraudplatform.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code local} profile's servers as processes of this machine ({@code fp infra up|down}): each one this command
 * starts is a child process that outlives it, with its data, its log and a pid file under {@code $FP_HOME/infra/<name>}.
 * A server that already answers on its address is left alone (it is the machine's, not ours), and {@code down} stops
 * only the processes whose pid files it finds, so it never stops a server it did not start.
 */
final class LocalServers {
    private final Path root;

    LocalServers(Path home) {
        this.root = home.resolve("infra");
    }

    /** The directory of server {@code name}: its data, {@code server.log} and {@code server.pid}. */
    Path dir(String name) {
        return root.resolve(name);
    }

    /** Does something accept TCP connections at {@code host:port}? */
    static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Is {@code host} this machine (a server here may be started by {@code fp infra up})? */
    static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    /** {@code host:port} of the first address of a bootstrap list. */
    static HostPort firstOf(String bootstrap) {
        String first = bootstrap.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("no port in Kafka address '" + first + "'");
        return new HostPort(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)));
    }

    /** {@code host:port} of a URL ({@code http://127.0.0.1:19000}, {@code redis://127.0.0.1:6379}). */
    static HostPort ofUrl(String url, int defaultPort) {
        URI u = URI.create(url);
        return new HostPort(u.getHost(), u.getPort() < 0 ? defaultPort : u.getPort());
    }

    record HostPort(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /**
     * Starts {@code command} as server {@code name}, detached from this process (it outlives {@code fp}), its output in
     * its {@code server.log}, and waits until {@code at} accepts connections.
     *
     * @throws IllegalStateException in one line when it exits or does not answer within {@code timeout}; its log says why
     */
    long start(String name, List<String> command, HostPort at, Duration timeout) {
        Path dir = dir(name);
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("server.log");
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            Files.writeString(dir.resolve("server.pid"), Long.toString(p.pid()), StandardCharsets.US_ASCII);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!answers(at.host(), at.port())) {
                if (!p.isAlive())
                    throw new IllegalStateException(name + " exited with status " + p.exitValue() + " before it "
                            + "answered at " + at + ": see " + log);
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException(
                            name + " did not answer at " + at + " within " + timeout.toSeconds() + " s: see " + log);
                }
                Thread.sleep(200);
            }
            return p.pid();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + name);
        }
    }

    /** The live process of server {@code name} as its pid file names it; empty when none runs. */
    Optional<ProcessHandle> running(String name) {
        Path pidFile = dir(name).resolve("server.pid");
        try {
            if (!Files.exists(pidFile)) return Optional.empty();
            long pid = Long.parseLong(
                    Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops server {@code name} if this machine's {@code fp infra up} started it: SIGTERM, then SIGKILL after
     * {@code grace}. Its data stays.
     *
     * @return whether a process was stopped
     */
    boolean stop(String name, Duration grace) {
        Optional<ProcessHandle> p = running(name);
        try {
            if (p.isEmpty()) return false;
            ProcessHandle h = p.get();
            h.destroy();
            try {
                h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                h.destroyForcibly();
                h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop " + name + ": " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(dir(name).resolve("server.pid"));
            } catch (IOException ignored) {
                // a pid file left behind names a dead process: running() finds nothing there
            }
        }
    }

    /** The java binary of this JVM and its class path: a server started as another {@code fp} process. */
    static List<String> thisJava(String mainClass, List<String> jvmOptions, List<String> args) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
