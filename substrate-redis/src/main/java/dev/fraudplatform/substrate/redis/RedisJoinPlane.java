package dev.fraudplatform.substrate.redis;

import dev.fraudplatform.core.join.ContextFragment;
import dev.fraudplatform.core.join.FlowBinding;
import dev.fraudplatform.core.join.FlowContext;
import dev.fraudplatform.core.join.JoinPlane;
import dev.fraudplatform.core.join.JoinPlaneUnavailableException;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The join plane on Redis (the {@code local} and {@code dev_min} wirings): a flow's fragments are a sorted set scored
 * by event time ({@code fp:ctx:<run>:<flow>}, member = the fragment's canonical JSON, so a second store of the same
 * fragment is a no-op), its bindings a hash of event id to event time ({@code fp:bind:<run>:<flow>}, set only if
 * absent). Keys expire {@code ttl} after their last write. Every command waits at most {@code timeout}; a Redis that
 * is down or slower than that makes the call throw {@link JoinPlaneUnavailableException}, and the connection retries
 * in the background. Thread-safe (one Lettuce connection).
 */
public final class RedisJoinPlane implements JoinPlane {
    private final RedisClient client;
    private final Duration ttl;
    private final String uri;
    private volatile StatefulRedisConnection<String, byte[]> connection;

    /**
     * @param redisUrl a Redis URI, e.g. {@code redis://127.0.0.1:6379} (FP_REDIS_URL)
     * @param timeout  how long a command may take before the plane counts as not answering
     * @param ttl      how long a flow's context is kept after its last write
     */
    public RedisJoinPlane(String redisUrl, Duration timeout, Duration ttl) {
        RedisURI u = uri(redisUrl);
        u.setTimeout(timeout);
        this.client = RedisClient.create(u);
        this.ttl = ttl;
        this.uri = u.getHost() + ":" + u.getPort(); // never the password
    }

    /**
     * Does the Redis of {@code redisUrl} answer within {@code timeout}? One line for {@code fp doctor}: its address and
     * version.
     *
     * @throws IllegalStateException in one line (never the URL's password) when it does not answer or refuses the login
     */
    public static String ping(String redisUrl, Duration timeout) {
        RedisURI u = uri(redisUrl);
        u.setTimeout(timeout);
        String where = u.getHost() + ":" + u.getPort();
        RedisClient client = RedisClient.create(u);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            String pong = c.sync().ping();
            String info = c.sync().info("server");
            String version = info.lines()
                    .filter(l -> l.startsWith("redis_version:"))
                    .map(l -> l.substring("redis_version:".length()).trim())
                    .findFirst()
                    .orElse("unknown");
            return where + " answers " + pong + " (Redis " + version + ")";
        } catch (RuntimeException e) {
            throw new IllegalStateException("Redis at " + where + " does not answer: "
                    + (e.getMessage() == null ? "no reply" : e.getMessage().replaceAll("\\s+", " ")));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private RedisCommands<String, byte[]> redis() {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c == null) {
            synchronized (this) {
                if (connection == null)
                    connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                c = connection;
            }
        }
        return c.sync();
    }

    private <T> T call(String what, Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw new JoinPlaneUnavailableException(
                    "Redis join plane at " + uri + " did not answer " + what + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Unreadable or vanished data (a key expiring between two commands) must degrade a decision, not kill a
            // thread.
            throw new JoinPlaneUnavailableException(
                    "Redis join plane at " + uri + " gave an unusable answer to " + what + ": " + e, e);
        }
    }

    private static String contextKey(String run, String flow) {
        return "fp:ctx:" + run + ":" + flow;
    }

    private static String bindingKey(String run, String flow) {
        return "fp:bind:" + run + ":" + flow;
    }

    @Override
    public void putContext(ContextFragment f) {
        String key = contextKey(f.runId(), f.flowId());
        call("putContext", () -> {
            RedisCommands<String, byte[]> r = redis();
            r.zadd(key, (double) f.eventTimeMs(), f.toBytes());
            return r.pexpire(key, ttl.toMillis());
        });
    }

    @Override
    public FlowContext contextAsOf(String runId, String flowId, long asOfMs) {
        List<byte[]> rows = call(
                "contextAsOf",
                () -> redis().zrangebyscore(
                                contextKey(runId, flowId), Range.create(Double.NEGATIVE_INFINITY, (double) asOfMs)));
        List<ContextFragment> fragments = new ArrayList<>(rows.size());
        for (byte[] row : rows) fragments.add(ContextFragment.fromBytes(row));
        return FlowContext.asOf(fragments, asOfMs);
    }

    @Override
    public FlowBinding bind(String runId, String flowId, String eventId, long eventTimeMs) {
        String key = bindingKey(runId, flowId);
        byte[] time = Long.toString(eventTimeMs).getBytes(StandardCharsets.UTF_8);
        return call("bind", () -> {
            RedisCommands<String, byte[]> r = redis();
            if (Boolean.TRUE.equals(r.hsetnx(key, eventId, time))) {
                r.pexpire(key, ttl.toMillis());
                return new FlowBinding(runId, flowId, eventId, eventTimeMs);
            }
            byte[] first = r.hget(key, eventId);
            if (first == null) throw new IllegalStateException("binding of " + eventId + " vanished (expired)");
            return new FlowBinding(runId, flowId, eventId, Long.parseLong(new String(first, StandardCharsets.UTF_8)));
        });
    }

    @Override
    public List<FlowBinding> bindings(String runId, String flowId) {
        Map<String, byte[]> all = call("bindings", () -> redis().hgetall(bindingKey(runId, flowId)));
        List<FlowBinding> out = new ArrayList<>(all.size());
        all.forEach((id, t) ->
                out.add(new FlowBinding(runId, flowId, id, Long.parseLong(new String(t, StandardCharsets.UTF_8)))));
        out.sort(Comparator.comparingLong(FlowBinding::eventTimeMs).thenComparing(FlowBinding::eventId));
        return out;
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c != null) c.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /**
     * The server's URI, with the password in {@code FP_REDIS_PASSWORD} when it is set (ElastiCache's AUTH token; a
     * URL in a profile never carries one). {@code rediss://} is Redis over TLS.
     */
    private static RedisURI uri(String redisUrl) {
        RedisURI u = RedisURI.create(redisUrl);
        String password = System.getenv("FP_REDIS_PASSWORD");
        if (password != null && !password.isEmpty()) u.setAuthentication(password.toCharArray());
        return u;
    }
}
