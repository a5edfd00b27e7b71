package dev.fraudplatform.substrate.objectstore;

import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.core.store.ObjectAlreadyExistsException;
import dev.fraudplatform.core.store.ObjectIntegrityException;
import dev.fraudplatform.core.store.ObjectNotFoundException;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.core.store.ObjectStoreException;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * {@link ObjectStore} on an S3 bucket (AWS S3 or any S3 API server), under a key prefix.
 *
 * <p>A create first writes the content to a local temporary file while hashing it, then uploads it with
 * {@code If-None-Match: *}, so the server refuses to overwrite a key that exists (a sealed object is never replaced)
 * and, of concurrent creates of one key, exactly one wins. Content of at least {@link #multipartThreshold()} bytes
 * goes up as a multipart upload completed under the same condition; any failure aborts the upload, so nothing
 * half-written is ever visible. The content's SHA-256 is kept with the object, as user metadata {@value
 * #SHA256_METADATA} (hex) and as S3's own SHA-256 checksum, which the server checks on arrival. Each create also
 * tags its object with a random {@value #WRITE_ID_METADATA}, so that when the SDK retries a request whose first
 * attempt did land, the refusal of the retry is recognised as this create's own success.
 *
 * <p>Reads verify: the stream from {@link #open(String)} re-hashes the bytes and, at end of stream, throws {@link
 * ObjectIntegrityException} when they differ from the kept digest (or no digest is kept: the object was not written
 * by the platform). A caller that stops reading early gets no verdict.
 *
 * <p>Failures of the service (unreachable endpoint, missing bucket, refused credentials) are {@link
 * ObjectStoreException}s whose message is one line naming the store, the operation and the reason; they name no
 * library class and never the secret. Keys under {@value #PROBE_PREFIX} are the store's own ({@link
 * #checkWritable()}) and are never listed.
 *
 * <p>Thread-safe. The caller closes the store, which closes its HTTP client.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
    /** The user-metadata name under which the content's SHA-256 (lowercase hex) is kept. */
    public static final String SHA256_METADATA = "fp-sha256";
    /**
     * The user-metadata name of a create's own random id. The SDK retries a request whose answer it did not get, and
     * the first attempt may have landed: a retry refused as "exists" is then this create's success, not a loss.
     */
    public static final String WRITE_ID_METADATA = "fp-write-id";
    /** Content this large or larger is uploaded in parts, unless the constructor says otherwise. */
    public static final long DEFAULT_MULTIPART_THRESHOLD = 16L << 20;
    /** Keys of {@link #checkWritable()}'s probe objects start with this; {@link #list} never shows them. */
    public static final String PROBE_PREFIX = "_probe/";

    // S3's floor for every part but the last, and its ceiling on the count of parts
    private static final long MIN_PART_SIZE = 5L << 20;
    private static final int MAX_PARTS = 10_000;

    private final S3StoreSettings settings;
    private final long multipartThreshold;
    private final S3Client s3;
    private final AwsCredentialsProvider credentials;
    private final String description;
    private volatile boolean bucketSeen;

    /** A store with the {@link #DEFAULT_MULTIPART_THRESHOLD default multipart threshold}. */
    public S3ObjectStore(S3StoreSettings settings) {
        this(settings, DEFAULT_MULTIPART_THRESHOLD);
    }

    /**
     * @param multipartThreshold content of this many bytes or more is uploaded in parts of at least this size (and at
     *     least 5 MiB, S3's smallest part)
     */
    public S3ObjectStore(S3StoreSettings settings, long multipartThreshold) {
        if (settings == null) throw new IllegalArgumentException("S3 store settings are missing");
        if (multipartThreshold < 1) {
            throw new IllegalArgumentException("multipart threshold must be positive, not " + multipartThreshold);
        }
        this.settings = settings;
        this.multipartThreshold = multipartThreshold;
        this.description = settings.location() + " at " + settings.endpointDescription();
        this.credentials = settings.accessKeyId() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
        var builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                // Signed aws-chunked bodies: s3proxy answers once it has the content, before reading the final
                // chunk, and about one small PUT in twenty then failed on the client although it had landed. Signing
                // the whole payload up front costs a second read of the temporary file and works everywhere.
                .serviceConfiguration(c -> c.chunkedEncodingEnabled(false))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build());
        if (settings.endpoint() != null) builder.endpointOverride(settings.endpoint());
        this.s3 = builder.build();
    }

    public S3StoreSettings settings() {
        return settings;
    }

    /**
     * Creates the store's bucket when the server has none of that name ({@code fp infra up} on a local S3 API server;
     * in AWS, Terraform makes the bucket and this only finds it).
     *
     * @return one line: the bucket was there, or was created
     * @throws ObjectStoreException with a one-line reason when it can neither be found nor created
     */
    public String ensureBucket() {
        try {
            s3.headBucket(r -> r.bucket(settings.bucket()));
            return "bucket " + settings.bucket() + " present at " + settings.endpointDescription();
        } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
            // created below
        } catch (AwsServiceException e) {
            if (e.statusCode() != 404) throw new ObjectStoreException(description + ": " + reason(e), e);
        } catch (SdkException e) {
            throw new ObjectStoreException(description + ": " + reason(e), e);
        }
        try {
            s3.createBucket(r -> r.bucket(settings.bucket()));
            return "bucket " + settings.bucket() + " created at " + settings.endpointDescription();
        } catch (SdkException e) {
            throw new ObjectStoreException(
                    "cannot create bucket " + settings.bucket() + " at " + settings.endpointDescription() + ": "
                            + reason(e),
                    e);
        }
    }

    public long multipartThreshold() {
        return multipartThreshold;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        s3.close();
        // the client leaves a provider it was given open; the default chain may hold a refreshing thread
        if (credentials instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // nothing is left to release
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- create

    @Override
    public void create(String key, ContentWriter writer) {
        ObjectStore.checkKey(key);
        Path tmp = null;
        try {
            tmp = Files.createTempFile("fp-s3-", ".upload");
            MessageDigest md = Sha256.newDigest();
            try (OutputStream out =
                    new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), md)) {
                writer.writeTo(out);
            }
            byte[] digest = md.digest();
            long size = Files.size(tmp);
            if (size >= multipartThreshold) {
                createInParts(key, tmp, size, digest);
            } else {
                createWhole(key, tmp, digest);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + key + " to " + description + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private void createWhole(String key, Path content, byte[] digest) {
        String objectKey = objectKey(key);
        String writeId = UUID.randomUUID().toString();
        try {
            s3.putObject(
                    r -> r.bucket(settings.bucket())
                            .key(objectKey)
                            .ifNoneMatch("*")
                            .metadata(Map.of(SHA256_METADATA, Sha256.toHex(digest), WRITE_ID_METADATA, writeId))
                            .checksumSHA256(Base64.getEncoder().encodeToString(digest)),
                    RequestBody.fromFile(content));
        } catch (SdkException e) {
            if (preconditionFailed(e)) {
                if (landed(objectKey, writeId)) return;
                throw new ObjectAlreadyExistsException(key);
            }
            throw failure("write", key, e);
        }
    }

    /** Whether the object under {@code objectKey} is the one written by the create {@code writeId}. */
    private boolean landed(String objectKey, String writeId) {
        try {
            return writeId.equals(s3.headObject(r -> r.bucket(settings.bucket()).key(objectKey))
                    .metadata()
                    .get(WRITE_ID_METADATA));
        } catch (SdkException e) {
            return false;
        }
    }

    private void createInParts(String key, Path content, long size, byte[] digest) {
        String objectKey = objectKey(key);
        long partSize = Math.max(Math.max(MIN_PART_SIZE, multipartThreshold), (size + MAX_PARTS - 1) / MAX_PARTS);
        String writeId = UUID.randomUUID().toString();
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> r.bucket(settings.bucket())
                            .key(objectKey)
                            .metadata(Map.of(SHA256_METADATA, Sha256.toHex(digest), WRITE_ID_METADATA, writeId))
                            .checksumAlgorithm(ChecksumAlgorithm.SHA256))
                    .uploadId();
        } catch (SdkException e) {
            throw failure("write", key, e);
        }
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long length = Math.min(partSize, size - offset);
                long from = offset;
                int partNumber = number;
                UploadPartResponse part = s3.uploadPart(
                        r -> r.bucket(settings.bucket())
                                .key(objectKey)
                                .uploadId(uploadId)
                                .partNumber(partNumber)
                                .contentLength(length)
                                .checksumAlgorithm(ChecksumAlgorithm.SHA256),
                        RequestBody.fromContentProvider(
                                () -> slice(content, from, length), length, "application/octet-stream"));
                parts.add(CompletedPart.builder()
                        .partNumber(partNumber)
                        .eTag(part.eTag())
                        .checksumSHA256(part.checksumSHA256())
                        .build());
            }
            s3.completeMultipartUpload(r -> r.bucket(settings.bucket())
                    .key(objectKey)
                    .uploadId(uploadId)
                    .ifNoneMatch("*")
                    .multipartUpload(m -> m.parts(parts)));
            completed = true;
        } catch (SdkException e) {
            // a retried completion of an upload that did complete is refused (412) or finds the upload gone (404)
            boolean gone = e instanceof AwsServiceException s && "NoSuchUpload".equals(errorCode(s));
            if ((preconditionFailed(e) || gone) && landed(objectKey, writeId)) {
                completed = true;
                return;
            }
            if (preconditionFailed(e)) throw new ObjectAlreadyExistsException(key);
            throw failure("write", key, e);
        } finally {
            if (!completed) abortQuietly(objectKey, uploadId);
        }
    }

    private static InputStream slice(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            return new BoundedInputStream(Channels.newInputStream(channel), length);
        } catch (IOException e) {
            throw new UncheckedIOException("reading back the upload of " + file + ": " + e.getMessage(), e);
        }
    }

    private void abortQuietly(String objectKey, String uploadId) {
        try {
            s3.abortMultipartUpload(
                    r -> r.bucket(settings.bucket()).key(objectKey).uploadId(uploadId));
        } catch (SdkException ignored) {
            // the write already failed and says why; a bucket lifecycle rule reaps uploads left pending
        }
    }

    /**
     * 412: the key exists. 409 (AWS: a conditional write raced another on the same key): the other write is the one
     * that counts, so this create lost.
     */
    private static boolean preconditionFailed(SdkException e) {
        return e instanceof AwsServiceException service
                && (service.statusCode() == 412
                        || (service.statusCode() == 409 && "ConditionalRequestConflict".equals(errorCode(service))));
    }

    // ------------------------------------------------------------------------------------------------------ read

    @Override
    public InputStream open(String key) {
        ObjectStore.checkKey(key);
        try {
            var in = s3.getObject(
                    r -> r.bucket(settings.bucket()).key(objectKey(key)), ResponseTransformer.toInputStream());
            GetObjectResponse response = in.response();
            bucketSeen = true;
            return new VerifyingInputStream(in, key, response.metadata().get(SHA256_METADATA));
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(key);
        } catch (SdkException e) {
            throw failure("read", key, e);
        }
    }

    @Override
    public boolean exists(String key) {
        ObjectStore.checkKey(key);
        return head(key, "lookup") != null;
    }

    @Override
    public long size(String key) {
        ObjectStore.checkKey(key);
        HeadObjectResponse head = head(key, "lookup");
        if (head == null) throw new ObjectNotFoundException(key);
        return head.contentLength();
    }

    /** The object's head, or {@code null} when there is no such key (in a bucket that exists). */
    private HeadObjectResponse head(String key, String action) {
        try {
            HeadObjectResponse head =
                    s3.headObject(r -> r.bucket(settings.bucket()).key(objectKey(key)));
            bucketSeen = true;
            return head;
        } catch (NoSuchKeyException e) {
            // A HEAD has no body, so a 404 does not say whether the key or the whole bucket is missing: ask once.
            requireBucket(action, key);
            return null;
        } catch (SdkException e) {
            if (e instanceof AwsServiceException s && s.statusCode() == 404) {
                requireBucket(action, key);
                return null;
            }
            throw failure(action, key, e);
        }
    }

    private void requireBucket(String action, String key) {
        if (bucketSeen) return;
        try {
            s3.headBucket(r -> r.bucket(settings.bucket()));
            bucketSeen = true;
        } catch (SdkException e) {
            throw failure(action, key, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        String base = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        List<String> keys = new ArrayList<>();
        try {
            for (var page :
                    s3.listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(base + prefix))) {
                for (S3Object o : page.contents()) {
                    String key = o.key().substring(base.length());
                    if (!key.startsWith(PROBE_PREFIX)) keys.add(key);
                }
            }
            bucketSeen = true;
        } catch (SdkException e) {
            throw failure("list", prefix.isEmpty() ? "(every key)" : prefix + "*", e);
        }
        // S3 lists in UTF-8 byte order, which for the keys' ASCII alphabet is already lexicographic; sort anyway so
        // the contract does not hang on a server's choice
        keys.sort(null);
        return keys;
    }

    // ---------------------------------------------------------------------------------------------------- doctor

    /**
     * Proves the store can take a create: writes a probe object under {@value #PROBE_PREFIX}, checks that the server
     * refuses a second conditional create of it (else creates could overwrite sealed objects), then deletes it.
     *
     * @return one line saying where the store is and that it is writable
     * @throws ObjectStoreException with a one-line reason when it is not
     */
    public String checkWritable() {
        String key = PROBE_PREFIX + "writable-" + UUID.randomUUID();
        long started = System.nanoTime();
        byte[] probe = ("probe " + key).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            create(key, probe);
        } catch (ObjectAlreadyExistsException e) {
            throw new ObjectStoreException(description + " is not usable: a create of a fresh probe key was refused"
                    + " as if the key existed");
        }
        boolean conditional;
        try {
            create(key, probe);
            conditional = false;
        } catch (ObjectAlreadyExistsException e) {
            conditional = true;
        }
        String deleted;
        try {
            s3.deleteObject(r -> r.bucket(settings.bucket()).key(objectKey(key)));
            deleted = "";
        } catch (SdkException e) {
            deleted = "; the probe " + key + " is left behind (" + reason(e) + " on delete)";
        }
        if (!conditional) {
            throw new ObjectStoreException(description + " is not safe to write: the server ignores If-None-Match,"
                    + " so a create could overwrite a sealed object" + deleted);
        }
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        return description + " is writable: a probe was created, refused a second time, and removed in " + ms + " ms"
                + deleted;
    }

    // ---------------------------------------------------------------------------------------------------- errors

    private String objectKey(String key) {
        return settings.prefix().isEmpty() ? key : settings.prefix() + "/" + key;
    }

    /** A one-line, class-name-free account of a failed call. Package-private so a test can word the answers. */
    ObjectStoreException failure(String action, String key, SdkException original) {
        SdkException e = original;
        if (!(e instanceof AwsServiceException s && errorCode(s) != null) && !unreachable(e)) {
            // The answer to a HEAD has no body to say why, and a server that refuses a write may answer before
            // reading the body and close the connection under the client: ask the bucket a question whose answer
            // has a body.
            AwsServiceException answer = diagnose();
            if (answer != null) e = answer;
        }
        String bucket = "bucket " + settings.bucket() + " at " + settings.endpointDescription();
        String message;
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = errorCode(service);
            // a 404 without an error code answers a HEAD, and the HEADs of keys handle their own 404s
            if ("NoSuchBucket".equals(code) || (status == 404 && code == null)) {
                message = bucket + " does not exist (" + gerund(action) + " " + key + ")";
            } else {
                message = bucket + " refused the " + action + " of " + key + ": " + reason(e);
            }
        } else {
            message = "cannot " + action + " " + key + " in " + description + ": " + reason(e);
        }
        return new ObjectStoreException(message, original);
    }

    /** The service's refusal of a one-key listing of the store's prefix, or {@code null} when it does not refuse. */
    private AwsServiceException diagnose() {
        try {
            s3.listObjectsV2(r -> r.bucket(settings.bucket())
                    .prefix(settings.prefix().isEmpty() ? "" : settings.prefix() + "/")
                    .maxKeys(1));
            return null;
        } catch (AwsServiceException refusal) {
            return refusal;
        } catch (SdkException other) {
            return null;
        }
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException) return true;
        }
        return false;
    }

    private static String gerund(String action) {
        return switch (action) {
            case "write" -> "writing";
            case "read" -> "reading";
            case "list" -> "listing";
            default -> "looking up";
        };
    }

    /** Why a call failed, in words; never a class name or a secret. */
    private String reason(SdkException e) {
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = errorCode(service);
            if (code == null && status == 403) code = "AccessDenied";
            if (code == null) return "the server answered HTTP " + status;
            return switch (code) {
                case "AccessDenied", "AllAccessDisabled" -> "access denied";
                case "InvalidAccessKeyId" -> "the access key id " + settings.accessKeyId() + " is not known there";
                case "SignatureDoesNotMatch" -> "the secret access key does not match the access key id";
                case "ExpiredToken", "InvalidToken", "TokenRefreshRequired" -> "the session credentials have expired";
                case "RequestTimeTooSkewed" -> "this machine's clock is too far from the server's";
                case "NoSuchBucket" -> "the bucket does not exist";
                case "SlowDown", "ServiceUnavailable" -> "the service is overloaded (HTTP " + status + "); try again";
                default -> "the server answered HTTP " + status + " " + code + oneLine(service);
            };
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) return "it is unreachable (connection refused)";
            if (t instanceof UnknownHostException) return "its host name does not resolve";
            if (t instanceof SocketTimeoutException) return "it did not answer in time";
        }
        String text = e.getMessage() == null ? "" : e.getMessage();
        if (text.startsWith("Unable to load credentials")) {
            return "no AWS credentials found (set an access key id and secret, or an AWS profile or role)";
        }
        if (e.getCause() instanceof IOException io && io.getMessage() != null) {
            return "the connection failed (" + firstLine(io.getMessage()) + ")";
        }
        return "the request failed before the server answered";
    }

    private static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private static String oneLine(AwsServiceException e) {
        String text = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return text == null || text.isBlank() ? "" : ": " + firstLine(text);
    }

    private static String firstLine(String text) {
        String line = text.strip().split("\\R", 2)[0];
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    // --------------------------------------------------------------------------------------------------- streams

    /** Re-hashes what is read; at end of stream, compares with the kept digest. */
    private final class VerifyingInputStream extends FilterInputStream {
        private final String key;
        private final String expected;
        private final MessageDigest md = Sha256.newDigest();
        private boolean verified;

        VerifyingInputStream(InputStream in, String key, String expected) {
            super(in);
            this.key = key;
            this.expected = expected;
        }

        @Override
        public int read() throws IOException {
            int b = readFromServer(() -> super.read());
            if (b < 0) verify();
            else md.update((byte) b);
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = readFromServer(() -> super.read(buf, off, len));
            if (n < 0) verify();
            else md.update(buf, off, n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // skipped bytes must still be hashed
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            int read = read(buf, 0, buf.length);
            return Math.max(read, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private void verify() {
            if (verified) return;
            verified = true;
            String found = Sha256.toHex(md.digest());
            if (!found.equals(expected)) {
                throw new ObjectIntegrityException(key, description, expected, found);
            }
        }

        private int readFromServer(IoRead read) throws IOException {
            try {
                return read.get();
            } catch (SdkException e) {
                throw failure("read", key, e);
            }
        }
    }

    @FunctionalInterface
    private interface IoRead {
        int get() throws IOException;
    }

    /** At most {@code remaining} bytes of a stream. */
    private static final class BoundedInputStream extends FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = super.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = super.read(buf, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }
    }
}
