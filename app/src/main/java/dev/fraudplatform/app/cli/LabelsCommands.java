package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.AdminStores;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.casework.labels.LabelExport;
import dev.fraudplatform.core.envelope.Times;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code fp labels}: the Label Store's as-of answers, a subject's history, and the export for the learning plane. The
 * run defaults to the newest run with assertions; a subject is {@code KIND:ID} ({@code transaction:t0000000042},
 * {@code txn:...}, {@code account:...}, {@code card:...}); times are UTC ISO-8601 ({@code 2026-03-02T14:07:31.250Z}).
 */
@Command(
        name = "labels",
        description = "The Label Store: as-of labels, a subject's history, the Parquet export.",
        subcommands = {LabelsCommands.AsOf.class, LabelsCommands.History.class, LabelsCommands.Export.class})
public final class LabelsCommands extends Group {

    /** A subject, {@code KIND:ID}. */
    static final class SubjectConverter implements ITypeConverter<LabelSubject> {
        @Override
        public LabelSubject convert(String value) {
            try {
                return LabelSubject.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A UTC time, ISO-8601. */
    static final class TimeConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new TypeConversionException(
                        "must be a UTC time such as 2026-03-02T14:07:31.250Z, was '" + value + "'");
            }
        }
    }

    /** What every labels command takes: the run. */
    static final class RunOption {
        @Option(
                names = "--run",
                paramLabel = "RUN_ID",
                description = "The run (default: the newest run with label assertions).")
        String run;

        /** The run asked for, or the newest with assertions; refuses a run the platform does not know. */
        String resolve(AdminStores stores) {
            LabelStore labels = stores.labelStore();
            if (run == null)
                return labels.latestRun()
                        .orElseThrow(
                                () -> new IllegalArgumentException("no label assertions yet; name a run with --run"));
            boolean known = stores.runs().facts(run).isPresent()
                    || !labels.countsByProvenance(run).isEmpty()
                    || !labels.rejectionsByReason(run).isEmpty();
            if (!known) throw new IllegalArgumentException("no run " + run + " (fp runs list shows the runs)");
            return run;
        }
    }

    static String describe(LabelAssertion a) {
        return String.format(
                Locale.ROOT,
                "%s by %s (%s%s), effective %s, observed %s, assertion %s, %s%s",
                a.value(),
                a.source(),
                a.labelType(),
                a.reasonCode() == null ? "" : " " + a.reasonCode(),
                Times.format(a.effectiveTime()),
                Times.format(a.observedTime()),
                a.assertionId(),
                a.provenance(),
                a.actor() == null ? "" : " by " + a.actor());
    }

    @Command(
            name = "as-of",
            description = "The label of a subject as known at an observed time: the one that stood then.")
    static final class AsOf implements Callable<Integer> {
        @Parameters(paramLabel = "SUBJECT", converter = SubjectConverter.class, description = "KIND:ID, e.g. txn:t42.")
        LabelSubject subject;

        @Option(
                names = "--at",
                required = true,
                paramLabel = "TIME",
                converter = TimeConverter.class,
                description = "Observed time T: nothing observed after it counts.")
        Instant at;

        @picocli.CommandLine.Mixin
        RunOption run = new RunOption();

        @Override
        public Integer call() {
            try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
                String runId = run.resolve(stores);
                var label = stores.labelStore().asOf(runId, subject, at);
                System.out.println(subject + " as of " + Times.format(at) + " in run " + runId + ": "
                        + label.map(LabelsCommands::describe).orElse("no label"));
            }
            return 0;
        }
    }

    @Command(name = "history", description = "Every assertion about a subject, in observed order.")
    static final class History implements Callable<Integer> {
        @Parameters(paramLabel = "SUBJECT", converter = SubjectConverter.class, description = "KIND:ID, e.g. txn:t42.")
        LabelSubject subject;

        @picocli.CommandLine.Mixin
        RunOption run = new RunOption();

        @Override
        public Integer call() {
            try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
                String runId = run.resolve(stores);
                List<LabelAssertion> history = stores.labelStore().history(runId, subject);
                System.out.println(subject + " in run " + runId + ": " + history.size() + " assertions");
                for (LabelAssertion a : history) System.out.println("  " + describe(a));
            }
            return 0;
        }
    }

    @Command(
            name = "export",
            description =
                    "Every standing label of a run as of an observed time, one row per subject, to a Parquet file.")
    static final class Export implements Callable<Integer> {
        @Option(
                names = "--as-of",
                required = true,
                paramLabel = "TIME",
                converter = TimeConverter.class,
                description = "Observed time T: nothing observed after it is exported.")
        Instant asOf;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The Parquet file to write.")
        Path out;

        @picocli.CommandLine.Mixin
        RunOption run = new RunOption();

        @Override
        public Integer call() throws IOException {
            Path target = out.toAbsolutePath().normalize();
            Path dir = target.getParent();
            if (Files.isDirectory(target)) throw new IllegalArgumentException("--out " + out + " is a directory");
            if (dir == null || !Files.isDirectory(dir))
                throw new IllegalArgumentException("--out " + out + ": no such directory " + dir);
            if (!Files.isWritable(dir))
                throw new IllegalArgumentException("--out " + out + ": " + dir + " cannot be written");
            try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
                String runId = run.resolve(stores);
                // Written beside the target and moved into place: a failed export leaves no half-written file.
                Path partial = Files.createTempFile(dir, "." + target.getFileName() + "-", ".partial");
                long rows;
                try {
                    try (OutputStream o = Files.newOutputStream(partial)) {
                        rows = LabelExport.write(stores.labelStore(), runId, asOf, o);
                    }
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(partial);
                }
                System.out.printf(
                        Locale.ROOT,
                        "run %s: %,d standing labels as of %s written to %s%n",
                        runId,
                        rows,
                        Times.format(asOf),
                        target);
            }
            return 0;
        }
    }
}
