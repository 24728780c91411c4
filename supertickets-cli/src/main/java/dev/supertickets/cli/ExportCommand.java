package dev.supertickets.cli;

import dev.supertickets.onnx.OnnxExport;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code supertickets export}: a ticket file as a model other runtimes serve. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    versionProvider = SuperTicketsCli.Version.class,
    description =
        "Writes a ticket's compact network as an ONNX model (opset "
            + OnnxExport.OPSET
            + "): input "
            + "'"
            + OnnxExport.INPUT
            + "', NHWC float images in [0, 1] with a free batch size, normalised inside the "
            + "graph; output '"
            + OnnxExport.OUTPUT
            + "'. Pruned weights are zeros, cut channels are gone, and the ticket's provenance is"
            + " in the model's metadata. ONNX Runtime gives the ticket's own predictions.",
    footer = {
      "%nExamples:",
      "  supertickets export t.stkt --format onnx --out t.onnx",
      "  supertickets export t.stkt --format onnx --merged-paths --out t-serving.onnx"
    })
final class ExportCommand implements Callable<Integer> {
  /** The formats a ticket can be written in. */
  enum Format {
    onnx
  }

  @ParentCommand SuperTicketsCli cli;

  @Mixin TicketArgument ticketFile;

  @Option(
      names = "--format",
      paramLabel = "onnx",
      required = true,
      description = "The model format: ${COMPLETION-CANDIDATES}.")
  Format format;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      required = true,
      description = "Where to write the model (atomically; an existing file is kept as FILE.prev).")
  Path out;

  @Option(
      names = "--merged-paths",
      description =
          "Write each multi-path block's paths merged into one (the serving() form: fewer, wider"
              + " nodes, the same predictions; faster for small batches).")
  boolean merged;

  @Override
  public Integer call() throws Exception {
    Backend.init();
    SuperTicket ticket = ticketFile.load();
    OnnxExport export = OnnxExport.of(ticket).mergedPaths(merged);
    try {
      export.write(out);
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      cli.err().println("error: " + ticketFile.file + " cannot be exported: " + e.getMessage());
      return ExitCodes.BAD_FILE;
    }
    cli.out()
        .printf(
            Locale.ROOT,
            "wrote     %s (%,d bytes, %s, opset %d, %s form)%n",
            out.toAbsolutePath(),
            Files.size(out),
            format,
            OnnxExport.OPSET,
            merged ? "merged-paths" : "compact");
    cli.out()
        .printf(
            Locale.ROOT,
            "input     %s NHWC [N, %d, %d, %d] in [0, 1]; output %s%n",
            OnnxExport.INPUT,
            ticket.space().input().height(),
            ticket.space().input().width(),
            ticket.space().input().channels(),
            OnnxExport.OUTPUT);
    return ExitCodes.OK;
  }
}
