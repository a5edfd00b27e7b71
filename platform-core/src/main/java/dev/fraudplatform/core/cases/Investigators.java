package dev.fraudplatform.core.cases;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Port: the investigators' accounts and their console sessions. An account is written once and never changed (a
 * password change or a role change is a new account name, by design small); a session is opened at sign-in and ends
 * when it expires or is closed at sign-out, and a closed session stays closed. The store keeps only hashes: the
 * password's (a salted key-derivation hash, made by the caller) and the session token's (SHA-256 of the cookie, made
 * by the caller), so a copy of the database signs no one in. Thread-safe.
 */
public interface Investigators {

    /** What an investigator may do in the console. */
    enum Role {
        /** Works cases: may assign a case to themself, change its state, note, dispose and close it. */
        ANALYST,
        /** An analyst who may also assign a case to anyone. */
        LEAD
    }

    /** A user name: 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter. */
    Pattern USERNAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    /**
     * An investigator's account.
     *
     * @param passwordHash the password's hash as {@code PasswordHashing} encodes it (never the password)
     */
    record Investigator(String username, Role role, String passwordHash, Instant createdAt) {
        public Investigator {
            checkUsername(username);
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(passwordHash, "passwordHash");
            Objects.requireNonNull(createdAt, "createdAt");
        }
    }

    /**
     * A signed-in session.
     *
     * @param sessionHash SHA-256 (hex) of the session cookie's value; the cookie itself is never stored
     * @param csrfToken   the token every state-changing request of the session must carry
     */
    record Session(String sessionHash, String username, String csrfToken, Instant createdAt, Instant expiresAt) {
        public Session {
            Objects.requireNonNull(sessionHash, "sessionHash");
            checkUsername(username);
            Objects.requireNonNull(csrfToken, "csrfToken");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(expiresAt, "expiresAt");
            if (!expiresAt.isAfter(createdAt)) throw new IllegalArgumentException("a session expires after it opens");
        }
    }

    /** Refuses a malformed user name with a one-line reason. */
    static String checkUsername(String username) {
        if (username == null || !USERNAME.matcher(username).matches())
            throw new IllegalArgumentException("a user name is 1-64 lower-case letters, digits, '.', '_' or '-', "
                    + "starting with a letter: " + username);
        return username;
    }

    /** Adds the account; false (and nothing written) when an account of that name exists. */
    boolean add(Investigator investigator);

    Optional<Investigator> find(String username);

    /** Whether any account exists (a console without one cannot be signed into). */
    boolean any();

    /** Records a new session of an existing account. */
    void open(Session session);

    /**
     * The session of that hash if it is neither expired (at the store's clock) nor closed. (Named apart from
     * {@link #find(String)}, which takes a user name.)
     */
    Optional<Session> findSession(String sessionHash);

    /** Ends the session (sign-out); closing one already closed or unknown does nothing. */
    void close(String sessionHash);
}
