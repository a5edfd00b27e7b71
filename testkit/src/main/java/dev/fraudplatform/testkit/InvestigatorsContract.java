package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.cases.Investigators;
import dev.fraudplatform.core.cases.Investigators.Investigator;
import dev.fraudplatform.core.cases.Investigators.Role;
import dev.fraudplatform.core.cases.Investigators.Session;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link Investigators} adapter promises; extend once per adapter with {@link #newInvestigators()}. */
public abstract class InvestigatorsContract {
    protected Investigators investigators;
    /** A user name of its own per test, so adapters backed by a shared server need no cleaning. */
    protected String user;

    /** Investigators over empty (or name-disjoint) storage. */
    protected abstract Investigators newInvestigators() throws Exception;

    @BeforeEach
    void open() throws Exception {
        investigators = newInvestigators();
        user = "u" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private Investigator account(String name, Role role, String hash) {
        return new Investigator(name, role, hash, now());
    }

    private static String hash() {
        return UUID.randomUUID().toString().replace("-", "")
                + UUID.randomUUID().toString().replace("-", "");
    }

    private Session session(String hash, Instant created, Duration lifetime) {
        return new Session(hash, user, "csrf-" + hash.substring(0, 8), created, created.plus(lifetime));
    }

    @Test
    void anAccountIsFoundAsAdded() {
        Investigator added = account(user, Role.LEAD, "pbkdf2-sha256$1$c2FsdA$aGFzaA");
        assertThat(investigators.add(added)).isTrue();
        assertThat(investigators.find(user)).contains(added);
        assertThat(investigators.any()).isTrue();
        assertThat(investigators.find(user + "x")).isEmpty();
    }

    @Test
    void anExistingNameIsNotAddedAgainAndTheFirstAccountStands() {
        Investigator first = account(user, Role.ANALYST, "first-hash");
        assertThat(investigators.add(first)).isTrue();
        assertThat(investigators.add(account(user, Role.LEAD, "second-hash"))).isFalse();
        assertThat(investigators.find(user)).contains(first);
    }

    @Test
    void aMalformedNameIsRefusedAndFindsNothing() {
        assertThatThrownBy(() -> account("Not Allowed", Role.ANALYST, "h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user name");
        assertThat(investigators.find("Not Allowed")).isEmpty();
        assertThat(investigators.find("'; DROP TABLE x; --")).isEmpty();
        assertThat(investigators.find(null)).isEmpty();
    }

    @Test
    void anOpenSessionIsFoundByItsHashUntilClosed() {
        investigators.add(account(user, Role.ANALYST, "h"));
        String h = hash();
        Session s = session(h, now(), Duration.ofHours(8));
        investigators.open(s);
        assertThat(investigators.findSession(h)).contains(s);
        assertThat(investigators.findSession(hash())).isEmpty();

        investigators.close(h);
        assertThat(investigators.findSession(h)).isEmpty();
        investigators.close(h); // a second sign-out changes nothing
        investigators.close(hash()); // nor does one of an unknown session
        assertThat(investigators.findSession(h)).isEmpty();
    }

    @Test
    void anExpiredSessionIsNotFound() {
        investigators.add(account(user, Role.ANALYST, "h"));
        String expired = hash();
        investigators.open(session(expired, now().minus(Duration.ofHours(9)), Duration.ofHours(8)));
        assertThat(investigators.findSession(expired)).isEmpty();
        String live = hash();
        investigators.open(session(live, now().minus(Duration.ofHours(7)), Duration.ofHours(8)));
        assertThat(investigators.findSession(live)).isPresent();
    }

    @Test
    void closingOneSessionLeavesTheUsersOtherSessionsOpen() {
        investigators.add(account(user, Role.ANALYST, "h"));
        String a = hash(), b = hash();
        investigators.open(session(a, now(), Duration.ofHours(8)));
        investigators.open(session(b, now(), Duration.ofHours(8)));
        investigators.close(a);
        assertThat(investigators.findSession(a)).isEmpty();
        assertThat(investigators.findSession(b)).isPresent();
    }

    @Test
    void aSessionOfAnUnknownAccountIsRefused() {
        assertThatThrownBy(() -> investigators.open(session(hash(), now(), Duration.ofHours(8))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(user);
        assertThatThrownBy(() -> new Session(hash(), user, "c", now(), now()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
