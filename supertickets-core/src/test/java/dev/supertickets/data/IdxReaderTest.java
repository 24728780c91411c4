package dev.supertickets.data;

import static dev.supertickets.data.IdxFiles.concat;
import static dev.supertickets.data.IdxFiles.counting;
import static dev.supertickets.data.IdxFiles.gzip;
import static dev.supertickets.data.IdxFiles.idx;
import static dev.supertickets.data.IdxFiles.truncate;
import static dev.supertickets.data.IdxFiles.ubyte;
import static dev.supertickets.data.IdxFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.io.FileFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  private static final int[] DIMS = {3, 4, 5};
  private static final byte[] BODY = counting(60);

  @Test
  void readsPlainFile() throws IOException {
    Path f = write(dir, "a.idx", ubyte(DIMS, BODY));
    IdxArray a = IdxReader.read(f);
    assertThat(a.dims()).containsExactly(3, 4, 5);
    assertThat(a.data()).isEqualTo(BODY);
    assertThat(a.unsigned(59)).isEqualTo(59);
    assertThat(a.source()).isEqualTo(f);
  }

  @Test
  void readsUnsignedValuesAbove127() throws IOException {
    byte[] body = {(byte) 0, (byte) 128, (byte) 255};
    IdxArray a = IdxReader.read(write(dir, "u.idx", ubyte(new int[] {3}, body)));
    assertThat(new int[] {a.unsigned(0), a.unsigned(1), a.unsigned(2)})
        .containsExactly(0, 128, 255);
  }

  @Test
  void gzipIsDetectedByMagicNotByName() throws IOException {
    IdxArray fromGzNoSuffix = IdxReader.read(write(dir, "plain-name.idx", gzip(ubyte(DIMS, BODY))));
    IdxArray fromPlainGzSuffix = IdxReader.read(write(dir, "looks-gzipped.gz", ubyte(DIMS, BODY)));
    assertThat(fromGzNoSuffix).isEqualTo(fromPlainGzSuffix);
    assertThat(fromGzNoSuffix.data()).isEqualTo(BODY);
  }

  @Test
  void roundTripsThroughWriterPlainAndGzip() throws IOException {
    IdxArray original = IdxArray.of(new int[] {2, 3, 2, 3}, counting(36));
    Path plain = dir.resolve("rt.idx");
    Path gz = dir.resolve("rt.idx.gz");
    IdxWriter.writePlain(plain, original);
    IdxWriter.writeGzip(gz, original);
    assertThat(IdxReader.read(plain)).isEqualTo(original);
    assertThat(IdxReader.read(gz)).isEqualTo(original);
    assertThat(java.nio.file.Files.readAllBytes(plain))
        .isEqualTo(ubyte(new int[] {2, 3, 2, 3}, counting(36)));
  }

  @Test
  void readsFromStream() throws IOException {
    IdxArray a =
        IdxReader.read(new ByteArrayInputStream(gzip(ubyte(DIMS, BODY))), Path.of("res.gz"));
    assertThat(a.dims()).containsExactly(3, 4, 5);
    assertThat(a.source()).isEqualTo(Path.of("res.gz"));
  }

  @Test
  void readsEmptyArrays() throws IOException {
    IdxArray a = IdxReader.read(write(dir, "empty.idx", ubyte(new int[] {0, 28, 28}, new byte[0])));
    assertThat(a.length()).isZero();
    assertThat(a.dim(1)).isEqualTo(28);
  }

  @Test
  void missingFileIsAPlainNoSuchFile() {
    assertThatThrownBy(() -> IdxReader.read(dir.resolve("absent.idx")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void refusesEmptyFile() {
    refused(write(dir, "empty", new byte[0]), "too short for an idx header");
  }

  @Test
  void refusesWrongMagic() {
    byte[] bytes = ubyte(DIMS, BODY);
    bytes[0] = 0x50;
    bytes[1] = 0x4b;
    refused(write(dir, "zip.idx", bytes), "not an idx file", "0x50 0x4b");
  }

  @Test
  void refusesUnsupportedType() {
    refused(
        write(dir, "float.idx", idx(0x0D, new int[] {2}, new byte[8])),
        "unsupported idx element type 0x0d (float32)",
        "only unsigned byte");
    refused(write(dir, "odd.idx", idx(0x42, new int[] {2}, new byte[2])), "unknown type");
  }

  @Test
  void refusesZeroDimensions() {
    refused(write(dir, "scalar.idx", idx(0x08, new int[0], new byte[1])), "0 dimensions");
  }

  @Test
  void refusesTruncatedHeader() {
    refused(write(dir, "head.idx", truncate(ubyte(DIMS, BODY), 9)), "truncated idx header");
  }

  @Test
  void refusesTruncatedData() {
    byte[] cut = truncate(ubyte(DIMS, BODY), 4 + 12 + 59);
    refused(write(dir, "cut.idx", cut), "truncated idx data", "claim 60 bytes, only 59");
    refused(write(dir, "cut.idx.gz", gzip(cut)), "truncated idx data", "decompressed content");
  }

  @Test
  void refusesTruncatedGzipStream() {
    byte[] gz = gzip(ubyte(DIMS, BODY));
    refused(write(dir, "cutgz.gz", truncate(gz, gz.length - 3)), "corrupt or truncated gzip");
    refused(write(dir, "cutgz2.gz", truncate(gz, 12)), "gzip");
  }

  @Test
  void refusesCorruptGzip() {
    byte[] gz = gzip(ubyte(DIMS, BODY));
    gz[gz.length - 6] ^= 0x55; // inside the CRC-32 of the trailer
    refused(write(dir, "crc.gz", gz), "corrupt or truncated gzip");
  }

  @Test
  void refusesTrailingGarbage() {
    byte[] padded = concat(ubyte(DIMS, BODY), new byte[] {1, 2, 3});
    refused(write(dir, "long.idx", padded), "trailing garbage", "3 bytes follow");
    refused(write(dir, "long.idx.gz", gzip(padded)), "trailing garbage");
  }

  @Test
  void refusesDimensionsThatOverflow() {
    refused(
        write(dir, "huge.idx", idx(0x08, new int[] {65536, 65536, 65536}, new byte[4])),
        "claim more than");
    refused(write(dir, "neg.idx", idx(0x08, new int[] {-1}, new byte[4])), "larger than 2^31-1");
  }

  @Test
  void refusesHeadersClaimingMoreThanTheFileHolds() {
    refused(
        write(dir, "lie.idx", idx(0x08, new int[] {1_000_000_000}, new byte[4])),
        "truncated idx data",
        "claim 1000000000 bytes");
    byte[] lieGz = gzip(idx(0x08, new int[] {2_000_000_000}, new byte[4]));
    refused(
        write(dir, "lie.gz", lieGz),
        "more than a " + lieGz.length + "-byte gzip file can expand to");
  }

  private static void refused(Path file, String... fragments) {
    AbstractThrowableAssert<?, ?> t =
        assertThatThrownBy(() -> IdxReader.read(file))
            .isInstanceOf(FileFormatException.class)
            .hasMessageContaining(file.getFileName().toString());
    for (String f : fragments) {
      t.hasMessageContaining(f);
    }
    t.extracting(e -> ((FileFormatException) e).file()).isEqualTo(file);
  }
}
