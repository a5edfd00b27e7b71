package dev.fraudplatform.decision.bundle;

import dev.fraudplatform.core.store.ObjectNotFoundException;
import dev.fraudplatform.core.store.ObjectStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a decision bundle is read from: the classpath (the bundles shipped with the platform), a directory, or a
 * prefix of an {@link ObjectStore}. Each place holds the same layout: {@code bundle.json} and, beside it, the files it
 * names (its model, {@code model.file}). The same files give the same bundle (same id, same digest) wherever they are
 * read from.
 *
 * <p>A missing {@code bundle.json} is an {@link IllegalArgumentException}, as is one that is not a valid bundle. A
 * named file that is missing or unreadable is not: the bundle loads and says why its model cannot be used
 * ({@link DecisionBundle#modelProblem()}). Named files are plain names (letters, digits, {@code ._-}): a bundle
 * cannot reach outside its own place.
 */
public final class BundleSource {
    /** The bundle's own file in its place. */
    public static final String BUNDLE_FILE = "bundle.json";

    private static final String FILE_NAME = "[A-Za-z0-9._-]+";

    private BundleSource() {}

    /** A bundle shipped with the platform: {@code bundles/<id>/bundle.json} on this module's classpath. */
    public static DecisionBundle fromClasspath(String bundleId) {
        if (bundleId == null || !bundleId.matches("[a-z0-9][a-z0-9._-]*"))
            throw new IllegalArgumentException("bad bundle id " + bundleId);
        String base = "/bundles/" + bundleId + "/";
        byte[] json;
        try (InputStream in = BundleSource.class.getResourceAsStream(base + BUNDLE_FILE)) {
            if (in == null) throw new IllegalArgumentException("no bundle " + bundleId);
            json = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return DecisionBundle.parse(json, name -> {
            checkName(name);
            try (InputStream f = BundleSource.class.getResourceAsStream(base + name)) {
                if (f == null) throw new FileNotFoundException(base + name);
                return f.readAllBytes();
            }
        });
    }

    /** The bundle whose {@code bundle.json} and named files are in {@code directory}. */
    public static DecisionBundle fromDirectory(Path directory) {
        Path file = directory.resolve(BUNDLE_FILE);
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no bundle in " + directory + " (no " + BUNDLE_FILE + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        return DecisionBundle.parse(json, name -> {
            checkName(name);
            try {
                return Files.readAllBytes(directory.resolve(name));
            } catch (NoSuchFileException e) {
                throw new FileNotFoundException(directory.resolve(name).toString());
            }
        });
    }

    /**
     * The bundle stored under {@code prefix} in {@code store}: {@code <prefix>/bundle.json} and its named files as
     * {@code <prefix>/<name>}. The prefix is an object key's folder (no leading or trailing {@code /}).
     */
    public static DecisionBundle fromObjectStore(ObjectStore store, String prefix) {
        String jsonKey = prefix + "/" + BUNDLE_FILE;
        ObjectStore.checkKey(jsonKey);
        byte[] json;
        try {
            json = store.read(jsonKey);
        } catch (ObjectNotFoundException e) {
            throw new IllegalArgumentException("no bundle at " + jsonKey + " in " + store.describe());
        }
        return DecisionBundle.parse(json, name -> {
            checkName(name);
            try {
                return store.read(prefix + "/" + name);
            } catch (ObjectNotFoundException e) {
                throw new FileNotFoundException(prefix + "/" + name + " in " + store.describe());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        });
    }

    private static void checkName(String name) throws FileNotFoundException {
        if (!name.matches(FILE_NAME)) throw new FileNotFoundException("bad file name " + name);
    }
}
