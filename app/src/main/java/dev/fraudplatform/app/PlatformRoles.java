package dev.fraudplatform.app;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The roles one {@code fp} process runs (ARCHITECTURE.md §2, "one binary, many processes"): any subset, each talking to
 * the others only through Kafka, PostgreSQL, the object store, Redis and HTTP. {@code all} (the default) is every role
 * in one process; {@code none} is a process that only orchestrates runs (pins them, streams them into a gate elsewhere,
 * waits for them to drain and writes their evidence).
 */
public enum PlatformRoles {
    /** The Ingestion Gate: HTTP API, admission relay, bus ingress. */
    IG,
    /** The decision loop (feature and graph projections, join plane, Decision Fabric): a Kafka Streams application. */
    DF,
    /** The Action Layer. */
    AL,
    /** The Decision Log and Audit (and the audit of shadow decisions). */
    DLA,
    /** The archive. */
    ARCHIVE,
    /** Case Management: cases from decisions, the disposition-label sweep, the investigator's console. */
    CM,
    /** The Label Store's intake. */
    LS;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every role. */
    public static Set<PlatformRoles> all() {
        return Collections.unmodifiableSet(EnumSet.allOf(PlatformRoles.class));
    }

    /**
     * {@code all}, {@code none}, or a comma-separated list of role ids ({@code ig,df,al,dla,archive,cm,ls}).
     *
     * @throws IllegalArgumentException in one line naming the unknown role
     */
    public static Set<PlatformRoles> parse(String spec) {
        String s = spec == null ? "all" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("all")) return all();
        if (s.equals("none")) return Collections.unmodifiableSet(EnumSet.noneOf(PlatformRoles.class));
        EnumSet<PlatformRoles> out = EnumSet.noneOf(PlatformRoles.class);
        for (String part : s.split(",")) {
            String id = part.trim();
            PlatformRoles role = Arrays.stream(values())
                    .filter(r -> r.id().equals(id))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown role '" + id + "': the roles are "
                            + Arrays.stream(values()).map(PlatformRoles::id).collect(Collectors.joining(","))
                            + ", or all, or none"));
            out.add(role);
        }
        return Collections.unmodifiableSet(out);
    }

    /** {@code ig,df,...}, {@code all} or {@code none}. */
    public static String format(Set<PlatformRoles> roles) {
        if (roles.size() == values().length) return "all";
        if (roles.isEmpty()) return "none";
        return roles.stream().map(PlatformRoles::id).collect(Collectors.joining(","));
    }
}
