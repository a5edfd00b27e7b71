package dev.fraudplatform.substrate.kafka;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How the platform's Kafka clients authenticate to one cluster: a security protocol, a SASL mechanism, the credentials
 * and the TLS trust. Immutable; {@link #clientProperties()} turns it into the Kafka client properties that
 * {@link KafkaSettings#secured} adds to every producer, consumer, admin client and Kafka Streams application.
 *
 * <p>Secrets come from the environment only: a profile names the environment variables, never the secret. The value
 * keeps each secret beside the name of the variable it came from, so that every message can name the variable and
 * none ever shows the value. {@link #toString()} shows no credential.
 *
 * <h2>Settings read by {@link #fromSettings}</h2>
 *
 * <table>
 *   <caption>Keys (flat, in a profile or overridden by the environment)</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code kafka.security.protocol}</td><td>{@code PLAINTEXT}</td>
 *       <td>{@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}</td></tr>
 *   <tr><td>{@code kafka.sasl.mechanism}</td><td>none</td>
 *       <td>{@code PLAIN}, {@code SCRAM-SHA-256}, {@code SCRAM-SHA-512} or {@code AWS_MSK_IAM}; required with a
 *       {@code SASL_*} protocol, refused without one</td></tr>
 *   <tr><td>{@code kafka.sasl.username.env}</td><td>{@code FP_KAFKA_USERNAME}</td>
 *       <td>the environment variable holding the user name (Confluent Cloud: the API key); PLAIN and SCRAM</td></tr>
 *   <tr><td>{@code kafka.sasl.password.env}</td><td>{@code FP_KAFKA_PASSWORD}</td>
 *       <td>the environment variable holding the password (Confluent Cloud: the API secret); PLAIN and SCRAM</td></tr>
 *   <tr><td>{@code kafka.ssl.truststore.location}</td><td>none (the JVM's trusted CAs)</td>
 *       <td>a trust store file; {@code SSL} and {@code SASL_SSL} only</td></tr>
 *   <tr><td>{@code kafka.ssl.truststore.type}</td><td>Kafka's ({@code JKS})</td>
 *       <td>{@code JKS}, {@code PKCS12} or {@code PEM}; only with a location</td></tr>
 *   <tr><td>{@code kafka.ssl.truststore.password.env}</td><td>{@code FP_KAFKA_TRUSTSTORE_PASSWORD} if set</td>
 *       <td>the environment variable holding the trust store's password; when the key is given, the variable must be
 *       set</td></tr>
 *   <tr><td>{@code kafka.ssl.endpoint.identification.algorithm}</td><td>Kafka's ({@code https})</td>
 *       <td>{@code https}, or {@code none} to skip host name verification (test clusters only)</td></tr>
 * </table>
 *
 * Any other key under {@code kafka.security.}, {@code kafka.sasl.} or {@code kafka.ssl.} is refused (a misspelt key
 * would otherwise silently leave a cluster unauthenticated). Keys elsewhere under {@code kafka.} are not this
 * class's and are ignored.
 *
 * <p>{@code AWS_MSK_IAM} (MSK Serverless) takes no user name or password: the AWS credentials come from the default
 * provider chain (in ECS, the task role) through {@code software.amazon.msk:aws-msk-iam-auth}, which must be on the
 * class path at run time. It needs {@code SASL_SSL}.
 */
public final class KafkaSecurity {
    public static final String PROTOCOL_KEY = "kafka.security.protocol";
    public static final String MECHANISM_KEY = "kafka.sasl.mechanism";
    public static final String USERNAME_ENV_KEY = "kafka.sasl.username.env";
    public static final String PASSWORD_ENV_KEY = "kafka.sasl.password.env";
    public static final String TRUSTSTORE_LOCATION_KEY = "kafka.ssl.truststore.location";
    public static final String TRUSTSTORE_TYPE_KEY = "kafka.ssl.truststore.type";
    public static final String TRUSTSTORE_PASSWORD_ENV_KEY = "kafka.ssl.truststore.password.env";
    public static final String ENDPOINT_IDENTIFICATION_KEY = "kafka.ssl.endpoint.identification.algorithm";

    public static final String DEFAULT_USERNAME_ENV = "FP_KAFKA_USERNAME";
    public static final String DEFAULT_PASSWORD_ENV = "FP_KAFKA_PASSWORD";
    public static final String DEFAULT_TRUSTSTORE_PASSWORD_ENV = "FP_KAFKA_TRUSTSTORE_PASSWORD";

    private static final Set<String> KEYS = Set.of(
            PROTOCOL_KEY,
            MECHANISM_KEY,
            USERNAME_ENV_KEY,
            PASSWORD_ENV_KEY,
            TRUSTSTORE_LOCATION_KEY,
            TRUSTSTORE_TYPE_KEY,
            TRUSTSTORE_PASSWORD_ENV_KEY,
            ENDPOINT_IDENTIFICATION_KEY);

    private static final Set<String> TRUSTSTORE_TYPES = Set.of("JKS", "PKCS12", "PEM");

    /** The transport of every connection: {@code security.protocol}. */
    public enum Protocol {
        PLAINTEXT,
        SSL,
        SASL_PLAINTEXT,
        SASL_SSL;

        public boolean sasl() {
            return this == SASL_PLAINTEXT || this == SASL_SSL;
        }

        public boolean tls() {
            return this == SSL || this == SASL_SSL;
        }

        static Protocol parse(String value) {
            for (Protocol p : values()) if (p.name().equals(value.trim().toUpperCase(Locale.ROOT))) return p;
            throw new IllegalArgumentException(PROTOCOL_KEY + "=" + value + " is not one of "
                    + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
    }

    /** The SASL mechanism: {@code sasl.mechanism}, spelt as Kafka spells it ({@link #kafkaName}). */
    public enum Mechanism {
        PLAIN("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"),
        SCRAM_SHA_256("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule"),
        SCRAM_SHA_512("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule"),
        AWS_MSK_IAM("AWS_MSK_IAM", "software.amazon.msk.auth.iam.IAMLoginModule");

        private final String kafkaName;
        private final String loginModule;

        Mechanism(String kafkaName, String loginModule) {
            this.kafkaName = kafkaName;
            this.loginModule = loginModule;
        }

        /** The name Kafka's {@code sasl.mechanism} takes. */
        public String kafkaName() {
            return kafkaName;
        }

        /** Whether this mechanism takes a user name and password (AWS_MSK_IAM takes AWS credentials instead). */
        public boolean usesPassword() {
            return this != AWS_MSK_IAM;
        }

        static Mechanism parse(String value) {
            for (Mechanism m : values()) if (m.kafkaName.equalsIgnoreCase(value.trim())) return m;
            throw new IllegalArgumentException(MECHANISM_KEY + "=" + value + " is not one of "
                    + Arrays.stream(values()).map(Mechanism::kafkaName).collect(Collectors.joining(", ")));
        }
    }

    /** The MSK IAM login module's callback handler ({@code sasl.client.callback.handler.class}). */
    static final String MSK_IAM_CALLBACK_HANDLER = "software.amazon.msk.auth.iam.IAMClientCallbackHandler";

    private final Protocol protocol;
    private final Mechanism mechanism;
    private final String username;
    private final String usernameEnv;
    private final String password;
    private final String passwordEnv;
    private final String truststoreLocation;
    private final String truststoreType;
    private final String truststorePassword;
    private final String truststorePasswordEnv;
    private final String endpointIdentification;

    private KafkaSecurity(
            Protocol protocol,
            Mechanism mechanism,
            String username,
            String usernameEnv,
            String password,
            String passwordEnv,
            String truststoreLocation,
            String truststoreType,
            String truststorePassword,
            String truststorePasswordEnv,
            String endpointIdentification) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.mechanism = mechanism;
        this.username = username;
        this.usernameEnv = usernameEnv;
        this.password = password;
        this.passwordEnv = passwordEnv;
        this.truststoreLocation = truststoreLocation;
        this.truststoreType = truststoreType;
        this.truststorePassword = truststorePassword;
        this.truststorePasswordEnv = truststorePasswordEnv;
        this.endpointIdentification = endpointIdentification;
        if (protocol.sasl() && mechanism == null)
            throw new IllegalArgumentException(PROTOCOL_KEY + "=" + protocol + " needs " + MECHANISM_KEY + " (one of "
                    + Arrays.stream(Mechanism.values())
                            .map(Mechanism::kafkaName)
                            .collect(Collectors.joining(", "))
                    + ")");
        if (!protocol.sasl() && mechanism != null)
            throw new IllegalArgumentException(MECHANISM_KEY + "=" + mechanism.kafkaName() + " needs " + PROTOCOL_KEY
                    + " SASL_PLAINTEXT or SASL_SSL, not " + protocol);
        if (mechanism == Mechanism.AWS_MSK_IAM && protocol != Protocol.SASL_SSL)
            throw new IllegalArgumentException(
                    "AWS_MSK_IAM needs " + PROTOCOL_KEY + "=SASL_SSL (MSK only offers IAM over TLS), not " + protocol);
        if (mechanism != null && mechanism.usesPassword()) {
            requireSecret(username, usernameEnv, "the user name (Confluent Cloud: the API key)");
            requireSecret(password, passwordEnv, "the password (Confluent Cloud: the API secret)");
        }
        if (!protocol.tls() && (truststoreLocation != null || endpointIdentification != null))
            throw new IllegalArgumentException(
                    (truststoreLocation != null ? TRUSTSTORE_LOCATION_KEY : ENDPOINT_IDENTIFICATION_KEY)
                            + " is set but " + PROTOCOL_KEY + "=" + protocol + " does not use TLS");
        if (truststoreLocation == null && (truststoreType != null || truststorePassword != null))
            throw new IllegalArgumentException((truststoreType != null ? TRUSTSTORE_TYPE_KEY : "a trust store password")
                    + " needs " + TRUSTSTORE_LOCATION_KEY);
        if (truststoreType != null && !TRUSTSTORE_TYPES.contains(truststoreType))
            throw new IllegalArgumentException(TRUSTSTORE_TYPE_KEY + "=" + truststoreType + " is not one of "
                    + String.join(", ", new TreeSet<>(TRUSTSTORE_TYPES)));
        if (endpointIdentification != null
                && !endpointIdentification.isEmpty()
                && !endpointIdentification.equals("https"))
            throw new IllegalArgumentException(
                    ENDPOINT_IDENTIFICATION_KEY + "=" + endpointIdentification + " is not one of https, none");
    }

    private void requireSecret(String value, String env, String what) {
        if (env == null || env.isBlank())
            throw new IllegalArgumentException(protocol + " " + mechanism.kafkaName()
                    + " needs the name of the environment variable holding " + what);
        if (value == null || value.isEmpty())
            throw new IllegalArgumentException(
                    env + " is not set: " + protocol + " " + mechanism.kafkaName() + " needs " + what + " in it");
    }

    /** No authentication, no TLS: the embedded broker and a local cluster. */
    public static KafkaSecurity plaintext() {
        return new KafkaSecurity(Protocol.PLAINTEXT, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * SASL with a user name and password (PLAIN or SCRAM), each given with the name of the environment variable it was
     * read from.
     *
     * @throws IllegalArgumentException if {@code protocol} is not SASL, {@code mechanism} is AWS_MSK_IAM, or a value
     *     is missing (the message names the variable)
     */
    public static KafkaSecurity sasl(
            Protocol protocol,
            Mechanism mechanism,
            String username,
            String usernameEnv,
            String password,
            String passwordEnv) {
        if (mechanism == Mechanism.AWS_MSK_IAM)
            throw new IllegalArgumentException("AWS_MSK_IAM takes no user name or password: use awsMskIam()");
        return new KafkaSecurity(
                protocol,
                Objects.requireNonNull(mechanism, "mechanism"),
                username,
                usernameEnv,
                password,
                passwordEnv,
                null,
                null,
                null,
                null,
                null);
    }

    /** SASL_SSL with AWS IAM (MSK Serverless): AWS credentials from the default provider chain. */
    public static KafkaSecurity awsMskIam() {
        return new KafkaSecurity(
                Protocol.SASL_SSL, Mechanism.AWS_MSK_IAM, null, null, null, null, null, null, null, null, null);
    }

    /**
     * This security trusting the certificates in {@code location} ({@code type} null = Kafka's default JKS), whose
     * password (null if it has none) came from the environment variable {@code passwordEnv}.
     */
    public KafkaSecurity withTruststore(String location, String type, String password, String passwordEnv) {
        if (location == null || location.isBlank())
            throw new IllegalArgumentException(TRUSTSTORE_LOCATION_KEY + " is empty");
        return new KafkaSecurity(
                protocol,
                mechanism,
                username,
                usernameEnv,
                this.password,
                this.passwordEnv,
                location,
                type == null ? null : type.toUpperCase(Locale.ROOT),
                password,
                password == null ? null : Objects.requireNonNull(passwordEnv, "passwordEnv"),
                endpointIdentification);
    }

    /** This security with {@code ssl.endpoint.identification.algorithm}: {@code https}, or {@code ""} for none. */
    public KafkaSecurity withEndpointIdentification(String algorithm) {
        return new KafkaSecurity(
                protocol,
                mechanism,
                username,
                usernameEnv,
                password,
                passwordEnv,
                truststoreLocation,
                truststoreType,
                truststorePassword,
                truststorePasswordEnv,
                Objects.requireNonNull(algorithm, "algorithm"));
    }

    /**
     * The security the {@code kafka.*} {@code settings} describe (keys in the class comment), its secrets read from
     * {@code env} by the variable names the settings give.
     *
     * @throws IllegalArgumentException with one line naming the key or variable at fault, never a secret value
     */
    public static KafkaSecurity fromSettings(Map<String, String> settings, Map<String, String> env) {
        for (String key : settings.keySet()) {
            if ((key.startsWith("kafka.security.") || key.startsWith("kafka.sasl.") || key.startsWith("kafka.ssl."))
                    && !KEYS.contains(key))
                throw new IllegalArgumentException(
                        "unknown setting " + key + " (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
        Protocol protocol = Protocol.parse(settings.getOrDefault(PROTOCOL_KEY, Protocol.PLAINTEXT.name()));
        String mechanismName = blankToNull(settings.get(MECHANISM_KEY));
        Mechanism mechanism = mechanismName == null ? null : Mechanism.parse(mechanismName);
        String usernameEnv = null;
        String passwordEnv = null;
        if (mechanism != null && mechanism.usesPassword()) {
            usernameEnv = settings.getOrDefault(USERNAME_ENV_KEY, DEFAULT_USERNAME_ENV)
                    .trim();
            passwordEnv = settings.getOrDefault(PASSWORD_ENV_KEY, DEFAULT_PASSWORD_ENV)
                    .trim();
        } else {
            for (String key : new String[] {USERNAME_ENV_KEY, PASSWORD_ENV_KEY}) {
                if (settings.containsKey(key))
                    throw new IllegalArgumentException(key + " is set but "
                            + (mechanism == null ? PROTOCOL_KEY + "=" + protocol : "AWS_MSK_IAM")
                            + " takes no user name or password");
            }
        }
        String location = blankToNull(settings.get(TRUSTSTORE_LOCATION_KEY));
        String type = blankToNull(settings.get(TRUSTSTORE_TYPE_KEY));
        String truststorePasswordEnv = blankToNull(settings.get(TRUSTSTORE_PASSWORD_ENV_KEY));
        String truststorePassword = null;
        if (truststorePasswordEnv != null) {
            truststorePassword = blankToNull(env.get(truststorePasswordEnv));
            if (truststorePassword == null)
                throw new IllegalArgumentException(truststorePasswordEnv + " is not set: " + TRUSTSTORE_PASSWORD_ENV_KEY
                        + " names it for the password of " + (location == null ? "the trust store" : location));
        } else if (location != null && blankToNull(env.get(DEFAULT_TRUSTSTORE_PASSWORD_ENV)) != null) {
            truststorePasswordEnv = DEFAULT_TRUSTSTORE_PASSWORD_ENV;
            truststorePassword = env.get(DEFAULT_TRUSTSTORE_PASSWORD_ENV);
        }
        String endpoint = settings.get(ENDPOINT_IDENTIFICATION_KEY);
        if (endpoint != null) {
            endpoint = endpoint.trim();
            if (endpoint.equalsIgnoreCase("none")) endpoint = "";
        }
        return new KafkaSecurity(
                protocol,
                mechanism,
                usernameEnv == null ? null : env.get(usernameEnv),
                usernameEnv,
                passwordEnv == null ? null : env.get(passwordEnv),
                passwordEnv,
                location,
                type == null ? null : type.toUpperCase(Locale.ROOT),
                truststorePassword,
                truststorePasswordEnv,
                endpoint);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The SASL mechanism; empty for PLAINTEXT and SSL. */
    public Optional<Mechanism> mechanism() {
        return Optional.ofNullable(mechanism);
    }

    /** The name of the variable the user name came from; empty unless PLAIN or SCRAM. */
    public Optional<String> usernameEnv() {
        return Optional.ofNullable(usernameEnv);
    }

    /** The name of the variable the password came from; empty unless PLAIN or SCRAM. */
    public Optional<String> passwordEnv() {
        return Optional.ofNullable(passwordEnv);
    }

    public Optional<String> truststoreLocation() {
        return Optional.ofNullable(truststoreLocation);
    }

    /**
     * Where the credentials come from, for messages, no secret: {@code FP_KAFKA_USERNAME/FP_KAFKA_PASSWORD (SASL
     * PLAIN)}, {@code the AWS default credentials (SASL AWS_MSK_IAM)}, or {@code no credentials (PLAINTEXT)}.
     */
    public String credentialSource() {
        if (mechanism == null) return "no credentials (" + protocol + ")";
        if (!mechanism.usesPassword()) return "the AWS default credentials (SASL " + mechanism.kafkaName() + ")";
        return usernameEnv + "/" + passwordEnv + " (SASL " + mechanism.kafkaName() + ")";
    }

    /**
     * The Kafka client properties: {@code security.protocol}; with SASL {@code sasl.mechanism} and
     * {@code sasl.jaas.config} (PLAIN and SCRAM: the login module with the user name and password quoted and escaped;
     * AWS_MSK_IAM: {@code IAMLoginModule required;} and {@code sasl.client.callback.handler.class}); with TLS the trust
     * store and host name verification when set. Holds secrets: give it to {@link KafkaSettings}, never to a log.
     */
    public Map<String, String> clientProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", protocol.name());
        if (mechanism != null) {
            p.put("sasl.mechanism", mechanism.kafkaName());
            if (mechanism.usesPassword()) {
                p.put(
                        "sasl.jaas.config",
                        mechanism.loginModule + " required username=" + jaasQuoted(username) + " password="
                                + jaasQuoted(password) + ";");
            } else {
                p.put("sasl.jaas.config", mechanism.loginModule + " required;");
                p.put("sasl.client.callback.handler.class", MSK_IAM_CALLBACK_HANDLER);
            }
        }
        if (truststoreLocation != null) {
            p.put("ssl.truststore.location", truststoreLocation);
            if (truststoreType != null) p.put("ssl.truststore.type", truststoreType);
            if (truststorePassword != null) p.put("ssl.truststore.password", truststorePassword);
        }
        if (endpointIdentification != null) p.put("ssl.endpoint.identification.algorithm", endpointIdentification);
        return p;
    }

    /**
     * A JAAS option value in double quotes. Kafka's JAAS parser reads quoted values with {@link
     * java.io.StreamTokenizer}, which takes a backslash as an escape: a password may hold quotes, backslashes,
     * semicolons and spaces.
     */
    static String jaasQuoted(String value) {
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** Protocol, mechanism, the variables' names and the trust store's location: never a credential. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("KafkaSecurity[").append(protocol);
        if (mechanism != null) b.append(' ').append(mechanism.kafkaName());
        if (usernameEnv != null)
            b.append(", credentials from ").append(usernameEnv).append('/').append(passwordEnv);
        if (truststoreLocation != null) {
            b.append(", truststore=").append(truststoreLocation);
            if (truststoreType != null) b.append(" (").append(truststoreType).append(')');
            if (truststorePasswordEnv != null) b.append(" password from ").append(truststorePasswordEnv);
        }
        if (endpointIdentification != null)
            b.append(", endpoint identification=")
                    .append(endpointIdentification.isEmpty() ? "none" : endpointIdentification);
        return b.append(']').toString();
    }
}
