package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The platform's own log configuration (the main {@code log4j2.xml}, not the tests'): a home's log stays bounded. */
class LogFileTest {
    @TempDir
    Path home;

    @Test
    void theLogRollsAtItsSizeAndAHomeKeepsAtMostSixFiles() throws IOException, URISyntaxException {
        Path log = home.resolve("fp.log");
        System.setProperty("fp.log.file", log.toString());
        System.setProperty("fp.log.max.size", "4 KB");
        LoggerContext context = new LoggerContext("fp-log-file-test");
        try {
            var source = ConfigurationSource.fromUri(
                    LogFileTest.class.getClassLoader().getResource("log4j2.xml").toURI());
            context.start(new XmlConfiguration(context, source));
            Logger logger = context.getLogger("dev.fraudplatform.app.LogFileTest");
            for (int i = 0; i < 2_000; i++) logger.info("line {} of a long run, padded to about a hundred bytes", i);
        } finally {
            context.stop();
            System.clearProperty("fp.log.file");
            System.clearProperty("fp.log.max.size");
        }

        List<String> files;
        try (Stream<Path> s = Files.list(home)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        // 2,000 lines of JSON are far more than 6 x 4 KB: the oldest were dropped, the rest kept in six files.
        assertThat(files).containsExactly("fp.log", "fp.log.1", "fp.log.2", "fp.log.3", "fp.log.4", "fp.log.5");
        for (String f : files) assertThat(Files.size(home.resolve(f))).isLessThan(8 * 1024);
        // The newest line is in fp.log, the oldest kept in fp.log.5; the first lines are gone.
        assertThat(Files.readString(log)).contains("line 1999 of a long run");
        assertThat(Files.readString(home.resolve("fp.log.5"))).doesNotContain("line 1999 ");
        try (Stream<Path> s = Files.list(home)) {
            assertThat(s.anyMatch(p -> {
                        try {
                            return Files.readString(p).contains("\"line 0 of a long run");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }))
                    .isFalse();
        }
    }
}
