package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The content of one IDX file of unsigned bytes: its dimensions and its elements in row-major
 * order. Immutable: the arrays are copied in and out, so that a value read once can be shared
 * freely.
 */
public final class IdxArray {
  /** The IDX type code of unsigned bytes, the only element type this package reads. */
  public static final int UNSIGNED_BYTE = 0x08;

  private static final Path IN_MEMORY = Path.of("<in-memory>");

  private final Path source;
  private final int[] dims;
  private final byte[] data;

  /** Takes ownership of the arrays (no copy): only for the reader, which checked them. */
  IdxArray(Path source, int[] dims, byte[] data) {
    this.source = source;
    this.dims = dims;
    this.data = data;
  }

  /** An array built in memory (for writing files or tests); the arrays are copied. */
  public static IdxArray of(int[] dims, byte[] data) {
    checkNotNull(dims, "idx dimensions must not be null");
    checkNotNull(data, "idx data must not be null; pass an empty array for no elements");
    checkArgument(
        dims.length >= 1 && dims.length <= 255,
        "an idx array must have 1 to 255 dimensions, got %s",
        dims.length);
    long n = 1;
    for (int d : dims) {
      checkArgument(d >= 0, "idx dimensions must not be negative, got %s", Arrays.toString(dims));
      n *= d;
      checkArgument(
          n <= Integer.MAX_VALUE,
          "idx dimensions %s hold more elements than a java array",
          Arrays.toString(dims));
    }
    checkArgument(
        n == data.length,
        "idx dimensions %s need %s bytes of data, got %s; pass matching data",
        Arrays.toString(dims),
        n,
        data.length);
    return new IdxArray(IN_MEMORY, dims.clone(), data.clone());
  }

  /**
   * The file this array was read from (or {@code <in-memory>}), for error messages about its
   * content.
   */
  public Path source() {
    return source;
  }

  /** A copy of the dimensions, outermost (the sample count of a data set file) first. */
  public int[] dims() {
    return dims.clone();
  }

  /** The number of dimensions. */
  public int rank() {
    return dims.length;
  }

  /** One dimension, without copying all of them. */
  public int dim(int axis) {
    checkElementIndex(axis, dims.length, "axis");
    return dims[axis];
  }

  /** The total number of elements. */
  public int length() {
    return data.length;
  }

  /** The element at a row-major index, as the unsigned value 0 to 255 the file stores. */
  public int unsigned(int index) {
    checkElementIndex(index, data.length, "element index");
    return data[index] & 0xff;
  }

  /** A copy of all elements; prefer {@link #unsigned(int)} for a few of them. */
  public byte[] data() {
    return data.clone();
  }

  /** The elements without a copy, for readers in this package that do not modify them. */
  byte[] rawData() {
    return data;
  }

  /**
   * The given samples (indices along the first axis, in that order) as a new array with the same
   * inner shape: how a subset of a data set file is cut without decoding it.
   */
  public IdxArray select(int[] samples) {
    int per = dims[0] == 0 ? 0 : data.length / dims[0];
    byte[] out = new byte[Math.multiplyExact(per, samples.length)];
    for (int i = 0; i < samples.length; i++) {
      checkElementIndex(samples[i], dims[0], "sample index");
      System.arraycopy(data, samples[i] * per, out, i * per, per);
    }
    int[] outDims = dims.clone();
    outDims[0] = samples.length;
    return new IdxArray(source, outDims, out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdxArray other
        && Arrays.equals(dims, other.dims)
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(dims) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "IdxArray" + Arrays.toString(dims) + " from " + source;
  }
}
