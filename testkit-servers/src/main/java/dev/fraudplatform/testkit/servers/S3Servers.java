package dev.fraudplatform.testkit.servers;

import dev.fraudplatform.s3proxy.S3ProxyProcess;
import dev.fraudplatform.testkit.PerJvm;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 API server a module's integration tests run on: one s3proxy child process per test JVM (filesystem backend
 * under a temporary directory), started on first use and stopped when the JVM exits. Tests share it and each takes a
 * bucket of its own from {@link #freshBucket()}.
 */
public final class S3Servers {
    /** The key pair the test server accepts. Not a secret: it guards nothing but a temporary directory. */
    public static final String ACCESS_KEY = "fp-it-access";

    public static final String SECRET_KEY = "fp-it-secret-not-for-production";
    public static final String REGION = "us-east-1";

    private static final PerJvm<Server> S3PROXY = PerJvm.of("s3proxy child process", () -> {
        Path dir = Files.createTempDirectory("fp-it-s3-");
        return new Server(S3ProxyProcess.start(dir, 0, ACCESS_KEY, SECRET_KEY), dir);
    });
    private static final PerJvm<S3Client> CLIENT = PerJvm.of("raw S3 client", () -> client(server().endpoint()));
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private S3Servers() {}

    /** A bucket that exists on this JVM's server: where it is and how to sign in. */
    public record S3Bucket(URI endpoint, String region, String bucket, String accessKeyId, String secretAccessKey) {}

    /** This JVM's s3proxy (started now if need be). */
    public static S3ProxyProcess server() {
        return S3PROXY.get().process();
    }

    /** The server and its temporary directory, which goes with it. */
    private record Server(S3ProxyProcess process, Path dir) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            process.close();
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** A new, empty bucket on this JVM's server (started now if need be). */
    public static S3Bucket freshBucket() {
        String name = "fp-it-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        rawClient().createBucket(r -> r.bucket(name));
        return new S3Bucket(server().endpoint(), REGION, name, ACCESS_KEY, SECRET_KEY);
    }

    /** Where the server keeps bucket {@code bucket}'s objects, one file per object. */
    public static Path bucketDir(String bucket) {
        return server().bucketDir(bucket);
    }

    /**
     * A plain S3 client on this JVM's server, for doing what the platform never does (overwriting an object behind
     * its back, listing pending multipart uploads). Shared: do not close it.
     */
    public static S3Client rawClient() {
        return CLIENT.get();
    }

    private static S3Client client(URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }
}
