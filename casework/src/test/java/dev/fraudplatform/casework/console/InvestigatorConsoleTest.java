package dev.fraudplatform.casework.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.cases.CaseState;
import dev.fraudplatform.core.cases.Investigators;
import dev.fraudplatform.core.cases.QueueQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the console reads the queue's query string, without I/O. */
class InvestigatorConsoleTest {
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    static final Investigators.Investigator ME =
            new Investigators.Investigator("ana", Investigators.Role.ANALYST, "h", NOW);

    static QueueQuery q(
            String state, String min, String owner, String before, String sort, String after, String limit) {
        return InvestigatorConsole.queueQuery(state, min, owner, before, sort, after, limit, null, ME, NOW);
    }

    @Test
    void noFiltersIsTheActiveQueueByPriorityFiftyAPage() {
        QueueQuery d = q(null, null, null, null, null, null, null);
        assertThat(d.states()).isEmpty();
        assertThat(d.minPriority()).isZero();
        assertThat(d.owner()).isNull();
        assertThat(d.openedBefore()).isNull();
        assertThat(d.sort()).isEqualTo(QueueQuery.Sort.PRIORITY);
        assertThat(d.after()).isNull();
        assertThat(d.limit()).isEqualTo(50);
    }

    @Test
    void ownerReadsMineUnassignedAnyoneOrAName() {
        assertThat(q(null, null, "mine", null, null, null, null).owner()).isEqualTo("ana");
        assertThat(q(null, null, "unassigned", null, null, null, null).owner()).isEmpty();
        assertThat(q(null, null, "anyone", null, null, null, null).owner()).isNull();
        assertThat(q(null, null, "lea", null, null, null, null).owner()).isEqualTo("lea");
    }

    @Test
    void ageIsAnAgeOrATime() {
        assertThat(q(null, null, null, "4h", null, null, null).openedBefore())
                .isEqualTo(NOW.minus(Duration.ofHours(4)));
        assertThat(q(null, null, null, "2d", null, null, null).openedBefore()).isEqualTo(NOW.minus(Duration.ofDays(2)));
        assertThat(q(null, null, null, "30m", null, null, null).openedBefore())
                .isEqualTo(NOW.minus(Duration.ofMinutes(30)));
        assertThat(q(null, null, null, "2026-03-02T14:07:31Z", null, null, null).openedBefore())
                .isEqualTo(Instant.parse("2026-03-02T14:07:31Z"));
    }

    @Test
    void statesAndSortsReadInAnyCase() {
        assertThat(q("open,in_progress", null, null, null, "Updated", null, "200")
                        .states())
                .isEqualTo(Set.of(CaseState.OPEN, CaseState.IN_PROGRESS));
        assertThat(q("all", null, null, null, null, null, null).states()).isEqualTo(Set.of(CaseState.values()));
        assertThat(q(null, null, null, null, "age", null, null).sort()).isEqualTo(QueueQuery.Sort.AGE);
    }

    @Test
    void eachBadParameterIsRefusedNamingIt() {
        assertThatThrownBy(() -> q("SLEEPING", null, null, null, null, null, null))
                .hasMessageStartingWith("state:");
        assertThatThrownBy(() -> q(null, "101", null, null, null, null, null)).hasMessageStartingWith("min_priority:");
        assertThatThrownBy(() -> q(null, null, "Bad Name", null, null, null, null))
                .hasMessageStartingWith("owner:");
        assertThatThrownBy(() -> q(null, null, null, "yesterday", null, null, null))
                .hasMessageStartingWith("opened_before:");
        assertThatThrownBy(() -> q(null, null, null, null, "random", null, null))
                .hasMessageStartingWith("sort:");
        assertThatThrownBy(() -> q(null, null, null, null, null, "x".repeat(513), null))
                .hasMessageStartingWith("after:");
        assertThatThrownBy(() -> q(null, null, null, null, null, null, "0")).hasMessageStartingWith("limit:");
        assertThatThrownBy(() -> q(null, null, null, null, null, null, "201")).hasMessageStartingWith("limit:");
    }

    @Test
    void theLoginPagesMessageIsEscaped() {
        assertThat(InvestigatorConsole.escapeHtml("<b a=\"1\">&'")).isEqualTo("&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
    }
}
