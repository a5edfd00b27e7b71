package dev.fraudplatform.learning.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.core.registry.BundleRegistry;
import dev.fraudplatform.core.registry.RegistryEntry;
import dev.fraudplatform.core.registry.RegistryRefusal;
import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.core.store.ObjectAlreadyExistsException;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.BundleSource;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The registry's bundles in the object store: {@code bundles/<bundle_id>/} holds {@code bundle.json}, the files it
 * names (its model) and its evidence files, sealed by a {@link Manifest} of their SHA-256 digests. Storing is
 * create-if-absent: a bundle id is stored once, with one set of files; storing the same files again is a no-op, other
 * files under a stored id are refused. Loading verifies the manifest, the digests the registry recorded and the
 * model's own digest before a bundle decides anything.
 */
public final class StoredBundles {
    /** Where bundles live in the object store (ARCHITECTURE.md §9). */
    public static final String PREFIX = "bundles";

    /** A bundle as stored: where, and the digests the registry records. */
    public record Stored(String bundleId, String bundleDigest, String manifestDigest, String location) {}

    private final ObjectStore store;

    public StoredBundles(ObjectStore store) {
        this.store = store;
    }

    /** The object-store prefix of {@code bundleId}. */
    public static String location(String bundleId) {
        return PREFIX + "/" + bundleId;
    }

    /**
     * Checks the bundle in {@code directory} without storing anything: it parses ({@link DecisionBundle#parse}), its
     * id is a registry id, and the model it names is present, has the SHA-256 it pins and fits its feature schema.
     *
     * @throws RegistryRefusal saying what is wrong
     */
    public static DecisionBundle verifyDirectory(Path directory) {
        if (!Files.isDirectory(directory)) throw new RegistryRefusal("--bundle " + directory + " is not a directory");
        DecisionBundle bundle;
        try {
            bundle = BundleSource.fromDirectory(directory);
        } catch (IllegalArgumentException e) {
            throw new RegistryRefusal("the bundle in " + directory + " does not load: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new RegistryRefusal("the bundle in " + directory + " cannot be read: " + e.getMessage());
        }
        BundleRegistry.checkBundleId(bundle.id());
        if (bundle.hasModel() && bundle.modelProblem() != null)
            throw new RegistryRefusal("bundle " + bundle.id() + " cannot be registered: " + bundle.modelProblem());
        // A schema naming a feature the loop never computes would be scored with that feature missing, every time.
        java.util.List<String> unknown =
                dev.fraudplatform.decision.features.LoopFeatures.unknown(bundle.featureNames());
        if (!unknown.isEmpty())
            throw new RegistryRefusal("bundle " + bundle.id() + "'s feature schema does not match the loop: it names "
                    + unknown + ", which the loop does not compute");
        return bundle;
    }

    /**
     * Stores the bundle of {@code directory} (every regular file under it, by relative path; not a
     * {@code manifest.json} of its own) under {@code bundles/<bundle_id>} and seals it, after {@link #verifyDirectory}.
     *
     * @throws RegistryRefusal when the bundle does not verify, or its id is stored with other files
     */
    public Stored store(Path directory) {
        DecisionBundle bundle = verifyDirectory(directory);
        String prefix = location(bundle.id());
        Map<String, Path> files = files(directory);
        Map<String, String> hashes = new TreeMap<>();
        files.forEach((rel, path) -> hashes.put(rel, hash(path)));
        if (store.exists(prefix + "/" + Manifest.FILE_NAME)) return sameAsStored(bundle, prefix, hashes);
        for (Map.Entry<String, Path> f : files.entrySet()) {
            String key = prefix + "/" + f.getKey();
            if (store.exists(key)) {
                // an earlier store stopped before sealing: what it left must be these very files
                if (!storedHash(key).equals(hashes.get(f.getKey())))
                    throw new RegistryRefusal("bundle " + bundle.id() + ": " + key
                            + " is stored already with other content; a bundle id names one set of files");
                continue;
            }
            try {
                store.create(key, out -> Files.copy(f.getValue(), out));
            } catch (ObjectAlreadyExistsException raced) {
                if (!storedHash(key).equals(hashes.get(f.getKey())))
                    throw new RegistryRefusal(
                            "bundle " + bundle.id() + ": " + key + " was stored meanwhile with other" + " content");
            }
        }
        for (String key : store.list(prefix + "/")) {
            String rel = key.substring(prefix.length() + 1);
            if (!hashes.containsKey(rel))
                throw new RegistryRefusal(
                        "bundle " + bundle.id() + ": " + key + " is stored already and is not one " + "of its files");
        }
        ObjectNode attributes = Json.MAPPER.createObjectNode();
        attributes.put("bundle_id", bundle.id());
        attributes.put("bundle_digest", bundle.digest());
        try {
            Manifest.seal(store, prefix, attributes);
        } catch (ObjectAlreadyExistsException raced) {
            return sameAsStored(bundle, prefix, hashes);
        }
        return new Stored(bundle.id(), bundle.digest(), Manifest.fingerprint(store, prefix), prefix);
    }

    /** The bundle already sealed at {@code prefix}, when its files are exactly {@code hashes}; else a refusal. */
    private Stored sameAsStored(DecisionBundle bundle, String prefix, Map<String, String> hashes) {
        Map<String, String> stored = new TreeMap<>();
        Manifest.read(store, prefix).entries().forEach((rel, e) -> stored.put(rel, e.sha256()));
        if (!stored.equals(hashes))
            throw new RegistryRefusal("bundle id " + bundle.id() + " is stored already with other files ("
                    + store.locationOf(prefix + "/" + Manifest.FILE_NAME) + "); a changed bundle needs a new id");
        List<String> problems = Manifest.verify(store, prefix);
        if (!problems.isEmpty())
            throw new RegistryRefusal("bundle " + bundle.id() + " is stored but fails its manifest: " + problems);
        return new Stored(bundle.id(), bundle.digest(), Manifest.fingerprint(store, prefix), prefix);
    }

    /**
     * The registered bundle {@code entry}, loaded from the store after checking that its files match their manifest,
     * that the manifest and the bundle are the ones registered, and that its model is usable.
     *
     * @throws RegistryRefusal saying what does not hold
     */
    public DecisionBundle load(RegistryEntry entry) {
        String prefix = entry.location();
        List<String> problems = Manifest.verify(store, prefix);
        if (!problems.isEmpty())
            throw new RegistryRefusal("bundle " + entry.bundleId() + " in the object store fails its manifest: "
                    + String.join("; ", problems));
        String fingerprint = Manifest.fingerprint(store, prefix);
        if (!fingerprint.equals(entry.manifestDigest()))
            throw new RegistryRefusal("bundle " + entry.bundleId() + ": its manifest has SHA-256 " + fingerprint
                    + ", the registry recorded " + entry.manifestDigest());
        DecisionBundle bundle;
        try {
            bundle = BundleSource.fromObjectStore(store, prefix);
        } catch (IllegalArgumentException e) {
            throw new RegistryRefusal("bundle " + entry.bundleId() + " does not load: " + e.getMessage());
        }
        if (!bundle.id().equals(entry.bundleId()) || !bundle.digest().equals(entry.bundleDigest()))
            throw new RegistryRefusal("bundle " + entry.bundleId() + ": the store holds " + bundle.id()
                    + " with digest " + bundle.digest() + ", the registry recorded " + entry.bundleDigest());
        if (bundle.hasModel() && bundle.modelProblem() != null)
            throw new RegistryRefusal("bundle " + entry.bundleId() + ": " + bundle.modelProblem());
        return bundle;
    }

    /** The stored {@code bundle.json} of {@code entry}, as JSON (its evidence is what the gates read). */
    public JsonNode bundleJson(RegistryEntry entry) {
        byte[] bytes = store.read(entry.location() + "/" + BundleSource.BUNDLE_FILE);
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new RegistryRefusal("bundle " + entry.bundleId() + ": its bundle.json is not JSON");
        }
    }

    /** Every regular file under {@code directory} by its relative key (not hidden files, not a manifest). */
    private static Map<String, Path> files(Path directory) {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (!Files.isRegularFile(p)) continue;
                String rel = directory
                        .relativize(p)
                        .toString()
                        .replace(p.getFileSystem().getSeparator(), "/");
                if (rel.equals(Manifest.FILE_NAME) || rel.startsWith(".") || rel.contains("/.")) continue;
                try {
                    ObjectStore.checkKey(rel);
                } catch (IllegalArgumentException e) {
                    throw new RegistryRefusal(
                            "bundle file " + p + " has a name the object store does not take (" + e.getMessage() + ")");
                }
                out.put(rel, p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + directory, e);
        }
        return out;
    }

    private static String hash(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.hex(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    private String storedHash(String key) {
        try (InputStream in = store.open(key)) {
            return Sha256.hex(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + key, e);
        }
    }
}
