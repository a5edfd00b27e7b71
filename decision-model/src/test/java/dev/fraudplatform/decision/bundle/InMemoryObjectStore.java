package dev.fraudplatform.decision.bundle;

import dev.fraudplatform.core.store.ObjectAlreadyExistsException;
import dev.fraudplatform.core.store.ObjectNotFoundException;
import dev.fraudplatform.core.store.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An {@link ObjectStore} in memory, so bundle loading is tested without files ({@link InMemoryObjectStoreTest} holds
 * it to the port's contract). Lives as long as the test that made it.
 */
final class InMemoryObjectStore implements ObjectStore {
    private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

    @Override
    public void create(String key, ContentWriter writer) {
        ObjectStore.checkKey(key);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + key, e);
        }
        if (objects.putIfAbsent(key, out.toByteArray()) != null) throw new ObjectAlreadyExistsException(key);
    }

    @Override
    public InputStream open(String key) {
        ObjectStore.checkKey(key);
        byte[] b = objects.get(key);
        if (b == null) throw new ObjectNotFoundException(key);
        return new ByteArrayInputStream(b);
    }

    @Override
    public boolean exists(String key) {
        ObjectStore.checkKey(key);
        return objects.containsKey(key);
    }

    @Override
    public List<String> list(String prefix) {
        return objects.tailMap(prefix).keySet().stream()
                .takeWhile(k -> k.startsWith(prefix))
                .toList();
    }

    @Override
    public long size(String key) {
        ObjectStore.checkKey(key);
        byte[] b = objects.get(key);
        if (b == null) throw new ObjectNotFoundException(key);
        return b.length;
    }

    @Override
    public String describe() {
        return "memory";
    }
}
