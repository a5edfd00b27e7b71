package dev.fraudplatform.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The offline checkers the build installs with npm ({@code src/test/node}): {@code @cdktf/hcl2json} (through
 * {@code hcl2json.mjs}), {@code asl-validator} and {@code action-validator}, each run as a process; and where the
 * repository's deployment files are.
 */
final class OfflineTools {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The repository root (this module's parent). */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    static final Path NODE_DIR = ROOT.resolve("deploy-checks/src/test/node");

    private OfflineTools() {}

    /** A process's exit status and what it printed (stdout then stderr). */
    record Run(int exit, String out, String err) {}

    static Run run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            Process p = new ProcessBuilder(command)
                    .directory(NODE_DIR.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Run(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The {@code .tf} files directly in {@code dir}, sorted. */
    static List<Path> terraformFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".tf")).sorted().toList();
        }
    }

    /** Parses {@code files} with hcl2json; fails with what it printed if any does not parse. */
    static Map<String, JsonNode> parse(List<Path> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", "hcl2json.mjs"));
        files.forEach(f -> command.add(f.toString()));
        Run r = run(command);
        if (r.exit() != 0) throw new AssertionError("hcl2json could not parse: " + r.err());
        Map<String, JsonNode> out = new LinkedHashMap<>();
        JSON.readTree(r.out()).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The stack in {@code dir}, named {@code name}. */
    static TerraformStack stack(String name, Path dir) throws IOException, InterruptedException {
        return new TerraformStack(name, parse(terraformFiles(dir)));
    }

    static String bin(String tool) {
        return NODE_DIR.resolve("node_modules/.bin").resolve(tool).toString();
    }
}
