package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.join.ContextFragment;
import dev.fraudplatform.core.join.FlowBinding;
import dev.fraudplatform.core.join.FlowContext;
import dev.fraudplatform.core.join.JoinPlane;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link JoinPlane} adapter promises; extend once per adapter with {@link #newJoinPlane()}. */
public abstract class JoinPlaneContract {
    protected JoinPlane plane;
    /** A run id of its own per test, so adapters backed by a shared server need no cleaning. */
    protected String run;

    /** A fresh join plane over empty (or run-disjoint) storage. */
    protected abstract JoinPlane newJoinPlane() throws Exception;

    @BeforeEach
    void open() throws Exception {
        plane = newJoinPlane();
        run = "run-" + UUID.randomUUID();
    }

    @AfterEach
    void closePlane() throws Exception {
        plane.close();
    }

    private ContextFragment fragment(String flow, String eventClass, String eventId, long t, String key, String value) {
        return new ContextFragment(run, flow, eventClass, eventId, t, Map.of(key, value));
    }

    @Test
    void anUnknownFlowHasNoContext() {
        assertThat(plane.contextAsOf(run, "flow-none", Long.MAX_VALUE).isEmpty())
                .isTrue();
        assertThat(plane.bindings(run, "flow-none")).isEmpty();
    }

    @Test
    void aFlowCarriesOneFragmentPerClass() {
        plane.putContext(fragment("f1", "ctx.login", "e1", 1_000, "outcome", "SUCCESS"));
        plane.putContext(fragment("f1", "ctx.three_ds", "e2", 2_000, "result", "FAILED"));
        FlowContext c = plane.contextAsOf(run, "f1", 5_000);
        assertThat(c.byClass()).containsOnlyKeys("ctx.login", "ctx.three_ds");
        assertThat(c.get("ctx.three_ds").attributes()).containsEntry("result", "FAILED");
        assertThat(c.get("ctx.login").eventId()).isEqualTo("e1");
    }

    @Test
    void contextIsReadAsOfTheEventTime() {
        plane.putContext(fragment("f1", "ctx.three_ds", "e1", 1_000, "result", "FAILED"));
        plane.putContext(fragment("f1", "ctx.three_ds", "e3", 3_000, "result", "AUTHENTICATED"));
        assertThat(plane.contextAsOf(run, "f1", 999).isEmpty()).isTrue();
        assertThat(plane.contextAsOf(run, "f1", 1_000).get("ctx.three_ds").eventId())
                .isEqualTo("e1");
        assertThat(plane.contextAsOf(run, "f1", 2_999).get("ctx.three_ds").attributes())
                .containsEntry("result", "FAILED");
        assertThat(plane.contextAsOf(run, "f1", 3_000).get("ctx.three_ds").attributes())
                .containsEntry("result", "AUTHENTICATED");
    }

    @Test
    void aLateArrivingEarlierFragmentDoesNotHideTheLatest() {
        plane.putContext(fragment("f1", "ctx.login", "e5", 5_000, "outcome", "SUCCESS"));
        plane.putContext(fragment("f1", "ctx.login", "e2", 2_000, "outcome", "FAILURE"));
        assertThat(plane.contextAsOf(run, "f1", 9_000).get("ctx.login").eventId())
                .isEqualTo("e5");
        assertThat(plane.contextAsOf(run, "f1", 4_000).get("ctx.login").eventId())
                .isEqualTo("e2");
    }

    @Test
    void equalTimesAreOrderedByEventId() {
        plane.putContext(fragment("f1", "ctx.login", "e-b", 1_000, "outcome", "SUCCESS"));
        plane.putContext(fragment("f1", "ctx.login", "e-a", 1_000, "outcome", "FAILURE"));
        assertThat(plane.contextAsOf(run, "f1", 1_000).get("ctx.login").eventId())
                .isEqualTo("e-b");
    }

    @Test
    void storingAFragmentTwiceStoresItOnce() {
        ContextFragment f = fragment("f1", "ctx.login", "e1", 1_000, "outcome", "SUCCESS");
        plane.putContext(f);
        plane.putContext(f);
        assertThat(plane.contextAsOf(run, "f1", 1_000).get("ctx.login")).isEqualTo(f);
    }

    @Test
    void runsAndFlowsNeverSeeEachOther() {
        plane.putContext(fragment("f1", "ctx.login", "e1", 1_000, "outcome", "SUCCESS"));
        assertThat(plane.contextAsOf(run, "f2", 9_000).isEmpty()).isTrue();
        assertThat(plane.contextAsOf(run + "-other", "f1", 9_000).isEmpty()).isTrue();
    }

    @Test
    void bindingIsIdempotentAndOrdered() {
        FlowBinding first = plane.bind(run, "f1", "t2", 2_000);
        assertThat(plane.bind(run, "f1", "t2", 2_500)).isEqualTo(first);
        plane.bind(run, "f1", "t1", 1_000);
        assertThat(plane.bindings(run, "f1")).extracting(FlowBinding::eventId).containsExactly("t1", "t2");
        assertThat(plane.bindings(run, "f1").get(1).eventTimeMs()).isEqualTo(2_000);
    }
}
