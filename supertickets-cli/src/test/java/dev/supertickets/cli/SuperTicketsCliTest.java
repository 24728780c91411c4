package dev.supertickets.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.IdxArray;
import dev.supertickets.data.IdxWriter;
import dev.supertickets.io.Json;
import dev.supertickets.report.DrawReport;
import dev.supertickets.report.LayerDensity;
import dev.supertickets.ticket.SuperTicket;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end: one tiny draw (tiny28, 384 embedded images, 2 epochs) with a report,
 * then inspect, evaluate and compare on it, and the exit codes of every kind of failure.
 */
@Tag("slow")
class SuperTicketsCliTest {
  @TempDir static Path shared;
  private static Path ticketFile;
  private static Path reportDir;
  private static CliRun draw;

  @TempDir Path dir;

  @BeforeAll
  static void drawOnce() {
    ticketFile = shared.resolve("t.stkt");
    reportDir = shared.resolve("report");
    draw =
        CliRun.of(
            "draw",
            "--space",
            "tiny28",
            "--data",
            "embedded",
            "--train-limit",
            "384",
            "--test-limit",
            "200",
            "--epochs",
            "2",
            "--batch-size",
            "64",
            "--sparsity",
            "0.6",
            "--seed",
            "3",
            "--prune-schedule",
            "linear:0.5",
            "--recipe",
            "reference",
            "--out",
            ticketFile.toString(),
            "--report",
            reportDir.toString());
  }

  @Test
  void drawSavesTheTicketAndPrintsItsFigures() throws Exception {
    assertThat(draw.code()).as(draw.err()).isZero();
    SuperTicket t = SuperTicket.load(ticketFile);
    assertThat(t.space().name()).isEqualTo("tiny28");
    assertThat(t.sparsity()).isCloseTo(0.6, org.assertj.core.api.Assertions.within(1e-3));
    assertThat(t.provenance().get("cli.command"))
        .startsWith("supertickets draw --space tiny28 --data embedded");
    // the reference recipe with two values changed, each recorded
    assertThat(t.provenance().get("recipe")).isEqualTo("custom");
    assertThat(t.provenance().get("pruneSchedule")).isEqualTo("linear:0.5");
    assertThat(t.provenance().get("batchSize")).isEqualTo("64");
    assertThat(t.provenance().get("labelSmoothing")).isEqualTo("0.1");
    assertThat(t.provenance().get("maskPolicy"))
        .contains("reference ties"); // the reference's global magnitude
    assertThat(draw.value("ticket")).isEqualTo(ticketFile.toAbsolutePath().toString());
    assertThat(Double.parseDouble(draw.value("accuracy"))).isBetween(0.0, 1.0);
    assertThat(Long.parseLong(draw.value("sparse-macs"))).isEqualTo(t.cost().sparseMacs());
    assertThat(draw.value("test"))
        .isEqualTo("fashion-mnist-embedded-test[200 selected] (200 images)");
    // the process's memory, as a whole run reports it (the JVM with ND4J loaded holds hundreds of
    // MiB)
    assertThat(Double.parseDouble(draw.value("peak-rss-mib"))).isGreaterThan(50);
    assertThat(Double.parseDouble(draw.value("workspaces-mib"))).isPositive();
    assertThat(Double.parseDouble(draw.value("off-heap-mib"))).isNotNegative();
    // progress on stderr, results on stdout
    assertThat(draw.err()).contains("epoch 1/2").contains("epoch 2/2").contains("drawing tiny28");
    assertThat(draw.out()).doesNotContain("epoch 1/2");
  }

  @Test
  void drawRetrainsTheTicketWithItsMasksFixedWhenAsked() throws Exception {
    Path file = dir.resolve("r.stkt");
    CliRun r =
        CliRun.of(
            "draw",
            "--space",
            "tiny28",
            "--data",
            "embedded",
            "--train-limit",
            "256",
            "--test-limit",
            "100",
            "--epochs",
            "1",
            "--batch-size",
            "64",
            "--sparsity",
            "0.5",
            "--seed",
            "3",
            "--retrain-epochs",
            "1",
            "-q",
            "--out",
            file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    SuperTicket drawnThenRetrained = SuperTicket.load(file);
    assertThat(drawnThenRetrained.provenance().get("retrained.from")).isEqualTo("supertickets");
    assertThat(drawnThenRetrained.sparsity())
        .isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-3));
    assertThat(Double.parseDouble(r.value("drawn-accuracy"))).isBetween(0.0, 1.0);
    assertThat(r.value("retrain-epochs")).isEqualTo("1");
    // the saved ticket is the retrained one: evaluated on the same 100 images it gives the accuracy
    // printed
    CliRun e =
        CliRun.of(
            "evaluate", file.toString(), "--data", "embedded", "--limit", "100", "--seed", "3");
    assertThat(e.value("accuracy")).isEqualTo(r.value("accuracy"));
    assertThat(draw.out()).doesNotContain("drawn-accuracy");
    assertThat(CliRun.of("draw", "--retrain-epochs", "-1").err())
        .contains("--retrain-epochs must be 0 (none) or " + "positive, got -1");
  }

  @Test
  void drawWritesAReportWhosePlotsDecodeAndArLinked() throws Exception {
    assertThat(draw.code()).as(draw.err()).isZero();
    assertThat(draw.value("report"))
        .isEqualTo(reportDir.resolve(DrawReport.MARKDOWN).toAbsolutePath().toString());
    String md = Files.readString(reportDir.resolve(DrawReport.MARKDOWN));
    for (String png : DrawReport.PLOTS) {
      BufferedImage image = ImageIO.read(reportDir.resolve(png).toFile());
      assertThat(image).as(png).isNotNull();
      assertThat(image.getWidth()).as(png).isPositive();
      assertThat(md).contains("](" + png + ")");
    }
    assertThat(md).contains("| cli.command | supertickets draw --space tiny28");
    @SuppressWarnings("unchecked")
    Map<String, Object> json =
        (Map<String, Object>)
            Json.parse(Files.readString(reportDir.resolve(DrawReport.HISTORY_JSON)));
    assertThat((List<?>) ((Map<?, ?>) json.get("history")).get("epochs")).hasSize(2);
  }

  @Test
  void inspectPrintsArchitectureLayersCostAndProvenance() throws Exception {
    SuperTicket t = SuperTicket.load(ticketFile);
    CliRun r = CliRun.of("inspect", ticketFile.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("space     tiny28 (input 1x28x28")
        .contains(
            String.format(
                Locale.ROOT,
                "MACs      %,d dense, %,d sparse (supernet 802,744)",
                t.cost().macs(),
                t.cost().sparseMacs()))
        .contains("architecture (hidden channels per path: kept/supernet)")
        .contains("layers (masked weights)")
        .contains("provenance")
        .containsPattern("(?m)^  cli\\.command +supertickets draw")
        .containsPattern("(?m)^  seed +3$");
    t.architecture()
        .hidden()
        .keySet()
        .forEach(block -> assertThat(r.out()).containsPattern("(?m)^  " + block + " +\\d+/\\d+"));
    for (LayerDensity l : LayerDensity.of(t)) {
      assertThat(r.out())
          .containsPattern(
              "(?m)^  " + l.shortName().replace(".", "\\.") + " +" + l.shapeText() + " ");
    }
  }

  @Test
  void exportWritesAnOnnxModelWithTheTicketsProvenance() throws Exception {
    Path model = dir.resolve("t.onnx");
    CliRun r =
        CliRun.of("export", ticketFile.toString(), "--format", "onnx", "--out", model.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("wrote ")
        .contains("opset 18, compact form")
        .contains("images NHWC [N, 28, 28, 1]");
    onnx.Onnx.ModelProto proto =
        onnx.Onnx.ModelProto.parseFrom(java.nio.file.Files.readAllBytes(model));
    assertThat(proto.getOpsetImport(0).getVersion()).isEqualTo(18);
    assertThat(proto.getGraph().getInput(0).getName()).isEqualTo("images");
    assertThat(proto.getMetadataPropsList())
        .anyMatch(e -> e.getKey().equals("provenance.seed") && e.getValue().equals("3"));

    CliRun merged =
        CliRun.of(
            "export",
            ticketFile.toString(),
            "--format",
            "onnx",
            "--merged-paths",
            "--out",
            dir.resolve("m.onnx").toString());
    assertThat(merged.code()).as(merged.err()).isZero();
    assertThat(
            onnx.Onnx.ModelProto.parseFrom(java.nio.file.Files.readAllBytes(dir.resolve("m.onnx")))
                .getGraph()
                .getNodeCount())
        .as("merged paths: fewer nodes")
        .isLessThan(proto.getGraph().getNodeCount());

    CliRun tflite =
        CliRun.of("export", ticketFile.toString(), "--format", "tflite", "--out", model.toString());
    assertThat(tflite.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(tflite.err()).contains("--format").contains("onnx");
  }

  @Test
  void evaluateGivesTheAccuracyDrawPrintedOnTheSameSubset() {
    // same seed and purpose as draw's --test-limit, so the same 200 images
    CliRun r =
        CliRun.of(
            "evaluate",
            ticketFile.toString(),
            "--data",
            "embedded",
            "--limit",
            "200",
            "--seed",
            "3");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.value("accuracy")).isEqualTo(draw.value("accuracy"));
    assertThat(r.value("loss")).isEqualTo(draw.value("loss"));
    assertThat(r.value("samples")).isEqualTo("200");
  }

  @Test
  void compareRunsTheBaselinesTable() throws Exception {
    Path out = dir.resolve("baselines");
    CliRun r =
        CliRun.of(
            "compare",
            "--space",
            "tiny28",
            "--data",
            "embedded",
            "--train-limit",
            "256",
            "--test-limit",
            "128",
            "--epochs",
            "1",
            "--batch-size",
            "64",
            "--out",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("| method | test acc |")
        .contains("| SuperTickets (search + prune in one run) |")
        .contains("| search, magnitude prune, retrain 1 ep |");
    assertThat(out.resolve("baselines.md")).exists();
    assertThat(r.err()).contains("== search+synflow");
  }

  @Test
  void transferCarriesTheTicketToSegmentationAndSavesIt() throws Exception {
    assertThat(draw.code()).as(draw.err()).isZero();
    Path moved = dir.resolve("seg.stkt");
    CliRun t =
        CliRun.of(
            "transfer",
            ticketFile.toString(),
            "--data",
            "embedded",
            "--segmentation",
            "--scenes",
            "48",
            "--canvas",
            "28",
            "--epochs",
            "1",
            "--batch-size",
            "16",
            "--train-limit",
            "200",
            "--freeze-backbone",
            "--out",
            moved.toString());
    assertThat(t.code()).as(t.err()).isZero();
    SuperTicket s = SuperTicket.load(moved);
    assertThat(s.provenance().get("source.cli.command")).startsWith("supertickets draw");
    assertThat(s.provenance().get("transfer.freezeBackbone")).isEqualTo("true");
    assertThat(s.space().head().numClasses()).isEqualTo(11);
    assertThat(Double.parseDouble(t.value("mean-iou"))).isBetween(0.0, 1.0);
  }

  @Test
  void aDrawResumedFromItsCheckpointSavesTheSameTicket() throws Exception {
    Path ckpt = dir.resolve("draw.ckpt");
    String[] common = {
      "--space",
      "tiny28",
      "--data",
      "embedded",
      "--train-limit",
      "128",
      "--test-limit",
      "64",
      "--epochs",
      "2",
      "--batch-size",
      "32",
      "--sparsity",
      "0.5",
      "--seed",
      "8",
      "--checkpoint",
      ckpt.toString(),
      "-q"
    };
    CliRun whole =
        CliRun.of(concat(new String[] {"draw", "--out", dir.resolve("a.stkt").toString()}, common));
    assertThat(whole.code()).as(whole.err()).isZero();
    // the checkpoint left after epoch 1 of 2 is where a killed run would resume
    CliRun resumed =
        CliRun.of(
            concat(
                new String[] {"draw", "--resume", "--out", dir.resolve("b.stkt").toString()},
                common));
    assertThat(resumed.code()).as(resumed.err()).isZero();
    SuperTicket a = SuperTicket.load(dir.resolve("a.stkt"));
    SuperTicket b = SuperTicket.load(dir.resolve("b.stkt"));
    assertThat(b.provenance().get("draw.resumedFrom")).isEqualTo("epoch 1, batch 0, step 4");
    for (String k : a.state().values().keySet()) {
      assertThat(b.state().values().get(k).data().asFloat())
          .as(k)
          .containsExactly(a.state().values().get(k).data().asFloat());
    }
    assertThat(CliRun.of("draw", "--resume", "--data", "embedded").code()).isEqualTo(2);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void helpAndVersionExitZero() {
    for (String command : List.of("draw", "evaluate", "compare", "inspect", "export")) {
      CliRun r = CliRun.of(command, "--help");
      assertThat(r.code()).as(command).isZero();
      assertThat(r.out())
          .as(command)
          .contains("Usage: supertickets " + command)
          .contains("Exit codes:")
          .contains("  3   input not found");
    }
    CliRun v = CliRun.of("--version");
    assertThat(v.code()).isZero();
    assertThat(v.out()).startsWith("supertickets 0.1.0");
    assertThat(CliRun.of("draw", "--version").out()).startsWith("supertickets 0.1.0");
  }

  @Test
  void usageErrorsExitTwoWithTheOptionAndWhereHelpIs() {
    CliRun unknown = CliRun.of("draw", "--frobnicate");
    assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err())
        .contains("error: Unknown option: '--frobnicate'")
        .contains("Try 'supertickets draw --help' for the options.");
    assertThat(unknown.out()).isEmpty();

    assertThat(CliRun.of("draw", "--sparsity", "1.5").err())
        .contains("error: --sparsity must be in [0, 1), got 1.5; e.g. --sparsity 0.8");
    assertThat(CliRun.of("draw", "--epochs", "ten").err())
        .contains("Invalid value for option '--epochs': 'ten' is not an int");
    CliRun space = CliRun.of("draw", "--space", "huge99");
    assertThat(space.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(space.err())
        .contains("unknown search space huge99; use one of [tiny28, reference28, default28");
    assertThat(CliRun.of("draw", "--recipe", "fast").err())
        .contains("error: --recipe must be standard or reference, got fast");
    assertThat(CliRun.of("draw", "--prune-schedule", "wobbly").err())
        .contains("--prune-schedule: unknown prune schedule 'wobbly'")
        .contains("e.g. cubic:0.75");
    // the reference recipe prunes once an epoch: 3 events, the target only at the last (the
    // standard's 12 reach it)
    assertThat(
            CliRun.of(
                    "draw",
                    "--data",
                    "embedded",
                    "--epochs",
                    "3",
                    "--recipe",
                    "reference",
                    "--sparsity-step",
                    "0.3")
                .err())
        .contains("a sparsity step of 0.3 reaches the target 0.8 at prune event 3")
        .contains("by event 2");
    assertThat(CliRun.of("draw", "--prune-events", "0").err())
        .contains("--prune-events must be at least 1 (once an epoch), got 0");
    assertThat(
            CliRun.of(
                    "draw",
                    "--data",
                    "embedded",
                    "--epochs",
                    "3",
                    "--prune-events",
                    "1",
                    "--sparsity-step",
                    "0.3")
                .err())
        .contains("a sparsity step of 0.3 reaches the target 0.8 at prune event 3");
    assertThat(CliRun.of("draw", "--macs-budget", "lots").err())
        .contains("MACs budget must be a count such as 400000, 400k or 1.5M, got lots");
    assertThat(CliRun.of("compare", "--space", "tiny28", "--sparsity", "0").err())
        .contains("error: --sparsity must be in (0, 1), got 0.0; e.g. --sparsity 0.9");
    assertThat(CliRun.of("evaluate").err()).contains("Missing required parameter: 'TICKET'");
    CliRun none = CliRun.of();
    assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err())
        .contains(
            "missing command: use draw, evaluate, compare, inspect, transfer, export or sweep");
    assertThat(CliRun.of("drwa").err()).contains("Did you mean: supertickets draw?");
  }

  @Test
  void dataThatDoesNotFitTheSpaceIsAUsageError() {
    CliRun r = CliRun.of("draw", "--space", "cifar32", "--data", "embedded", "--epochs", "1");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err())
        .contains(
            "error: --data fashion-mnist-embedded-train: training data is 28x28x1 but the "
                + "space cifar32 expects 32x32x3");
  }

  @Test
  void aMissingDataDirectoryExitsThreeNamingThePathAndTheFix() {
    Path missing = dir.resolve("no-such-data");
    CliRun r = CliRun.of("draw", "--data", missing.toString(), "--epochs", "1");
    assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.err())
        .contains(
            "error: data directory "
                + missing.toAbsolutePath()
                + " does not exist; pass "
                + "--data with a directory holding train-images-idx3-ubyte[.gz]")
        .contains("--data embedded")
        .contains("apt-get install dataset-fashion-mnist")
        .doesNotContain("\tat ");
  }

  @Test
  void aDirectoryWithoutTestFilesExitsThreeNamingWhatIsMissing() throws Exception {
    Path data = dir.resolve("half");
    Files.createDirectories(data);
    IdxWriter.writeGzip(
        data.resolve("train-images-idx3-ubyte.gz"),
        IdxArray.of(new int[] {2, 28, 28}, new byte[2 * 28 * 28]));
    IdxWriter.writePlain(
        data.resolve("train-labels-idx1-ubyte"), IdxArray.of(new int[] {2}, new byte[] {0, 9}));
    CliRun r = CliRun.of("evaluate", ticketFile.toString(), "--data", data.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.err())
        .contains(
            "data directory "
                + data.toAbsolutePath()
                + " has no test images, test labels "
                + "file (IDX files found: [train-images-idx3-ubyte.gz, train-labels-idx1-ubyte])");
  }

  @Test
  void anyIdxDirectoryLoadsWithItsClassesInferred() throws Exception {
    Path data = dir.resolve("digits");
    Files.createDirectories(data);
    IdxWriter.writeGzip(
        data.resolve("train-images-idx3-ubyte.gz"),
        IdxArray.of(new int[] {3, 28, 28}, new byte[3 * 28 * 28]));
    IdxWriter.writePlain(
        data.resolve("train-labels-idx1-ubyte"), IdxArray.of(new int[] {3}, new byte[] {0, 4, 2}));
    IdxWriter.writePlain(
        data.resolve("test-images.idx3-ubyte"),
        IdxArray.of(new int[] {1, 28, 28}, new byte[28 * 28]));
    IdxWriter.writePlain(
        data.resolve("test-labels.idx1-ubyte"), IdxArray.of(new int[] {1}, new byte[] {1}));
    Files.writeString(data.resolve("README.txt"), "not data");
    IdxDirectory.DataSplits s = IdxDirectory.load(data);
    assertThat(s.train().name()).isEqualTo("digits-train");
    assertThat(s.train().size()).isEqualTo(3);
    assertThat(s.test().size()).isEqualTo(1);
    assertThat(s.train().numClasses()).isEqualTo(5);
    // 5 classes do not fit tiny28's 10-class head: a usage error, before any training
    CliRun r = CliRun.of("evaluate", ticketFile.toString(), "--data", data.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err())
        .contains("evaluation data has 5 classes but the head of space tiny28 predicts 10");
  }

  @Test
  void aMissingTicketExitsThreeAndADamagedOneFour() throws Exception {
    Path missing = dir.resolve("none.stkt");
    CliRun m = CliRun.of("inspect", missing.toString());
    assertThat(m.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(m.err()).contains("error: file not found: " + missing);

    Path damaged = dir.resolve("damaged.stkt");
    byte[] bytes = Files.readAllBytes(ticketFile);
    Files.write(damaged, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    CliRun d = CliRun.of("inspect", damaged.toString());
    assertThat(d.code()).isEqualTo(ExitCodes.BAD_FILE);
    assertThat(d.err()).startsWith("error: " + damaged).doesNotContain("\tat ");
    Path foreign = dir.resolve("foreign.stkt");
    Files.writeString(foreign, "not a ticket");
    assertThat(CliRun.of("evaluate", foreign.toString(), "--data", "embedded").code())
        .isEqualTo(ExitCodes.BAD_FILE);
  }

  @Test
  void mavenArgumentsAreSplitKeepingQuotes() {
    assertThat(Args.split("draw --epochs 2", "")).containsExactly("draw", "--epochs", "2");
    assertThat(Args.split("draw --out 'my runs/t.stkt' --report \"a b\""))
        .containsExactly("draw", "--out", "my runs/t.stkt", "--report", "a b");
    assertThat(Args.split("--data=''")).containsExactly("--data=");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Args.split("draw --out 'x"))
        .hasMessage("unclosed ' quote in arguments draw --out 'x; close it or drop it");
    assertThat(IdxDirectory.role("t10k-labels-idx1-ubyte.gz")).isEqualTo("test-labels");
    assertThat(IdxDirectory.role("notes.txt")).isNull();
  }
}
