package dev.fraudplatform.core.decision;

import dev.fraudplatform.core.json.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The decision-log digest: SHA-256 over each decision's content digest, taken in decision-id order
 * ({@code SHA-256(decisionId_1 ":" contentDigest_1 "\n" decisionId_2 ...)}); decision ids are a function of
 * (event class, event id). Run ids and wall-clock times stay outside it, so two runs of one world with one bundle
 * and one config can be compared.
 *
 * <p>Accumulates one decision per decision id; adding a second, different decision with the same id is an error
 * (the log would not be a function of the events), and adding the same one again is a no-op.
 * Not thread-safe.
 */
public final class DecisionLogDigest {
    private final Map<String, String> contentByEvent = new HashMap<>();

    /** Adds a decision; returns false when the same decision was already present. */
    public boolean add(Decision decision) {
        String digest = decision.contentDigest();
        String previous = contentByEvent.putIfAbsent(decision.decisionId(), digest);
        if (previous != null && !previous.equals(digest)) {
            throw new ConflictingDecisionException(decision.decisionId());
        }
        return previous == null;
    }

    /** Two different decisions carry one decision id: the log is not a function of the events. */
    public static final class ConflictingDecisionException extends IllegalStateException {
        public ConflictingDecisionException(String decisionId) {
            super("two different decisions with id " + decisionId);
        }
    }

    public int size() {
        return contentByEvent.size();
    }

    public String digest() {
        List<Map.Entry<String, String>> entries = new ArrayList<>(contentByEvent.entrySet());
        entries.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        MessageDigest md = Sha256.newDigest();
        for (Map.Entry<String, String> e : entries) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) ':');
            md.update(e.getValue().getBytes(StandardCharsets.US_ASCII));
            md.update((byte) '\n');
        }
        return Sha256.toHex(md.digest());
    }
}
