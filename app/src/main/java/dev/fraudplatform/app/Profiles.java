package dev.fraudplatform.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The environment ladder as named profiles (ARCHITECTURE.md §1): {@code deploy/profiles/<name>.properties}, packed
 * into the {@code fp} jar under {@code profiles/}. A profile is a flat set of known keys ({@link #KEYS}); each key's
 * environment variable ({@link #envName}) overrides it. A profile file never holds a secret: a key that names one is
 * refused, and the secret comes from the environment. {@code required} lists the keys that must end up set, by the
 * file or by the environment.
 */
public final class Profiles {
    /** The profile when none is named: everything in one JVM. */
    public static final String DEFAULT = "local_parity";

    /** The profiles the platform ships, down the ladder. */
    public static final List<String> SHIPPED = List.of("local_parity", "local", "dev_min", "dev_full");

    /** Every key a profile may set, besides the {@code kafka.security.*}, {@code kafka.sasl.*}, {@code kafka.ssl.*}. */
    public static final Set<String> KEYS = Set.of(
            "servers",
            "home",
            "kafka.bootstrap",
            "pg.url",
            "redis.url",
            "partitions",
            "stream.threads",
            "batch",
            "lanes",
            "gate.port",
            "gate.host",
            "gate.max.loop.backlog",
            "gate.max.open",
            "gate.max.open.per.producer",
            "join.wait.ms",
            "commit.ms",
            "ops.port",
            "console.port",
            "otlp.endpoint",
            "trace.ratio",
            "roles",
            "gate.url",
            "store",
            "s3.endpoint",
            "s3.region",
            "s3.bucket",
            "s3.bucket.oracle",
            "s3.bucket.archive",
            "s3.bucket.quarantine",
            "s3.prefix",
            "s3.path.style",
            "s3.credentials",
            "required");

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,40}");
    /** A password inside a URL: {@code password=...} as a parameter, or {@code user:password@} before the host. */
    private static final Pattern URL_SECRET = Pattern.compile("(?i)[?&;]password=|//[^/@:\\s]+:[^/@\\s]+@");

    private Profiles() {}

    /**
     * One profile's settings.
     *
     * @param name     its name (a file's profile is named after the file)
     * @param file     where it was read from, for messages; null for the built-in default when no file exists
     * @param values   key to value, as written (a blank value sets nothing)
     * @param required the keys that must be set, by the file or the environment
     */
    public record Profile(String name, String file, Map<String, String> values, List<String> required) {}

    /** {@code kafka.bootstrap} → {@code FP_KAFKA_BOOTSTRAP}. */
    public static String envName(String key) {
        return "FP_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** {@code FP_KAFKA_SASL_MECHANISM} → {@code kafka.sasl.mechanism}; null for a name outside {@code FP_}. */
    public static String keyOf(String envName) {
        if (!envName.startsWith("FP_") || envName.length() == 3) return null;
        return envName.substring(3).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** A key of how Kafka clients authenticate, handed whole to the Kafka adapter. */
    public static boolean isKafkaSecurityKey(String key) {
        return key.startsWith("kafka.security.") || key.startsWith("kafka.sasl.") || key.startsWith("kafka.ssl.");
    }

    /** May a value under {@code key} be a credential (a password, a secret, a token, a key)? A name of one is not. */
    static boolean namesASecret(String key) {
        if (key.endsWith(".env")) return false;
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("secret")
                || k.contains("token")
                || k.contains("jaas")
                || k.endsWith(".key")
                || k.contains("access.key");
    }

    /**
     * The profile {@code nameOrFile}: a shipped profile's name, or the path of a {@code .properties} file.
     *
     * @throws IllegalArgumentException in one line: no such profile, an unreadable file, an unknown key, a secret
     */
    public static Profile load(String nameOrFile) {
        boolean isFile = nameOrFile.contains("/") || nameOrFile.endsWith(".properties");
        Properties props = new Properties();
        String source;
        String name;
        if (isFile) {
            Path file = Path.of(nameOrFile);
            source = file.toString();
            String fileName = file.getFileName().toString();
            name = fileName.endsWith(".properties") ? fileName.substring(0, fileName.length() - 11) : fileName;
            if (!Files.isRegularFile(file))
                throw new IllegalArgumentException("profile file " + file + " does not exist");
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("profile file " + file + " cannot be read: " + e.getMessage());
            }
        } else {
            name = nameOrFile.trim();
            if (!NAME.matcher(name).matches())
                throw new IllegalArgumentException(
                        "a profile name is lower case letters, digits and _, was '" + nameOrFile + "'");
            source = "deploy/profiles/" + name + ".properties";
            try (InputStream in = Profiles.class.getResourceAsStream("/profiles/" + name + ".properties")) {
                if (in == null)
                    throw new IllegalArgumentException("unknown profile '" + name + "': the profiles are "
                            + String.join(", ", SHIPPED) + ", or the path of a .properties file");
                props.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalArgumentException("profile " + name + " cannot be read: " + e.getMessage());
            }
        }
        Map<String, String> values = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            if (!KEYS.contains(key) && !isKafkaSecurityKey(key))
                throw new IllegalArgumentException(
                        "profile " + name + " names an unknown key '" + key + "' (" + source + ")");
            if (namesASecret(key))
                throw new IllegalArgumentException("profile " + name + " holds a secret under '" + key
                        + "': secrets come from the environment only (" + envName(key) + ")");
            String value = props.getProperty(key).trim();
            if (URL_SECRET.matcher(value).find())
                throw new IllegalArgumentException("profile " + name + " holds a password in '" + key
                        + "': secrets come from the environment only (give the whole URL in " + envName(key)
                        + ", or the password in its own variable)");
            values.put(key, value);
        }
        List<String> required = new ArrayList<>();
        String req = values.remove("required");
        if (req != null && !req.isBlank()) {
            for (String key : Arrays.stream(req.split(",")).map(String::trim).toList()) {
                if (!KEYS.contains(key) && !isKafkaSecurityKey(key))
                    throw new IllegalArgumentException(
                            "profile " + name + " requires an unknown key '" + key + "' (" + source + ")");
                required.add(key);
            }
        }
        return new Profile(name, source, values, List.copyOf(required));
    }
}
