package dev.fraudplatform.app;

import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.core.store.RoutedObjectStore;
import dev.fraudplatform.s3proxy.S3ProxyProcess;
import dev.fraudplatform.substrate.objectstore.S3ObjectStore;
import dev.fraudplatform.substrate.objectstore.S3StoreSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The object store on an S3 API, as a profile configures it ({@code store=s3}, {@code s3.*}): one
 * {@link S3ObjectStore} per distinct setting in this process, shared by every caller (its HTTP client is
 * thread-safe), closed when the process ends. Credentials: {@code s3.credentials=env} reads the access key from
 * {@code FP_S3_ACCESS_KEY_ID} and {@code FP_S3_SECRET_ACCESS_KEY}; {@code default} leaves them to the SDK's chain (in
 * AWS, the task's role).
 */
final class S3Stores {
    static final String ACCESS_KEY_ENV = "FP_S3_ACCESS_KEY_ID";
    static final String SECRET_KEY_ENV = "FP_S3_SECRET_ACCESS_KEY";

    private static final Map<S3StoreSettings, S3ObjectStore> OPEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> OPEN.values().forEach(S3ObjectStore::close), "fp-s3-close"));
    }

    private S3Stores() {}

    /** The settings of {@code config}'s S3 store (which it must have), on its main bucket. */
    static S3StoreSettings settings(PlatformConfig config) {
        return settings(config, config.s3().bucket());
    }

    /** The settings of {@code config}'s S3 store on {@code bucket}. */
    static S3StoreSettings settings(PlatformConfig config, String bucket) {
        PlatformConfig.S3Config s3 = config.s3();
        String access = null;
        String secret = null;
        if (s3.credentials().equals("env")) {
            access = config.environment().get(ACCESS_KEY_ENV);
            secret = config.environment().get(SECRET_KEY_ENV);
            if (access == null || access.isBlank() || secret == null || secret.isBlank())
                throw new IllegalArgumentException("the object store signs with the access key in " + ACCESS_KEY_ENV
                        + " and " + SECRET_KEY_ENV + " (s3.credentials=env): set both");
        }
        return new S3StoreSettings(
                s3.endpoint() == null ? null : URI.create(s3.endpoint()),
                s3.region(),
                bucket,
                s3.prefix(),
                s3.pathStyle(),
                access,
                secret);
    }

    /**
     * The shared store of {@code config}: one bucket, or, with a bucket per plane ({@code s3.bucket.oracle}, ...), one
     * key space routed over them by key root ({@link RoutedObjectStore}).
     */
    static ObjectStore of(PlatformConfig config) {
        ObjectStore main = OPEN.computeIfAbsent(settings(config), S3ObjectStore::new);
        Map<String, String> byRoot = config.s3().bucketsByRoot();
        if (byRoot.isEmpty()) return main;
        Map<String, ObjectStore> routes = new java.util.TreeMap<>();
        byRoot.forEach(
                (root, bucket) -> routes.put(root, OPEN.computeIfAbsent(settings(config, bucket), S3ObjectStore::new)));
        return new RoutedObjectStore(main, routes);
    }

    /** Creates each of {@code config}'s buckets the server lacks; one line. */
    static String ensureBucket(PlatformConfig config) {
        ObjectStore store = of(config);
        if (store instanceof RoutedObjectStore routed) {
            java.util.List<String> lines = new java.util.ArrayList<>();
            for (ObjectStore s : routed.stores()) lines.add(((S3ObjectStore) s).ensureBucket());
            return String.join("; ", lines);
        }
        return ((S3ObjectStore) store).ensureBucket();
    }

    /**
     * Starts s3proxy as server {@code name} of {@code servers}, detached, on {@code at}, accepting the profile's access
     * key, its buckets under the server's directory.
     */
    static long startServer(
            PlatformConfig config, LocalServers servers, String name, LocalServers.HostPort at, Duration timeout) {
        S3StoreSettings s = settings(config);
        if (s.accessKeyId() == null)
            throw new IllegalArgumentException("the local S3 API server needs an access key: set s3.credentials=env, "
                    + ACCESS_KEY_ENV + " and " + SECRET_KEY_ENV);
        java.util.List<String> command;
        try {
            command =
                    S3ProxyProcess.detachedCommand(servers.dir(name), at.port(), s.accessKeyId(), s.secretAccessKey());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start the S3 API server: " + e.getMessage());
        }
        return servers.start(name, command, at, timeout);
    }
}
