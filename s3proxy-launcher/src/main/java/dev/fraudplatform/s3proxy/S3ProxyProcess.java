package dev.fraudplatform.s3proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An S3 API server ({@code org.gaul:s3proxy}, filesystem backend) running as a child JVM on 127.0.0.1, with a
 * classpath of its own: the one this module recorded at build time in {@value #CLASSPATH_RESOURCE}. Nothing of
 * s3proxy is loaded into the calling JVM.
 *
 * <p>Layout under the data directory: {@code buckets/} (one directory per bucket, the objects beneath), {@code
 * s3proxy.properties} (readable by the owner only: it holds the secret), {@code logback.xml} (warnings and errors
 * only) and {@code s3proxy.log} (the child's output). The child signs requests with AWS v2 or v4 for one key pair.
 *
 * <p>Lifecycle: {@link #start} returns once the server answers HTTP; the caller must {@link #close()} it. Should the
 * caller's JVM die without closing, the child notices its standard input closing and exits by itself.
 */
public final class S3ProxyProcess implements AutoCloseable {
    /** The classpath resource listing s3proxy's runtime jars, separated by the platform's path separator. */
    public static final String CLASSPATH_RESOURCE = "dev/fraudplatform/s3proxy/s3proxy.classpath";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String LOGBACK = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <root level="WARN"><appender-ref ref="OUT"/></root>
            </configuration>
            """;

    private final Process process;
    private final URI endpoint;
    private final Path dataDir;
    private final String accessKey;

    private S3ProxyProcess(Process process, URI endpoint, Path dataDir, String accessKey) {
        this.process = process;
        this.endpoint = endpoint;
        this.dataDir = dataDir;
        this.accessKey = accessKey;
    }

    /**
     * Starts s3proxy and waits until it answers.
     *
     * @param dataDir where its buckets, configuration and log go (created if need be)
     * @param port the port on 127.0.0.1, or 0 for a free one
     * @param accessKey the one access key id it accepts
     * @param secretKey that key's secret; written only to the owner-readable properties file
     * @throws IOException when it cannot be started or does not answer within a minute; the message is one line
     */
    public static S3ProxyProcess start(Path dataDir, int port, String accessKey, String secretKey) throws IOException {
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("s3proxy needs a non-blank access key and secret key");
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException("not a port: " + port);
        Path dir = dataDir.toAbsolutePath().normalize();
        Path buckets = dir.resolve("buckets");
        Files.createDirectories(buckets);
        // a port that was free a moment ago can be taken before the child binds it: pick again, a few times
        int attempts = port == 0 ? 3 : 1;
        IOException last = null;
        for (int i = 0; i < attempts; i++) {
            int chosen = port == 0 ? freePort() : port;
            try {
                return launch(dir, buckets, chosen, accessKey, secretKey);
            } catch (PortTakenException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * The command of an s3proxy that outlives the process that starts it ({@code fp infra up}, which keeps its pid and
     * stops it with {@code fp infra down}): its configuration written under {@code dataDir} as {@link #start} writes it,
     * s3proxy's own entry point run directly, without the watchdog that ties a child to its parent.
     *
     * @throws IOException when the configuration cannot be written or s3proxy's jars are missing
     */
    public static List<String> detachedCommand(Path dataDir, int port, String accessKey, String secretKey)
            throws IOException {
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("s3proxy needs a non-blank access key and secret key");
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        Path buckets = dir.resolve("buckets");
        Files.createDirectories(buckets);
        return command(dir, buckets, port, accessKey, secretKey, "org.gaul.s3proxy.Main");
    }

    private static List<String> command(
            Path dir, Path buckets, int port, String accessKey, String secretKey, String mainClass) throws IOException {
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path properties = dir.resolve("s3proxy.properties");
        Files.deleteIfExists(properties);
        Files.createFile(
                properties, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        var props = new java.util.Properties();
        props.setProperty("s3proxy.endpoint", endpoint.toString());
        props.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        props.setProperty("s3proxy.identity", accessKey);
        props.setProperty("s3proxy.credential", secretKey);
        props.setProperty("jclouds.provider", "filesystem");
        props.setProperty("jclouds.filesystem.basedir", buckets.toString());
        try (var out = Files.newOutputStream(properties)) {
            props.store(out, "written by S3ProxyProcess; holds a secret");
        }
        Path logback = dir.resolve("logback.xml");
        Files.writeString(logback, LOGBACK);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dlogback.configurationFile=" + logback);
        command.add("-cp");
        command.add(childClasspath());
        command.add(mainClass);
        command.add("--properties");
        command.add(properties.toString());
        return command;
    }

    private static S3ProxyProcess launch(Path dir, Path buckets, int port, String accessKey, String secretKey)
            throws IOException {
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path log = dir.resolve("s3proxy.log");
        List<String> command = command(dir, buckets, port, accessKey, secretKey, S3ProxyChild.class.getName());
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        var server = new S3ProxyProcess(process, endpoint, dir, accessKey);
        try {
            server.awaitAnswer(log, logStart);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void awaitAnswer(Path log, long logStart) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = logTail(log, logStart);
                if (tail.contains("Address already in use") || tail.contains("BindException")) {
                    throw new PortTakenException("s3proxy could not bind " + endpoint + ": the port is taken");
                }
                throw new IOException("s3proxy exited with status " + process.exitValue() + " before answering"
                        + (tail.isEmpty() ? "" : ": " + lastLine(tail)) + " (its log: " + log + ")");
            }
            if (answers()) return;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for s3proxy at " + endpoint + " to answer");
            }
        }
        throw new IOException("s3proxy at " + endpoint + " did not answer within " + START_TIMEOUT.toSeconds()
                + " s (its log: " + log + ")");
    }

    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() > 0; // 403 for an unsigned request: it is up
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** s3proxy's jars, then this module's own classes (for {@link S3ProxyChild}). */
    static String childClasspath() throws IOException {
        String listed;
        try (InputStream in = S3ProxyProcess.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IOException("s3proxy's classpath (" + CLASSPATH_RESOURCE
                        + ") is missing: build the s3proxy-launcher module with Maven first");
            }
            listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        List<String> entries = new ArrayList<>();
        for (String entry : listed.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) continue;
            if (!Files.exists(Path.of(entry))) {
                throw new IOException("s3proxy's jar " + entry
                        + " is missing: fetch s3proxy-launcher's dependencies with Maven again");
            }
            entries.add(entry);
        }
        entries.add(ownCodeSource());
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static String ownCodeSource() throws IOException {
        try {
            return Path.of(S3ProxyProcess.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException("cannot tell where the s3proxy launcher's classes are", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String logTail(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(from, all.length);
            return new String(all, start, all.length - start, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\\R");
        String line = lines[lines.length - 1].strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** The server's base URL, {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The data directory given to {@link #start}. */
    public Path dataDir() {
        return dataDir;
    }

    /** Where bucket {@code bucket}'s objects lie on disk (the filesystem backend keeps one file per object). */
    public Path bucketDir(String bucket) {
        return dataDir.resolve("buckets").resolve(bucket);
    }

    /** The access key id it accepts. */
    public String accessKey() {
        return accessKey;
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "s3proxy at " + endpoint + " (pid " + process.pid() + ", data " + dataDir + ")";
    }

    private static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
