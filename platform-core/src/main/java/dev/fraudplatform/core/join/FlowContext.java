package dev.fraudplatform.core.join;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** A flow's context as of an instant: the latest fragment of each event class, by class. Empty when none. */
public record FlowContext(Map<String, ContextFragment> byClass) {
    public FlowContext {
        byClass = java.util.Collections.unmodifiableMap(new TreeMap<>(byClass));
    }

    /** The context as of {@code asOfMs} among {@code fragments}: per class, the latest at or before it. */
    public static FlowContext asOf(Collection<ContextFragment> fragments, long asOfMs) {
        Map<String, ContextFragment> latest = new TreeMap<>();
        for (ContextFragment f : fragments) {
            if (f.eventTimeMs() > asOfMs) continue;
            latest.merge(f.eventClass(), f, (a, b) -> b.laterThan(a) ? b : a);
        }
        return new FlowContext(latest);
    }

    public boolean isEmpty() {
        return byClass.isEmpty();
    }

    public ContextFragment get(String eventClass) {
        return byClass.get(eventClass);
    }
}
