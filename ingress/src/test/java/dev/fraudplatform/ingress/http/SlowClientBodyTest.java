package dev.fraudplatform.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.Test;

/** How the gate reads a body and names a client's early ending, on in-memory streams. */
class SlowClientBodyTest {
    private static final GateLimits LIMITS = GateLimits.DEFAULT.withSlowClientCuts(4096, 5_000);

    @Test
    void aDeclaredBodyIsReadWhole() throws Exception {
        byte[] body = "a\nb\n".getBytes(StandardCharsets.UTF_8);
        assertThat(IngestionHttpServer.readBody(new ByteArrayInputStream(body), body.length, 100))
                .isEqualTo(body);
        assertThat(IngestionHttpServer.readBody(new ByteArrayInputStream(new byte[0]), 0, 100))
                .isEmpty();
    }

    @Test
    void aBodyWithoutALengthIsReadToOneByteOverTheLimitAndNoFurther() throws Exception {
        byte[] big = new byte[1_000_000];
        assertThat(IngestionHttpServer.readBody(new ByteArrayInputStream(big), -1, 300_000))
                .hasSize(300_001);
        assertThat(IngestionHttpServer.readBody(new ByteArrayInputStream(new byte[3_000_000]), 3_000_000, 4_000_000))
                .hasSize(3_000_000);
        assertThat(IngestionHttpServer.readBody(new ByteArrayInputStream(new byte[10]), -1, 300_000))
                .hasSize(10);
    }

    @Test
    void aBodyShorterThanDeclaredEndedEarlyAndSaysHowFarItGot() {
        assertThatThrownBy(() -> IngestionHttpServer.readBody(new ByteArrayInputStream(new byte[7]), 100, 1000))
                .isInstanceOfSatisfying(
                        IngestionHttpServer.BodyEndedEarly.class,
                        e -> assertThat(e.bytesRead).isEqualTo(7));
    }

    @Test
    void aStreamThatFailsMidBodyEndedEarlyAfterTheBytesItGave() {
        InputStream hangsUp = failingAfter(5, new EofException("Early EOF"));
        assertThatThrownBy(() -> IngestionHttpServer.readBody(hangsUp, 100, 1000))
                .isInstanceOfSatisfying(IngestionHttpServer.BodyEndedEarly.class, e -> {
                    assertThat(e.bytesRead).isEqualTo(5);
                    assertThat(EarlyEnd.describe(e.getCause(), LIMITS)).isEqualTo("the client hung up");
                });
    }

    @Test
    void jettysMinimumRateCutIsNamed() {
        InputStream slow = failingAfter(3, new BadMessageException(408, "Request content data rate < 4096 B/s"));
        assertThatThrownBy(() -> IngestionHttpServer.readBody(slow, 100, 1000))
                .isInstanceOfSatisfying(
                        IngestionHttpServer.BodyEndedEarly.class,
                        e -> assertThat(EarlyEnd.describe(e.getCause(), LIMITS))
                                .contains("slower than the minimum of 4096 bytes/s"));
    }

    @Test
    void anIdleTimeoutIsNamedButAGateTimeoutIsNotAClientsEnding() {
        assertThat(EarlyEnd.describe(
                        new IOException(new TimeoutException("Idle timeout expired: 5000/5000 ms")), LIMITS))
                .isEqualTo("the client sent nothing for the idle timeout of 5000 ms");
        assertThat(EarlyEnd.describe(new IllegalStateException(new TimeoutException("the bus did not answer")), LIMITS))
                .isNull();
        assertThat(EarlyEnd.describe(new IllegalStateException("relay stopped"), LIMITS))
                .isNull();
    }

    @Test
    void aProgrammingErrorWhileReadingIsNotSwallowed() {
        InputStream broken = failingAfter(0, new IllegalStateException("bug"));
        assertThatThrownBy(() -> IngestionHttpServer.readBody(broken, 10, 1000))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("bug");
    }

    @Test
    void limitsRefuseNonsense() {
        assertThatThrownBy(() -> GateLimits.DEFAULT.withInFlight(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GateLimits.DEFAULT.withSlowClientCuts(-1, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(GateLimits.DEFAULT.maxInFlightRequests()).isGreaterThan(GateLimits.DEFAULT.maxInFlightPerProducer());
    }

    /** Gives {@code n} bytes one at a time, then throws {@code failure}. */
    private static InputStream failingAfter(int n, Exception failure) {
        return new InputStream() {
            int given;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (given < n) {
                    b[off] = 'x';
                    given++;
                    return 1;
                }
                if (failure instanceof IOException io) throw io;
                throw (RuntimeException) failure;
            }
        };
    }
}
