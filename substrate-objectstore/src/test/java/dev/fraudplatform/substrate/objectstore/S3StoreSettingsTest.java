package dev.fraudplatform.substrate.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class S3StoreSettingsTest {
    private static final URI LOCAL = URI.create("http://127.0.0.1:9000");

    @Test
    void toStringNeverShowsTheSecret() {
        var s = S3StoreSettings.local(LOCAL, "fp-data", "runs/r1", "AKID", "very-secret-value");
        assertThat(s.toString()).contains("AKID").contains("fp-data").doesNotContain("very-secret-value");
        assertThat(s.location()).isEqualTo("s3://fp-data/runs/r1");
    }

    @Test
    void awsDefaultsAreDescribed() {
        var s = new S3StoreSettings(null, "eu-west-2", "fp-data", "", false, null, null);
        assertThat(s.location()).isEqualTo("s3://fp-data");
        assertThat(s.endpointDescription()).isEqualTo("AWS S3 (eu-west-2)");
        assertThat(s.toString()).contains("default credentials chain");
    }

    @Test
    void badSettingsAreRefusedInOneLine() {
        assertThatThrownBy(() -> S3StoreSettings.local(URI.create("ftp://x"), "fp-data", "", "a", "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("S3 endpoint ftp://x is not an http:// or https:// URL with a host");
        assertThatThrownBy(() -> S3StoreSettings.local(LOCAL, "Bad_Bucket", "", "a", "b"))
                .hasMessageStartingWith("S3 bucket name 'Bad_Bucket' is not valid");
        assertThatThrownBy(() -> S3StoreSettings.local(LOCAL, "fp-data", "/abs/", "a", "b"))
                .hasMessageStartingWith("S3 key prefix '/abs/' is not a relative path");
        assertThatThrownBy(() -> S3StoreSettings.local(LOCAL, "fp-data", null, "a", "b"))
                .hasMessageStartingWith("S3 key prefix is missing");
        assertThatThrownBy(() -> S3StoreSettings.local(LOCAL, "fp-data", "", "a", null))
                .hasMessage("S3 access key id is given without its secret access key");
        assertThatThrownBy(() -> S3StoreSettings.local(LOCAL, "fp-data", "", null, "top-secret"))
                .hasMessage("S3 secret access key is given without an access key id")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("top-secret"));
        assertThatThrownBy(() -> new S3StoreSettings(LOCAL, "", "fp-data", "", true, null, null))
                .hasMessageStartingWith("S3 region '' is not a region name");
    }
}
