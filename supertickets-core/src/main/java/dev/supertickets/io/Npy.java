package dev.supertickets.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NumPy's {@code .npy} format (version 1.0, little-endian float32 or float64, C order), so that
 * tensors written by SuperTickets-J load in Python with {@code numpy.load}. Reading accepts only
 * what writing produces.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern HEADER =
      Pattern.compile(
          "\\{'descr': '(<f4|<f8)', 'fortran_order': False, 'shape': \\(((?:[0-9]+,"
              + " )*[0-9]+|[0-9]+,|)\\), \\} *\n");

  private Npy() {}

  /** Serialises a float or double array. */
  public static byte[] write(INDArray a) {
    checkNotNull(a, "array must not be null");
    checkArgument(
        a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE,
        "npy export supports float and double arrays, got %s; cast it first",
        a.dataType());
    boolean f4 = a.dataType() == DataType.FLOAT;
    StringBuilder shape = new StringBuilder();
    for (long s : a.shape()) {
      shape.append(s).append(", ");
    }
    if (a.rank() > 1) {
      shape.setLength(shape.length() - 2);
    } else if (a.rank() == 1) {
      shape.setLength(shape.length() - 1);
    }
    String dict =
        "{'descr': '"
            + (f4 ? "<f4" : "<f8")
            + "', 'fortran_order': False, 'shape': ("
            + shape
            + "), }";
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    int width = f4 ? 4 : 8;
    ByteBuffer buf =
        ByteBuffer.allocate(MAGIC.length + 4 + header.length() + (int) a.length() * width)
            .order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    buf.put(header.getBytes(StandardCharsets.US_ASCII));
    INDArray c = a.dup('c');
    if (f4) {
      for (float v : c.data().asFloat()) {
        buf.putFloat(v);
      }
    } else {
      for (double v : c.data().asDouble()) {
        buf.putDouble(v);
      }
    }
    return buf.array();
  }

  /**
   * Parses an array written by {@link #write}; {@code file} and {@code entry} name the source in
   * errors.
   *
   * @throws FileFormatException the only exception for bytes that are not such an array: bad magic,
   *     another {@code .npy} version or dtype, a truncated or malformed header, or a data length
   *     that differs from what the shape needs
   */
  public static INDArray read(byte[] bytes, Path file, String entry) throws FileFormatException {
    checkNotNull(bytes, "npy bytes must not be null");
    checkNotNull(file, "file must not be null; pass the file the bytes came from, for messages");
    checkNotNull(
        entry, "entry must not be null; pass the entry name the bytes came from, for messages");
    if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
      throw new FileFormatException(file, entry + " is not a .npy array (bad magic)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    buf.position(6);
    if (buf.get() != 1) {
      throw new FileFormatException(file, entry + " uses a .npy version other than 1.0");
    }
    buf.get();
    int headerLen = Short.toUnsignedInt(buf.getShort());
    if (10 + headerLen > bytes.length) {
      throw new FileFormatException(file, entry + " is truncated inside its .npy header");
    }
    String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
    Matcher m = HEADER.matcher(header);
    if (!m.matches()) {
      throw new FileFormatException(
          file, entry + " has an unsupported .npy header: " + header.trim());
    }
    boolean f4 = m.group(1).equals("<f4");
    int width = f4 ? 4 : 8;
    long available = bytes.length - 10L - headerLen;
    long[] shape;
    long n = 1;
    try {
      shape =
          Arrays.stream(m.group(2).split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .mapToLong(Long::parseLong)
              .toArray();
      for (long s : shape) {
        n = Math.multiplyExact(n, s);
      }
      Math.multiplyExact(n, width);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new FileFormatException(
          file, entry + " declares a shape too large for any array: " + m.group(2));
    }
    if (n * width != available) {
      throw new FileFormatException(
          file,
          entry
              + " holds "
              + available
              + " data bytes but its shape "
              + Arrays.toString(shape)
              + " needs "
              + n * width);
    }
    if (n == 0) {
      return Nd4j.create(f4 ? DataType.FLOAT : DataType.DOUBLE, shape);
    }
    buf.position(10 + headerLen);
    if (f4) {
      float[] v = new float[(int) n];
      buf.asFloatBuffer().get(v);
      return Nd4j.create(v, shape, 'c');
    }
    double[] v = new double[(int) n];
    buf.asDoubleBuffer().get(v);
    return Nd4j.create(v, shape, 'c');
  }
}
