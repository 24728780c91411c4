package dev.supertickets.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Runs an exported model in ONNX Runtime on NHWC images and returns its output as an array. */
final class OrtRunner implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  OrtRunner(byte[] model) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = env.createSession(model, options);
    }
  }

  OrtSession session() {
    return session;
  }

  INDArray run(INDArray images) throws OrtException {
    INDArray x = images.castTo(DataType.FLOAT).dup('c');
    try (OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data().asFloat()), x.shape());
        OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, in))) {
      OnnxTensor out = (OnnxTensor) r.get(OnnxExport.OUTPUT).orElseThrow();
      FloatBuffer b = out.getFloatBuffer();
      float[] v = new float[b.remaining()];
      b.get(v);
      return Nd4j.create(v, out.getInfo().getShape(), 'c');
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
