package dev.fraudplatform.app;

import dev.fraudplatform.casework.cases.CaseManagement;
import dev.fraudplatform.casework.labels.LabelIntake;
import dev.fraudplatform.core.bus.BusAdmin;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.learning.archive.Archive;
import dev.fraudplatform.rtdl.actions.ActionLayer;
import dev.fraudplatform.rtdl.audit.DecisionLogAudit;
import dev.fraudplatform.rtdl.loop.DecisionFabricRole;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What a run's scale costs, for the demo's scale line: each consuming stage's backlog (records on its input topics its
 * consumer group has not committed) at a moment, such as when the streamer finishes, which names the slowest stage; and
 * PostgreSQL's size on disk.
 */
final class StageBacklogs {
    private StageBacklogs() {}

    /** Each stage's consumer group and input topics, in the order events pass them. */
    private record Stage(String group, List<String> topics) {}

    private static final Map<String, Stage> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("decision loop", new Stage(DecisionFabricRole.APPLICATION_ID, List.of(Topics.TRAFFIC)));
        STAGES.put("Action Layer", new Stage(ActionLayer.GROUP, ActionLayer.TOPICS));
        STAGES.put("Decision Log and Audit", new Stage(DecisionLogAudit.GROUP, DecisionLogAudit.TOPICS));
        STAGES.put("Case Management", new Stage(CaseManagement.GROUP, CaseManagement.TOPICS));
        STAGES.put("Label Store", new Stage(LabelIntake.GROUP, LabelIntake.TOPICS));
        STAGES.put("archive", new Stage(Archive.GROUP, Archive.TOPICS));
    }

    /** Each stage's backlog now, in records (-1 where it could not be read). */
    static Map<String, Long> sample(BusAdmin bus) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Stage> s : STAGES.entrySet()) {
            long sum = 0;
            try {
                for (String topic : s.getValue().topics())
                    sum += bus.consumerLag(s.getValue().group(), topic);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sum = -1;
            } catch (Exception e) {
                sum = -1;
            }
            out.put(s.getKey(), sum);
        }
        return out;
    }

    /** The stage with the largest backlog in {@code backlogs}. */
    static String slowest(Map<String, Long> backlogs) {
        return backlogs.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse("none");
    }

    /** The bytes of the files under {@code dir} (0 when it does not exist: an external broker's log is not here). */
    static long directoryBytes(java.nio.file.Path dir) {
        if (!java.nio.file.Files.isDirectory(dir)) return 0;
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
            return files.filter(java.nio.file.Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return java.nio.file.Files.size(f);
                        } catch (java.io.IOException | RuntimeException e) {
                            return 0; // a segment deleted while walking
                        }
                    })
                    .sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** The platform database's size on disk, in bytes (tables, indexes, TOAST): {@code pg_database_size}. */
    static long databaseBytes(DataSource db) {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}
