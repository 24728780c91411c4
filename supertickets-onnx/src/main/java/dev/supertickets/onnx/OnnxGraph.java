package dev.supertickets.onnx;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.nn.Activation;
import dev.supertickets.nn.InferenceGraph;
import dev.supertickets.nn.Resize;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An {@link InferenceGraph} that writes ONNX nodes and initializers in NCHW, the layout ONNX's
 * operators define. It tracks each value's channel count, so that a network whose layers do not fit
 * together (a malformed ticket) fails here, naming the layer, rather than in the runtime that loads
 * the file.
 */
final class OnnxGraph implements InferenceGraph {
  private final GraphProto.Builder graph;
  private final Map<String, Long> channels = new HashMap<>();
  private int counter;

  OnnxGraph(GraphProto.Builder graph) {
    this.graph = graph;
  }

  /**
   * Declares {@code name} as a value with {@code c} channels (the graph's input, after the layout
   * change).
   */
  void declare(String name, long c) {
    channels.put(name, c);
  }

  @Override
  public String conv(
      String layer, String x, INDArray kernel, INDArray bias, int stride, int padding, int groups) {
    long cin = channelsOf(x);
    checkArgument(
        kernel.rank() == 4 && kernel.size(0) == kernel.size(1),
        "layer %s has a kernel of shape %s; a square [kH, kW, cIn/groups, cOut] kernel is what can"
            + " be exported",
        layer,
        java.util.Arrays.toString(kernel.shape()));
    checkArgument(
        kernel.size(2) * groups == cin && kernel.size(3) % groups == 0,
        "layer %s takes %s channels in %s groups (kernel %s) but receives %s; the ticket's layers"
            + " do not fit together: load it again or redraw it",
        layer,
        kernel.size(2) * groups,
        groups,
        java.util.Arrays.toString(kernel.shape()),
        cin);
    int k = (int) kernel.size(0);
    String w = initializer(layer + ".weight", kernel.permute(3, 2, 0, 1), layer);
    NodeProto.Builder node = node("Conv", layer, x, w);
    if (bias != null) {
      checkArgument(
          bias.length() == kernel.size(3),
          "layer %s has %s biases for %s outputs",
          layer,
          bias.length(),
          kernel.size(3));
      node.addInput(initializer(layer + ".bias", bias.reshape(bias.length()), layer));
    }
    node.addAttribute(ints("kernel_shape", k, k))
        .addAttribute(ints("strides", stride, stride))
        .addAttribute(ints("pads", padding, padding, padding, padding))
        .addAttribute(integer("group", groups));
    return emit(node, kernel.size(3));
  }

  @Override
  public String batchNorm(
      String layer,
      String x,
      INDArray gamma,
      INDArray beta,
      INDArray mean,
      INDArray var,
      double eps) {
    long c = channelsOf(x);
    checkArgument(
        gamma.length() == c && beta.length() == c && mean.length() == c && var.length() == c,
        "batch norm %s has %s scales, %s shifts and %s/%s statistics but receives %s channels; the"
            + " ticket's layers do not fit together: load it again or redraw it",
        layer,
        gamma.length(),
        beta.length(),
        mean.length(),
        var.length(),
        c);
    NodeProto.Builder node =
        node(
            "BatchNormalization",
            layer,
            x,
            vector(layer + ".scale", gamma, layer),
            vector(layer + ".shift", beta, layer),
            vector(layer + ".mean", mean, layer),
            vector(layer + ".var", var, layer));
    node.addAttribute(
        AttributeProto.newBuilder()
            .setName("epsilon")
            .setType(AttributeProto.AttributeType.FLOAT)
            .setF((float) eps));
    return emit(node, c);
  }

  @Override
  public String activation(String x, Activation.Kind kind) {
    long c = channelsOf(x);
    if (kind == Activation.Kind.RELU) {
      return emit(node("Relu", "relu", x), c);
    }
    return emit(node("Clip", "relu6", x, scalar("zero", 0f), scalar("six", 6f)), c);
  }

  @Override
  public String add(String a, String b) {
    checkArgument(
        channelsOf(a) == channelsOf(b),
        "a sum of %s (%s channels) and %s (%s channels): the ticket's "
            + "layers do not fit together",
        a,
        channelsOf(a),
        b,
        channelsOf(b));
    return emit(node("Add", "add", a, b), channelsOf(a));
  }

  @Override
  public String resize(String x, Resize.Interpolation mode, int outH, int outW) {
    // sizes for all four axes, [N, C] taken from x: Resize's `axes` attribute (opset 18) trips ONNX
    // Runtime's shape inference when the input's shape is static ("number of elements of input
    // 'sizes' (0)")
    String nc =
        emit(
            node("Shape", "batch_channels", x)
                .addAttribute(integer("start", 0))
                .addAttribute(integer("end", 2)),
            0);
    java.nio.ByteBuffer hw =
        java.nio.ByteBuffer.allocate(16)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .putLong(outH)
            .putLong(outW);
    String spatial =
        constant(
            "resize.hw",
            TensorProto.newBuilder()
                .setDataType(TensorProto.DataType.INT64.getNumber())
                .addDims(2)
                .setRawData(org.nd4j.shade.protobuf.ByteString.copyFrom(hw.array())));
    String sizes =
        emit(node("Concat", "resize.sizes", nc, spatial).addAttribute(integer("axis", 0)), 0);
    NodeProto.Builder node = node("Resize", "resize", x, "", "", sizes);
    if (mode == Resize.Interpolation.NEAREST) {
      // Resize's floor(o · in / out)
      node.addAttribute(string("mode", "nearest"))
          .addAttribute(string("nearest_mode", "floor"))
          .addAttribute(string("coordinate_transformation_mode", "asymmetric"));
    } else {
      // align_corners=False: (o + ½) · in / out − ½, clamped to the image
      node.addAttribute(string("mode", "linear"))
          .addAttribute(string("coordinate_transformation_mode", "half_pixel"));
    }
    return emit(node, channelsOf(x));
  }

  @Override
  public String concat(List<String> xs) {
    checkArgument(!xs.isEmpty(), "a concatenation needs at least one input");
    NodeProto.Builder node = node("Concat", "concat", xs.toArray(new String[0]));
    node.addAttribute(integer("axis", 1));
    return emit(node, xs.stream().mapToLong(this::channelsOf).sum());
  }

  @Override
  public String globalAveragePool(String x) {
    long c = channelsOf(x);
    String pooled = emit(node("GlobalAveragePool", "pool", x), c);
    return emit(node("Flatten", "flatten", pooled).addAttribute(integer("axis", 1)), c);
  }

  @Override
  public String linear(String layer, String x, INDArray weight, INDArray bias) {
    checkArgument(
        weight.rank() == 2 && weight.size(0) == channelsOf(x),
        "layer %s has a weight of shape %s but receives %s features; the ticket's layers do not fit"
            + " together",
        layer,
        java.util.Arrays.toString(weight.shape()),
        channelsOf(x));
    return emit(
        node(
            "Gemm",
            layer,
            x,
            initializer(layer + ".weight", weight, layer),
            vector(layer + ".bias", bias, layer)),
        weight.size(1));
  }

  /** A node of {@code op} whose output is named after {@code hint} and made unique. */
  NodeProto.Builder node(String op, String hint, String... inputs) {
    String out = hint + "_" + counter++;
    NodeProto.Builder node =
        NodeProto.newBuilder().setOpType(op).setName(out + "." + op).addOutput(out);
    for (String in : inputs) {
      node.addInput(in);
    }
    return node;
  }

  /** Adds {@code node} and records its output's channel count; returns the output's name. */
  String emit(NodeProto.Builder node, long outChannels) {
    graph.addNode(node);
    String out = node.getOutput(0);
    channels.put(out, outChannels);
    return out;
  }

  /**
   * A float initializer holding {@code values} in their logical (row-major) order; checks they are
   * finite.
   */
  String initializer(String name, INDArray values, String layer) {
    INDArray flat = values.castTo(DataType.FLOAT).dup('c');
    float[] data = flat.data().asFloat();
    for (int i = 0; i < data.length; i++) {
      checkArgument(
          Float.isFinite(data[i]),
          "layer %s holds %s in %s at flat index %s; a ticket with non-finite "
              + "weights or statistics cannot be exported: redraw it or restore a checkpoint",
          layer,
          data[i],
          name,
          i);
    }
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
    for (long d : flat.shape()) {
      t.addDims(d);
    }
    t.setRawData(org.nd4j.shade.protobuf.ByteString.copyFrom(littleEndian(data)));
    graph.addInitializer(t);
    return name;
  }

  private String vector(String name, INDArray values, String layer) {
    return initializer(name, values.reshape(values.length()), layer);
  }

  private String scalar(String hint, float value) {
    return constant(
        hint,
        TensorProto.newBuilder()
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .setRawData(
                org.nd4j.shade.protobuf.ByteString.copyFrom(littleEndian(new float[] {value}))));
  }

  private String constant(String hint, TensorProto.Builder t) {
    String name = hint + "_" + counter++;
    graph.addInitializer(t.setName(name));
    return name;
  }

  private long channelsOf(String value) {
    Long c = channels.get(value);
    checkArgument(c != null, "value %s is used before any layer produced it", value);
    return c;
  }

  private static byte[] littleEndian(float[] data) {
    java.nio.ByteBuffer buf =
        java.nio.ByteBuffer.allocate(4 * data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    return buf.array();
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static AttributeProto integer(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  static AttributeProto string(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(org.nd4j.shade.protobuf.ByteString.copyFromUtf8(value))
        .build();
  }
}
