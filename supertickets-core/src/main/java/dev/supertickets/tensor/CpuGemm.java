package dev.supertickets.tensor;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row-major GEMM on the CPU backend through OpenBLAS's {@code cblas_?gemm}, called directly. ND4J's {@code matmul}
 * custom op took 3 to 5 times as long for our skinny {@code [N*H*W, C]} products (a 1x1 conv 16 to 48 channels at
 * 28x28, batch 128: 24.9 against 5.2 ms), and its BLAS wrapper copies an operand whenever the two differ in ordering,
 * which every transposed product of a backward pass does. Row-major storage lets both transposes be flags.
 */
final class CpuGemm {
  private static final int ROW_MAJOR = 101;
  private static final int NO_TRANS = 111;
  private static final int TRANS = 112;
  private static final boolean CPU = Nd4j.getBackend().getClass().getSimpleName().equals("CpuBackend");

  private CpuGemm() {}

  /** Whether {@link #gemm} can take these arrays: CPU backend, float or double alike, row-major contiguous. */
  static boolean applies(INDArray a, INDArray b, INDArray out) {
    DataType t = a.dataType();
    return CPU && (t == DataType.FLOAT || t == DataType.DOUBLE) && b.dataType() == t && out.dataType() == t
        && rowMajor(a) && rowMajor(b) && rowMajor(out);
  }

  private static boolean rowMajor(INDArray m) {
    // views included: their buffer address already points at their first element
    return m.rank() == 2 && m.length() > 0 && m.size(1) <= Integer.MAX_VALUE && m.size(0) <= Integer.MAX_VALUE
        && m.stride(1) == 1 && (m.stride(0) == m.size(1) || m.size(0) == 1);
  }

  /** {@code out = op(a) · op(b)}; the caller checked {@link #applies}. */
  static void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray out) {
    int m = (int) out.size(0);
    int n = (int) out.size(1);
    int k = (int) (transA ? a.size(0) : a.size(1));
    int lda = (int) a.size(1);
    int ldb = (int) b.size(1);
    int ta = transA ? TRANS : NO_TRANS;
    int tb = transB ? TRANS : NO_TRANS;
    if (a.dataType() == DataType.FLOAT) {
      openblas_nolapack.cblas_sgemm(ROW_MAJOR, ta, tb, m, n, k, 1f, new FloatPointer(address(a)), lda,
          new FloatPointer(address(b)), ldb, 0f, new FloatPointer(address(out)), n);
    } else {
      openblas_nolapack.cblas_dgemm(ROW_MAJOR, ta, tb, m, n, k, 1d, new DoublePointer(address(a)), lda,
          new DoublePointer(address(b)), ldb, 0d, new DoublePointer(address(out)), n);
    }
  }

  private static Pointer address(INDArray m) {
    return m.data().addressPointer();
  }
}
