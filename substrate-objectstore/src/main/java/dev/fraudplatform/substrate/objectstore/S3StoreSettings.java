package dev.fraudplatform.substrate.objectstore;

import dev.fraudplatform.core.store.ObjectStore;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * Where an {@link S3ObjectStore} keeps its objects and how it signs in. Validated on construction: every problem is
 * an {@link IllegalArgumentException} with a one-line message. {@link #toString()} never shows the secret.
 *
 * @param endpoint the S3 API's base URL ({@code http://127.0.0.1:9000}); {@code null} for AWS's own endpoint of
 *     {@code region}
 * @param region the signing region ({@code us-east-1} for a local server)
 * @param bucket the bucket, which must exist: the store never creates it
 * @param prefix the key prefix the store lives under, {@code ""} or a relative path like {@code "a/b"} (no leading
 *     or trailing {@code /}); every key of the store is {@code prefix + "/" + key} in the bucket
 * @param pathStyle address the bucket in the path ({@code endpoint/bucket/key}), as local servers need, instead of
 *     in the host name
 * @param accessKeyId {@code null} to sign with the SDK's default credentials chain (environment, profile, container
 *     or instance role); else the access key id, given with {@code secretAccessKey}
 * @param secretAccessKey the secret of {@code accessKeyId}; {@code null} exactly when {@code accessKeyId} is
 */
public record S3StoreSettings(
        URI endpoint,
        String region,
        String bucket,
        String prefix,
        boolean pathStyle,
        String accessKeyId,
        String secretAccessKey) {

    // S3's rules for new buckets: 3-63 characters, lowercase letters, digits, dots and hyphens, a letter or digit at
    // each end
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");

    public S3StoreSettings {
        if (endpoint != null) {
            String scheme = endpoint.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
                throw new IllegalArgumentException(
                        "S3 endpoint " + endpoint + " is not an http:// or https:// URL with a host");
            }
        }
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("S3 region '" + region + "' is not a region name such as us-east-1");
        }
        if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("S3 bucket name '" + bucket
                    + "' is not valid: 3-63 lowercase letters, digits, dots or hyphens, a letter or digit at each end");
        }
        if (prefix == null) {
            throw new IllegalArgumentException("S3 key prefix is missing: give \"\" for the bucket's root");
        }
        if (!prefix.isEmpty()) {
            try {
                ObjectStore.checkKey(prefix);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("S3 key prefix '" + prefix
                        + "' is not a relative path of letters, digits and ._=- (no leading or trailing /)");
            }
        }
        boolean hasId = accessKeyId != null;
        boolean hasSecret = secretAccessKey != null;
        if (hasId != hasSecret) {
            throw new IllegalArgumentException(
                    hasId
                            ? "S3 access key id is given without its secret access key"
                            : "S3 secret access key is given without an access key id");
        }
        if (hasId && (accessKeyId.isBlank() || secretAccessKey.isBlank())) {
            throw new IllegalArgumentException(
                    "S3 access key id and secret access key must not be blank (leave both unset for the default chain)");
        }
    }

    /** Settings for a local S3 API server (path-style addressing, region {@code us-east-1}, static keys). */
    public static S3StoreSettings local(
            URI endpoint, String bucket, String prefix, String accessKeyId, String secretAccessKey) {
        return new S3StoreSettings(endpoint, "us-east-1", bucket, prefix, true, accessKeyId, secretAccessKey);
    }

    /** The same settings under another bucket. */
    public S3StoreSettings withBucket(String otherBucket) {
        return new S3StoreSettings(endpoint, region, otherBucket, prefix, pathStyle, accessKeyId, secretAccessKey);
    }

    /** The same settings under another key prefix. */
    public S3StoreSettings withPrefix(String otherPrefix) {
        return new S3StoreSettings(endpoint, region, bucket, otherPrefix, pathStyle, accessKeyId, secretAccessKey);
    }

    /** The same settings signing with another key pair. */
    public S3StoreSettings withCredentials(String otherAccessKeyId, String otherSecretAccessKey) {
        return new S3StoreSettings(endpoint, region, bucket, prefix, pathStyle, otherAccessKeyId, otherSecretAccessKey);
    }

    /** {@code s3://bucket/prefix}. */
    public String location() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    /** Where the API is: the endpoint, or AWS's endpoint of the region. */
    public String endpointDescription() {
        return endpoint != null ? endpoint.toString() : "AWS S3 (" + region + ")";
    }

    @Override
    public String toString() {
        return "S3StoreSettings[endpoint=" + endpointDescription() + ", region=" + region + ", bucket=" + bucket
                + ", prefix=" + prefix + ", pathStyle=" + pathStyle + ", accessKeyId="
                + (accessKeyId == null ? "(default credentials chain)" : accessKeyId) + ", secretAccessKey="
                + (secretAccessKey == null ? "(default credentials chain)" : "(hidden)") + "]";
    }
}
