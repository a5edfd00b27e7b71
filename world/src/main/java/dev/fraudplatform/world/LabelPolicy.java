package dev.fraudplatform.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;

/**
 * How fraud becomes known, late. Every label has an effective time (when the fraud happened: the transaction's
 * time) and an observed time (when the platform learns it); delays are in days.
 *
 * <p>Settings are not checked for sense here on purpose: a world built with nonsense (a negative delay, which
 * observes a label before its transaction) must be built, and then fail its gate.
 *
 * @param chargebackMinDays  earliest chargeback after the transaction (card schemes: about 5 days)
 * @param chargebackMaxDays  latest chargeback (scheme time limit: 120 days)
 * @param reportMaxDays      customer fraud reports arrive within this many days (from 30 minutes)
 * @param chargeOffMinDays   earliest charge-off of a bust-out account
 * @param chargeOffMaxDays   latest charge-off
 * @param unlabelledShare    share of fraud transactions that are never labelled at all
 */
public record LabelPolicy(
        double chargebackMinDays,
        double chargebackMaxDays,
        double reportMaxDays,
        double chargeOffMinDays,
        double chargeOffMaxDays,
        double unlabelledShare) {

    public static final LabelPolicy DEFAULT = new LabelPolicy(5, 120, 5, 30, 90, 0.15);

    public LabelPolicy {
        if (chargebackMinDays > chargebackMaxDays || chargeOffMinDays > chargeOffMaxDays || reportMaxDays <= 0) {
            throw new IllegalArgumentException("label delay bounds must be ordered (min <= max) and reportMaxDays > 0");
        }
        if (!(unlabelledShare >= 0 && unlabelledShare <= 1))
            throw new IllegalArgumentException("unlabelledShare must be in [0, 1]");
    }

    /** The shortest customer report delay: half an hour. */
    public static final double REPORT_MIN_DAYS = 1.0 / 48;

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("chargeback_min_days", chargebackMinDays);
        n.put("chargeback_max_days", chargebackMaxDays);
        n.put("report_max_days", reportMaxDays);
        n.put("charge_off_min_days", chargeOffMinDays);
        n.put("charge_off_max_days", chargeOffMaxDays);
        n.put("unlabelled_share", unlabelledShare);
        return n;
    }

    /** Reads the fields present in {@code n}, keeping this policy's values for the rest. */
    public LabelPolicy merge(JsonNode n) {
        return new LabelPolicy(
                n.path("chargeback_min_days").asDouble(chargebackMinDays),
                n.path("chargeback_max_days").asDouble(chargebackMaxDays),
                n.path("report_max_days").asDouble(reportMaxDays),
                n.path("charge_off_min_days").asDouble(chargeOffMinDays),
                n.path("charge_off_max_days").asDouble(chargeOffMaxDays),
                n.path("unlabelled_share").asDouble(unlabelledShare));
    }
}
