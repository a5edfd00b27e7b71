package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.Doctor;
import dev.fraudplatform.app.PlatformConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fp doctor}: is every component the profile names there, and ready? */
@Command(
        name = "doctor",
        description = "Check each component the profile names, one line each: Kafka reachable and authenticated, the "
                + "platform's topics with their partitions and retention, PostgreSQL and its schema, the object store "
                + "writable, Redis. Changes nothing. Exit 0 when all are ready, 1 otherwise.")
public final class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        PlatformConfig config = PlatformConfig.fromEnvironment();
        System.out.println("profile " + config.profile() + ": " + config.describe());
        List<Doctor.Finding> findings = Doctor.examine(config);
        findings.forEach(f -> System.out.println(f.format()));
        long failed = findings.stream().filter(f -> !f.ok()).count();
        System.out.println(failed == 0 ? "ready" : failed + " of " + findings.size() + " checks failed");
        return failed == 0 ? 0 : 1;
    }
}
