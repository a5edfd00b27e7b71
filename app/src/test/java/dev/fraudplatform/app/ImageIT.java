package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The container image this build made (Jib's {@code target/jib-image.tar}, in pre-integration-test on the offline base
 * of {@code deploy/image/build-base.sh}) runs the platform from its own root filesystem: unpacked by {@code skopeo} and
 * {@code umoci} and run by {@code crun} ({@code deploy/image/run-local.sh}) as the image's user, with the image's
 * entrypoint and environment. It prints its version with the commit it was built from, and a small run reconciles and
 * records the image's digest, commit and dirty flag in its facts. Needs root and Debian's skopeo, umoci and crun
 * ({@code .ci/run} installs them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageIT {
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path IMAGE = TARGET.resolve("jib-image.tar");
    private static final Path BUNDLE = TARGET.resolve("image-it-bundle");
    private static final Path RUN_LOCAL =
            TARGET.resolve("../../deploy/image/run-local.sh").normalize();
    private static final int IMAGE_USER = 1000;

    private static String commit;
    private static boolean dirty;

    @BeforeAll
    static void freshBundle() throws Exception {
        assertThat(IMAGE)
                .as("the build makes the image in pre-integration-test unless fp.image.skip (or skipTests) is set")
                .isRegularFile();
        assertThat(git("rev-parse", "HEAD").trim()).matches("[0-9a-f]{40}");
        commit = git("rev-parse", "HEAD").trim();
        dirty = !git("status", "--porcelain").isBlank();
        deleteTree(BUNDLE);
    }

    @Test
    @Order(1)
    void itPrintsItsVersionWithTheCommitItWasBuiltFrom() throws Exception {
        Result r = runImage(Map.of(), "--version");
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output)
                .contains("fp 0.1.0-SNAPSHOT commit " + commit.substring(0, 12))
                .doesNotContain(" image sha256:"); // no digest: only the task that pins it knows it
        if (dirty) assertThat(r.output).contains("(dirty tree)");
        else assertThat(r.output).doesNotContain("(dirty tree)");
    }

    @Test
    @Order(2)
    void aSmallRunFromTheImageReconcilesAndItsFactsNameTheImage() throws Exception {
        String digest = Files.readString(TARGET.resolve("jib-image.digest")).trim();
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        Result r = runImage(Map.of("FP_IMAGE_DIGEST", digest), "demo", "--transactions", "200");
        assertThat(r.exit).as(r.output).isZero(); // fp demo exits 0 only if the run reconciles

        // The platform wrote its home inside the container's root filesystem, as the image's user, not root.
        Path home = BUNDLE.resolve("rootfs/tmp/fp");
        assertThat((Integer) Files.getAttribute(home, "unix:uid")).isEqualTo(IMAGE_USER);
        List<Path> facts;
        try (Stream<Path> files = Files.walk(home)) {
            facts = files.filter(p -> p.getFileName().toString().equals("facts.json"))
                    .filter(p -> p.toString().contains("evidence"))
                    .toList();
        }
        assertThat(facts).as("one run's facts under " + home).hasSize(1);
        JsonNode f = new ObjectMapper().readTree(facts.get(0).toFile());
        String expected = "0.1.0-SNAPSHOT image " + digest + " commit " + commit.substring(0, 12)
                + (dirty ? " (dirty tree)" : "");
        assertThat(f.path("code_version").asText()).isEqualTo(expected);
        assertThat(f.path("world_id").asText()).isNotBlank();
    }

    private record Result(int exit, String output) {}

    /** {@code run-local.sh IMAGE args...}: the image's entrypoint with fp's arguments, in a bundle kept under target. */
    private static Result runImage(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", RUN_LOCAL.toString(), IMAGE.toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(TARGET, "image-it-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("FP_BUNDLE_DIR", BUNDLE.toString());
        pb.environment()
                .put(
                        "FP_RUN_ENV",
                        String.join(
                                " ",
                                env.entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .toList()));
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the image did not finish in 10 minutes: " + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static String git(String... args) throws IOException, InterruptedException {
        List<String> cmd =
                new ArrayList<>(List.of("git", "-C", TARGET.getParent().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git " + String.join(" ", args) + ": " + out).isZero();
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
