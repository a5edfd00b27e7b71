package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input gets one clear line, and nothing is left behind: {@code fp} with a bad option, id, file, gate or home
 * answers exactly one line on stderr starting {@code fp: }, exits 2, shows no stack trace, SQL or library class, and
 * leaves FP_HOME as it found it (no run, no database, no work directory, no half-written file). Real filesystem, real
 * sockets; no server is ever started.
 */
class FpBadInputIT {
    private static final String WORLD = "{world}";
    private static Path sealedHome;
    private static String worldId;

    private Path home;
    private CapturedConsole console;

    @BeforeAll
    static void buildOneSealedWorld() throws IOException {
        sealedHome = Files.createTempDirectory("fp-bad-input-world-");
        WorldBuilder.Result r = new WorldBuilder(new FilesystemObjectStore(sealedHome.resolve("store")))
                .build(WorldConfig.defaults(5, 2000), WorldBuilder.Progress.NONE);
        assertThat(r.verdict().passed()).isTrue();
        worldId = r.worldId();
    }

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createTempDirectory("fp-bad-input-");
        copyTree(sealedHome.resolve("store"), home.resolve("store"));
        console = CapturedConsole.start(home);
    }

    @AfterEach
    void tearDown() throws IOException {
        console.close();
        WorkDirectories.deleteTree(home);
    }

    @AfterAll
    static void removeTheSealedWorld() throws IOException {
        WorkDirectories.deleteTree(sealedHome);
    }

    static Stream<Arguments> badInputs() {
        List<Arguments> cases = new ArrayList<>();
        // the list
        cases.add(Arguments.of(List.of("world", "inspect", WORLD, "--samples", "-3"), "--samples"));
        cases.add(Arguments.of(List.of("runs", "list", "--limit", "-1"), "--limit"));
        cases.add(Arguments.of(List.of("serve", "--port", "99999"), "--port"));
        cases.add(Arguments.of(List.of("serve", "--port", "-1"), "--port"));
        cases.add(Arguments.of(List.of("run", "--world", WORLD, "--rate", "-1"), "--rate"));
        cases.add(Arguments.of(List.of("run", "--world", WORLD, "--rate", "NaN"), "--rate"));
        cases.add(Arguments.of(List.of("run", "--world", WORLD, "--rate", "Infinity"), "--rate"));
        cases.add(Arguments.of(List.of("run", "--world", WORLD, "--bundle", "unknown"), "no bundle unknown"));
        cases.add(Arguments.of(List.of("run", "--world", WORLD, "--bundle", "../etc"), "bundle"));
        cases.add(Arguments.of(List.of("world", "build", "--fraud-rate", "-0.5"), "--fraud-rate"));
        cases.add(Arguments.of(List.of("world", "build", "--fraud-rate", "0.9"), "from 0 to 0.5"));
        cases.add(Arguments.of(List.of("world", "build", "--fraud-rate", "NaN"), "--fraud-rate"));
        cases.add(Arguments.of(List.of("world", "build", "--transactions", "0"), "--transactions"));
        cases.add(Arguments.of(List.of("world", "build", "--transactions", "-5"), "--transactions"));
        cases.add(Arguments.of(List.of("world", "build", "--accounts", "0"), "--accounts"));
        cases.add(Arguments.of(List.of("world", "build", "--days", "0"), "--days"));
        cases.add(Arguments.of(List.of("world", "build", "--days", "5000"), "--days"));
        cases.add(Arguments.of(
                List.of("world", "build", "--typology-rate", "card_testing=-0.1"), "--typology-rate card_testing"));
        cases.add(Arguments.of(
                List.of("world", "build", "--typology-rate", "card_testing=2"), "--typology-rate card_testing"));
        cases.add(Arguments.of(
                List.of("world", "build", "--typology-rate", "card_tasting=0.1"), "unknown typology 'card_tasting'"));
        cases.add(Arguments.of(
                List.of("stream", "--world", WORLD, "--run", "run-1", "--gate", "http://127.0.0.1:1", "--key", "k"),
                "no gate at http://127.0.0.1:1"));
        // picocli's own parse errors
        cases.add(Arguments.of(List.of("world", "build", "--bogus"), "Unknown option: '--bogus'"));
        cases.add(Arguments.of(List.of("world", "build", "--transactions", "lots"), "--transactions"));
        cases.add(Arguments.of(List.of("run"), "--world"));
        cases.add(Arguments.of(List.of("nosuchcommand"), "nosuchcommand"));
        // the sweep: other commands and options
        cases.add(
                Arguments.of(List.of("world", "inspect", "w-0000000000000000"), "world w-0000000000000000 not found"));
        cases.add(Arguments.of(List.of("world", "verify", "w-0000000000000000"), "world w-0000000000000000 not found"));
        cases.add(Arguments.of(List.of("world", "build", "--config", "/no/such/world.json"), "no such file"));
        cases.add(Arguments.of(List.of("run", "--world", "w-0000000000000000"), "world w-0000000000000000 not found"));
        cases.add(Arguments.of(List.of("demo", "--transactions", "0"), "--transactions"));
        cases.add(Arguments.of(List.of("demo", "--rate", "-3"), "--rate"));
        cases.add(Arguments.of(List.of("serve", "--demo", "-1"), "--demo"));
        cases.add(Arguments.of(List.of("serve", "--rate", "-1"), "--rate"));
        cases.add(Arguments.of(List.of("serve", "--roles", "df,xx"), "xx"));
        cases.add(Arguments.of(List.of("evidence", "export", "--run", "../etc"), "--run must be a run id"));
        cases.add(Arguments.of(List.of("drill", "duplicates", "--run-id", "Run 1"), "--run-id must be a run id"));
        cases.add(Arguments.of(List.of("world", "push", WORLD), "already: push to a profile with another store"));
        cases.add(Arguments.of(List.of("run", "--world", WORLD, "--run-id", "Run 1"), "--run-id must be a run id"));
        cases.add(Arguments.of(List.of("evidence", "export", "--run", "run-20260101-00000000"), "not found"));
        cases.add(Arguments.of(List.of("serve", "--roles", "df", "--shadow-bundle", "rules-v1"), "--shadow-bundle"));
        cases.add(Arguments.of(List.of("drill", "nosuchdrill"), "no drill nosuchdrill"));
        cases.add(Arguments.of(List.of("drill", "duplicates", "--transactions", "0"), "--transactions"));
        cases.add(Arguments.of(List.of("drill", "lag"), "FP_REDIS_URL"));
        cases.add(Arguments.of(
                List.of(
                        "stream",
                        "--world",
                        WORLD,
                        "--run",
                        "run-1",
                        "--gate",
                        "http://127.0.0.1:1",
                        "--key",
                        "k",
                        "--batch",
                        "0"),
                "--batch"));
        cases.add(Arguments.of(
                List.of(
                        "stream",
                        "--world",
                        WORLD,
                        "--run",
                        "run-1",
                        "--gate",
                        "http://127.0.0.1:1",
                        "--key",
                        "k",
                        "--lanes",
                        "-2"),
                "--lanes"));
        cases.add(Arguments.of(
                List.of(
                        "stream",
                        "--world",
                        WORLD,
                        "--run",
                        "run-1",
                        "--gate",
                        "http://127.0.0.1:1",
                        "--key",
                        "k",
                        "--speedup",
                        "-1"),
                "--speedup"));
        cases.add(Arguments.of(
                List.of("stream", "--world", WORLD, "--run", "run-1", "--gate", "not a url", "--key", "k"), "--gate"));
        cases.add(Arguments.of(
                List.of(
                        "stream",
                        "--world",
                        WORLD,
                        "--run",
                        "run-1",
                        "--gate",
                        "http://127.0.0.1:1",
                        "--key",
                        "k",
                        "--rate",
                        "5",
                        "--speedup",
                        "2"),
                "--rate and --speedup"));
        cases.add(Arguments.of(
                List.of(
                        "stream",
                        "--world",
                        WORLD,
                        "--run",
                        "run-1",
                        "--gate",
                        "http://127.0.0.1:1",
                        "--key",
                        "k",
                        "--checkpoint",
                        "/no/such/dir/checkpoint.json"),
                "--checkpoint"));
        cases.add(Arguments.of(
                List.of(
                        "stream",
                        "--world",
                        "w-0000000000000000",
                        "--run",
                        "run-1",
                        "--gate",
                        "http://127.0.0.1:1",
                        "--key",
                        "k"),
                "world w-0000000000000000 not found"));
        cases.add(Arguments.of(List.of("ingress", "quarantine", "list", "--limit", "0"), "--limit"));
        cases.add(Arguments.of(
                List.of(
                        "ingress",
                        "quarantine",
                        "release",
                        "r-1",
                        "--file",
                        "/no/such/file.json",
                        "--gate",
                        "http://127.0.0.1:1",
                        "--key",
                        "k"),
                "--file /no/such/file.json: no such file"));
        cases.add(Arguments.of(List.of("ingress", "keys", "issue", "bad producer!"), "producer"));
        cases.add(Arguments.of(
                List.of("ingress", "keys", "revoke", "XYZ"), "key id 'XYZ' must be 12 to 64 lowercase hex digits"));
        cases.add(Arguments.of(
                List.of("run", "--world", "w-0000000000000000", "--producer", "no way"),
                "--producer 'no way' must be"));
        cases.add(Arguments.of(
                List.of("replay", "--run", "run-19990101-deadbeef"), "run run-19990101-deadbeef has no report"));
        cases.add(Arguments.of(
                List.of("report", "--run", "run-19990101-deadbeef"),
                "run run-19990101-deadbeef has no conformance report"));
        cases.add(Arguments.of(List.of("bench", "ingress", "--lanes", "0"), "--lanes"));
        cases.add(Arguments.of(List.of("bench", "ingress", "--batch", "-1"), "--batch"));
        cases.add(Arguments.of(List.of("bench", "e2e", "--rate", "0"), "--rate"));
        cases.add(Arguments.of(List.of("bench", "decide", "--rate", "0"), "--rate"));
        cases.add(Arguments.of(List.of("bench", "decide", "--deadline-ms", "0"), "--deadline-ms"));
        cases.add(Arguments.of(List.of("bench", "decide", "--deadline-ms", "30001"), "--deadline-ms"));
        cases.add(Arguments.of(List.of("bench", "decide", "--threads", "none"), "--threads"));
        cases.add(Arguments.of(List.of("bench", "decide", "--warmup-seconds", "0"), "--warmup-seconds"));
        cases.add(Arguments.of(
                List.of("investigators", "add", "Bad Name", "--role", "analyst"), "a user name is 1-64 lower-case"));
        cases.add(Arguments.of(List.of("investigators", "add", "ana", "--role", "boss"), "--role is analyst or lead"));
        cases.add(Arguments.of(List.of("investigators", "add", "ana"), "--role"));
        cases.add(Arguments.of(
                List.of("investigators", "add", "ana", "--role", "lead", "--password-file", "/no/such/file"),
                "--password-file /no/such/file is not a readable file"));
        cases.add(Arguments.of(List.of("bench", "e2e", "--rate-transactions", "0"), "--rate-transactions"));
        // the Label Store's commands
        cases.add(Arguments.of(List.of("labels", "as-of", "t1", "--at", "2026-03-02T00:00:00Z"), "KIND:ID"));
        cases.add(Arguments.of(
                List.of("labels", "as-of", "flight:t1", "--at", "2026-03-02T00:00:00Z"),
                "unknown subject kind 'flight'"));
        cases.add(Arguments.of(List.of("labels", "history", "txn:"), "a subject id is"));
        cases.add(Arguments.of(List.of("labels", "history", "txn:../x y"), "a subject id is"));
        cases.add(Arguments.of(List.of("labels", "as-of", "txn:t1", "--at", "yesterday"), "--at"));
        cases.add(Arguments.of(List.of("labels", "as-of", "txn:t1"), "--at"));
        cases.add(Arguments.of(
                List.of("labels", "export", "--as-of", "2026-03-02", "--out", "labels.parquet"), "--as-of"));
        cases.add(Arguments.of(
                List.of("labels", "export", "--as-of", "2026-03-02T00:00:00Z", "--out", "/no/such/dir/labels.parquet"),
                "--out /no/such/dir/labels.parquet: no such directory"));
        cases.add(Arguments.of(
                List.of("labels", "export", "--as-of", "2026-03-02T00:00:00Z", "--out", "/"), "is a directory"));
        cases.add(Arguments.of(List.of("bench", "labels", "--assertions", "0"), "--assertions"));
        // the registry's commands: refused before the registry is opened
        cases.add(Arguments.of(
                List.of("registry", "promote", "m-1", "--to", "sideways", "--by", "lea", "--reason", "r"),
                "--to is shadow or active, was sideways"));
        cases.add(Arguments.of(List.of("registry", "promote", "m-1", "--by", "lea", "--reason", "r"), "--to"));
        cases.add(Arguments.of(
                List.of("registry", "promote", "../m", "--to", "active", "--by", "lea", "--reason", "r"),
                "a bundle id is"));
        cases.add(Arguments.of(
                List.of("registry", "register", "--bundle", "/no/such/dir", "--by", "ana", "--reason", "r"),
                "--bundle /no/such/dir is not a directory"));
        cases.add(Arguments.of(List.of("registry", "register", "--bundle", "/tmp", "--by", "ana"), "--reason"));
        cases.add(Arguments.of(List.of("registry", "rollback", "--by", "lea"), "--reason"));
        cases.add(Arguments.of(
                List.of("registry", "rollback", "--by", "lea", "--reason", " "), "needs a reason (--reason)"));
        cases.add(Arguments.of(
                List.of("registry", "rollback", "--by", "no one", "--reason", "r"), "an operator name (--by)"));
        cases.add(Arguments.of(List.of("registry", "show", "Bad Id"), "a bundle id is"));
        cases.add(Arguments.of(
                List.of("run", "--world", WORLD, "--bundle", "m-nope"),
                "no bundle m-nope (neither built in nor registered)"));
        return cases.stream();
    }

    @ParameterizedTest(name = "fp {0}")
    @MethodSource("badInputs")
    void aBadInputIsOneLineExitTwoAndLeavesNothingBehind(List<String> args, String named) throws IOException {
        Set<String> before = tree(home);

        int code = fp(args.stream().map(a -> a.replace(WORLD, worldId)).toArray(String[]::new));

        assertThat(code).as("exit code; stderr: %s", stderr()).isEqualTo(2);
        assertOneLine(named);
        assertThat(tree(home))
                .as("FP_HOME is left as it was: no run, database, work directory or file")
                .isEqualTo(before);
    }

    @Test
    void registeringABundleWhoseModelFileWasChangedIsRefusedBeforeAnythingStarts() throws IOException {
        Path bundles = Files.createTempDirectory("fp-bad-bundle-");
        try {
            Path dir = TestBundleDirs.write(bundles.resolve("m-1"), "m-1", null);
            TestBundleDirs.tamperModel(dir);
            Set<String> before = tree(home);

            assertThat(fp("registry", "register", "--bundle", dir.toString(), "--by", "ana", "--reason", "r"))
                    .isEqualTo(2);

            assertOneLine("bundle m-1 cannot be registered: model file model.json has SHA-256");
            assertThat(tree(home)).as("no database, no stored file").isEqualTo(before);
        } finally {
            WorkDirectories.deleteTree(bundles);
        }
    }

    @Test
    void everyCommandAnswersHelpWithoutTouchingItsHome() throws IOException {
        System.setProperty(
                "fp.home",
                Files.writeString(home.resolve("file.txt"), "x").resolve("home").toString());
        assertThat(fp("serve", "--help")).isZero();
        assertThat(stdout()).contains("--port");
        assertThat(fp("world", "build", "-h")).isZero();
        assertThat(stdout()).contains("--fraud-rate");
        assertThat(stderr()).isEmpty();
    }

    @Test
    void aHomeThatCannotBeCreatedIsRefusedBeforeAnythingStarts() throws IOException {
        Path file = Files.writeString(home.resolve("file.txt"), "a file, not a directory");
        System.setProperty("fp.home", file.resolve("home").toString());

        assertThat(fp("world", "build", "--transactions", "100")).isEqualTo(2);

        assertOneLine("FP_HOME " + file.resolve("home") + " is not writable");
        assertThat(Files.readString(file)).isEqualTo("a file, not a directory");
    }

    @Test
    void aServeOnAPortAlreadyTakenIsRefusedBeforeAnythingStarts() throws IOException {
        Set<String> before = tree(home);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(fp("serve", "--port", Integer.toString(taken.getLocalPort())))
                    .isEqualTo(2);
            assertOneLine("port " + taken.getLocalPort() + " on 127.0.0.1 is in use");
        }
        assertThat(tree(home)).isEqualTo(before);
    }

    @Test
    void inspectingAWorldWhoseFilesChangedWarnsAndNamesThem() throws IOException {
        Path victim = TestWorlds.flipAByteOfTheFirstView(home, worldId);

        int code = fp("world", "inspect", worldId);

        assertThat(code).isEqualTo(2);
        assertOneLine("warning: world " + worldId + " no longer matches its manifest; changed: oracle/" + worldId
                + "/views/");
        assertThat(stderr()).contains(victim.getFileName().toString());
        assertThat(stdout())
                .as("what can still be read is shown")
                .contains("world " + worldId)
                .contains("rows");
    }

    @Test
    void buildingAWorldWhoseSealedFilesChangedSaysSoAndDoesNotClaimItIsSealed() throws IOException {
        TestWorlds.flipAByteOfTheFirstView(home, worldId);

        int code = fp("world", "build", "--seed", "5", "--transactions", "2000");

        assertThat(code).isEqualTo(2);
        assertOneLine("world " + worldId + " was built, but its files no longer match its manifest: oracle/" + worldId
                + "/views/");
        assertThat(stdout()).doesNotContain("already built and sealed");
    }

    @Test
    void theProcessAnswersOneLineForAHomeUnderAFileAndLogFailsQuietly() throws Exception {
        Path file = Files.writeString(home.resolve("file.txt"), "x");
        Path badHome = file.resolve("home");
        Process p = java(badHome, "world", "list");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isEqualTo(2);
        assertThat(stderr.strip())
                .startsWith("fp: FP_HOME " + badHome + " is not writable")
                .doesNotContain("\n");

        // A home whose log file cannot be opened: log4j keeps quiet instead of printing its own stack trace.
        Files.createDirectories(home.resolve("fp.log"));
        Process q = java(home, "world", "list");
        assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String qerr = new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(q.exitValue()).as(qerr).isZero();
        assertThat(new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains(worldId);
        assertThat(qerr).doesNotContain("ERROR").doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static Process java(Path fpHome, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dfp.log.file=" + fpHome.resolve("fp.log"),
                "-cp",
                System.getProperty("java.class.path"),
                Fp.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("FP_HOME", fpHome.toString());
        return pb.start();
    }

    private int fp(String... args) {
        return assertTimeoutPreemptively(
                Duration.ofSeconds(90), () -> Fp.execute(args), "fp must answer, not start anything");
    }

    private void assertOneLine(String named) {
        List<String> lines = stderr().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines)
                .as("stderr has exactly one line; stdout: %s", stdout())
                .hasSize(1);
        assertThat(lines.get(0)).startsWith("fp: ").contains(named);
        String all = stdout() + stderr();
        for (String forbidden :
                List.of("Exception", "\tat ", "org.", "java.", "com.", "io.", "SELECT", "FROM ", "[Source")) {
            assertThat(all).as("output shows no internals").doesNotContain(forbidden);
        }
    }

    private String stdout() {
        return console.stdout();
    }

    private String stderr() {
        return console.stderr();
    }

    /** Every path under {@code root}, with each file's size, so that a new or half-written file shows. */
    private static Set<String> tree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.map(p -> root.relativize(p)
                            + (Files.isRegularFile(p) ? " " + p.toFile().length() : "/"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
