package dev.supertickets.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.supertickets.onnx.OnnxExport;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One inference pass of an exported ticket in ONNX Runtime for Java, the way a service runs it: one
 * session with {@code threads} intra-op threads (one inter-op thread, sequential execution, every
 * graph optimisation on), one fixed NHWC batch in [0, 1] held as a tensor, and the output read back
 * into a Java array each pass.
 */
final class OrtStep implements TimedStep, AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final OnnxTensor input;
  private final int batchSize;

  OrtStep(
      byte[] model, int batchSize, int height, int width, int channels, int threads, long seed) {
    this.batchSize = batchSize;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(model, options);
      float[] x = new float[batchSize * height * width * channels];
      SplittableRandom rng = new SplittableRandom(seed);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rng.nextDouble();
      }
      input =
          OnnxTensor.createTensor(
              env, FloatBuffer.wrap(x), new long[] {batchSize, height, width, channels});
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime could not load the exported ticket: " + e.getMessage(), e);
    }
  }

  @Override
  public void step() {
    try (OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, input))) {
      ((OnnxTensor) r.get(0)).getFloatBuffer(); // copied out, as a caller reading the logits would
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed on the exported ticket: " + e.getMessage(), e);
    }
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public void close() throws OrtException {
    input.close();
    session.close();
  }
}
