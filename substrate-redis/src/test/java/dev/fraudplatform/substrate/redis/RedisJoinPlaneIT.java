package dev.fraudplatform.substrate.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.join.JoinPlane;
import dev.fraudplatform.core.join.JoinPlaneUnavailableException;
import dev.fraudplatform.testkit.JoinPlaneContract;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The join plane contract on a real Redis server (FP_TEST_REDIS_URL, by default 127.0.0.1:6379; .ci/run starts one). */
class RedisJoinPlaneIT extends JoinPlaneContract {
    static String redisUrl() {
        String url = System.getenv("FP_TEST_REDIS_URL");
        return url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url;
    }

    @Override
    protected JoinPlane newJoinPlane() {
        return new RedisJoinPlane(redisUrl(), Duration.ofSeconds(2), Duration.ofMinutes(5));
    }

    @Test
    void aRedisThatDoesNotAnswerIsReportedAsUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        try (RedisJoinPlane dead =
                new RedisJoinPlane("redis://127.0.0.1:" + port, Duration.ofMillis(200), Duration.ofMinutes(1))) {
            assertThatThrownBy(() -> dead.contextAsOf(run, "f1", 1))
                    .isInstanceOf(JoinPlaneUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + port);
        }
    }
}
