package dev.fraudplatform.casework.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Investigators' password hashes: PBKDF2 with HMAC-SHA256 (the JDK's), a random 16-byte salt per password and a
 * 32-byte key, encoded {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (salt and hash in unpadded Base64). The
 * iteration count travels in the encoding, so hashes made with an older count still verify after it is raised.
 * Verification compares in constant time. Stateless and thread-safe.
 */
public final class PasswordHashing {
    /**
     * Iterations for new hashes (OWASP's 2021 figure for PBKDF2-HMAC-SHA256): a guess from a stolen hash costs about
     * 70 ms of a core here, while a sign-in on the platform's 2-core box stays under 150 ms.
     */
    public static final int ITERATIONS = 310_000;

    /** The shortest password an account takes. */
    public static final int MIN_PASSWORD_LENGTH = 12;

    /** The longest password taken (PBKDF2 hashes any length; a cap keeps a request from costing more than a hash). */
    public static final int MAX_PASSWORD_LENGTH = 256;

    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int KEY_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    /** Verified against when the user is unknown, so that the answer takes as long as for a known one. */
    private static final String DECOY = hash("decoy password, never anyone's");

    private PasswordHashing() {}

    /** Refuses a password shorter than {@value #MIN_PASSWORD_LENGTH} or longer than {@value #MAX_PASSWORD_LENGTH}. */
    public static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH)
            throw new IllegalArgumentException("a password has at least " + MIN_PASSWORD_LENGTH + " characters");
        if (password.length() > MAX_PASSWORD_LENGTH)
            throw new IllegalArgumentException("a password has at most " + MAX_PASSWORD_LENGTH + " characters");
    }

    /** A new hash of {@code password} with a fresh salt. */
    public static String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return SCHEME + "$" + ITERATIONS + "$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(derive(password, salt, ITERATIONS, KEY_BITS));
    }

    /**
     * Whether {@code password} matches {@code encoded}; false for a malformed hash or a null password, never an
     * exception. With a null {@code encoded} (an unknown user) it still spends one hash's time, and answers false.
     */
    public static boolean verify(String password, String encoded) {
        if (encoded == null) {
            verify("x".repeat(MIN_PASSWORD_LENGTH), DECOY);
            return false;
        }
        if (password == null || password.length() > MAX_PASSWORD_LENGTH) return false;
        String[] parts = encoded.split("\\$");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) return false;
        int iterations;
        byte[] salt, expected;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = B64D.decode(parts[2]);
            expected = B64D.decode(parts[3]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (iterations < 1 || iterations > 10_000_000 || salt.length == 0 || expected.length == 0) return false;
        byte[] actual = derive(password, salt, iterations, expected.length * 8);
        return MessageDigest.isEqual(actual, expected);
    }

    /** Constant-time equality of two strings (tokens), false when either is null. */
    public static boolean sameToken(String a, String b) {
        if (a == null || b == null) return false;
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] derive(String password, byte[] salt, int iterations, int bits) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bits);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK: " + e.getMessage(), e);
        } finally {
            spec.clearPassword();
        }
    }
}
