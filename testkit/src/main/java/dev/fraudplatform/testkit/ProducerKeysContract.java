package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.ingress.ProducerKeys;
import dev.fraudplatform.core.json.Sha256;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ProducerKeys} adapter promises; extend once per adapter with {@link #newProducerKeys()}. */
public abstract class ProducerKeysContract {
    protected ProducerKeys keys;
    /** A producer id of its own per test, so adapters backed by a shared server need no cleaning. */
    protected String producer;

    /** Producer keys over empty (or producer-disjoint) storage. */
    protected abstract ProducerKeys newProducerKeys() throws Exception;

    @BeforeEach
    void open() throws Exception {
        keys = newProducerKeys();
        producer = "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private List<ProducerKeys.KeyInfo> listed() {
        return keys.list().stream().filter(k -> k.producerId().equals(producer)).toList();
    }

    private static String idOf(String key) {
        return ProducerKeys.keyIdOf(Sha256.hex(key));
    }

    @Test
    void anIssuedKeyNamesItsProducer() {
        String key = keys.issue(producer);
        String other = keys.issue(producer);
        assertThat(key).isNotEqualTo(other);
        assertThat(keys.producerOf(key)).contains(producer);
        assertThat(keys.producerOf(other)).contains(producer);
    }

    @Test
    void aMissingOrUnknownKeyNamesNoProducer() {
        keys.issue(producer);
        assertThat(keys.producerOf(null)).isEmpty();
        assertThat(keys.producerOf("")).isEmpty();
        assertThat(keys.producerOf("fpk_" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void aKeyIsListedByItsIdNeverByItself() {
        String key = keys.issue(producer);
        assertThat(listed()).singleElement().satisfies(k -> {
            assertThat(k.keyId()).isEqualTo(idOf(key)).hasSize(ProducerKeys.KEY_ID_LENGTH);
            assertThat(key).doesNotContain(k.keyId());
            assertThat(k.issuedAt()).isNotNull();
            assertThat(k.revokedAt()).isNull();
            assertThat(k.revokeReason()).isNull();
        });
    }

    @Test
    void keysAreListedOldestFirst() {
        String first = keys.issue(producer);
        String second = keys.issue(producer);
        assertThat(listed()).extracting(ProducerKeys.KeyInfo::keyId).containsExactly(idOf(first), idOf(second));
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndStaysListed() {
        String key = keys.issue(producer);
        String other = keys.issue(producer);
        ProducerKeys.KeyInfo revoked = keys.revoke(idOf(key), "leaked in a log");
        assertThat(revoked.keyId()).isEqualTo(idOf(key));
        assertThat(revoked.revokedAt()).isNotNull();
        assertThat(revoked.revokeReason()).isEqualTo("leaked in a log");
        assertThat(keys.producerOf(key)).isEmpty();
        assertThat(keys.producerOf(other)).contains(producer);
        assertThat(listed())
                .hasSize(2)
                .filteredOn(k -> k.keyId().equals(idOf(key)))
                .singleElement()
                .satisfies(k -> {
                    assertThat(k.revokedAt()).isNotNull();
                    assertThat(k.revokeReason()).isEqualTo("leaked in a log");
                });
    }

    @Test
    void aKeyIsRevokedByALongerPrefixOfItsHashToo() {
        String key = keys.issue(producer);
        keys.revoke(Sha256.hex(key).substring(0, 20), "rotated");
        assertThat(keys.producerOf(key)).isEmpty();
    }

    @Test
    void aRevocationIsRefusedForAKeyRevokedAlreadyUnknownOrMalformed() {
        String key = keys.issue(producer);
        keys.revoke(idOf(key), "once");
        assertThatThrownBy(() -> keys.revoke(idOf(key), "again"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already revoked");
        assertThat(listed())
                .singleElement()
                .satisfies(k -> assertThat(k.revokeReason()).isEqualTo("once"));
        assertThatThrownBy(() -> keys.revoke("0000000000000", "none"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no key");
        assertThatThrownBy(() -> keys.revoke("'; DROP", "bad")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMalformedProducerIdIsRefused() {
        assertThatThrownBy(() -> keys.issue("no spaces allowed")).isInstanceOf(IllegalArgumentException.class);
        assertThat(keys.list()).noneMatch(k -> k.producerId().equals("no spaces allowed"));
    }
}
