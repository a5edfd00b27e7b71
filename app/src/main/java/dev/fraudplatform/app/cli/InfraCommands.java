package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.Doctor;
import dev.fraudplatform.app.Infra;
import dev.fraudplatform.app.PlatformConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp infra up|down|broker}: the {@code local} profile's servers as processes of this machine. */
@Command(
        name = "infra",
        description = "Start or stop the servers of an external-servers profile (local) as processes of this machine.",
        subcommands = {InfraCommands.Up.class, InfraCommands.Down.class, InfraCommands.Broker.class})
public final class InfraCommands extends Group {

    @Command(
            name = "up",
            description = "Start what the profile names on this machine and nothing answers yet (a Kafka broker, the "
                    + "S3 API server, Redis), each its own process that outlives this command, with its data and log "
                    + "under FP_HOME/infra; then create the database, the bucket and the topics, migrate the schema, "
                    + "and check everything (fp doctor). Exit 0 when all are ready.")
    static final class Up implements Callable<Integer> {
        @Override
        public Integer call() {
            PlatformConfig config = PlatformConfig.fromEnvironment();
            List<String> done = new Infra(config).up();
            done.forEach(System.out::println);
            List<Doctor.Finding> findings = Doctor.examine(config);
            findings.forEach(f -> System.out.println(f.format()));
            boolean ok = findings.stream().allMatch(Doctor.Finding::ok);
            System.out.println(ok ? "ready: profile " + config.profile() : "not ready: see the lines above");
            return ok ? 0 : 1;
        }
    }

    @Command(
            name = "down",
            description = "Stop the servers fp infra up started (never one it did not start); their data stays under "
                    + "FP_HOME/infra.")
    static final class Down implements Callable<Integer> {
        @Override
        public Integer call() {
            new Infra(PlatformConfig.fromEnvironment()).down().forEach(System.out::println);
            return 0;
        }
    }

    @Command(
            name = "broker",
            hidden = true,
            description = "Run a single-node KRaft broker on 127.0.0.1:PORT with its log in DIR until stopped (the "
                    + "process fp infra up starts).")
    static final class Broker implements Callable<Integer> {
        @Option(names = "--port", required = true, converter = Check.Port.class, description = "Client port.")
        int port;

        @Option(names = "--data", required = true, description = "Log directory.")
        Path data;

        @Override
        public Integer call() throws InterruptedException {
            Infra.runBroker(data, port);
            return 0;
        }
    }
}
