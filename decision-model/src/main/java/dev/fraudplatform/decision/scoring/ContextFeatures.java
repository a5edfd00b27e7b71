package dev.fraudplatform.decision.scoring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.join.ContextFragment;
import dev.fraudplatform.core.join.FlowContext;
import java.util.List;

/**
 * The features of a transaction's flow context, as of the transaction's time (0 for a transaction with no flow):
 * <ul>
 *   <li>{@code flow_three_ds} = 1 if the flow has a 3-D Secure result; {@code three_ds_not_authenticated} = 1 if that
 *       result is not AUTHENTICATED; {@code three_ds_challenged} = 1 if it was a CHALLENGE</li>
 *   <li>{@code flow_login} = 1 if the flow (session) opened with a login; {@code flow_login_failed} = 1 if its latest
 *       login's outcome is not SUCCESS</li>
 *   <li>{@code flow_profile_change} = 1 if the profile was changed inside the flow</li>
 * </ul>
 */
public final class ContextFeatures {
    /** The payload fields a context fragment keeps. */
    public static final List<String> ATTRIBUTES =
            List.of("outcome", "method", "result", "challenge", "change", "device_id", "ip_country");

    private ContextFeatures() {}

    /** Adds the flow-context features to {@code f}; {@code flow} null (no flow) counts as an empty flow. */
    public static void add(ObjectNode f, FlowContext flow) {
        ContextFragment threeDs = flow == null ? null : flow.get("ctx.three_ds");
        ContextFragment login = flow == null ? null : flow.get("ctx.login");
        ContextFragment change = flow == null ? null : flow.get("ctx.profile_change");
        f.put("flow_three_ds", threeDs != null ? 1 : 0);
        f.put(
                "three_ds_not_authenticated",
                threeDs != null && !"AUTHENTICATED".equals(threeDs.attributes().get("result")) ? 1 : 0);
        f.put(
                "three_ds_challenged",
                threeDs != null && "CHALLENGE".equals(threeDs.attributes().get("challenge")) ? 1 : 0);
        f.put("flow_login", login != null ? 1 : 0);
        f.put(
                "flow_login_failed",
                login != null && !"SUCCESS".equals(login.attributes().get("outcome")) ? 1 : 0);
        f.put("flow_profile_change", change != null ? 1 : 0);
    }
}
