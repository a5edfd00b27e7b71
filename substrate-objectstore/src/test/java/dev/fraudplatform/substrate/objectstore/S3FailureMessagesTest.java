package dev.fraudplatform.substrate.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The service's answers that a local s3proxy cannot give (it has one identity and no policies), put into words: each
 * answer as the SDK reports it, with an error code, so no request is made.
 */
class S3FailureMessagesTest {
    private final S3ObjectStore store = new S3ObjectStore(S3StoreSettings.local(
            URI.create("http://127.0.0.1:9"), "fp-data", "runs", "AKIDEXAMPLE", "secret-never-shown"));

    @AfterEach
    void close() {
        store.close();
    }

    private static S3Exception answer(int status, String code, String message) {
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .message(message)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName("S3")
                        .build())
                .build();
    }

    @Test
    void accessDeniedOnWrite() {
        assertThat(store.failure("write", "oracle/x.json", answer(403, "AccessDenied", "Access Denied"))
                        .getMessage())
                .isEqualTo("bucket fp-data at http://127.0.0.1:9 refused the write of oracle/x.json: access denied");
    }

    @Test
    void expiredCredentialsAndSkewedClocks() {
        assertThat(store.failure("read", "k", answer(400, "ExpiredToken", "The provided token has expired."))
                        .getMessage())
                .endsWith("refused the read of k: the session credentials have expired");
        assertThat(store.failure("read", "k", answer(403, "RequestTimeTooSkewed", "The difference..."))
                        .getMessage())
                .endsWith("this machine's clock is too far from the server's");
    }

    @Test
    void anUnknownAnswerKeepsItsFirstLineAndNoSecret() {
        String m = store.failure("write", "k", answer(501, "NotImplemented", "read-only BlobStore\nsecond line"))
                .getMessage();
        assertThat(m)
                .isEqualTo("bucket fp-data at http://127.0.0.1:9 refused the write of k: the server answered HTTP 501"
                        + " NotImplemented: read-only BlobStore")
                .doesNotContain("secret-never-shown");
    }
}
