package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectAlreadyExistsException;
import dev.fraudplatform.core.store.ObjectNotFoundException;
import dev.fraudplatform.core.store.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ObjectStore} adapter keeps. Extend once per adapter and return a fresh, empty
 * store from {@link #newStore()}.
 */
public abstract class ObjectStoreContract {
    protected ObjectStore store;

    protected abstract ObjectStore newStore() throws Exception;

    @BeforeEach
    void setUpStore() throws Exception {
        store = newStore();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void createThenReadReturnsTheSameBytes() {
        store.create("a/b/c.txt", utf8("hello"));
        assertThat(store.read("a/b/c.txt")).isEqualTo(utf8("hello"));
        assertThat(store.exists("a/b/c.txt")).isTrue();
        assertThat(store.size("a/b/c.txt")).isEqualTo(5);
    }

    @Test
    void secondCreateOfTheSameKeyFailsAndNeverOverwrites() {
        store.create("k.txt", utf8("first"));
        assertThatThrownBy(() -> store.create("k.txt", utf8("second")))
                .isInstanceOf(ObjectAlreadyExistsException.class);
        assertThat(store.read("k.txt")).isEqualTo(utf8("first"));
    }

    @Test
    void concurrentCreatesOfOneKeyLetExactlyOneWin() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String content = "writer-" + i;
                Callable<Boolean> task = () -> {
                    try {
                        store.create("race/key", utf8(content));
                        return true;
                    } catch (ObjectAlreadyExistsException e) {
                        return false;
                    }
                };
                results.add(pool.submit(task));
            }
            int wins = 0;
            for (Future<Boolean> f : results) wins += f.get() ? 1 : 0;
            assertThat(wins).isEqualTo(1);
            assertThat(new String(store.read("race/key"), StandardCharsets.UTF_8))
                    .startsWith("writer-");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedWriteLeavesNothingBehind() {
        assertThatThrownBy(() -> store.create("broken.bin", out -> {
                    out.write(utf8("partial"));
                    throw new IOException("disk on fire");
                }))
                .isInstanceOf(RuntimeException.class);
        assertThat(store.exists("broken.bin")).isFalse();
        assertThat(store.list("")).doesNotContain("broken.bin");
        store.create("broken.bin", utf8("whole"));
        assertThat(store.read("broken.bin")).isEqualTo(utf8("whole"));
    }

    @Test
    void listByPrefixIsRecursiveAndSorted() {
        store.create("p/2.txt", utf8("2"));
        store.create("p/1.txt", utf8("1"));
        store.create("p/sub/3.txt", utf8("3"));
        store.create("q/4.txt", utf8("4"));
        store.create("p-sibling.txt", utf8("5"));
        assertThat(store.list("p/")).containsExactly("p/1.txt", "p/2.txt", "p/sub/3.txt");
        assertThat(store.list("p/s")).containsExactly("p/sub/3.txt");
        assertThat(store.list("nothing/")).isEmpty();
    }

    @Test
    void missingObjectsAreReportedAsSuch() {
        assertThat(store.exists("nope")).isFalse();
        assertThatThrownBy(() -> store.open("nope")).isInstanceOf(ObjectNotFoundException.class);
        assertThat(store.readIfExists("nope")).isEmpty();
    }

    @Test
    void keysThatEscapeTheStoreAreRefused() {
        assertThatThrownBy(() -> store.create("../evil", utf8("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create("/abs", utf8("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create("a//b", utf8("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create("sp ace", utf8("x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manifestSealsAPrefixAndVerifyNamesEveryChange() {
        store.create("w/views/a.jsonl", utf8("a\n"));
        store.create("w/views/b.jsonl", utf8("b\n"));
        ObjectNode attrs = Json.MAPPER.createObjectNode().put("seed", 7);
        String fingerprint = Manifest.seal(store, "w", attrs);

        assertThat(Manifest.verify(store, "w")).isEmpty();
        assertThat(Manifest.fingerprint(store, "w")).isEqualTo(fingerprint);
        Manifest m = Manifest.read(store, "w");
        assertThat(m.entries()).containsOnlyKeys("views/a.jsonl", "views/b.jsonl");
        assertThat(m.attributes().path("seed").asInt()).isEqualTo(7);
        assertThatThrownBy(() -> Manifest.seal(store, "w", attrs)).isInstanceOf(ObjectAlreadyExistsException.class);

        store.create("w/views/c.jsonl", utf8("c\n"));
        assertThat(Manifest.verify(store, "w")).containsExactly("w/views/c.jsonl: not in the manifest");
    }
}
