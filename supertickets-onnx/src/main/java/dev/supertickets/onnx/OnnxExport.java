package dev.supertickets.onnx;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.data.Normalization;
import dev.supertickets.io.AtomicFiles;
import dev.supertickets.space.DenseHead;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A ticket's compact network as an ONNX model that any ONNX runtime serves with the ticket's own
 * predictions.
 *
 * <p>The model takes {@value #INPUT} images in [0, 1] as {@link SuperTicket#predict} does, NHWC
 * {@code [N, H, W, C]} float with a free batch size, applies the ticket's normalisation inside the
 * graph, and returns {@value #OUTPUT}: {@code [N, classes]} for a classification head, {@code [N,
 * H, W, classes]} for a dense head. Cut channels are absent, masks are folded into the weights
 * (pruned weights are zeros), batch norms stay separate nodes (runtimes fold them into the
 * convolutions when they load the model). Opset {@value #OPSET}; the ticket's provenance, its space
 * and sparsity go into the model's metadata.
 *
 * <pre>{@code
 * OnnxExport.of(ticket).write(Path.of("ticket.onnx"));
 * }</pre>
 */
public final class OnnxExport {
  /** The ONNX operator set the models use ({@code Resize} with {@code axes} needs 18). */
  public static final int OPSET = 18;

  /** The IR version that goes with {@link #OPSET}. */
  public static final int IR_VERSION = 8;

  /** The name of the model's input. */
  public static final String INPUT = "images";

  /** The name of the model's output. */
  public static final String OUTPUT = "logits";

  private final SuperTicket ticket;
  private final boolean merged;

  private OnnxExport(SuperTicket ticket, boolean merged) {
    this.ticket = ticket;
    this.merged = merged;
  }

  /**
   * The export of {@code ticket}'s {@link SuperTicket#compact()} network: each block's paths as
   * they are.
   */
  public static OnnxExport of(SuperTicket ticket) {
    checkNotNull(ticket, "ticket must not be null");
    return new OnnxExport(ticket, false);
  }

  /**
   * With {@code true}, the {@link SuperTicket#serving()} network instead: each multi-path block's
   * paths merged into one (fewer, wider nodes, the same function), which serves small batches
   * faster.
   */
  public OnnxExport mergedPaths(boolean merge) {
    return new OnnxExport(ticket, merge);
  }

  /**
   * The model as ONNX protobuf bytes.
   *
   * @throws IllegalArgumentException when the ticket is malformed (layers that do not fit together,
   *     non-finite weights), naming the layer
   * @throws UnsupportedOperationException when the network holds a layer that has no ONNX form,
   *     naming it
   */
  public byte[] toBytes() {
    return model().toByteArray();
  }

  /**
   * Writes the model to {@code file} atomically (a crash never leaves half a model under that
   * name).
   */
  public void write(Path file) throws IOException {
    checkNotNull(file, "output file must not be null");
    AtomicFiles.write(file, toBytes());
  }

  ModelProto model() {
    SearchSpace space = ticket.space();
    Supernet net = merged ? ticket.serving() : ticket.compact();
    var in = space.input();
    GraphProto.Builder g = GraphProto.newBuilder().setName(text(space.name() + " ticket"));
    g.addInput(value(INPUT, "N", in.height(), in.width(), in.channels()));
    OnnxGraph graph = new OnnxGraph(g);
    graph.declare(INPUT, in.channels());
    String x = normalised(graph, ticket.normalization());
    String nchw =
        graph.emit(
            graph.node("Transpose", "nchw", x).addAttribute(OnnxGraph.ints("perm", 0, 3, 1, 2)),
            in.channels());
    String y = net.describe(graph, nchw);
    boolean dense = space.head() instanceof DenseHead;
    if (dense) {
      y =
          graph.emit(
              graph.node("Transpose", "nhwc", y).addAttribute(OnnxGraph.ints("perm", 0, 2, 3, 1)),
              0);
    }
    g.addNode(graph.node("Identity", OUTPUT, y).setOutput(0, OUTPUT));
    int classes = space.head().numClasses();
    g.addOutput(
        dense ? value(OUTPUT, "N", in.height(), in.width(), classes) : value(OUTPUT, "N", classes));

    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("SuperTickets-J")
            .setProducerVersion(Provenance.LIBRARY_VERSION)
            .setGraph(g)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setDocString(
                text(
                    "A SuperTickets-J ticket of space "
                        + space.name()
                        + ": "
                        + INPUT
                        + " NHWC [N, "
                        + in.height()
                        + ", "
                        + in.width()
                        + ", "
                        + in.channels()
                        + "] in [0, 1] -> "
                        + OUTPUT));
    for (Map.Entry<String, String> e : metadata().entrySet()) {
      model.addMetadataProps(
          StringStringEntryProto.newBuilder()
              .setKey(text(e.getKey()))
              .setValue(text(e.getValue())));
    }
    return model.build();
  }

  /**
   * The ticket's provenance under {@code provenance.}, and what a server needs to feed the model.
   */
  private Map<String, String> metadata() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("supertickets.space", ticket.space().name());
    m.put("supertickets.sparsity", String.format(Locale.ROOT, "%.6f", ticket.sparsity()));
    m.put("supertickets.form", merged ? "serving (merged paths)" : "compact");
    m.put("supertickets.input", "NHWC float in [0, 1], normalised inside the graph");
    m.put("supertickets.normalization.mean", Arrays.toString(ticket.normalization().mean()));
    m.put("supertickets.normalization.std", Arrays.toString(ticket.normalization().std()));
    ticket.provenance().entries().forEach((k, v) -> m.put("provenance." + k, v));
    return m;
  }

  /**
   * {@code (x − mean) / std} per channel, on the NHWC input (the channel is the last axis, so [C]
   * broadcasts).
   */
  private static String normalised(OnnxGraph graph, Normalization n) {
    if (n.isIdentity()) {
      return INPUT;
    }
    int c = n.channels();
    String mean =
        graph.initializer(
            "normalization.mean", Nd4j.createFromArray(n.mean()), "input normalisation");
    String std =
        graph.initializer(
            "normalization.std", Nd4j.createFromArray(n.std()), "input normalisation");
    String centred = graph.emit(graph.node("Sub", "centred", INPUT, mean), c);
    return graph.emit(graph.node("Div", "normalised", centred, std), c);
  }

  /**
   * {@code s} as protobuf can store it: names may hold unpaired surrogates (a Java string can),
   * which UTF-8 cannot encode; they become '?' rather than a string that does not read back.
   */
  private static String text(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  private static ValueInfoProto value(String name, String batch, long... dims) {
    checkArgument(dims.length > 0, "a value needs dimensions");
    TensorShapeProto.Builder shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
        .build();
  }
}
