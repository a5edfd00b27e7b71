package dev.fraudplatform.decision.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.decision.features.EntityEvent;
import dev.fraudplatform.decision.features.EntityState;
import dev.fraudplatform.decision.features.OnlineFeatures;

/**
 * The identity and entity graph (IEG): links between accounts, cards, devices, IPs, emails and merchants, kept on
 * the entity at each end (an account remembers its devices, IPs, cards, merchants and email domains; a device and an
 * IP remember their accounts and cards; a merchant its cards), and the graph features of a transaction at time t:
 * <ul>
 *   <li>{@code device_distinct_accounts_24h} = COUNT DISTINCT(account linked to the device, last seen in
 *       (t - 24 h, t]), at most 32</li>
 *   <li>{@code device_linked_fraud_label} = 1 if an account linked to the device carries a fraud label observed at
 *       or before t</li>
 *   <li>{@code ip_distinct_cards_1h} = COUNT DISTINCT(card seen from the IP in (t - 1 h, t]), at most 32</li>
 *   <li>{@code ip_distinct_accounts_24h} = COUNT DISTINCT(account seen from the IP in (t - 24 h, t]), at most 32</li>
 *   <li>{@code ip_linked_fraud_label} = 1 if an account linked to the IP carries a fraud label observed at or
 *       before t</li>
 * </ul>
 * plus each entity's windows ({@code device_txn_count_1h}, ...; see {@link OnlineFeatures}). Labels arrive on
 * {@code fp.traffic} with the account's other events: the account is marked, and the mark travels to every device and IP the
 * account is linked to; a device or IP first linked to an account after its label learns it from the transaction.
 */
public final class EntityGraph {
    private EntityGraph() {}

    /** Applies an event to a merchant, device or IP and returns its features (none for a label). */
    public static ObjectNode apply(EntityState s, EntityEvent e, ObjectNode f) {
        if (e.accountLabelledMs() >= 0) s.markEarliest(OnlineFeatures.FRAUD_LABEL, e.accountLabelledMs());
        if (e.type() == EntityEvent.Type.LABEL) return f;
        long t = e.timeMs();
        switch (e.kind()) {
            case MERCHANT -> OnlineFeatures.merchant(s, e, f);
            case DEVICE -> {
                OnlineFeatures.entityWindows("device_", s, t, e.amount(), f);
                s.link("account", e.account(), t);
                s.link("card", e.card(), t);
                f.put("device_distinct_accounts_24h", s.distinct("account", t, EntityState.DAY));
                f.put("device_linked_fraud_label", linkedLabel(s, t));
            }
            case IP -> {
                OnlineFeatures.entityWindows("ip_", s, t, e.amount(), f);
                s.link("account", e.account(), t);
                s.link("card", e.card(), t);
                f.put("ip_distinct_cards_1h", s.distinct("card", t, EntityState.HOUR));
                f.put("ip_distinct_accounts_24h", s.distinct("account", t, EntityState.DAY));
                f.put("ip_linked_fraud_label", linkedLabel(s, t));
            }
        }
        return f;
    }

    private static int linkedLabel(EntityState s, long t) {
        Long m = s.mark(OnlineFeatures.FRAUD_LABEL);
        return m != null && m <= t ? 1 : 0;
    }
}
