package dev.supertickets.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Receives a network's {@link Mode#EVAL} computation as a graph of operations, so that an exporter
 * (ONNX, for one) can write it without knowing the modules' insides. Each module describes itself
 * through {@link Module#describe}; values are named by strings, and every method returns the name
 * of its output.
 *
 * <p>Weights come in this engine's layouts, with masks applied ({@link Param#effective()}); the
 * receiver converts them. Activations are images with channels (the receiver chooses the memory
 * layout) until {@link #globalAveragePool} turns them into {@code [N, C]} rows.
 */
public interface InferenceGraph {
  /**
   * A convolution with a kernel {@code [kH, kW, cIn/groups, cOut]}, symmetric zero padding and an
   * optional bias {@code [1, cOut]}; {@code layer} names it in errors and in the written graph.
   */
  String conv(
      String layer, String x, INDArray kernel, INDArray bias, int stride, int padding, int groups);

  /**
   * Inference batch norm: {@code (x − mean) / sqrt(var + eps) · gamma + beta}, each {@code [1, C]}.
   */
  String batchNorm(
      String layer,
      String x,
      INDArray gamma,
      INDArray beta,
      INDArray mean,
      INDArray var,
      double eps);

  /** An element-wise activation. */
  String activation(String x, Activation.Kind kind);

  /** The element-wise sum of two values of one shape. */
  String add(String a, String b);

  /** Resizes images to {@code outH x outW} pixels with {@link Resize}'s coordinate rules. */
  String resize(String x, Resize.Interpolation mode, int outH, int outW);

  /** Concatenates images along the channels. */
  String concat(List<String> xs);

  /** The mean over the pixels: images to {@code [N, C]} rows. */
  String globalAveragePool(String x);

  /** {@code x W + b} on rows, with {@code W [in, out]} and {@code b [1, out]}. */
  String linear(String layer, String x, INDArray weight, INDArray bias);
}
