package dev.supertickets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supertickets.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the whole-run benchmark on a tiny draw; the real one is the README's full draw, by
 * hand.
 */
class FullDrawMainTest {

  @Test
  void aTinyDrawReportsItsFiguresAndMemory(@TempDir Path dir) throws Exception {
    FullDrawMain.Result r =
        FullDrawMain.run(
            List.of(
                "--space",
                "tiny28",
                "--data",
                "embedded",
                "--train-limit",
                "128",
                "--test-limit",
                "64",
                "--epochs",
                "1",
                "--batch-size",
                "64",
                "--sparsity",
                "0.5",
                "-q"),
            dir);
    assertEquals(0, r.exitCode());
    assertTrue(Files.exists(dir.resolve("full-draw.stkt")));
    double accuracy = Double.parseDouble(r.printed().get("accuracy"));
    assertTrue(accuracy >= 0 && accuracy <= 1, r.printed().toString());
    assertTrue(r.memory().workspaceBytes() > 0, "a draw trains in workspaces: " + r.memory());
    assertTrue(
        r.memory().peakRssBytes() > 0 || !Files.exists(Path.of("/proc/self/status")),
        r.memory().toString());
    assertTrue(r.wallSeconds() > 0);
    FullDrawMain.write(r, dir);
    String md = Files.readString(dir.resolve(FullDrawMain.MARKDOWN_FILE));
    assertTrue(
        md.contains("| peak RSS MiB |")
            && md.contains("| accuracy | " + r.printed().get("accuracy")),
        md);
    @SuppressWarnings("unchecked")
    Map<String, Object> json =
        (Map<String, Object>) Json.parse(Files.readString(dir.resolve(FullDrawMain.JSON_FILE)));
    assertEquals(
        r.memory().peakRssBytes(),
        ((Number) ((Map<?, ?>) json.get("memory")).get("peakRssBytes")).longValue());
    assertEquals(r.printed().get("sparsity"), ((Map<?, ?>) json.get("printed")).get("sparsity"));
  }
}
