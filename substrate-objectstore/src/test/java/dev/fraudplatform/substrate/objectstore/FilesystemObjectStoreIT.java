package dev.fraudplatform.substrate.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.testkit.ObjectStoreContract;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The ObjectStore contract on the local filesystem (real disk I/O, hence an IT). */
class FilesystemObjectStoreIT extends ObjectStoreContract {
    private Path dir;

    @Override
    protected ObjectStore newStore() throws Exception {
        dir = Files.createTempDirectory("fp-objstore-");
        return new FilesystemObjectStore(dir);
    }

    @Test
    void verifyDetectsASingleChangedByteBehindTheStoresBack() throws Exception {
        store.create("sealed/data.bin", new byte[] {1, 2, 3, 4});
        Manifest.seal(store, "sealed", dev.fraudplatform.core.json.Json.MAPPER.createObjectNode());
        try (RandomAccessFile f =
                new RandomAccessFile(dir.resolve("sealed/data.bin").toFile(), "rw")) {
            f.seek(2);
            f.write(9);
        }
        assertThat(Manifest.verify(store, "sealed"))
                .containsExactly("sealed/data.bin: SHA-256 differs from the manifest");
    }
}
