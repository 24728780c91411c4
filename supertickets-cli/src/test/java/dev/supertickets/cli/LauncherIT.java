package dev.supertickets.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed command, run as a user runs it (after {@code package}: failsafe runs this class):
 * through a link from another directory, with no {@code OMP_NUM_THREADS} in its environment,
 * drawing, saving and inspecting a ticket.
 */
class LauncherIT {
  private static final Path LAUNCHER =
      Path.of("target", "supertickets", "bin", "supertickets").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void theInstalledCommandRunsFromAnyDirectoryThroughALink() throws Exception {
    assertThat(LAUNCHER).isExecutable();
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path link = Files.createSymbolicLink(bin.resolve("supertickets"), LAUNCHER);

    Result version = run(link, "--version");
    assertThat(version.code).as(version.output).isZero();
    assertThat(version.output).contains("supertickets ").contains("ND4J 1.0.0-M2.1");

    Result draw =
        run(
            link,
            "draw",
            "--data",
            "embedded",
            "--space",
            "tiny28",
            "--epochs",
            "1",
            "--train-limit",
            "500",
            "--test-limit",
            "200",
            "--sparsity",
            "0.5",
            "--out",
            "t.stkt");
    assertThat(draw.code).as(draw.output).isZero();
    assertThat(draw.output).contains("sparsity      0.5000");
    SuperTicket ticket = SuperTicket.load(dir.resolve("t.stkt"));
    // the launcher set the thread count the JVM's environment lacked
    assertThat(ticket.provenance().get("backend")).contains("OMP_NUM_THREADS=1");

    Result inspect = run(link, "inspect", "t.stkt");
    assertThat(inspect.code).as(inspect.output).isZero();
    assertThat(inspect.output).contains("space     tiny28").contains("sparsity  0.5000");

    Result bad = run(link, "draw", "--epochs", "0", "--data", "embedded");
    assertThat(bad.code).as(bad.output).isEqualTo(2);

    Result export = run(link, "export", "t.stkt", "--format", "onnx", "--out", "t.onnx");
    assertThat(export.code).as(export.output).isZero();
    assertThat(dir.resolve("t.onnx")).isNotEmptyFile();
  }

  @Test
  void theInstalledCommandRunsASweepOnSpark() throws Exception {
    Files.writeString(
        dir.resolve("grid.json"),
        "{\"methods\": [\"supertickets\", \"gmp\"], \"sparsities\": [0.6], \"seeds\": [1],"
            + " \"epochs\": 1, \"space\": \"tiny28\", \"data\": \"embedded\", \"trainLimit\": 384,"
            + " \"testLimit\": 100}");
    Result sweep = run(LAUNCHER, "sweep", "--grid", "grid.json", "--out", "sweep");
    assertThat(sweep.code).as(sweep.output).isZero();
    assertThat(sweep.output)
        .contains("| supertickets | 0.60 | 1 |")
        .contains("| gmp | 0.60 | 1 |")
        .contains("cells     2 on local[2]");
    assertThat(dir.resolve("sweep").resolve("sweep.md")).exists();

    Result unknown =
        run(
            LAUNCHER,
            "sweep",
            "--grid",
            "grid.json",
            "--out",
            "sweep",
            "--master",
            "local[2]",
            "--local-cluster",
            "0");
    assertThat(unknown.code).as(unknown.output).isEqualTo(2);
  }

  @Test
  void theInstalledCommandDrawsACellDataParallel() throws Exception {
    Files.writeString(
        dir.resolve("grid.json"),
        "{\"methods\": [\"supertickets\"], \"sparsities\": [0.6], \"seeds\": [1],"
            + " \"epochs\": 1, \"space\": \"tiny28\", \"data\": \"embedded\", \"trainLimit\": 384,"
            + " \"testLimit\": 100}");
    Result sweep =
        run(
            LAUNCHER,
            "sweep",
            "--grid",
            "grid.json",
            "--out",
            "dp",
            "--replicas",
            "2",
            "--averaging-interval",
            "4");
    assertThat(sweep.code).as(sweep.output).isZero();
    assertThat(sweep.output).contains("| supertickets | 0.60 | 1 |").contains("cells     1");
    assertThat(
            SuperTicket.load(dir.resolve("dp/tickets/supertickets-0.600-seed1.stkt"))
                .provenance()
                .get("draw.replicas"))
        .isEqualTo("2");

    Files.writeString(
        dir.resolve("gmp.json"),
        "{\"methods\": [\"gmp\"], \"sparsities\": [0.6], \"seeds\": [1], \"epochs\": 1,"
            + " \"space\": \"tiny28\", \"data\": \"embedded\"}");
    Result refused =
        run(LAUNCHER, "sweep", "--grid", "gmp.json", "--out", "dp2", "--replicas", "2");
    assertThat(refused.code).as(refused.output).isEqualTo(2);
    assertThat(refused.output)
        .contains("cell gmp-0.600-seed1: a data-parallel draw runs method supertickets");
  }

  private record Result(int code, String output) {}

  private Result run(Path command, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(command.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().remove("OMP_NUM_THREADS");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("finished").isTrue();
    return new Result(p.exitValue(), out);
  }
}
