package dev.fraudplatform.casework.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.labels.LabelValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mapping of a label event's type and reason code to a label value, as {@link LabelIntake} documents it. */
class LabelValueMappingTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "FRAUD_REPORT, CUSTOMER_REPORTED_FRAUD, FRAUD",
        "CHARGE_OFF, CREDIT_LOSS, FRAUD",
        "CHARGEBACK, 10.4, FRAUD",
        "CHARGEBACK, 10.3, FRAUD",
        "CHARGEBACK, 10.5, FRAUD",
        "CHARGEBACK, 4837, FRAUD",
        "CHARGEBACK, 4840, FRAUD",
        "CHARGEBACK, 4849, FRAUD",
        "CHARGEBACK, 4863, FRAUD",
        "CHARGEBACK, 4870, FRAUD",
        "CHARGEBACK, 4871, FRAUD",
        "CHARGEBACK, 13.1, LEGITIMATE",
        "CHARGEBACK, 4853, LEGITIMATE",
        "CHARGEBACK, 100.4, LEGITIMATE",
        "CHARGEBACK, 10., LEGITIMATE",
    })
    void aLabelEventsValueFollowsItsTypeAndReasonCode(String type, String reason, LabelValue expected) {
        assertThat(LabelIntake.valueOf(type, reason)).isEqualTo(expected);
    }

    @Test
    void aChargebackWithoutAReasonCodeIsNoFraudClaim() {
        assertThat(LabelIntake.valueOf("CHARGEBACK", null)).isEqualTo(LabelValue.LEGITIMATE);
    }

    @Test
    void anUnknownLabelTypeIsRefused() {
        assertThatThrownBy(() -> LabelIntake.valueOf("REFUND", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("REFUND");
    }
}
