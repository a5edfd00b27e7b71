package dev.fraudplatform.rtdl.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.decision.features.EntityState;
import dev.fraudplatform.decision.features.OnlineFeatures;
import dev.fraudplatform.decision.features.TxnEvent;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The account and card states of one account task's accounts (OFP), in the account state store as {@code run|A|account}
 * and {@code run|C|card}, and which transactions were decided, as {@code seen NUL run NUL class NUL event id}. The
 * formulas are the decision model's ({@link OnlineFeatures}); this part only reads and writes the states. Every method
 * reads a state, changes it and writes it back; store failures are thrown as they come (the task decides what they
 * mean). Used by its task's thread only.
 */
final class AccountFeatures {
    private static final byte[] SEEN = {1};
    private final OnlineFeatures features;
    private final KeyValueStore<String, byte[]> states;

    AccountFeatures(OnlineFeatures features, KeyValueStore<String, byte[]> states) {
        this.features = features;
        this.states = states;
    }

    /**
     * Marks the transaction as decided; false when it was already (the bus carries it twice: a gate retry after a
     * publish whose receipt was lost).
     */
    boolean firstSighting(TxnEvent x) {
        String seenKey = "seen\u0000" + x.runId() + "\u0000" + x.eventClass() + "\u0000" + x.eventId();
        if (states.get(seenKey) != null) return false;
        states.put(seenKey, SEEN);
        return true;
    }

    /**
     * Adds the transaction's account and card features to {@code f} and applies it to both states. Returns when the
     * account was labelled fraudulent (event-time millis), or -1.
     */
    long onTransaction(TxnEvent x, ObjectNode f) {
        String accountKey = x.runId() + "|A|" + x.account();
        EntityState account = EntityState.decode(states.get(accountKey));
        features.account(account, x, f);
        states.put(accountKey, account.encode());
        Long label = account.mark(OnlineFeatures.FRAUD_LABEL);
        long accountLabelled = label == null ? -1 : label;
        if (x.card() != null) {
            String cardKey = x.runId() + "|C|" + x.card();
            EntityState card = EntityState.decode(states.get(cardKey));
            features.card(card, x, f);
            states.put(cardKey, card.encode());
        }
        return accountLabelled;
    }

    /** Keeps a context event's marks on the account at {@code t}: password reset, email change, failed login. */
    void onContext(String run, String account, String eventClass, JsonNode payload, long t) {
        String accountKey = run + "|A|" + account;
        EntityState s = EntityState.decode(states.get(accountKey));
        String change = payload.path("change").asText("");
        if ("PASSWORD_RESET".equals(change)) OnlineFeatures.mark(s, OnlineFeatures.PASSWORD_RESET, t);
        if ("EMAIL".equals(change)) {
            OnlineFeatures.mark(s, OnlineFeatures.EMAIL_CHANGE, t);
            s.link("email", payload.path("new_email_domain").asText(null), t);
        }
        if ("ctx.login".equals(eventClass)
                && !"SUCCESS".equals(payload.path("outcome").asText())) {
            OnlineFeatures.mark(s, OnlineFeatures.FAILED_LOGIN, t);
        }
        states.put(accountKey, s.encode());
    }

    /**
     * Marks the account and its card ({@code card} may be null) fraudulent at the label's observed time (the earliest
     * mark stays). Returns the account's state, whose devices and IPs the label reaches next.
     */
    EntityState onLabel(String run, String account, String card, long observed) {
        String accountKey = run + "|A|" + account;
        EntityState s = EntityState.decode(states.get(accountKey));
        s.markEarliest(OnlineFeatures.FRAUD_LABEL, observed);
        states.put(accountKey, s.encode());
        if (card != null) {
            String cardKey = run + "|C|" + card;
            EntityState c = EntityState.decode(states.get(cardKey));
            c.markEarliest(OnlineFeatures.FRAUD_LABEL, observed);
            states.put(cardKey, c.encode());
        }
        return s;
    }

    /** Adds the account's and card's marks as of the frame's time to its features, as it is decided. */
    void addMarks(PendingFrame p) {
        EntityState account = EntityState.decode(states.get(p.run + "|A|" + p.account));
        EntityState card = p.card == null ? null : EntityState.decode(states.get(p.run + "|C|" + p.card));
        OnlineFeatures.marks(account, card, p.timeMs, p.features);
    }
}
