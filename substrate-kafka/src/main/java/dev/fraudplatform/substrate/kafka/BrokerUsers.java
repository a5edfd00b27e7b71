package dev.fraudplatform.substrate.kafka;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The users an {@link EmbeddedKafkaBroker} with a SASL listener accepts: user name to password, for SASL PLAIN and for
 * SASL SCRAM-SHA-512. Immutable; build it with {@link #none()} and the {@code with...} methods.
 *
 * <p>Names are {@code [A-Za-z0-9._-]+}; passwords are printable ASCII without spaces, quotes, backslashes, commas,
 * brackets or {@code =} (the broker's JAAS and SCRAM bootstrap syntax would need escaping for those; a test needs
 * none of them). {@link #toString()} shows the names only.
 */
public record BrokerUsers(Map<String, String> plain, Map<String, String> scramSha512) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern PASSWORD = Pattern.compile("[!#-+\\--<>-Z^-~]+");

    public BrokerUsers {
        plain = Map.copyOf(plain);
        scramSha512 = Map.copyOf(scramSha512);
        plain.forEach(BrokerUsers::check);
        scramSha512.forEach(BrokerUsers::check);
        if (plain.containsKey(EmbeddedKafkaBroker.INTER_BROKER_USER))
            throw new IllegalArgumentException(EmbeddedKafkaBroker.INTER_BROKER_USER + " is the broker's own user");
    }

    private static void check(String name, String password) {
        if (!NAME.matcher(name).matches())
            throw new IllegalArgumentException("a broker user name must match " + NAME + ": " + name);
        if (!PASSWORD.matcher(password).matches())
            throw new IllegalArgumentException("the password of broker user " + name
                    + " must be printable ASCII without spaces, quotes, backslashes, commas, brackets or =");
    }

    /** No users (a broker started with these refuses every client). */
    public static BrokerUsers none() {
        return new BrokerUsers(Map.of(), Map.of());
    }

    /** These users and {@code name}, who authenticates with SASL PLAIN and {@code password}. */
    public BrokerUsers withPlain(String name, String password) {
        Map<String, String> more = new TreeMap<>(plain);
        more.put(name, password);
        return new BrokerUsers(more, scramSha512);
    }

    /** These users and {@code name}, who authenticates with SASL SCRAM-SHA-512 and {@code password}. */
    public BrokerUsers withScramSha512(String name, String password) {
        Map<String, String> more = new TreeMap<>(scramSha512);
        more.put(name, password);
        return new BrokerUsers(plain, more);
    }

    @Override
    public String toString() {
        return "BrokerUsers[plain=" + new TreeMap<>(plain).keySet() + ", scramSha512="
                + new TreeMap<>(scramSha512).keySet() + "]";
    }
}
