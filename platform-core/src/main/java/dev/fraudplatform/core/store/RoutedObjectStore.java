package dev.fraudplatform.core.store;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One key space over several stores, by the key's first segment: {@code oracle/...} to the store given for
 * {@code oracle}, every root not given to the fallback. So each plane's objects can live in a bucket of their own
 * (its own expiry, its own grants) while every caller sees one {@link ObjectStore}. The keys are the same in every
 * store: an object keeps its whole key wherever it lives. Thread-safe when its stores are.
 */
public final class RoutedObjectStore implements ObjectStore {
    private final ObjectStore fallback;
    private final Map<String, ObjectStore> byRoot;

    /**
     * @param fallback the store of every key whose root is not in {@code byRoot}
     * @param byRoot   a key's first segment (no {@code /}) to the store of its keys
     */
    public RoutedObjectStore(ObjectStore fallback, Map<String, ObjectStore> byRoot) {
        this.fallback = fallback;
        for (String root : byRoot.keySet())
            if (root.isEmpty() || root.contains("/")) throw new IllegalArgumentException("bad root: " + root);
        this.byRoot = new LinkedHashMap<>(byRoot);
    }

    /** The store of {@code key} (or of every key under the prefix {@code key}). */
    public ObjectStore storeOf(String key) {
        int slash = key.indexOf('/');
        return byRoot.getOrDefault(slash < 0 ? key : key.substring(0, slash), fallback);
    }

    /** Every distinct store, the fallback first. */
    public List<ObjectStore> stores() {
        List<ObjectStore> out = new ArrayList<>();
        out.add(fallback);
        for (ObjectStore s : byRoot.values()) if (!out.contains(s)) out.add(s);
        return out;
    }

    @Override
    public void create(String key, ContentWriter writer) {
        storeOf(key).create(key, writer);
    }

    @Override
    public InputStream open(String key) throws ObjectNotFoundException {
        return storeOf(key).open(key);
    }

    @Override
    public boolean exists(String key) {
        return storeOf(key).exists(key);
    }

    /**
     * Every key under {@code prefix}: from its root's store when the prefix names a root ({@code oracle/w-1/}, or
     * {@code oracle} itself); from every store, merged in order, when it names none (the empty prefix, or a partial
     * root such as {@code or}).
     */
    @Override
    public List<String> list(String prefix) {
        int slash = prefix.indexOf('/');
        if (slash >= 0 || byRoot.containsKey(prefix)) return storeOf(prefix).list(prefix);
        TreeSet<String> all = new TreeSet<>();
        for (ObjectStore s : stores()) for (String k : s.list(prefix)) if (storeOf(k) == s) all.add(k);
        return List.copyOf(all);
    }

    @Override
    public long size(String key) {
        return storeOf(key).size(key);
    }

    @Override
    public Optional<java.nio.file.Path> localPath(String key) {
        return storeOf(key).localPath(key);
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder(fallback.describe());
        byRoot.forEach((root, s) -> b.append(", ").append(root).append("/ in ").append(s.describe()));
        return b.toString();
    }

    @Override
    public String locationOf(String key) {
        return storeOf(key).locationOf(key);
    }
}
