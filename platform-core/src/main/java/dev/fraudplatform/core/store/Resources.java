package dev.fraudplatform.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Files shipped on the classpath (pages, schemas, documents), read whole. */
public final class Resources {
    private Resources() {}

    /** The bytes of classpath resource {@code name} (no leading slash); fails clearly when it is missing. */
    public static byte[] bytes(String name) {
        try (InputStream in = Resources.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " is missing from the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + name, e);
        }
    }
}
