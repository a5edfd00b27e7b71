package dev.fraudplatform.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The platform's roles as separate {@code fp serve --roles} processes of one profile on external servers, as a
 * deployment runs them (an ECS task per role): each process follows the runs through the control topic, and a run is
 * driven by an orchestrating {@code fp} process with no role of its own ({@code FP_ROLES=none}), which streams into the
 * gate process at {@link #gateUrl()}. Each process's output goes to {@code <logs>/<roles>.log}.
 *
 * <p>Lifecycle: {@link #start} returns when every process says its roles are up; {@link #close()} stops them (SIGTERM,
 * then SIGKILL after a grace period). {@link #kill} SIGKILLs one, as a crash would.
 */
public final class RoleProcesses implements AutoCloseable {
    /** Every role in a process of its own. */
    public static final List<Set<PlatformRoles>> ONE_PER_ROLE = List.of(
            EnumSet.of(PlatformRoles.IG),
            EnumSet.of(PlatformRoles.DF),
            EnumSet.of(PlatformRoles.AL),
            EnumSet.of(PlatformRoles.DLA),
            EnumSet.of(PlatformRoles.ARCHIVE),
            EnumSet.of(PlatformRoles.CM),
            EnumSet.of(PlatformRoles.LS));

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final List<Process> processes = new ArrayList<>();
    private final List<Set<PlatformRoles>> groups = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final String gateUrl;

    private RoleProcesses(String gateUrl) {
        this.gateUrl = gateUrl;
    }

    /**
     * Starts one {@code fp --profile profile serve --roles G} process per group {@code G} (exactly one group has the
     * gate, listening on {@code gatePort}), with {@code env} added to this process's environment.
     *
     * @throws IllegalStateException when a process exits or is not up within two minutes (its log says why)
     */
    public static RoleProcesses start(
            String profile,
            PlatformConfig config,
            List<Set<PlatformRoles>> groups,
            int gatePort,
            Path logDir,
            Map<String, String> env) {
        if (config.kafkaBootstrap() == null || config.pgUrl() == null)
            throw new IllegalArgumentException("profile " + config.profile() + " runs its servers inside one process: "
                    + "its roles cannot be processes of their own");
        if (groups.stream().filter(g -> g.contains(PlatformRoles.IG)).count() != 1)
            throw new IllegalArgumentException("exactly one process must run the gate");
        RoleProcesses out = new RoleProcesses("http://127.0.0.1:" + gatePort);
        try {
            Files.createDirectories(logDir);
            for (Set<PlatformRoles> group : groups) out.launch(profile, config, group, gatePort, logDir, env);
            for (int i = 0; i < out.processes.size(); i++) out.awaitUp(i);
            return out;
        } catch (IOException e) {
            out.close();
            throw new UncheckedIOException("cannot start role processes: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private void launch(
            String profile,
            PlatformConfig config,
            Set<PlatformRoles> group,
            int gatePort,
            Path logDir,
            Map<String, String> env)
            throws IOException {
        String roles = PlatformRoles.format(group);
        int index = (int) groups.stream()
                .filter(g -> PlatformRoles.format(g).equals(roles))
                .count();
        Path log = logDir.resolve(roles.replace(',', '-') + (index == 0 ? "" : "-" + index) + ".log");
        List<String> cmd = LocalServers.thisJava(
                Fp.class.getName(),
                List.of(
                        "-Xms128m",
                        group.contains(PlatformRoles.DF) ? "-Xmx1g" : "-Xmx512m",
                        "-XX:+UseSerialGC",
                        "-Dfp.home=" + config.home(),
                        "-Dfp.log.file=" + logDir.resolve(log.getFileName() + ".fp.log")),
                List.of("--profile", profile, "serve", "--roles", roles));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        pb.environment().remove("FP_ROLES");
        if (group.contains(PlatformRoles.IG)) pb.environment().put("FP_GATE_PORT", Integer.toString(gatePort));
        processes.add(pb.start());
        groups.add(group);
        logs.add(log);
    }

    private void awaitUp(int i) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String roles = PlatformRoles.format(groups.get(i));
        try {
            while (true) {
                String text = Files.exists(logs.get(i)) ? Files.readString(logs.get(i), StandardCharsets.UTF_8) : "";
                if (text.contains("roles " + roles + " up")) return;
                if (!processes.get(i).isAlive())
                    throw new IllegalStateException("the " + roles + " process exited ("
                            + processes.get(i).exitValue() + ") before its roles were up: see " + logs.get(i));
                if (System.nanoTime() > deadline)
                    throw new IllegalStateException("the " + roles + " process was not up within "
                            + START_TIMEOUT.toSeconds() + " s: see " + logs.get(i));
                Thread.sleep(200);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** The gate's URL, for the orchestrating process ({@code FP_GATE_URL}). */
    public String gateUrl() {
        return gateUrl;
    }

    /** The roles of each process, in start order. */
    public List<Set<PlatformRoles>> groups() {
        return List.copyOf(groups);
    }

    /** Is process {@code i} alive? */
    public boolean alive(int i) {
        return processes.get(i).isAlive();
    }

    /** SIGKILLs process {@code i}, as a crash would, and waits for it to be gone. */
    public void kill(int i) throws InterruptedException {
        processes.get(i).destroyForcibly();
        processes.get(i).waitFor();
    }

    /** Process {@code i}'s output. */
    public Path log(int i) {
        return logs.get(i);
    }

    @Override
    public void close() {
        for (Process p : processes) p.destroy();
        for (Process p : processes) {
            try {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
