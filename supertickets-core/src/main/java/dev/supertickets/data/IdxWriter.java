package dev.supertickets.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes unsigned-byte IDX files, so that subsets (such as the bundled Fashion-MNIST sample) and
 * test fixtures are stored in the same format {@link IdxReader} reads. Output is deterministic:
 * gzip headers carry no time.
 */
public final class IdxWriter {
  private IdxWriter() {}

  /** Writes an uncompressed IDX file, replacing any file there. */
  public static void writePlain(Path file, IdxArray array) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      write(out, array);
    }
  }

  /** Writes a gzip-compressed IDX file at the best compression, replacing any file there. */
  public static void writeGzip(Path file, IdxArray array) throws IOException {
    try (OutputStream out =
        new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) {
          {
            def.setLevel(Deflater.BEST_COMPRESSION);
          }
        }) {
      write(out, array);
    }
  }

  /**
   * Writes the IDX bytes of an array to a stream (not closed), e.g. to wrap it in another encoding.
   */
  public static void write(OutputStream out, IdxArray array) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeShort(0);
    data.writeByte(IdxArray.UNSIGNED_BYTE);
    data.writeByte(array.rank());
    for (int i = 0; i < array.rank(); i++) {
      data.writeInt(array.dim(i));
    }
    data.write(array.rawData());
    data.flush();
  }
}
