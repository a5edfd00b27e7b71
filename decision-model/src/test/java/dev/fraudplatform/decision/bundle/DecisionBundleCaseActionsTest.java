package dev.fraudplatform.decision.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which decisions a bundle turns into cases. */
class DecisionBundleCaseActionsTest {
    private static ObjectNode builtInJson() throws Exception {
        return (ObjectNode)
                Json.MAPPER.readTree(DecisionBundle.class.getResourceAsStream("/bundles/rules-v1/bundle.json"));
    }

    private static DecisionBundle parse(ObjectNode n) {
        return DecisionBundle.parse(n.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBundleThatNamesNoCaseActionsSendsReviewAndStepUpToCases() {
        assertThat(DecisionBundle.builtIn("rules-v1").caseActions())
                .containsExactlyInAnyOrder(DecisionAction.REVIEW, DecisionAction.STEP_UP);
    }

    @Test
    void aBundleNamesItsOwnCaseActions() throws Exception {
        ObjectNode n = builtInJson();
        n.putArray("case_actions").add("REVIEW").add("DECLINE");
        assertThat(parse(n).caseActions()).containsExactlyInAnyOrder(DecisionAction.REVIEW, DecisionAction.DECLINE);
        n.putArray("case_actions");
        assertThat(parse(n).caseActions()).isEmpty();
    }

    @Test
    void anUnknownCaseActionIsRefusedWithItsName() throws Exception {
        ObjectNode n = builtInJson();
        n.putArray("case_actions").add("ESCALATE");
        assertThatThrownBy(() -> parse(n))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("case_actions names no action \"ESCALATE\"");
        n.put("case_actions", "REVIEW");
        assertThatThrownBy(() -> parse(n)).hasMessageContaining("case_actions must be a list");
    }
}
