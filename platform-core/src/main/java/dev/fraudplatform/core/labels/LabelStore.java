package dev.fraudplatform.core.labels;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Port: the Label Store. Append-only assertions with as-of (point-in-time) reads: "what did we know about this
 * subject at observed time T?". An assertion observed after T is never part of an answer as of T. Among the visible
 * assertions of a subject, the one that stands is the first in {@link LabelAssertion#STANDING} order.
 * Thread-safe.
 */
public interface LabelStore {

    /**
     * Appends the assertions whose (run, assertion id) is not yet stored, atomically; returns those newly written, in
     * input order, with their recorded time. Writing one twice writes nothing the second time.
     */
    List<LabelAssertion> append(List<LabelAssertion> assertions);

    /** Records rejections not yet recorded (by run and event id); returns how many were new. */
    int reject(List<LabelRejection> rejections);

    /** The assertion that stands for {@code subject} as known at {@code asOf}: empty when none was observed by then. */
    Optional<LabelAssertion> asOf(String platformRunId, LabelSubject subject, Instant asOf);

    /**
     * The standing assertion of every subject with an assertion effective in [{@code from}, {@code to}) and observed
     * by {@code asOf}, in (effective time, subject) order.
     */
    List<LabelAssertion> effectiveIn(String platformRunId, Instant from, Instant to, Instant asOf);

    /** Every standing assertion as of {@code asOf}, one per subject, streamed in subject order (for an export). */
    void forEachStanding(String platformRunId, Instant asOf, Consumer<LabelAssertion> sink);

    /** Every assertion about {@code subject}, in observed then recorded order: its history. */
    List<LabelAssertion> history(String platformRunId, LabelSubject subject);

    /** Assertions of a run by how they came: {@code event} (from admitted label events) and {@code case}. */
    Map<String, Long> countsByProvenance(String platformRunId);

    /** Rejected label events of a run by reason. */
    Map<String, Long> rejectionsByReason(String platformRunId);

    /** The newest run with assertions, if any. */
    Optional<String> latestRun();
}
