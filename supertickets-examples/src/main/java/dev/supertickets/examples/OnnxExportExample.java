package dev.supertickets.examples;

import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.onnx.OnnxExport;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A ticket served outside this library: draws a small ticket (or loads the ticket file named by the
 * first argument) and writes it as an ONNX model, in both forms, under {@code target/onnx/}. ONNX
 * Runtime, or any ONNX runtime, then serves it with the ticket's own predictions.
 */
public final class OnnxExportExample {
  private OnnxExportExample() {}

  /** Draws or loads a ticket and exports it. */
  public static void main(String[] args) throws IOException {
    Backend.init();
    SuperTicket ticket =
        args.length > 0
            ? SuperTicket.load(Path.of(args[0]))
            : SuperTicketsDrawer.builder(SearchSpaces.tiny28())
                .seed(7)
                .epochs(2)
                .targetSparsity(0.7)
                .build()
                .draw(EmbeddedFashionMnist.train().subset(0, 1000), EmbeddedFashionMnist.test());
    for (Path file : export(ticket, Path.of("target", "onnx"))) {
      System.out.printf("%s: %,d bytes%n", file, Files.size(file));
    }
  }

  /**
   * Writes {@code ticket} as {@code ticket.onnx} (paths as drawn) and {@code ticket-merged.onnx}
   * under {@code dir}.
   */
  static Path[] export(SuperTicket ticket, Path dir) throws IOException {
    Path file = dir.resolve("ticket.onnx");
    Path merged = dir.resolve("ticket-merged.onnx");
    // begin onnx export
    OnnxExport.of(ticket).write(file); // input "images": NHWC floats in [0, 1]
    OnnxExport.of(ticket).mergedPaths(true).write(merged); // one path per block: faster at batch 1
    // end onnx export
    return new Path[] {file, merged};
  }
}
