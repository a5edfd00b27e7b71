package dev.fraudplatform.rtdl.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.decision.bundle.TestBundles;
import dev.fraudplatform.substrate.redis.RedisJoinPlane;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The decision loop (on TopologyTestDriver) with a join plane that does not answer: the real Redis client, pointed at a
 * loopback port nobody listens on. An IT because it opens sockets; the rest of the loop's degrade ladder is in
 * {@link DecisionTopologyTest}.
 */
class JoinPlaneOutageIT {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00.000Z");

    @Test
    void aJoinPlaneThatDoesNotAnswerFailsSafeWithThePolicyDefault() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisJoinPlane dead =
                new RedisJoinPlane("redis://127.0.0.1:" + port, Duration.ofMillis(100), Duration.ofMinutes(1));
        try (LoopDriver d = new LoopDriver(
                TestBundles.withModel(), DecisionTopology.Settings.defaults().withJoinPlane(store -> dead))) {
            d.send(d.txn("e1", "acct-1", T, 1_000).set("flow_id", "flow-1"));
            JsonNode n = d.decision();
            assertThat(n.path("degrade_mode").asText()).isEqualTo("FAIL_SAFE");
            assertThat(n.path("action").asText()).isEqualTo("STEP_UP");
            assertThat(n.path("degrade_reason").asText())
                    .startsWith("join plane unavailable: Redis join plane at 127.0.0.1:" + port);
            // a transaction with no flow needs no context, so the same dead plane does not stop it
            d.send(d.txn("e2", "acct-1", T.plusSeconds(1), 1_000));
            assertThat(d.decision().path("degrade_mode").asText()).isEqualTo("FULL");
        } finally {
            dead.close();
        }
    }
}
