package dev.supertickets.testing;

import dev.supertickets.tensor.Workspaces;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Formatting and reading of numbers for failure messages, shared by the assertions. */
final class Numbers {
  private Numbers() {}

  /**
   * A double with at most six significant digits and no trailing zeros ({@code 0.873}, {@code
   * 1e-05}).
   */
  static String num(double v) {
    return num(v, 6);
  }

  /**
   * {@code v} with as many significant digits as it takes to tell it from {@code bound}, so that a
   * failure never reads "at least 0.5 but was 0.5".
   */
  static String num(double v, double bound) {
    for (int digits = 6; digits < 17; digits++) {
      String a = num(v, digits);
      if (v == bound || !a.equals(num(bound, digits))) {
        return a;
      }
    }
    return Double.toString(v);
  }

  private static String num(double v, int digits) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    if (v != 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e9)) {
      return String.format(Locale.ROOT, "%." + digits + "g", v).replaceAll("\\.?0+(?=e)", "");
    }
    return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
  }

  /** A count with thousands separators ({@code 9,876}). */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /**
   * The entries of {@code a} in row-major order as doubles (a fresh copy, outside any workspace).
   */
  static double[] values(INDArray a) {
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      // dup first: a view's data() is its whole backing buffer, a fresh copy's is exactly its
      // entries
      return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }
  }
}
