package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.io.FileFormatException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format: bytes {@code 00 00 type rank}, {@code rank} big-endian int32
 * sizes, then the elements), plain or gzipped; gzip is recognised by its magic bytes {@code 1f 8b},
 * never by the file name.
 *
 * <p>The reader is strict because a silently short or padded file would train on garbage: a wrong
 * magic, an element type other than unsigned byte, a truncated header or body, bytes after the
 * body, sizes that overflow or claim more data than the file can hold, and corrupt gzip all raise a
 * {@link FileFormatException} naming the file and the problem. Memory is bounded by what the file
 * can really contain: a plain file must hold exactly the bytes its header claims, a gzip file at
 * most what deflate can expand its size to, and nothing beyond the claimed size is ever
 * decompressed.
 *
 * <p>What corruption is caught: a plain IDX file has no checksum, so a flipped byte in its body
 * reads as a different pixel or label, undetected (the data set's label range check catches some
 * label flips); a flip or a cut in its header changes the magic, type, rank or sizes and is
 * refused, because the sizes must then account for exactly the bytes that follow (except in a file
 * with no elements, where any size next to a 0 multiplies to 0). In a gzip file, gzip's CRC-32 and
 * length trailer catch flips and cuts in the compressed data; a flip in the gzip header's time or
 * OS byte changes nothing that is read. Prefer the gzip files for that reason.
 */
public final class IdxReader {
  /**
   * Deflate expands at most about 1032:1; a header claiming more than this than the gzip file's
   * size lies.
   */
  static final long MAX_GZIP_RATIO = 1100;

  /** The largest element count a Java byte array holds on every JVM. */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /**
   * Reads a whole IDX file (plain or gzip).
   *
   * @throws FileFormatException the one exception for content that will not load, naming the file
   *     and what is wrong (see the class comment)
   * @throws IOException when the file cannot be read at all (missing, no permission)
   */
  public static IdxArray read(Path file) throws IOException {
    checkNotNull(file, "idx file must not be null");
    long size = Files.size(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return parse(in, size, file);
    }
  }

  /**
   * Reads an IDX stream (plain or gzip) to its end, e.g. a class-path resource; {@code name} is the
   * path that error messages name. The stream is read into memory first, so pass only streams of a
   * sensible size.
   *
   * @throws FileFormatException the one exception for content that will not load, as {@link
   *     #read(Path)}
   */
  public static IdxArray read(InputStream in, Path name) throws IOException {
    checkNotNull(in, "idx stream must not be null");
    checkNotNull(name, "name must not be null; pass the path that error messages should name");
    byte[] all = in.readAllBytes();
    return parse(new ByteArrayInputStream(all), all.length, name);
  }

  private static IdxArray parse(InputStream in, long size, Path file) throws IOException {
    in.mark(2);
    byte[] head = in.readNBytes(2);
    in.reset();
    boolean gzip = head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    if (!gzip) {
      return parseBody(in, file, size, false);
    }
    try {
      return parseBody(new GZIPInputStream(in, 1 << 16), file, size, true);
    } catch (ZipException | EOFException e) {
      throw new FileFormatException(
          file, "corrupt or truncated gzip data (" + e.getMessage() + ")", e);
    }
  }

  private static IdxArray parseBody(InputStream in, Path file, long size, boolean gzip)
      throws IOException {
    String what = gzip ? "decompressed content" : "file";
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) {
      throw new FileFormatException(
          file,
          String.format(
              Locale.ROOT,
              "%s is too short for an idx header: %d bytes, need at least 4",
              what,
              magic.length));
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new FileFormatException(
          file,
          String.format(
              Locale.ROOT,
              "not an idx file: %s starts with 0x%02x 0x%02x, expected 0x00 0x00 (or gzip's 0x1f"
                  + " 0x8b)",
              what,
              magic[0] & 0xff,
              magic[1] & 0xff));
    }
    int type = magic[2] & 0xff;
    if (type != IdxArray.UNSIGNED_BYTE) {
      throw new FileFormatException(
          file,
          String.format(
              Locale.ROOT,
              "unsupported idx element type 0x%02x (%s); only unsigned byte (0x08) is supported",
              type,
              typeName(type)));
    }
    int rank = magic[3] & 0xff;
    if (rank == 0) {
      throw new FileFormatException(
          file, "idx header declares 0 dimensions; a data set file needs at least 1");
    }
    byte[] sizes = in.readNBytes(4 * rank);
    if (sizes.length < 4 * rank) {
      throw new FileFormatException(
          file,
          String.format(
              Locale.ROOT,
              "truncated idx header: %d dimensions need %d size bytes, only %d follow",
              rank,
              4 * rank,
              sizes.length));
    }
    int[] dims = new int[rank];
    long count = 1;
    for (int i = 0; i < rank; i++) {
      long d =
          ((sizes[4 * i] & 0xffL) << 24)
              | ((sizes[4 * i + 1] & 0xff) << 16)
              | ((sizes[4 * i + 2] & 0xff) << 8)
              | (sizes[4 * i + 3] & 0xff);
      if (d > Integer.MAX_VALUE) {
        throw new FileFormatException(
            file, String.format(Locale.ROOT, "idx dimension %d is %d, larger than 2^31-1", i, d));
      }
      dims[i] = (int) d;
      count = Math.min(count * d, Long.MAX_VALUE / Integer.MAX_VALUE); // saturates, never overflows
    }
    if (count > MAX_ELEMENTS) {
      throw new FileFormatException(
          file,
          String.format(
              Locale.ROOT,
              "idx dimensions %s claim more than %d elements, the most one array can hold",
              Arrays.toString(dims),
              MAX_ELEMENTS));
    }
    long header = 4L + 4L * rank;
    if (!gzip && count != size - header) {
      throw new FileFormatException(
          file,
          count > size - header
              ? String.format(
                  Locale.ROOT,
                  "truncated idx data: dimensions %s claim %d bytes, only %d follow the header",
                  Arrays.toString(dims),
                  count,
                  size - header)
              : String.format(
                  Locale.ROOT,
                  "trailing garbage: %d bytes follow the %d data bytes that dimensions %s claim",
                  size - header - count,
                  count,
                  Arrays.toString(dims)));
    }
    if (gzip && count > MAX_GZIP_RATIO * size) {
      throw new FileFormatException(
          file,
          String.format(
              Locale.ROOT,
              "idx dimensions %s claim %d bytes, more than a %d-byte gzip file can expand to",
              Arrays.toString(dims),
              count,
              size));
    }
    byte[] data = new byte[(int) count];
    int read = in.readNBytes(data, 0, data.length);
    if (read < data.length) {
      throw new FileFormatException(
          file,
          String.format(
              Locale.ROOT,
              "truncated idx data: dimensions %s claim %d bytes, only %d follow the header in the"
                  + " %s",
              Arrays.toString(dims),
              count,
              read,
              what));
    }
    if (in.read() != -1) {
      throw new FileFormatException(
          file,
          String.format(
              Locale.ROOT,
              "trailing garbage: the %s goes on after the %d data bytes that dimensions %s claim",
              what,
              count,
              Arrays.toString(dims)));
    }
    return new IdxArray(file, dims, data);
  }

  private static String typeName(int type) {
    return switch (type) {
      case 0x09 -> "signed byte";
      case 0x0B -> "int16";
      case 0x0C -> "int32";
      case 0x0D -> "float32";
      case 0x0E -> "float64";
      default -> "unknown type";
    };
  }
}
