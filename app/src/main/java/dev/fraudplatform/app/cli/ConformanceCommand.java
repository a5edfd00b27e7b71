package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.app.RunBundles;
import dev.fraudplatform.app.WiringConformance;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp conformance}: one world on two wirings, the same laws and the same answers. */
@Command(
        name = "conformance",
        description = "Same laws, different wiring: run one sealed world on two profiles, each in an fp process of its "
                + "own, and compare their decision-log digests, reconciliations, laws and counts. Writes the "
                + "comparison (JSON and HTML) to the first profile's evidence/conformance/. Exit 0 only when both "
                + "agree.")
public final class ConformanceCommand implements Callable<Integer> {
    @Option(names = "--world", required = true, description = "A sealed world on either profile (copied to the other).")
    String worldId;

    @Option(
            names = "--profile",
            required = true,
            paramLabel = "NAME",
            description = "A profile to run on (a name or a profile file); give it twice.")
    List<String> profiles = new ArrayList<>();

    @Option(
            names = "--bundle",
            description = "The bundle both runs pin: built in or registered on both (default: the shipped "
                    + RunBundles.BUILT_IN_DEFAULT + ", so neither registry's active bundle decides).")
    String bundleId = RunBundles.BUILT_IN_DEFAULT;

    @Override
    public Integer call() throws Exception {
        if (profiles.size() != 2)
            throw new IllegalArgumentException("--profile must be given twice (two wirings to compare), was given "
                    + profiles.size() + " time(s)");
        WiringConformance conformance = new WiringConformance(
                profiles.get(0), profiles.get(1), PlatformConfig.processEnvironment(), System.out);
        WiringConformance.Outcome outcome = conformance.run(worldId, bundleId);
        outcome.comparison()
                .checks()
                .forEach(c -> System.out.println((c.passed() ? "ok    " : "FAIL  ") + c.name() + ": " + c.detail()));
        outcome.evidence().forEach(e -> System.out.println("evidence " + e));
        System.out.println(outcome.comparison().passed() ? "AGREE: same laws, different wiring" : "DISAGREE");
        return outcome.comparison().passed() ? 0 : 1;
    }
}
